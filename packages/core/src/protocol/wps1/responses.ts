/**
 * Decoders of WPS 1.0.0 *responses* (Capabilities, ProcessDescriptions, ExecuteResponse, ows:ExceptionReport), for
 * the client and for tests that check what the server sends. They are lenient where real servers differ from the
 * XSDs and strict only where a wrong guess would mislead a user:
 *
 * - elements are matched by namespace URI, never by prefix (USGS writes `ns:`/`ns1:`, PML `ns0:`); the children of
 *   `ProcessDescription`, which the schema leaves unqualified, are accepted with or without the WPS namespace;
 * - OWS elements are accepted from OWS 1.0, 1.1 and 2.0, and exception reports from any namespace (PyWPS 4.5.2 puts
 *   a `wps:ExceptionReport` inside `ProcessFailed`);
 * - PyWPS's invalid descriptions (no `AnyValue`, `DefaultValue` before the allowed values, `ValuesReference` in the
 *   wrong namespace, no `ProcessOutputs`) and its `percentCompleted` on `ProcessAccepted` are read as meant;
 * - output references carry `href` (the 1.0.0 schema) or `xlink:href` (what some servers write);
 * - PyWPS's `locator="None"` and `crs="None"` mean "none";
 * - a data type is read from the element text or, when that is empty (USGS: `ows:reference="xs:anyURI"`), from the
 *   reference, and mapped onto Roost's literal types when it is one of them.
 *
 * Every message of {@link Wps1DecodeError} is safe to show: it names elements, never document content.
 */
import type { RawInput, RawValue } from "../../io/raw-input.js";
import type {
  AllowedValues,
  BoundingBox,
  Format,
  LiteralType,
  MetadataLink,
  OutputRequest,
  ValueRange,
} from "../../io/types.js";
import {
  attr,
  element,
  parseXml,
  serializeElement,
  textOf,
  type XmlElement,
  XmlSyntaxError,
} from "../xml/parse.js";
import { NS } from "./constants.js";

/** A response could not be read as the WPS 1.0.0 document it should be. */
export class Wps1DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Wps1DecodeError";
  }
}

/** One `ows:Exception`: code, optional locator, and the exception texts joined by newlines. */
export interface Wps1Exception {
  readonly code: string;
  readonly locator?: string;
  readonly text: string;
}

/** A process as listed in the capabilities (`wps:Process`). */
export interface Wps1ProcessBrief {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly version?: string;
}

/** A decoded `wps:Capabilities` document. */
export interface Wps1Capabilities {
  readonly version: string;
  readonly title: string;
  readonly abstract?: string;
  readonly processes: readonly Wps1ProcessBrief[];
  /** Default language first, then the other supported ones (empty when the server lists none). */
  readonly languages: readonly string[];
  /** Advertised operations (`GetCapabilities`, `Execute`, vendor ones such as `Dismiss`) with their endpoints. */
  readonly operations: Readonly<Record<string, { readonly get?: string; readonly post?: string }>>;
  /** Roost's job resource (`GET`/`DELETE <jobsUrl>/<jobId>`), from `ows:ExtendedCapabilities`, when offered. */
  readonly jobsUrl?: string;
}

/** Fields every input and output description has. */
export interface Wps1Described {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly metadata: readonly MetadataLink[];
}

/** A literal input (`LiteralData`). */
export interface Wps1LiteralInput extends Wps1Described {
  readonly kind: "literal";
  readonly minOccurs: number;
  /** `unbounded` is read as `Number.MAX_SAFE_INTEGER` (it must survive a JSON round trip). */
  readonly maxOccurs: number;
  /** The data type as advertised (`float`, `xs:double` → `double`); undefined when there is none. */
  readonly dataType?: string;
  /** The data type as one of Roost's literal types, when it maps onto one; values are then checked locally. */
  readonly literalType?: LiteralType;
  readonly allowedValues: AllowedValues;
  /** The default value's lexical form. */
  readonly default?: string;
  /** Supported units of measure; the default first. */
  readonly uoms: readonly string[];
}

/** A complex input (`ComplexData`). */
export interface Wps1ComplexInput extends Wps1Described {
  readonly kind: "complex";
  readonly minOccurs: number;
  readonly maxOccurs: number;
  /** Supported formats; the default first. */
  readonly formats: readonly Format[];
  readonly maximumMegabytes?: number;
}

/** A bounding-box input (`BoundingBoxData`). */
export interface Wps1BoundingBoxInput extends Wps1Described {
  readonly kind: "bbox";
  readonly minOccurs: number;
  readonly maxOccurs: number;
  /** Supported CRSs; the default first. */
  readonly crs: readonly string[];
}

/** Any input description. */
export type Wps1Input = Wps1LiteralInput | Wps1ComplexInput | Wps1BoundingBoxInput;

/** An output description. */
export type Wps1Output =
  | (Wps1Described & {
      readonly kind: "literal";
      readonly dataType?: string;
      readonly literalType?: LiteralType;
      readonly uoms: readonly string[];
    })
  | (Wps1Described & { readonly kind: "complex"; readonly formats: readonly Format[] })
  | (Wps1Described & { readonly kind: "bbox"; readonly crs: readonly string[] });

/** A decoded `ProcessDescription`. */
export interface Wps1ProcessDescription extends Wps1Described {
  readonly version?: string;
  /** `storeSupported`: the process can run asynchronously (stored response). */
  readonly storeSupported: boolean;
  /** `statusSupported`: the stored response is updated while the process runs. */
  readonly statusSupported: boolean;
  readonly inputs: readonly Wps1Input[];
  readonly outputs: readonly Wps1Output[];
}

/** Where a job stands, as an ExecuteResponse says. */
export type Wps1Status =
  | { readonly kind: "accepted"; readonly message: string }
  | { readonly kind: "started"; readonly message: string; readonly percent?: number }
  | { readonly kind: "paused"; readonly message: string; readonly percent?: number }
  | { readonly kind: "succeeded"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string; readonly exceptions: readonly Wps1Exception[] };

/** One output value of an ExecuteResponse. */
export type Wps1OutputValue =
  | { readonly kind: "literal"; readonly value: string; readonly dataType?: string; readonly uom?: string }
  | {
      readonly kind: "complex";
      /** Text, base64 text (`encoding` base64), or serialised XML when `xml` is true. */
      readonly data: string;
      readonly xml: boolean;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | {
      readonly kind: "reference";
      readonly href: string;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | ({ readonly kind: "bbox" } & BoundingBox);

/** One output of an ExecuteResponse. */
export interface Wps1ResultOutput {
  readonly identifier: string;
  readonly title?: string;
  readonly value: Wps1OutputValue;
}

/** A decoded `wps:ExecuteResponse` (synchronous response, immediate async response or stored status document). */
export interface Wps1ExecuteResponse {
  readonly process: { readonly identifier: string; readonly title?: string; readonly version?: string };
  readonly status: Wps1Status;
  /** `creationTime` as written. */
  readonly creationTime?: string;
  readonly statusLocation?: string;
  readonly serviceInstance?: string;
  /** Lineage: the inputs as the server echoed them. */
  readonly inputs?: readonly RawInput[];
  /** Lineage: the output definitions as the server echoed them. */
  readonly outputDefinitions?: readonly OutputRequest[];
  readonly outputs: readonly Wps1ResultOutput[];
}

/** Any decoded WPS 1.0.0 response document. */
export type Wps1Response =
  | { readonly kind: "capabilities"; readonly capabilities: Wps1Capabilities }
  | { readonly kind: "descriptions"; readonly processes: readonly Wps1ProcessDescription[] }
  | { readonly kind: "execute"; readonly execute: Wps1ExecuteResponse }
  | { readonly kind: "exception"; readonly exceptions: readonly Wps1Exception[] };

// ---------------------------------------------------------------------------------------------------------------

const OWS_URIS = new Set([NS.ows, "http://www.opengis.net/ows", "http://www.opengis.net/ows/2.0"]);
const WPS_URIS = new Set([NS.wps, ""]);

/** Child elements with this local name whose namespace is in `uris`. */
function kids(el: XmlElement, uris: ReadonlySet<string>, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== "string" && c.local === local && uris.has(c.uri)) out.push(c);
  return out;
}

function kid(el: XmlElement | undefined, uris: ReadonlySet<string>, local: string): XmlElement | undefined {
  if (!el) return undefined;
  return kids(el, uris, local)[0];
}

const wps = (el: XmlElement | undefined, local: string) => kid(el, WPS_URIS, local);
const ows = (el: XmlElement | undefined, local: string) => kid(el, OWS_URIS, local);

/** First child with this local name in any namespace (exception reports, vendor-namespaced ValuesReference). */
function anyNs(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (typeof c !== "string" && c.local === local) return c;
  return undefined;
}

function text(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  return textOf(el).trim();
}

/** An attribute that may be written with or without a namespace (`wps:processVersion`, `ows:rangeClosure`). */
function looseAttr(el: XmlElement, local: string, ...uris: string[]): string | undefined {
  const plain = attr(el, local);
  if (plain !== undefined) return plain;
  for (const u of uris) {
    const v = attr(el, local, u);
    if (v !== undefined) return v;
  }
  for (const [k, v] of el.attrs) if (k.endsWith(`}${local}`)) return v;
  return undefined;
}

function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v !== undefined && v !== "" ? { [key]: v } : {}) as { [P in K]?: string };
}

function described(el: XmlElement, what: string): Wps1Described {
  const identifier = text(ows(el, "Identifier"));
  if (identifier === undefined || identifier === "")
    throw new Wps1DecodeError(`${what} has no ows:Identifier`);
  const metadata: MetadataLink[] = [];
  for (const m of kids(el, OWS_URIS, "Metadata")) {
    const title = attr(m, "title", NS.xlink) ?? "";
    const href = attr(m, "href", NS.xlink);
    const role = attr(m, "role", NS.xlink);
    metadata.push({ title, ...optional("href", href), ...optional("role", role) });
  }
  return {
    identifier,
    title: text(ows(el, "Title")) ?? identifier,
    ...optional("abstract", text(ows(el, "Abstract"))),
    metadata,
  };
}

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

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
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

function bool(v: string | undefined): boolean {
  const t = (v ?? "").trim().toLowerCase();
  return t === "true" || t === "1";
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

function exceptionsOf(report: XmlElement): Wps1Exception[] {
  const out: Wps1Exception[] = [];
  for (const e of report.children) {
    if (typeof e === "string" || e.local !== "Exception") continue;
    const texts: string[] = [];
    for (const t of e.children)
      if (typeof t !== "string" && t.local === "ExceptionText") texts.push(textOf(t).trim());
    const locator = attr(e, "locator");
    out.push({
      code: attr(e, "exceptionCode") ?? "NoApplicableCode",
      // PyWPS writes `locator="None"` when there is none.
      ...optional("locator", locator === "None" ? undefined : locator),
      text: texts.filter((t) => t !== "").join("\n"),
    });
  }
  return out;
}

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

// ---------------------------------------------------------------------------------------------------------------

function root(doc: string | XmlElement): XmlElement {
  if (typeof doc !== "string") return doc;
  try {
    return parseXml(doc);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new Wps1DecodeError(`the response is not XML: ${e.message}`);
    throw e;
  }
}

function expectRoot(el: XmlElement, local: string): void {
  if (el.local === "ExceptionReport") {
    const ex = exceptionsOf(el);
    throw new Wps1DecodeError(
      `expected a ${local} document, got an ExceptionReport${ex[0] ? ` (${ex[0].code}: ${ex[0].text})` : ""}`,
    );
  }
  if (el.local !== local || el.uri !== NS.wps)
    throw new Wps1DecodeError(`expected a wps:${local} document, got '${el.local}'`);
}

/** Decode an `ows:ExceptionReport` (any OWS version). */
export function decodeExceptionReport(doc: string | XmlElement): Wps1Exception[] {
  const el = root(doc);
  if (el.local !== "ExceptionReport")
    throw new Wps1DecodeError(`expected an ExceptionReport, got '${el.local}'`);
  return exceptionsOf(el);
}

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

/** Decode a `wps:ProcessDescriptions` document. */
export function decodeProcessDescriptions(doc: string | XmlElement): Wps1ProcessDescription[] {
  const el = root(doc);
  expectRoot(el, "ProcessDescriptions");
  return kids(el, WPS_URIS, "ProcessDescription").map(processDescriptionOf);
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

/** Decode any WPS 1.0.0 response by its root element. */
export function decodeResponse(doc: string | XmlElement): Wps1Response {
  const el = root(doc);
  if (el.local === "ExceptionReport") return { kind: "exception", exceptions: exceptionsOf(el) };
  if (el.uri !== NS.wps) throw new Wps1DecodeError(`'${el.local}' is not a WPS 1.0.0 response`);
  switch (el.local) {
    case "Capabilities":
      return { kind: "capabilities", capabilities: decodeCapabilities(el) };
    case "ProcessDescriptions":
      return { kind: "descriptions", processes: decodeProcessDescriptions(el) };
    case "ExecuteResponse":
      return { kind: "execute", execute: decodeExecuteResponse(el) };
    default:
      throw new Wps1DecodeError(`'${el.local}' is not a WPS 1.0.0 response`);
  }
}
