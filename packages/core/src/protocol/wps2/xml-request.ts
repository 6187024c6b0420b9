/**
 * WPS 2.0.0 XML (HTTP POST) decoding, OGC 14-065r2 §10.1. Elements are matched by namespace URI, never by prefix
 * (OWSLib writes `ns0:`); everything goes through the hardened parser (no DOCTYPE, depth and element limits).
 *
 * Input values (`wps:Data`, 14-065r2 §8.1 and §8.2) become the core's raw values without knowing the process:
 * - `wps:LiteralValue` (the text/xml literal encoding) → a literal with its `dataType` and `uom`;
 * - `ows:BoundingBox` → a bounding box (crs, dimensions, corners);
 * - any other element content → complex data (the serialised XML), with the Data's mimeType/encoding/schema;
 * - plain text → a literal when it carries no encoding or schema and its mimeType is absent or text/plain (the
 *   text/plain literal encoding, whose `@datatype=`/`@uom=` suffixes are split off), complex data otherwise.
 *   Input validation turns either kind into the input's own (a literal's text becomes complex data and vice
 *   versa; bounding boxes are read from `minx,miny,maxx,maxy[,crs]` text).
 * References carry no method in WPS 2.0: a `wps:Body` or `wps:BodyReference` makes them POST, else GET.
 * Nested inputs and outputs (which Roost's processes never have) are refused with InvalidParameterValue.
 */
import { RoostError } from "../../errors/catalogue.js";
import type { RawInput, RawValue } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import {
  attr,
  element,
  elements,
  parseXml,
  serializeElement,
  textOf,
  type XmlElement,
  type XmlLimits,
  XmlSyntaxError,
} from "../xml/parse.js";
import { NS, WPS1_NAMESPACE, WPS2_OPERATIONS } from "./constants.js";
import {
  checkAcceptVersions,
  checkService,
  checkVersion,
  describeIdentifiers,
  jobIdOf,
  type Wps2ExecuteRequest,
  type Wps2Request,
} from "./request.js";
import { xmlAcceptVersions } from "./version.js";

const OWS_URIS = new Set([NS.ows, "http://www.opengis.net/ows/1.1"]);

function bad(message: string, locator: string): RoostError {
  return new RoostError("InvalidParameter", message, { locator });
}

function formatAttrs(el: XmlElement): { mimeType?: string; encoding?: string; schema?: string } {
  const out: { mimeType?: string; encoding?: string; schema?: string } = {};
  for (const k of ["mimeType", "encoding", "schema"] as const) {
    const v = attr(el, k);
    if (v !== undefined && v.trim() !== "") out[k] = v.trim();
  }
  return out;
}

/** Serialised child elements when there are any, else the text (CDATA included). */
function mixedContent(el: XmlElement): string {
  const kids = elements(el);
  return kids.length > 0 ? kids.map(serializeElement).join("") : textOf(el);
}

function corner(el: XmlElement | undefined, what: string, id: string): number[] {
  const t = el ? textOf(el).trim() : "";
  if (t === "") throw bad(`Input '${id}': the bounding box needs ${what}`, id);
  const nums = t.split(/\s+/).map(Number);
  if (nums.some((n) => !Number.isFinite(n)))
    throw bad(`Input '${id}': ${what} has a coordinate that is not a number`, id);
  return nums;
}

function bbox(bb: XmlElement, id: string): RawValue {
  const owsKid = (local: string) => elements(bb).find((e) => e.local === local && OWS_URIS.has(e.uri));
  const dims = attr(bb, "dimensions");
  const crs = attr(bb, "crs");
  return {
    kind: "bbox",
    lowerCorner: corner(owsKid("LowerCorner"), "a LowerCorner", id),
    upperCorner: corner(owsKid("UpperCorner"), "an UpperCorner", id),
    ...(crs !== undefined && crs.trim() !== "" ? { crs: crs.trim() } : {}),
    ...(dims !== undefined && /^\s*\d+\s*$/.test(dims) ? { dimensions: Number(dims) } : {}),
  };
}

// The text/plain literal encoding (14-065r2 §8.2): value *1("@datatype=" URI) *1("@uom=" URI).
const PLAIN_LITERAL = /^([^@]*)((?:@(?:datatype|uom)=[^@]*)+)$/i;

function plainText(text: string, fmt: ReturnType<typeof formatAttrs>): RawValue {
  const plain =
    fmt.encoding === undefined &&
    fmt.schema === undefined &&
    (fmt.mimeType === undefined || fmt.mimeType.toLowerCase().startsWith("text/plain"));
  if (!plain) return { kind: "complex", data: text, ...fmt };
  const m = PLAIN_LITERAL.exec(text.trim());
  if (!m) return { kind: "literal", value: text };
  const out: { value: string; dataType?: string; uom?: string } = { value: m[1]! };
  for (const part of m[2]!.split("@").slice(1)) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (value === "") continue;
    if (key === "datatype") out.dataType = value;
    else out.uom = value;
  }
  return { kind: "literal", ...out };
}

function dataValue(data: XmlElement, id: string): RawValue {
  const fmt = formatAttrs(data);
  const kids = elements(data);
  if (kids.length === 0) return plainText(textOf(data), fmt);
  const first = kids[0]!;
  if (first.uri === NS.wps && first.local === "LiteralValue") {
    if (kids.length > 1) throw bad(`Input '${id}': wps:Data holds more than one wps:LiteralValue`, id);
    const uom = attr(first, "uom");
    const dataType = attr(first, "dataType");
    return {
      kind: "literal",
      value: textOf(first),
      ...(uom !== undefined && uom.trim() !== "" ? { uom: uom.trim() } : {}),
      ...(dataType !== undefined && dataType.trim() !== "" ? { dataType: dataType.trim() } : {}),
    };
  }
  if (first.local === "BoundingBox" && OWS_URIS.has(first.uri)) {
    if (kids.length > 1) throw bad(`Input '${id}': wps:Data holds more than one ows:BoundingBox`, id);
    return bbox(first, id);
  }
  return { kind: "complex", data: kids.map(serializeElement).join(""), ...fmt };
}

function referenceValue(ref: XmlElement, id: string): RawValue {
  const href = attr(ref, "href", NS.xlink) ?? attr(ref, "href");
  if (href === undefined || href.trim() === "")
    throw new RoostError("MissingParameter", `Input '${id}': wps:Reference needs xlink:href`, {
      locator: id,
    });
  const body = element(ref, NS.wps, "Body");
  const bodyRef = element(ref, NS.wps, "BodyReference");
  if (body && bodyRef) throw bad(`Input '${id}': wps:Body and wps:BodyReference are exclusive`, id);
  const bodyRefHref = bodyRef ? (attr(bodyRef, "href", NS.xlink) ?? attr(bodyRef, "href") ?? "") : undefined;
  if (bodyRefHref !== undefined && bodyRefHref.trim() === "")
    throw new RoostError("MissingParameter", `Input '${id}': wps:BodyReference needs xlink:href`, {
      locator: id,
    });
  return {
    kind: "reference",
    href: href.trim(),
    method: body || bodyRef ? "POST" : "GET",
    ...formatAttrs(ref),
    ...(body ? { body: mixedContent(body) } : {}),
    ...(bodyRefHref !== undefined ? { bodyReference: bodyRefHref.trim() } : {}),
  };
}

function idOf(el: XmlElement, what: string): string {
  const id = attr(el, "id")?.trim() ?? "";
  if (id === "") throw new RoostError("MissingParameter", `Every ${what} needs an id`, { locator: "id" });
  return id;
}

function input(el: XmlElement): RawInput {
  const id = idOf(el, "wps:Input");
  const kids = elements(el, NS.wps);
  if (kids.some((k) => k.local === "Input"))
    throw bad(`Input '${id}' has nested inputs, which no process of this server accepts`, id);
  const values = kids.filter((k) => k.local === "Data" || k.local === "Reference");
  if (values.length === 0)
    throw new RoostError("MissingParameter", `Input '${id}' needs wps:Data or wps:Reference`, {
      locator: id,
    });
  if (values.length > 1) throw bad(`Input '${id}' must hold one wps:Data or one wps:Reference`, id);
  const v = values[0]!;
  return { id, value: v.local === "Data" ? dataValue(v, id) : referenceValue(v, id) };
}

function output(el: XmlElement): OutputRequest {
  const id = idOf(el, "wps:Output");
  if (element(el, NS.wps, "Output"))
    throw bad(`Output '${id}' has nested outputs, which no process of this server produces`, id);
  const t = attr(el, "transmission")?.trim();
  if (t !== undefined && t !== "value" && t !== "reference")
    throw bad(`Output '${id}': transmission must be value or reference`, id);
  return { id, ...(t !== undefined ? { asReference: t === "reference" } : {}), ...formatAttrs(el) };
}

function enumAttr<T extends string>(root: XmlElement, name: string, values: readonly T[]): T {
  const v = attr(root, name)?.trim();
  if (v === undefined || v === "")
    throw new RoostError("MissingParameter", `wps:Execute needs a ${name} attribute (${values.join("|")})`, {
      locator: name,
    });
  const hit = values.find((x) => x === v.toLowerCase());
  if (hit === undefined) throw bad(`The ${name} must be one of ${values.join(", ")}`, name);
  return hit;
}

function execute(root: XmlElement): Wps2ExecuteRequest {
  const ident = element(root, NS.ows, "Identifier");
  const processId = ident ? textOf(ident).trim() : "";
  if (processId === "")
    throw new RoostError("MissingParameter", "wps:Execute needs an ows:Identifier", {
      locator: "Identifier",
    });
  const mode = enumAttr(root, "mode", ["sync", "async", "auto"] as const);
  const response = enumAttr(root, "response", ["document", "raw"] as const);
  const inputs = elements(root, NS.wps, "Input").map(input);
  const outputs = elements(root, NS.wps, "Output").map(output);
  // `/req/service/model/execute/request/raw-for-single-output`. No Output at all is allowed: the process's only
  // output is meant (the execution service checks that there is exactly one).
  if (response === "raw" && outputs.length > 1)
    throw new RoostError(
      "TooManyOutputs",
      "response=raw returns a single output; request exactly one wps:Output",
      { locator: "response" },
    );
  const language = attr(root, "lang", NS.xml)?.trim();
  return {
    processId,
    inputs,
    mode,
    response,
    outputs,
    ...(language !== undefined && language !== "" ? { language } : {}),
  };
}

function getCapabilities(root: XmlElement): Wps2Request {
  checkService(attr(root, "service"));
  const versions = xmlAcceptVersions(root);
  checkAcceptVersions(versions ?? []);
  const al = elements(root).find((e) => e.local === "AcceptLanguages" && OWS_URIS.has(e.uri));
  const langs = al
    ? elements(al)
        .filter((e) => e.local === "Language" && OWS_URIS.has(e.uri))
        .map((e) => textOf(e).trim())
        .filter((l) => l !== "")
    : [attr(root, "language")?.trim() ?? ""].filter((l) => l !== "");
  return {
    operation: "GetCapabilities",
    ...(versions !== undefined && versions.length > 0 ? { acceptVersions: versions } : {}),
    ...(langs.length > 0 ? { acceptLanguages: langs } : {}),
  };
}

/**
 * Decode a parsed WPS 2.0.0 request document. A GetCapabilities root is read in either namespace (a 1.0.0 document
 * can negotiate 2.0.0 through AcceptVersions); every other root must be in the WPS 2.0 namespace with
 * `service="WPS"` and `version="2.0.0"`.
 */
export function decodeXml(root: XmlElement): Wps2Request {
  if (root.local === "GetCapabilities" && (root.uri === NS.wps || root.uri === WPS1_NAMESPACE))
    return getCapabilities(root);
  if (root.uri !== NS.wps)
    throw bad(`'${root.local.slice(0, 40)}' is not a WPS 2.0.0 request element`, "request");
  const op = WPS2_OPERATIONS.find((o) => o === root.local);
  if (op === undefined || op === "GetCapabilities")
    throw new RoostError("OperationNotSupported", `Operation '${root.local.slice(0, 40)}' is not supported`, {
      locator: root.local.slice(0, 40),
    });
  checkService(attr(root, "service"));
  checkVersion(attr(root, "version"));
  switch (op) {
    case "DescribeProcess": {
      const ids = elements(root, NS.ows, "Identifier").map((e) => textOf(e));
      const language = attr(root, "lang", NS.xml)?.trim();
      return {
        operation: op,
        ...describeIdentifiers(ids, "Identifier"),
        ...(language !== undefined && language !== "" ? { language } : {}),
      };
    }
    case "Execute":
      return { operation: op, execute: execute(root) };
    default: {
      const job = element(root, NS.wps, "JobID");
      return { operation: op, jobId: jobIdOf(job ? textOf(job) : undefined) };
    }
  }
}

/**
 * Parse and decode a POST body. A document the hardened parser refuses (DOCTYPE, too deep, too many elements, not
 * well-formed) is MalformedRequest with the parser's content-free message.
 */
export function decodeXmlRequest(body: string, limits?: XmlLimits): Wps2Request {
  if (body.trim() === "")
    throw new RoostError("MissingParameter", "The POST body must be a WPS XML request", {
      locator: "request",
    });
  let root: XmlElement;
  try {
    root = parseXml(body, limits);
  } catch (e) {
    if (e instanceof XmlSyntaxError)
      throw new RoostError("MalformedRequest", `The request body is not acceptable XML: ${e.message}`);
    throw e;
  }
  return decodeXml(root);
}
