/**
 * Decoder of WPS 1.0.0 `wps:ExecuteResponse` documents (client side): the synchronous response, the immediate
 * asynchronous acknowledgement and the stored status document — status, outputs and the lineage echo of inputs and
 * output definitions. Lenient as the other decoders are (see `decode-common.ts`), and in particular:
 *
 * - PyWPS's `percentCompleted` on `ProcessAccepted` is read as meant (ignored);
 * - output references carry `href` (the 1.0.0 schema) or `xlink:href` (what some servers write);
 * - PyWPS's `crs="None"` means "none".
 */

import type { RawInput, RawValue } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import { attr, serializeElement, textOf, type XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import {
  anyNs,
  bool,
  described,
  exceptionsOf,
  expectRoot,
  kids,
  looseAttr,
  num,
  optional,
  ows,
  root,
  text,
  WPS_URIS,
  wps,
} from "./decode-common.js";
import {
  Wps1DecodeError,
  type Wps1ExecuteResponse,
  type Wps1OutputValue,
  type Wps1ResultOutput,
  type Wps1Status,
} from "./decode-types.js";

function percentOf(el: XmlElement): number | undefined {
  const n = num(attr(el, "percentCompleted"));
  return n === undefined ? undefined : Math.max(0, Math.min(100, n));
}

function statusOf(st: XmlElement): Wps1Status {
  for (const c of st.children) {
    if (typeof c === "string" || !WPS_URIS.has(c.uri)) continue;
    const message = textOf(c).trim();
    switch (c.local) {
      case "ProcessAccepted":
        return { kind: "accepted", message };
      case "ProcessStarted":
      case "ProcessPaused": {
        const percent = percentOf(c);
        return {
          kind: c.local === "ProcessStarted" ? "started" : "paused",
          message,
          ...(percent !== undefined ? { percent } : {}),
        };
      }
      case "ProcessSucceeded":
        return { kind: "succeeded", message };
      case "ProcessFailed": {
        const report = anyNs(c, "ExceptionReport");
        const exceptions = report ? exceptionsOf(report) : [];
        return {
          kind: "failed",
          message: exceptions.map((e) => e.text).find((t) => t !== "") ?? message,
          exceptions,
        };
      }
    }
  }
  throw new Wps1DecodeError("wps:Status has no ProcessAccepted/Started/Paused/Succeeded/Failed element");
}

function numbers(el: XmlElement | undefined): number[] {
  const t = el ? textOf(el).trim() : "";
  if (t === "") return [];
  return t.split(/[\s,]+/).map(Number);
}

function bboxOf(bb: XmlElement): Extract<Wps1OutputValue, { kind: "bbox" }> {
  const lowerCorner = numbers(ows(bb, "LowerCorner"));
  const upperCorner = numbers(ows(bb, "UpperCorner"));
  if (
    lowerCorner.length === 0 ||
    lowerCorner.length !== upperCorner.length ||
    [...lowerCorner, ...upperCorner].some((n) => !Number.isFinite(n))
  ) {
    throw new Wps1DecodeError("a BoundingBoxData has missing or non-numeric corners");
  }
  const crs = attr(bb, "crs");
  return {
    kind: "bbox",
    ...(crs !== undefined && crs !== "" && crs !== "None" ? { crs } : {}),
    dimensions: lowerCorner.length,
    lowerCorner,
    upperCorner,
  };
}

function complexOf(cx: XmlElement): Extract<Wps1OutputValue, { kind: "complex" }> {
  const els = cx.children.filter((c): c is XmlElement => typeof c !== "string");
  const xml = els.length > 0;
  return {
    kind: "complex",
    data: xml ? els.map(serializeElement).join("") : textOf(cx),
    xml,
    ...optional("mimeType", attr(cx, "mimeType")),
    ...optional("encoding", attr(cx, "encoding")),
    ...optional("schema", attr(cx, "schema")),
  };
}

function referenceOf(ref: XmlElement): {
  href: string;
  mimeType?: string;
  encoding?: string;
  schema?: string;
} {
  const href = attr(ref, "href") ?? attr(ref, "href", NS.xlink);
  if (href === undefined || href === "") throw new Wps1DecodeError("a wps:Reference has no href");
  return {
    href,
    ...optional("mimeType", attr(ref, "mimeType")),
    ...optional("encoding", attr(ref, "encoding")),
    ...optional("schema", attr(ref, "schema")),
  };
}

function outputValueOf(o: XmlElement, id: string): Wps1OutputValue {
  const ref = wps(o, "Reference");
  if (ref) return { kind: "reference", ...referenceOf(ref) };
  const data = wps(o, "Data");
  const lit = wps(data, "LiteralData");
  if (lit) {
    return {
      kind: "literal",
      value: textOf(lit),
      ...optional("dataType", attr(lit, "dataType")),
      ...optional("uom", attr(lit, "uom")),
    };
  }
  const cx = wps(data, "ComplexData");
  if (cx) return complexOf(cx);
  const bb = wps(data, "BoundingBoxData");
  if (bb) return bboxOf(bb);
  throw new Wps1DecodeError(`output '${id}' has neither wps:Data nor wps:Reference`);
}

function lineageInputOf(i: XmlElement): RawInput {
  const id = text(ows(i, "Identifier")) ?? "";
  const ref = wps(i, "Reference");
  let value: RawValue;
  if (ref) {
    value = { kind: "reference", ...referenceOf(ref) };
  } else {
    const data = wps(i, "Data");
    const lit = wps(data, "LiteralData");
    const cx = wps(data, "ComplexData");
    const bb = wps(data, "BoundingBoxData");
    if (lit) {
      value = {
        kind: "literal",
        value: textOf(lit),
        ...optional("uom", attr(lit, "uom")),
        ...optional("dataType", attr(lit, "dataType")),
      };
    } else if (cx) {
      const c = complexOf(cx);
      value = {
        kind: "complex",
        data: c.data,
        ...optional("mimeType", c.mimeType),
        ...optional("encoding", c.encoding),
        ...optional("schema", c.schema),
      };
    } else if (bb) {
      const { kind: _kind, ...b } = bboxOf(bb);
      value = { kind: "bbox", ...b };
    } else {
      throw new Wps1DecodeError(`lineage input '${id}' has neither wps:Data nor wps:Reference`);
    }
  }
  return { id, value };
}

function outputDefinitionOf(o: XmlElement): OutputRequest {
  const asRef = attr(o, "asReference");
  return {
    id: text(ows(o, "Identifier")) ?? "",
    ...(asRef !== undefined ? { asReference: bool(asRef) } : {}),
    ...optional("mimeType", attr(o, "mimeType")),
    ...optional("encoding", attr(o, "encoding")),
    ...optional("schema", attr(o, "schema")),
    ...optional("uom", attr(o, "uom")),
  };
}

/** Decode a `wps:ExecuteResponse` (sync response, async acknowledgement or stored status document). */
export function decodeExecuteResponse(doc: string | XmlElement): Wps1ExecuteResponse {
  const el = root(doc);
  expectRoot(el, "ExecuteResponse");
  const p = wps(el, "Process");
  const st = wps(el, "Status");
  if (!st) throw new Wps1DecodeError("the ExecuteResponse has no wps:Status");
  const pd = p ? described(p, "wps:Process") : undefined;
  const di = wps(el, "DataInputs");
  const od = wps(el, "OutputDefinitions");
  const po = wps(el, "ProcessOutputs");
  const outputs: Wps1ResultOutput[] = [];
  for (const o of po ? kids(po, WPS_URIS, "Output") : []) {
    const d = described(o, "an Output");
    outputs.push({
      identifier: d.identifier,
      ...(d.title !== d.identifier ? { title: d.title } : {}),
      value: outputValueOf(o, d.identifier),
    });
  }
  return {
    process: {
      identifier: pd?.identifier ?? "",
      ...optional("title", pd?.title),
      ...optional("version", p ? looseAttr(p, "processVersion", NS.wps) : undefined),
    },
    status: statusOf(st),
    ...optional("creationTime", attr(st, "creationTime")),
    ...optional("statusLocation", attr(el, "statusLocation")),
    ...optional("serviceInstance", attr(el, "serviceInstance")),
    ...(di ? { inputs: kids(di, WPS_URIS, "Input").map(lineageInputOf) } : {}),
    ...(od ? { outputDefinitions: kids(od, WPS_URIS, "Output").map(outputDefinitionOf) } : {}),
    outputs,
  };
}
