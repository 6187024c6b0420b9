/**
 * Decoders of WPS 2.0.0 response documents for the client: Capabilities (the process summaries), StatusInfo,
 * Result and the OWS exception report, plus {@link decodeResponse} for "whatever came back". Descriptions are in
 * `decode-description.ts`. Shapes mirror the WPS 1.0.0 decoders (`wps1.Wps1Capabilities`, `wps1.Wps1OutputValue`)
 * so one client code path handles both versions.
 */
import type {
  Wps1Capabilities,
  Wps1Exception,
  Wps1OutputValue,
  Wps1ProcessBrief,
} from "../wps1/decode-types.js";
import { attr, element, serializeElement, textOf, type XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import {
  expectRoot,
  kid,
  kids,
  num,
  OWS_URIS,
  optional,
  rootOf,
  text,
  typeName,
  WPS_URIS,
  Wps2DecodeError,
} from "./decode-common.js";
import {
  decodeProcessOfferings,
  describedOf,
  offeringPropertiesOf,
  type Wps2OfferingProperties,
  type Wps2ProcessOffering,
} from "./decode-description.js";

/** A process as the capabilities list it (`wps:ProcessSummary`). */
export interface Wps2ProcessSummary extends Wps1ProcessBrief, Wps2OfferingProperties {}

/** A decoded `wps:Capabilities` document. */
export interface Wps2Capabilities extends Omit<Wps1Capabilities, "processes" | "jobsUrl"> {
  readonly processes: readonly Wps2ProcessSummary[];
}

/** Where a job stands, as a StatusInfo says. */
export interface Wps2StatusInfo {
  readonly jobId: string;
  /** `wps:Status` as written (the type is an open union; basic set in 14-065r2 §6.7). */
  readonly status: string;
  /** The status as one of Roost's job states, `unknown` for an extension's own. */
  readonly kind: "accepted" | "running" | "succeeded" | "failed" | "dismissed" | "unknown";
  readonly expirationDate?: string;
  readonly estimatedCompletion?: string;
  readonly nextPoll?: string;
  /** 0–100 when given. */
  readonly percentCompleted?: number;
}

/** One output of a Result. */
export interface Wps2ResultOutput {
  readonly identifier: string;
  readonly value: Wps1OutputValue;
}

/** A decoded `wps:Result`. */
export interface Wps2Result {
  readonly jobId?: string;
  readonly expirationDate?: string;
  readonly outputs: readonly Wps2ResultOutput[];
}

/** Any decoded WPS 2.0.0 response document. */
export type Wps2Response =
  | { readonly kind: "capabilities"; readonly capabilities: Wps2Capabilities }
  | { readonly kind: "offerings"; readonly processes: readonly Wps2ProcessOffering[] }
  | { readonly kind: "status"; readonly status: Wps2StatusInfo }
  | { readonly kind: "result"; readonly result: Wps2Result }
  | { readonly kind: "exception"; readonly exceptions: readonly Wps1Exception[] };

const wps = (el: XmlElement | undefined, local: string) => kid(el, WPS_URIS, local);
const ows = (el: XmlElement | undefined, local: string) => kid(el, OWS_URIS, local);

function exceptionsOf(report: XmlElement): Wps1Exception[] {
  return kids(report, OWS_URIS, "Exception").map((e) => ({
    code: attr(e, "exceptionCode") ?? "NoApplicableCode",
    ...optional("locator", attr(e, "locator")),
    text: kids(e, OWS_URIS, "ExceptionText")
      .map((t) => textOf(t).trim())
      .filter((t) => t !== "")
      .join("\n"),
  }));
}

/** Decode an `ows:ExceptionReport` (OWS 2.0 or 1.1). */
export function decodeExceptionReport(doc: string | XmlElement): Wps1Exception[] {
  const el = rootOf(doc);
  if (el.local !== "ExceptionReport" || !OWS_URIS.has(el.uri))
    throw new Wps2DecodeError(`expected an ows:ExceptionReport, got '${el.local.slice(0, 40)}'`);
  return exceptionsOf(el);
}

/** Decode a WPS 2.0.0 `wps:Capabilities` document. */
export function decodeCapabilities(doc: string | XmlElement): Wps2Capabilities {
  const el = rootOf(doc);
  expectRoot(el, "Capabilities");
  const si = ows(el, "ServiceIdentification");
  const processes: Wps2ProcessSummary[] = kids(wps(el, "Contents"), WPS_URIS, "ProcessSummary").map((p) => {
    const d = describedOf(p, "a wps:ProcessSummary");
    return {
      identifier: d.identifier,
      title: d.title,
      ...optional("abstract", d.abstract),
      ...offeringPropertiesOf(p),
    };
  });
  const languages: string[] = [];
  for (const l of kids(ows(el, "Languages"), OWS_URIS, "Language")) {
    const v = textOf(l).trim();
    if (v !== "" && !languages.includes(v)) languages.push(v);
  }
  const operations: Record<string, { get?: string; post?: string }> = {};
  for (const op of kids(ows(el, "OperationsMetadata"), OWS_URIS, "Operation")) {
    const name = attr(op, "name");
    if (name === undefined || name === "" || Object.hasOwn(operations, name)) continue;
    const http = ows(ows(op, "DCP"), "HTTP");
    const get = ows(http, "Get");
    const post = ows(http, "Post");
    operations[name] = {
      ...optional("get", get ? attr(get, "href", NS.xlink) : undefined),
      ...optional("post", post ? attr(post, "href", NS.xlink) : undefined),
    };
  }
  return {
    version: attr(el, "version") ?? "2.0.0",
    title: text(ows(si, "Title")) ?? "",
    ...optional("abstract", text(ows(si, "Abstract"))),
    processes,
    languages,
    operations,
  };
}

const KINDS: Readonly<Record<string, Wps2StatusInfo["kind"]>> = {
  accepted: "accepted",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  dismissed: "dismissed",
};

/** Decode a `wps:StatusInfo` document. */
export function decodeStatusInfo(doc: string | XmlElement): Wps2StatusInfo {
  const el = rootOf(doc);
  expectRoot(el, "StatusInfo");
  const jobId = text(wps(el, "JobID")) ?? "";
  const status = text(wps(el, "Status")) ?? "";
  if (jobId === "" || status === "") throw new Wps2DecodeError("the StatusInfo lacks its JobID or Status");
  const pct = num(text(wps(el, "PercentCompleted")));
  return {
    jobId,
    status,
    kind: Object.hasOwn(KINDS, status.toLowerCase()) ? KINDS[status.toLowerCase()]! : "unknown",
    ...optional("expirationDate", text(wps(el, "ExpirationDate"))),
    ...optional("estimatedCompletion", text(wps(el, "EstimatedCompletion"))),
    ...optional("nextPoll", text(wps(el, "NextPoll"))),
    ...(pct !== undefined ? { percentCompleted: Math.max(0, Math.min(100, pct)) } : {}),
  };
}

function corner(el: XmlElement | undefined): number[] {
  const t = el ? textOf(el).trim() : "";
  return t === "" ? [] : t.split(/[\s,]+/).map(Number);
}

function dataOf(data: XmlElement, id: string): Wps1OutputValue {
  const fmt = {
    ...optional("mimeType", attr(data, "mimeType")),
    ...optional("encoding", attr(data, "encoding")),
    ...optional("schema", attr(data, "schema")),
  };
  const els = data.children.filter((c): c is XmlElement => typeof c !== "string");
  const lit = element(data, NS.wps, "LiteralValue");
  if (lit) {
    const dt = attr(lit, "dataType");
    return {
      kind: "literal",
      value: textOf(lit),
      ...optional("dataType", dt !== undefined ? typeName(dt) : undefined),
      ...optional("uom", attr(lit, "uom")),
    };
  }
  const bb =
    els.length === 1 && els[0]!.local === "BoundingBox" && OWS_URIS.has(els[0]!.uri) ? els[0] : undefined;
  if (bb) {
    const lowerCorner = corner(ows(bb, "LowerCorner"));
    const upperCorner = corner(ows(bb, "UpperCorner"));
    if (
      lowerCorner.length === 0 ||
      lowerCorner.length !== upperCorner.length ||
      [...lowerCorner, ...upperCorner].some((n) => !Number.isFinite(n))
    )
      throw new Wps2DecodeError(`output '${id}' has a bounding box with missing or non-numeric corners`);
    return {
      kind: "bbox",
      ...optional("crs", attr(bb, "crs")),
      dimensions: lowerCorner.length,
      lowerCorner,
      upperCorner,
    };
  }
  const xml = els.length > 0;
  return { kind: "complex", data: xml ? els.map(serializeElement).join("") : textOf(data), xml, ...fmt };
}

function resultOutputOf(o: XmlElement): Wps2ResultOutput {
  const identifier = attr(o, "id")?.trim() ?? "";
  if (identifier === "") throw new Wps2DecodeError("a wps:Output of the Result has no id");
  if (wps(o, "Output"))
    throw new Wps2DecodeError(`output '${identifier}' has nested outputs, which are not supported`);
  const ref = wps(o, "Reference");
  if (ref) {
    const href = attr(ref, "href", NS.xlink) ?? attr(ref, "href");
    if (href === undefined || href === "")
      throw new Wps2DecodeError(`output '${identifier}' has a Reference without href`);
    return {
      identifier,
      value: {
        kind: "reference",
        href,
        ...optional("mimeType", attr(ref, "mimeType")),
        ...optional("encoding", attr(ref, "encoding")),
        ...optional("schema", attr(ref, "schema")),
      },
    };
  }
  const data = wps(o, "Data");
  if (!data) throw new Wps2DecodeError(`output '${identifier}' has neither wps:Data nor wps:Reference`);
  return { identifier, value: dataOf(data, identifier) };
}

/** Decode a `wps:Result` document. */
export function decodeResult(doc: string | XmlElement): Wps2Result {
  const el = rootOf(doc);
  expectRoot(el, "Result");
  return {
    ...optional("jobId", text(wps(el, "JobID"))),
    ...optional("expirationDate", text(wps(el, "ExpirationDate"))),
    outputs: kids(el, WPS_URIS, "Output").map(resultOutputOf),
  };
}

/** Decode any WPS 2.0.0 response by its root element. */
export function decodeResponse(doc: string | XmlElement): Wps2Response {
  const el = rootOf(doc);
  if (el.local === "ExceptionReport") return { kind: "exception", exceptions: decodeExceptionReport(el) };
  if (el.uri !== NS.wps) throw new Wps2DecodeError(`'${el.local.slice(0, 40)}' is not a WPS 2.0.0 response`);
  switch (el.local) {
    case "Capabilities":
      return { kind: "capabilities", capabilities: decodeCapabilities(el) };
    case "ProcessOfferings":
      return { kind: "offerings", processes: decodeProcessOfferings(el) };
    case "StatusInfo":
      return { kind: "status", status: decodeStatusInfo(el) };
    case "Result":
      return { kind: "result", result: decodeResult(el) };
    default:
      throw new Wps2DecodeError(`'${el.local.slice(0, 40)}' is not a WPS 2.0.0 response`);
  }
}
