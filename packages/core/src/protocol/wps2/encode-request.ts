/**
 * WPS 2.0.0 request encoders for clients (XML POST, the one binding every WPS 2.0 operation has): Execute,
 * GetCapabilities, DescribeProcess, GetStatus, GetResult and Dismiss. The server's decoders read what these write
 * (round-trip tests in `packages/core/test/wps2-*.test.ts`).
 */
import type { RawInput, RawValue } from "../../io/raw-input.js";
import { cdata, XmlWriter } from "../xml/write.js";
import { isLanguageTag, NS, WPS2_VERSION } from "./constants.js";
import { boundingBox } from "./encode-common.js";
import type { Wps2ExecuteRequest } from "./request.js";

function textAttr(m: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const [k, v] of m) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

/** A KVP-style token (`value@mimeType=…@xlink:href=…`) as the equivalent XML value. */
function fromText(v: Extract<RawValue, { kind: "text" }>): RawValue {
  const a = v.attributes;
  const href = textAttr(a, "xlink:href") ?? textAttr(a, "href");
  const fmt = {
    ...(textAttr(a, "mimeType") !== undefined ? { mimeType: textAttr(a, "mimeType")! } : {}),
    ...(textAttr(a, "encoding") !== undefined ? { encoding: textAttr(a, "encoding")! } : {}),
    ...(textAttr(a, "schema") !== undefined ? { schema: textAttr(a, "schema")! } : {}),
  };
  if (href !== undefined) return { kind: "reference", href, ...fmt };
  if (Object.keys(fmt).length > 0) return { kind: "complex", data: v.value, ...fmt };
  const uom = textAttr(a, "uom");
  const dataType = textAttr(a, "dataType");
  return {
    kind: "literal",
    value: v.value,
    ...(uom !== undefined ? { uom } : {}),
    ...(dataType !== undefined ? { dataType } : {}),
  };
}

function input(w: XmlWriter, i: RawInput): void {
  w.open("wps:Input", [["id", i.id]]);
  const v = i.value.kind === "text" ? fromText(i.value) : i.value;
  switch (v.kind) {
    case "reference":
      if (v.headers !== undefined && v.headers.length > 0)
        throw new TypeError(`Input '${i.id}': WPS 2.0.0 references cannot carry HTTP headers`);
      w.open("wps:Reference", [
        ["xlink:href", v.href],
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      // No method attribute in WPS 2.0: a body (even an empty one) is what makes the reference a POST.
      if (v.bodyReference !== undefined) w.leaf("wps:BodyReference", [["xlink:href", v.bodyReference]]);
      else if (v.body !== undefined || v.method === "POST")
        w.open("wps:Body")
          .raw(cdata(v.body ?? ""))
          .close("wps:Body");
      w.close("wps:Reference");
      break;
    case "literal":
      w.open("wps:Data", [["mimeType", "text/xml"]]);
      w.leaf(
        "wps:LiteralValue",
        [
          ["dataType", v.dataType],
          ["uom", v.uom],
        ],
        v.value,
      );
      w.close("wps:Data");
      break;
    case "complex":
      w.open("wps:Data", [
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      // Embedded XML stays XML; anything else goes in CDATA, which needs no escaping of `<` and `&`.
      w.raw(v.xml === true ? v.data : cdata(v.data));
      w.close("wps:Data");
      break;
    case "bbox":
      w.open("wps:Data", [["mimeType", "text/xml"]]);
      boundingBox(w, v);
      w.close("wps:Data");
      break;
  }
  w.close("wps:Input");
}

/**
 * A `wps:Execute` request. Output requests map `asReference` to `transmission` (absent when undefined); a unit of
 * measure cannot be requested in WPS 2.0 (OutputDefinitionType has no uom) and is not written.
 */
export function encodeExecuteRequest(r: Omit<Wps2ExecuteRequest, "language">): string {
  const w = new XmlWriter();
  w.open("wps:Execute", [
    ["xmlns:wps", NS.wps],
    ["xmlns:ows", NS.ows],
    ["xmlns:xlink", NS.xlink],
    ["service", "WPS"],
    ["version", WPS2_VERSION],
    ["mode", r.mode],
    ["response", r.response],
  ]);
  w.leaf("ows:Identifier", undefined, r.processId);
  for (const i of r.inputs) input(w, i);
  for (const o of r.outputs) {
    w.leaf("wps:Output", [
      ["id", o.id],
      ["mimeType", o.mimeType],
      ["encoding", o.encoding],
      ["schema", o.schema],
      ["transmission", o.asReference === undefined ? undefined : o.asReference ? "reference" : "value"],
    ]);
  }
  w.close("wps:Execute");
  return w.toString();
}

/** A `wps:GetCapabilities` request (OWS 2.0 AcceptVersions and AcceptLanguages, both optional). */
export function encodeGetCapabilitiesRequest(
  o: { readonly acceptVersions?: readonly string[]; readonly acceptLanguages?: readonly string[] } = {},
): string {
  const w = new XmlWriter();
  w.open("wps:GetCapabilities", [
    ["xmlns:wps", NS.wps],
    ["xmlns:ows", NS.ows],
    ["service", "WPS"],
  ]);
  if (o.acceptVersions && o.acceptVersions.length > 0) {
    w.open("ows:AcceptVersions");
    for (const v of o.acceptVersions) w.leaf("ows:Version", undefined, v);
    w.close("ows:AcceptVersions");
  }
  if (o.acceptLanguages && o.acceptLanguages.length > 0) {
    w.open("ows:AcceptLanguages");
    for (const l of o.acceptLanguages) w.leaf("ows:Language", undefined, l);
    w.close("ows:AcceptLanguages");
  }
  w.close("wps:GetCapabilities");
  return w.toString();
}

/** A `wps:DescribeProcess` request for `identifiers` (`["ALL"]` for every process), optionally in `language`. */
export function encodeDescribeProcessRequest(identifiers: readonly string[], language?: string): string {
  const w = new XmlWriter();
  w.open("wps:DescribeProcess", [
    ["xmlns:wps", NS.wps],
    ["xmlns:ows", NS.ows],
    ["service", "WPS"],
    ["version", WPS2_VERSION],
    ["xml:lang", language !== undefined && isLanguageTag(language) ? language : undefined],
  ]);
  for (const id of identifiers) w.leaf("ows:Identifier", undefined, id);
  w.close("wps:DescribeProcess");
  return w.toString();
}

function jobRequest(op: "GetStatus" | "GetResult" | "Dismiss", jobId: string): string {
  const w = new XmlWriter();
  w.open(`wps:${op}`, [
    ["xmlns:wps", NS.wps],
    ["service", "WPS"],
    ["version", WPS2_VERSION],
  ]);
  w.leaf("wps:JobID", undefined, jobId);
  w.close(`wps:${op}`);
  return w.toString();
}

/** A `wps:GetStatus` request. */
export function encodeGetStatus(jobId: string): string {
  return jobRequest("GetStatus", jobId);
}

/** A `wps:GetResult` request. */
export function encodeGetResult(jobId: string): string {
  return jobRequest("GetResult", jobId);
}

/** A `wps:Dismiss` request (Dismiss extension, 14-065r2 §12). */
export function encodeDismiss(jobId: string): string {
  return jobRequest("Dismiss", jobId);
}
