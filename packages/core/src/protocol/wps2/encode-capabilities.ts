/**
 * The WPS 2.0.0 `wps:Capabilities` document (wpsGetCapabilities.xsd on OWS 2.0 CapabilitiesBaseType):
 * ServiceIdentification, ServiceProvider, OperationsMetadata (every operation, GET and POST except Execute, which
 * has no KVP binding), Languages, then `wps:Contents` with one ProcessSummary per process.
 */
import { type ProcessDefinition, translated } from "../../process/define.js";
import type { ServiceInfo } from "../service-info.js";
import { XmlWriter } from "../xml/write.js";
import { isLanguageTag, SCHEMA, WPS2_OPERATIONS, WPS2_VERSION } from "./constants.js";
import { described, keywords, type OfferingOptions, offeringAttrs, ROOT_NS } from "./encode-common.js";

function serviceIdentification(w: XmlWriter, svc: ServiceInfo): void {
  w.open("ows:ServiceIdentification");
  w.leaf("ows:Title", undefined, svc.title);
  if (svc.abstract !== undefined) w.leaf("ows:Abstract", undefined, svc.abstract);
  keywords(w, svc.keywords);
  w.leaf("ows:ServiceType", undefined, "WPS");
  w.leaf("ows:ServiceTypeVersion", undefined, WPS2_VERSION);
  w.leaf("ows:Fees", undefined, svc.fees);
  w.leaf("ows:AccessConstraints", undefined, svc.accessConstraints);
  w.close("ows:ServiceIdentification");
}

function serviceProvider(w: XmlWriter, svc: ServiceInfo): void {
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
}

function operationsMetadata(w: XmlWriter, endpoint: string, dismiss: boolean): void {
  w.open("ows:OperationsMetadata");
  for (const op of WPS2_OPERATIONS) {
    if (op === "Dismiss" && !dismiss) continue;
    w.open("ows:Operation", [["name", op]])
      .open("ows:DCP")
      .open("ows:HTTP");
    if (op !== "Execute") w.leaf("ows:Get", [["xlink:href", `${endpoint}?`]]);
    w.leaf("ows:Post", [["xlink:href", endpoint]]);
    w.close("ows:HTTP").close("ows:DCP").close("ows:Operation");
  }
  w.close("ows:OperationsMetadata");
}

/**
 * `GetCapabilities` response. `endpoint` is the absolute URL of the WPS endpoint; `language` is the negotiated
 * response language (process titles and abstracts are translated into it where the process has translations).
 */
export function encodeCapabilities(
  svc: ServiceInfo,
  endpoint: string,
  processes: readonly ProcessDefinition[],
  language: string,
  options: OfferingOptions = {},
): string {
  const w = new XmlWriter();
  w.open("wps:Capabilities", [
    ...ROOT_NS,
    ["service", "WPS"],
    ["version", WPS2_VERSION],
    ["xsi:schemaLocation", SCHEMA.wps],
  ]);
  serviceIdentification(w, svc);
  serviceProvider(w, svc);
  operationsMetadata(w, endpoint, options.dismiss !== false);
  // ows:Language is an xs:language: a configured tag that is not one cannot be listed in a valid document.
  const langs = svc.languages.filter(isLanguageTag);
  if (langs.length > 0) {
    w.open("ows:Languages");
    for (const l of langs) w.leaf("ows:Language", undefined, l);
    w.close("ows:Languages");
  }
  w.open("wps:Contents");
  for (const p of processes) {
    w.open("wps:ProcessSummary", offeringAttrs(p, options));
    described(w, p.identifier, translated(p, language), p.metadata);
    w.close("wps:ProcessSummary");
  }
  w.close("wps:Contents");
  w.close("wps:Capabilities");
  return w.toString();
}
