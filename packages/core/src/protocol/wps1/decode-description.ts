/**
 * Decoder of WPS 1.0.0 `wps:ProcessDescriptions` documents (DescribeProcess responses, client side), and
 * {@link literalTypeOf}, which maps an advertised data type onto Roost's literal types (the WPS 2.0.0 decoder uses
 * it too). Lenient as the other decoders are (see `decode-common.ts`), and in particular:
 *
 * - PyWPS's invalid descriptions (no `AnyValue`, `DefaultValue` before the allowed values, `ValuesReference` in the
 *   wrong namespace, no `ProcessOutputs`) are read as meant;
 * - a data type is read from the element text or, when that is empty (USGS: `ows:reference="xs:anyURI"`), from the
 *   reference, and mapped onto Roost's literal types when it is one of them.
 */
import type { AllowedValues, Format, LiteralType, ValueRange } from "../../io/types.js";
import { attr, textOf, type XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import {
  anyNs,
  bool,
  described,
  expectRoot,
  kids,
  looseAttr,
  num,
  OWS_URIS,
  optional,
  ows,
  root,
  text,
  WPS_URIS,
  wps,
} from "./decode-common.js";
import {
  Wps1DecodeError,
  type Wps1Input,
  type Wps1Output,
  type Wps1ProcessDescription,
} from "./decode-types.js";

function occurs(v: string | undefined, dflt: number): number {
  if (v === undefined || v.trim() === "") return dflt;
  if (v.trim().toLowerCase() === "unbounded") return Number.MAX_SAFE_INTEGER;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : dflt;
}

const TYPE_ALIASES: Readonly<Record<string, LiteralType>> = {
  string: "string",
  normalizedstring: "string",
  token: "string",
  integer: "integer",
  int: "integer",
  long: "integer",
  short: "integer",
  byte: "integer",
  unsignedint: "nonNegativeInteger",
  unsignedlong: "nonNegativeInteger",
  positiveinteger: "positiveInteger",
  nonnegativeinteger: "nonNegativeInteger",
  float: "float",
  double: "double",
  decimal: "double",
  scale: "float",
  angle: "angle",
  boolean: "boolean",
  date: "date",
  time: "time",
  datetime: "dateTime",
  anyuri: "anyURI",
};

/** `float`, `xs:double`, `http://www.w3.org/TR/xmlschema-2/#dateTime` → the local type name. */
function typeName(s: string): string {
  const t = s.trim();
  const hash = t.lastIndexOf("#");
  const tail = hash >= 0 ? t.slice(hash + 1) : t;
  const colon = tail.lastIndexOf(":");
  return colon >= 0 && !tail.includes("/") ? tail.slice(colon + 1) : tail;
}

/** Map an advertised data type onto Roost's literal types (undefined when it is not one of them). */
export function literalTypeOf(dataType: string | undefined): LiteralType | undefined {
  if (dataType === undefined || dataType === "") return undefined;
  return TYPE_ALIASES[typeName(dataType).toLowerCase()];
}

function dataTypeOf(el: XmlElement): { dataType?: string; literalType?: LiteralType } {
  const dt = ows(el, "DataType");
  if (!dt) return {};
  const t = textOf(dt).trim();
  const ref = looseAttr(dt, "reference", NS.ows) ?? "";
  const raw = t !== "" ? t : ref;
  if (raw === "") return {};
  const name = typeName(raw);
  const lt = literalTypeOf(name);
  return { dataType: name, ...(lt !== undefined ? { literalType: lt } : {}) };
}

function uomsOf(el: XmlElement): string[] {
  const u = anyNs(el, "UOMs");
  if (!u) return [];
  const out: string[] = [];
  const add = (e: XmlElement | undefined) => {
    for (const x of e ? kids(e, OWS_URIS, "UOM") : []) {
      const v = textOf(x).trim();
      if (v !== "" && !out.includes(v)) out.push(v);
    }
  };
  add(anyNs(u, "Default"));
  add(anyNs(u, "Supported"));
  return out;
}

const NUMERIC: ReadonlySet<LiteralType> = new Set<LiteralType>([
  "integer",
  "float",
  "double",
  "angle",
  "positiveInteger",
  "nonNegativeInteger",
]);

function closureOf(v: string | undefined): ValueRange["closure"] | undefined {
  switch ((v ?? "").toLowerCase().replace(/[^a-z]/g, "")) {
    case "closed":
      return "closed";
    case "open":
      return "open";
    case "closedopen":
      return "closed-open";
    case "openclosed":
      return "open-closed";
    default:
      return undefined;
  }
}

function allowedValuesOf(el: XmlElement, lt: LiteralType | undefined): AllowedValues {
  const av = ows(el, "AllowedValues");
  if (av) {
    const numeric = lt !== undefined && NUMERIC.has(lt);
    const values: (string | number)[] = [];
    const ranges: ValueRange[] = [];
    for (const c of av.children) {
      if (typeof c === "string" || !OWS_URIS.has(c.uri)) continue;
      if (c.local === "Value") {
        const v = textOf(c).trim();
        const n = numeric ? num(v) : undefined;
        values.push(n ?? v);
      } else if (c.local === "Range") {
        const minimum = num(text(ows(c, "MinimumValue")));
        const maximum = num(text(ows(c, "MaximumValue")));
        const spacing = num(text(ows(c, "Spacing")));
        const closure = closureOf(looseAttr(c, "rangeClosure", NS.ows));
        ranges.push({
          ...(minimum !== undefined ? { minimum } : {}),
          ...(maximum !== undefined ? { maximum } : {}),
          ...(spacing !== undefined && spacing > 0 ? { spacing } : {}),
          ...(closure !== undefined ? { closure } : {}),
        });
      }
    }
    if (values.length > 0 || ranges.length > 0) return { kind: "values", values, ranges };
  }
  const vr = anyNs(el, "ValuesReference");
  if (vr) {
    const reference = looseAttr(vr, "reference", NS.ows) ?? looseAttr(vr, "valuesForm") ?? "";
    return { kind: "reference", reference };
  }
  // `ows:AnyValue`, or nothing at all (PyWPS omits it): anything goes.
  return { kind: "any" };
}

function formatOf(f: XmlElement): Format | undefined {
  const mimeType = text(anyNs(f, "MimeType"));
  if (mimeType === undefined || mimeType === "") return undefined;
  return {
    mimeType,
    ...optional("encoding", text(anyNs(f, "Encoding"))),
    ...optional("schema", text(anyNs(f, "Schema"))),
  };
}

function formatsOf(el: XmlElement): Format[] {
  const out: Format[] = [];
  const same = (a: Format, b: Format) =>
    a.mimeType === b.mimeType && a.encoding === b.encoding && a.schema === b.schema;
  for (const group of ["Default", "Supported"]) {
    const g = anyNs(el, group);
    for (const f of g ? kids(g, WPS_URIS, "Format") : []) {
      const fmt = formatOf(f);
      if (fmt && !out.some((o) => same(o, fmt))) out.push(fmt);
    }
  }
  return out;
}

function crsOf(el: XmlElement): string[] {
  const out: string[] = [];
  for (const group of ["Default", "Supported"]) {
    const g = anyNs(el, group);
    for (const c of g ? kids(g, WPS_URIS, "CRS") : []) {
      const v = textOf(c).trim();
      if (v !== "" && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

function inputOf(el: XmlElement): Wps1Input {
  const d = described(el, "an Input");
  const base = {
    ...d,
    minOccurs: occurs(attr(el, "minOccurs"), 1),
    maxOccurs: occurs(attr(el, "maxOccurs"), 1),
  };
  const lit = wps(el, "LiteralData");
  if (lit) {
    const t = dataTypeOf(lit);
    return {
      kind: "literal",
      ...base,
      ...t,
      allowedValues: allowedValuesOf(lit, t.literalType),
      ...optional("default", text(anyNs(lit, "DefaultValue"))),
      uoms: uomsOf(lit),
    };
  }
  const cx = wps(el, "ComplexData");
  if (cx) {
    const mm = num(attr(cx, "maximumMegabytes"));
    return {
      kind: "complex",
      ...base,
      formats: formatsOf(cx),
      ...(mm !== undefined ? { maximumMegabytes: mm } : {}),
    };
  }
  const bb = wps(el, "BoundingBoxData");
  if (bb) return { kind: "bbox", ...base, crs: crsOf(bb) };
  throw new Wps1DecodeError(
    `input '${d.identifier}' has no LiteralData, ComplexData or BoundingBoxData description`,
  );
}

function outputOf(el: XmlElement): Wps1Output {
  const d = described(el, "an Output");
  const lit = wps(el, "LiteralOutput");
  if (lit) return { kind: "literal", ...d, ...dataTypeOf(lit), uoms: uomsOf(lit) };
  const cx = wps(el, "ComplexOutput");
  if (cx) return { kind: "complex", ...d, formats: formatsOf(cx) };
  const bb = wps(el, "BoundingBoxOutput");
  if (bb) return { kind: "bbox", ...d, crs: crsOf(bb) };
  throw new Wps1DecodeError(
    `output '${d.identifier}' has no LiteralOutput, ComplexOutput or BoundingBoxOutput description`,
  );
}

function processDescriptionOf(el: XmlElement): Wps1ProcessDescription {
  const d = described(el, "a ProcessDescription");
  const di = wps(el, "DataInputs");
  const po = wps(el, "ProcessOutputs");
  return {
    ...d,
    ...optional("version", looseAttr(el, "processVersion", NS.wps)),
    storeSupported: bool(attr(el, "storeSupported")),
    statusSupported: bool(attr(el, "statusSupported")),
    inputs: di ? kids(di, WPS_URIS, "Input").map(inputOf) : [],
    // PyWPS describes processes without outputs by leaving ProcessOutputs out.
    outputs: po ? kids(po, WPS_URIS, "Output").map(outputOf) : [],
  };
}

/** Decode a `wps:ProcessDescriptions` document. */
export function decodeProcessDescriptions(doc: string | XmlElement): Wps1ProcessDescription[] {
  const el = root(doc);
  expectRoot(el, "ProcessDescriptions");
  return kids(el, WPS_URIS, "ProcessDescription").map(processDescriptionOf);
}
