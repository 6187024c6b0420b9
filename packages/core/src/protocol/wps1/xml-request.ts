/**
 * WPS 1.0.0 XML (HTTP POST) decoding. Elements are matched by namespace URI, never by prefix.
 */
import { RoostError } from "../../errors/catalogue.js";
import type { RawInput, RawValue } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import { attr, element, elements, serializeElement, textOf, type XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import { executeRequest, parseBoolean, type Wps1Request } from "./kvp.js";

const XLINK = NS.xlink;

function identifier(el: XmlElement, where: string): string {
  const id = element(el, NS.ows, "Identifier");
  const t = id ? textOf(id).trim() : "";
  if (t === "")
    throw new RoostError("MissingParameter", `${where} needs an ows:Identifier`, { locator: "Identifier" });
  return t;
}

function optionalAttr(el: XmlElement, name: string): Record<string, string> {
  const v = attr(el, name);
  return v !== undefined && v !== "" ? { [name]: v } : {};
}

/** Content of ComplexData or Body: serialised child elements if any, else the text (CDATA included). */
function mixedContent(el: XmlElement): string {
  const kids = elements(el);
  if (kids.length > 0) return kids.map(serializeElement).join("");
  return textOf(el);
}

function numbers(el: XmlElement | undefined, what: string, id: string): number[] {
  const t = el ? textOf(el).trim() : "";
  if (t === "")
    throw new RoostError("InvalidParameter", `Input '${id}': bounding box needs ${what}`, { locator: id });
  const nums = t.split(/\s+/).map(Number);
  if (nums.some((n) => !Number.isFinite(n))) {
    throw new RoostError("InvalidParameter", `Input '${id}': ${what} has a coordinate that is not a number`, {
      locator: id,
    });
  }
  return nums;
}

function inputValue(input: XmlElement, id: string): RawValue {
  const ref = element(input, NS.wps, "Reference");
  if (ref) {
    const href = attr(ref, "href", XLINK) ?? attr(ref, "href");
    if (href === undefined || href === "")
      throw new RoostError("MissingParameter", `Input '${id}': wps:Reference needs xlink:href`, {
        locator: id,
      });
    const method = (attr(ref, "method") ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "POST")
      throw new RoostError("InvalidParameter", `Input '${id}': method must be GET or POST`, { locator: id });
    const headers = elements(ref, NS.wps, "Header").map(
      (h) => [attr(h, "key") ?? "", attr(h, "value") ?? ""] as const,
    );
    const body = element(ref, NS.wps, "Body");
    const bodyRef = element(ref, NS.wps, "BodyReference");
    const bodyRefHref = bodyRef ? (attr(bodyRef, "href", XLINK) ?? "") : undefined;
    return {
      kind: "reference",
      href,
      method: method as "GET" | "POST",
      ...optionalAttr(ref, "mimeType"),
      ...optionalAttr(ref, "encoding"),
      ...optionalAttr(ref, "schema"),
      ...(headers.length > 0 ? { headers } : {}),
      ...(body ? { body: mixedContent(body) } : {}),
      ...(bodyRefHref !== undefined ? { bodyReference: bodyRefHref } : {}),
    };
  }
  const data = element(input, NS.wps, "Data");
  if (!data)
    throw new RoostError("MissingParameter", `Input '${id}' needs wps:Data or wps:Reference`, {
      locator: id,
    });
  const lit = element(data, NS.wps, "LiteralData");
  if (lit) {
    return {
      kind: "literal",
      value: textOf(lit),
      ...optionalAttr(lit, "uom"),
      ...optionalAttr(lit, "dataType"),
    };
  }
  const cx = element(data, NS.wps, "ComplexData");
  if (cx) {
    return {
      kind: "complex",
      data: mixedContent(cx),
      ...optionalAttr(cx, "mimeType"),
      ...optionalAttr(cx, "encoding"),
      ...optionalAttr(cx, "schema"),
    };
  }
  const bb = element(data, NS.wps, "BoundingBoxData");
  if (bb) {
    const lower = numbers(element(bb, NS.ows, "LowerCorner"), "a LowerCorner", id);
    const upper = numbers(element(bb, NS.ows, "UpperCorner"), "an UpperCorner", id);
    const dims = attr(bb, "dimensions");
    return {
      kind: "bbox",
      lowerCorner: lower,
      upperCorner: upper,
      ...optionalAttr(bb, "crs"),
      ...(dims !== undefined && /^\d+$/.test(dims) ? { dimensions: Number(dims) } : {}),
    };
  }
  throw new RoostError(
    "InvalidParameter",
    `Input '${id}': wps:Data must contain LiteralData, ComplexData or BoundingBoxData`,
    { locator: id },
  );
}

function outputDefinition(o: XmlElement, raw: boolean): OutputRequest {
  const id = identifier(o, "wps:Output");
  const asRef = attr(o, "asReference");
  return {
    id,
    ...(asRef !== undefined && !raw ? { asReference: parseBoolean("asReference", asRef, false) } : {}),
    ...optionalAttr(o, "mimeType"),
    ...optionalAttr(o, "encoding"),
    ...optionalAttr(o, "schema"),
    ...optionalAttr(o, "uom"),
  };
}

/** The operation an XML root element asks for, or an error. */
export function xmlOperation(root: XmlElement): "GetCapabilities" | "DescribeProcess" | "Execute" {
  if (
    root.uri === NS.wps &&
    (root.local === "GetCapabilities" || root.local === "DescribeProcess" || root.local === "Execute")
  ) {
    return root.local;
  }
  throw new RoostError(
    "InvalidParameter",
    `Unsupported request element '${root.local}' (namespace '${root.uri}')`,
    { locator: "request" },
  );
}

/** Decode a WPS 1.0.0 XML request; the caller has checked `service` and resolved the version. */
export function decodeXml(root: XmlElement): Wps1Request {
  const op = xmlOperation(root);
  const language = attr(root, "language") || undefined;
  const lang = language !== undefined ? { language } : {};
  if (op === "GetCapabilities") {
    // wpsGetCapabilities_request.xsd declares AcceptVersions in the WPS namespace (what the ETS sends); the OWS
    // Common spelling is accepted too.
    const av = element(root, NS.wps, "AcceptVersions") ?? element(root, NS.ows, "AcceptVersions");
    const versions = av ? elements(av, NS.ows, "Version").map((v) => textOf(v).trim()) : undefined;
    return { operation: op, ...(versions !== undefined ? { acceptVersions: versions } : {}), ...lang };
  }
  if (op === "DescribeProcess") {
    const ids = elements(root, NS.ows, "Identifier")
      .map((e) => textOf(e).trim())
      .filter((t) => t !== "");
    if (ids.length === 0)
      throw new RoostError("MissingParameter", "DescribeProcess needs at least one ows:Identifier", {
        locator: "Identifier",
      });
    return { operation: op, identifiers: ids, ...lang };
  }
  const processId = identifier(root, "Execute");
  const inputs: RawInput[] = [];
  const di = element(root, NS.wps, "DataInputs");
  for (const input of di ? elements(di, NS.wps, "Input") : []) {
    const id = identifier(input, "wps:Input");
    inputs.push({ id, value: inputValue(input, id) });
  }
  const form = element(root, NS.wps, "ResponseForm");
  const doc = form ? element(form, NS.wps, "ResponseDocument") : undefined;
  const rawOut = form ? element(form, NS.wps, "RawDataOutput") : undefined;
  if (doc && rawOut) {
    throw new RoostError("InvalidParameter", "ResponseDocument and RawDataOutput are mutually exclusive", {
      locator: "ResponseForm",
    });
  }
  if (rawOut) {
    return {
      operation: op,
      execute: executeRequest(
        processId,
        inputs,
        "raw",
        [outputDefinition(rawOut, true)],
        false,
        false,
        false,
        language,
      ),
    };
  }
  const outputs = doc ? elements(doc, NS.wps, "Output").map((o) => outputDefinition(o, false)) : [];
  return {
    operation: op,
    execute: executeRequest(
      processId,
      inputs,
      "document",
      outputs,
      doc ? parseBoolean("storeExecuteResponse", attr(doc, "storeExecuteResponse"), false) : false,
      doc ? parseBoolean("status", attr(doc, "status"), false) : false,
      doc ? parseBoolean("lineage", attr(doc, "lineage"), false) : false,
      language,
    ),
  };
}
