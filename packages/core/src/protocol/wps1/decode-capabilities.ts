/**
 * Decoder of WPS 1.0.0 `wps:Capabilities` documents (GetCapabilities responses, client side): service title and
 * abstract, the process offerings, the languages, the advertised operations with their endpoints, and Roost's job
 * resource from `ows:ExtendedCapabilities`. Lenient as the other decoders are (see `decode-common.ts`).
 */
import { attr, element, textOf, type XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import {
  described,
  expectRoot,
  kids,
  looseAttr,
  OWS_URIS,
  optional,
  ows,
  root,
  text,
  WPS_URIS,
  wps,
} from "./decode-common.js";
import type { Wps1Capabilities, Wps1ProcessBrief } from "./decode-types.js";

/** Decode a `wps:Capabilities` document. */
export function decodeCapabilities(doc: string | XmlElement): Wps1Capabilities {
  const el = root(doc);
  expectRoot(el, "Capabilities");
  const si = ows(el, "ServiceIdentification");
  const offerings = wps(el, "ProcessOfferings");
  const processes: Wps1ProcessBrief[] = [];
  for (const p of offerings ? kids(offerings, WPS_URIS, "Process") : []) {
    const d = described(p, "a wps:Process");
    processes.push({
      identifier: d.identifier,
      title: d.title,
      ...optional("abstract", d.abstract),
      ...optional("version", looseAttr(p, "processVersion", NS.wps)),
    });
  }
  const languages: string[] = [];
  const langs = wps(el, "Languages");
  for (const group of ["Default", "Supported"]) {
    const g = wps(langs, group);
    for (const l of g ? kids(g, OWS_URIS, "Language") : []) {
      const v = textOf(l).trim();
      if (v !== "" && !languages.includes(v)) languages.push(v);
    }
  }
  const operations: Record<string, { get?: string; post?: string }> = {};
  const om = ows(el, "OperationsMetadata");
  for (const op of om ? kids(om, OWS_URIS, "Operation") : []) {
    const name = attr(op, "name");
    if (name === undefined || name === "") continue;
    const http = ows(ows(op, "DCP"), "HTTP");
    const get = ows(http, "Get");
    const post = ows(http, "Post");
    operations[name] = {
      ...optional("get", get ? attr(get, "href", NS.xlink) : undefined),
      ...optional("post", post ? attr(post, "href", NS.xlink) : undefined),
    };
  }
  const ext = ows(om, "ExtendedCapabilities");
  const jobs = ext ? element(ext, NS.roost, "Jobs") : undefined;
  return {
    ...optional("jobsUrl", jobs ? attr(jobs, "href", NS.xlink) : undefined),
    version: attr(el, "version") ?? "1.0.0",
    title: text(ows(si, "Title")) ?? "",
    ...optional("abstract", text(ows(si, "Abstract"))),
    processes,
    languages,
    operations,
  };
}
