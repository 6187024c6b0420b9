/**
 * Decoding a WPS 2.0.0 `wps:ProcessOfferings` document into the description types the client already uses for
 * WPS 1.0.0 (`wps1.Wps1ProcessDescription` and its inputs and outputs), plus the 2.0 offering attributes — so one
 * client code path renders, checks and fills either version's processes.
 *
 * Mapping: the default `LiteralDataDomain` (or the first) gives the data type, allowed values and default value;
 * every domain's `ows:UOM` gives the units (default first); `wps:Format`s (default first) give the formats and the
 * default format's `maximumMegabytes`; `wps:SupportedCRS` (default first) the CRSs; `async-execute` in
 * jobControlOptions sets storeSupported and statusSupported. Nested inputs or outputs are refused: Roost's client
 * cannot fill them.
 */
import type { AllowedValues, Format, LiteralType, ValueRange } from "../../io/types.js";
import { literalTypeOf } from "../wps1/decode-description.js";
import type { Wps1Described, Wps1Input, Wps1Output, Wps1ProcessDescription } from "../wps1/decode-types.js";
import { attr, type XmlElement } from "../xml/parse.js";
import {
  expectRoot,
  kid,
  kids,
  looseAttr,
  metadataOf,
  num,
  OWS_URIS,
  optional,
  rootOf,
  text,
  typeName,
  WPS_URIS,
  Wps2DecodeError,
} from "./decode-common.js";

/** The offering attributes of a ProcessSummary or ProcessOffering. */
export interface Wps2OfferingProperties {
  /** `sync-execute`, `async-execute`, `dismiss`, … as advertised. */
  readonly jobControlOptions: readonly string[];
  /** `value`, `reference`. */
  readonly outputTransmission: readonly string[];
  /** Absent means `native`. */
  readonly processModel?: string;
}

/** A decoded `wps:ProcessOffering`: the 1.0-shaped description plus the offering attributes. */
export interface Wps2ProcessOffering extends Wps1ProcessDescription, Wps2OfferingProperties {
  /** `xml:lang` of the description. */
  readonly language?: string;
}

const wps = (el: XmlElement | undefined, local: string) => kid(el, WPS_URIS, local);
const ows = (el: XmlElement | undefined, local: string) => kid(el, OWS_URIS, local);

function list(v: string | undefined): string[] {
  return (v ?? "").split(/\s+/).filter((x) => x !== "");
}

/** The offering attributes of `el` (ProcessSummary or ProcessOffering). */
export function offeringPropertiesOf(el: XmlElement): Wps2OfferingProperties & { version?: string } {
  return {
    jobControlOptions: list(attr(el, "jobControlOptions")),
    outputTransmission: list(attr(el, "outputTransmission")),
    ...optional("processModel", attr(el, "processModel")),
    ...optional("version", attr(el, "processVersion")),
  };
}

/** Title, Abstract, Identifier and Metadata of a description (any order: servers differ). */
export function describedOf(el: XmlElement, what: string): Wps1Described {
  const identifier = text(ows(el, "Identifier"));
  if (identifier === undefined || identifier === "")
    throw new Wps2DecodeError(`${what} has no ows:Identifier`);
  return {
    identifier,
    title: text(ows(el, "Title")) || identifier,
    ...optional("abstract", text(ows(el, "Abstract"))),
    metadata: metadataOf(el),
  };
}

function occurs(v: string | undefined): number {
  if (v === undefined || v.trim() === "") return 1;
  if (v.trim() === "unbounded") return Number.MAX_SAFE_INTEGER;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

function isDefault(el: XmlElement): boolean {
  const d = (attr(el, "default") ?? "").trim();
  return d === "true" || d === "1";
}

/** Default-marked elements first, then the others, in document order. */
function defaultFirst(els: readonly XmlElement[]): XmlElement[] {
  return [...els.filter(isDefault), ...els.filter((e) => !isDefault(e))];
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
  const c = (v ?? "").trim();
  return c === "closed" || c === "open" || c === "closed-open" || c === "open-closed" ? c : undefined;
}

function allowedValuesOf(domain: XmlElement, lt: LiteralType | undefined): AllowedValues {
  const av = ows(domain, "AllowedValues");
  if (av) {
    const numeric = lt !== undefined && NUMERIC.has(lt);
    const values: (string | number)[] = [];
    const ranges: ValueRange[] = [];
    for (const c of av.children) {
      if (typeof c === "string" || !OWS_URIS.has(c.uri)) continue;
      if (c.local === "Value") {
        const v = text(c) ?? "";
        values.push((numeric ? num(v) : undefined) ?? v);
      } else if (c.local === "Range") {
        const minimum = num(text(ows(c, "MinimumValue")));
        const maximum = num(text(ows(c, "MaximumValue")));
        const spacing = num(text(ows(c, "Spacing")));
        const closure = closureOf(looseAttr(c, "rangeClosure"));
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
  const vr = ows(domain, "ValuesReference");
  if (vr)
    return { kind: "reference", reference: looseAttr(vr, "reference") ?? "", ...optional("name", text(vr)) };
  return { kind: "any" };
}

function dataTypeOf(domain: XmlElement | undefined): { dataType?: string; literalType?: LiteralType } {
  const dt = ows(domain, "DataType");
  if (!dt) return {};
  const raw = (looseAttr(dt, "reference") ?? "").trim() || (text(dt) ?? "");
  if (raw === "") return {};
  const name = typeName(raw);
  const lt = literalTypeOf(name);
  return { dataType: name, ...(lt !== undefined ? { literalType: lt } : {}) };
}

function literalOf(lit: XmlElement): {
  dataType?: string;
  literalType?: LiteralType;
  allowedValues: AllowedValues;
  default?: string;
  uoms: string[];
} {
  const domains = defaultFirst(
    lit.children.filter((c): c is XmlElement => typeof c !== "string" && c.local === "LiteralDataDomain"),
  );
  const main = domains[0];
  const t = dataTypeOf(main);
  const uoms: string[] = [];
  for (const d of domains) {
    const u = text(ows(d, "UOM"));
    if (u !== undefined && u !== "" && !uoms.includes(u)) uoms.push(u);
  }
  return {
    ...t,
    allowedValues: main ? allowedValuesOf(main, t.literalType) : { kind: "any" },
    ...optional("default", text(ows(main, "DefaultValue"))),
    uoms,
  };
}

function formatsOf(el: XmlElement): { formats: Format[]; maximumMegabytes?: number } {
  const fmts = defaultFirst(kids(el, WPS_URIS, "Format"));
  const formats: Format[] = [];
  for (const f of fmts) {
    const mimeType = attr(f, "mimeType")?.trim();
    if (mimeType === undefined || mimeType === "") continue;
    formats.push({
      mimeType,
      ...optional("encoding", attr(f, "encoding")),
      ...optional("schema", attr(f, "schema")),
    });
  }
  const mm = num(fmts.map((f) => attr(f, "maximumMegabytes")).find((m) => m !== undefined));
  return { formats, ...(mm !== undefined ? { maximumMegabytes: mm } : {}) };
}

function crsOf(bb: XmlElement): string[] {
  const out: string[] = [];
  for (const c of defaultFirst(kids(bb, WPS_URIS, "SupportedCRS"))) {
    const v = text(c) ?? "";
    if (v !== "" && !out.includes(v)) out.push(v);
  }
  return out;
}

function inputOf(el: XmlElement): Wps1Input {
  const d = describedOf(el, "an Input");
  if (wps(el, "Input"))
    throw new Wps2DecodeError(`input '${d.identifier}' has nested inputs, which are not supported`);
  const base = { ...d, minOccurs: occurs(attr(el, "minOccurs")), maxOccurs: occurs(attr(el, "maxOccurs")) };
  const lit = wps(el, "LiteralData");
  if (lit) return { kind: "literal", ...base, ...literalOf(lit) };
  const cx = wps(el, "ComplexData");
  if (cx) return { kind: "complex", ...base, ...formatsOf(cx) };
  const bb = wps(el, "BoundingBoxData");
  if (bb) return { kind: "bbox", ...base, crs: crsOf(bb) };
  throw new Wps2DecodeError(`input '${d.identifier}' has no LiteralData, ComplexData or BoundingBoxData`);
}

function outputOf(el: XmlElement): Wps1Output {
  const d = describedOf(el, "an Output");
  if (wps(el, "Output"))
    throw new Wps2DecodeError(`output '${d.identifier}' has nested outputs, which are not supported`);
  const lit = wps(el, "LiteralData");
  if (lit) {
    const { dataType, literalType, uoms } = literalOf(lit);
    return {
      kind: "literal",
      ...d,
      ...optional("dataType", dataType),
      ...(literalType !== undefined ? { literalType } : {}),
      uoms,
    };
  }
  const cx = wps(el, "ComplexData");
  if (cx) return { kind: "complex", ...d, formats: formatsOf(cx).formats };
  const bb = wps(el, "BoundingBoxData");
  if (bb) return { kind: "bbox", ...d, crs: crsOf(bb) };
  throw new Wps2DecodeError(`output '${d.identifier}' has no LiteralData, ComplexData or BoundingBoxData`);
}

function offeringOf(el: XmlElement): Wps2ProcessOffering {
  const props = offeringPropertiesOf(el);
  const p = wps(el, "Process");
  if (!p) throw new Wps2DecodeError("a ProcessOffering has no native wps:Process description");
  const d = describedOf(p, "a wps:Process");
  const async = props.jobControlOptions.includes("async-execute");
  return {
    ...d,
    ...props,
    ...optional("language", attr(p, "lang", "http://www.w3.org/XML/1998/namespace")),
    storeSupported: async,
    statusSupported: async,
    inputs: kids(p, WPS_URIS, "Input").map(inputOf),
    outputs: kids(p, WPS_URIS, "Output").map(outputOf),
  };
}

/** Decode a `wps:ProcessOfferings` document (the DescribeProcess response). */
export function decodeProcessOfferings(doc: string | XmlElement): Wps2ProcessOffering[] {
  const el = rootOf(doc);
  expectRoot(el, "ProcessOfferings");
  return kids(el, WPS_URIS, "ProcessOffering").map(offeringOf);
}
