/**
 * WPS 1.0.0 `GetCapabilities` response encoder (server side): service identification and provider, the operations
 * with their endpoints (plus Roost's job resource in `ows:ExtendedCapabilities`), the process offerings and the
 * languages. Element order follows the XSDs in `shared/schemas` (not PyWPS): no keywords inside `wps:Process`.
 */
import { type ProcessDefinition, translated } from "../../process/define.js";
import type { ServiceInfo } from "../service-info.js";
import { XmlWriter } from "../xml/write.js";
import { NS, SCHEMA, WPS1_VERSION } from "./constants.js";
import { described, ROOT_NS } from "./encode-common.js";

/** `GetCapabilities` response. `endpoint` is the absolute URL of the WPS endpoint. */
export function encodeCapabilities(
  svc: ServiceInfo,
  endpoint: string,
  processes: readonly ProcessDefinition[],
  language: string,
  extensions: { readonly jobsUrl?: string } = {},
): string {
  const w = new XmlWriter();
  w.open("wps:Capabilities", [
    ...ROOT_NS,
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["xml:lang", language],
    ["xsi:schemaLocation", SCHEMA.capabilities],
  ]);
  w.open("ows:ServiceIdentification");
  w.leaf("ows:Title", undefined, svc.title);
  if (svc.abstract !== undefined) w.leaf("ows:Abstract", undefined, svc.abstract);
  if (svc.keywords.length > 0) {
    w.open("ows:Keywords");
    for (const k of svc.keywords) w.leaf("ows:Keyword", undefined, k.trim());
    w.close("ows:Keywords");
  }
  w.leaf("ows:ServiceType", undefined, "WPS");
  w.leaf("ows:ServiceTypeVersion", undefined, WPS1_VERSION);
  w.leaf("ows:Fees", undefined, svc.fees);
  w.leaf("ows:AccessConstraints", undefined, svc.accessConstraints);
  w.close("ows:ServiceIdentification");

  const p = svc.provider;
  w.open("ows:ServiceProvider");
  w.leaf("ows:ProviderName", undefined, p.name);
  if (p.site !== undefined) w.leaf("ows:ProviderSite", [["xlink:href", p.site]]);
  w.open("ows:ServiceContact");
  if (p.individualName !== undefined) w.leaf("ows:IndividualName", undefined, p.individualName);
  if (p.positionName !== undefined) w.leaf("ows:PositionName", undefined, p.positionName);
  if (p.email !== undefined || p.phone !== undefined) {
    w.open("ows:ContactInfo");
    if (p.phone !== undefined) w.open("ows:Phone").leaf("ows:Voice", undefined, p.phone).close("ows:Phone");
    if (p.email !== undefined)
      w.open("ows:Address").leaf("ows:ElectronicMailAddress", undefined, p.email).close("ows:Address");
    w.close("ows:ContactInfo");
  }
  w.close("ows:ServiceContact");
  w.close("ows:ServiceProvider");

  w.open("ows:OperationsMetadata");
  for (const op of ["GetCapabilities", "DescribeProcess", "Execute"]) {
    w.open("ows:Operation", [["name", op]])
      .open("ows:DCP")
      .open("ows:HTTP");
    w.leaf("ows:Get", [["xlink:href", `${endpoint}?`]]);
    w.leaf("ows:Post", [["xlink:href", endpoint]]);
    w.close("ows:HTTP").close("ows:DCP").close("ows:Operation");
  }
  if (extensions.jobsUrl !== undefined) {
    // WPS 1.0.0 has no way to dismiss a job; Roost offers `DELETE <jobs>/<id>` and says so where OWS allows vendor
    // extensions (ExtendedCapabilities is anyType: other clients skip it, the XSD accepts it).
    w.open("ows:ExtendedCapabilities");
    w.leaf("roost:Jobs", [
      ["xmlns:roost", NS.roost],
      ["xlink:href", extensions.jobsUrl],
    ]);
    w.close("ows:ExtendedCapabilities");
  }
  w.close("ows:OperationsMetadata");

  w.open("wps:ProcessOfferings");
  for (const proc of processes) {
    w.open("wps:Process", [["wps:processVersion", proc.version]]);
    described(w, proc.identifier, translated(proc, language), proc.metadata);
    w.close("wps:Process");
  }
  w.close("wps:ProcessOfferings");

  w.open("wps:Languages");
  w.open("wps:Default")
    .leaf("ows:Language", undefined, svc.languages[0] ?? "en-US")
    .close("wps:Default");
  w.open("wps:Supported");
  for (const l of svc.languages) w.leaf("ows:Language", undefined, l);
  w.close("wps:Supported");
  w.close("wps:Languages");
  w.close("wps:Capabilities");
  return w.toString();
}
