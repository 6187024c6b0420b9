/**
 * The WPS 2.0.0 `wps:ProcessOfferings` document (DescribeProcess response): one ProcessOffering per process with
 * the native process description (processDescription.xsd, dataTypes.xsd). What the schemas demand:
 *
 * - every data description starts with at least one `wps:Format`, one marked `default="true"`; literal and
 *   bounding-box data get the two value encodings of 14-065r2 §8 (`text/plain`, `text/xml`): literal inputs
 *   default to text/plain (bare text in `wps:Data`, the spec's own example), literal outputs and bounding boxes to
 *   text/xml (what Result documents carry: `wps:LiteralValue`, `ows:BoundingBox`);
 * - `LiteralDataDomain` is an unqualified local element (dataTypes.xsd has no elementFormDefault), written with no
 *   prefix and no default namespace in scope; its content is the values choice (`ows:AllowedValues` |
 *   `ows:AnyValue` | `ows:ValuesReference`), then `ows:DataType`, `ows:UOM`, `ows:DefaultValue` in that order;
 *   one domain per unit of measure, the first marked default ("e.g. distance units in meters, kilometers and
 *   feet");
 * - `wps:SupportedCRS` per CRS, the first marked default; `maximumMegabytes` (a positiveInteger) on the formats of a
 *   complex input;
 * - `maxOccurs="unbounded"` for unbounded inputs; outputs have no occurrences and no default value;
 * - default values written as the WPS 1.0.0 descriptions write them, so both versions describe a process alike
 *   (checked for every demo process in `test/wps2/codec-schemas.test.ts`).
 */
import { formatLiteral } from "../../io/literal.js";
import type {
  AllowedValues,
  Format,
  InputDefinition,
  LiteralType,
  LiteralValue,
  OutputDefinition,
} from "../../io/types.js";
import { type ProcessDefinition, translated, translatedIo } from "../../process/define.js";
import { type Attrs, XmlWriter } from "../xml/write.js";
import { dataTypeUri, isLanguageTag, mimeTypeOf, occursOf, SCHEMA } from "./constants.js";
import { described, type OfferingOptions, offeringAttrs, ROOT_NS } from "./encode-common.js";

function allowedValues(w: XmlWriter, a: AllowedValues): void {
  switch (a.kind) {
    case "any":
      w.leaf("ows:AnyValue");
      return;
    case "reference":
      w.leaf("ows:ValuesReference", [["ows:reference", a.reference]], a.name ?? "");
      return;
    case "values":
      if (a.values.length === 0 && a.ranges.length === 0) {
        // An empty ows:AllowedValues is invalid (a choice with at least one item); nothing listed means anything.
        w.leaf("ows:AnyValue");
        return;
      }
      w.open("ows:AllowedValues");
      for (const v of a.values) w.leaf("ows:Value", undefined, String(v));
      for (const r of a.ranges) {
        w.open("ows:Range", [["ows:rangeClosure", r.closure ?? "closed"]]);
        if (r.minimum !== undefined) w.leaf("ows:MinimumValue", undefined, String(r.minimum));
        if (r.maximum !== undefined) w.leaf("ows:MaximumValue", undefined, String(r.maximum));
        if (r.spacing !== undefined) w.leaf("ows:Spacing", undefined, String(r.spacing));
        w.close("ows:Range");
      }
      w.close("ows:AllowedValues");
  }
}

function valueFormats(w: XmlWriter, dflt: "text/plain" | "text/xml"): void {
  w.leaf("wps:Format", [
    ["mimeType", dflt],
    ["default", true],
  ]);
  w.leaf("wps:Format", [["mimeType", dflt === "text/plain" ? "text/xml" : "text/plain"]]);
}

function literalData(
  w: XmlWriter,
  d: {
    dataType: LiteralType;
    allowedValues: AllowedValues;
    uoms?: readonly string[] | undefined;
    default?: LiteralValue | undefined;
  },
  dflt: "text/plain" | "text/xml",
): void {
  w.open("wps:LiteralData");
  valueFormats(w, dflt);
  const uoms = d.uoms && d.uoms.length > 0 ? d.uoms : [undefined];
  uoms.forEach((uom, i) => {
    w.open("LiteralDataDomain", i === 0 ? [["default", true]] : []);
    allowedValues(w, d.allowedValues);
    w.leaf("ows:DataType", [["ows:reference", dataTypeUri(d.dataType)]], d.dataType);
    if (uom !== undefined) w.leaf("ows:UOM", undefined, uom);
    if (d.default !== undefined) w.leaf("ows:DefaultValue", undefined, formatLiteral(d.default));
    w.close("LiteralDataDomain");
  });
  w.close("wps:LiteralData");
}

function formatAttrs(f: Format, isDefault: boolean, maximumMegabytes?: number): Attrs {
  return [
    ["mimeType", mimeTypeOf(f.mimeType)],
    ["encoding", f.encoding],
    ["schema", f.schema],
    [
      "maximumMegabytes",
      maximumMegabytes === undefined ? undefined : Math.max(1, Math.ceil(maximumMegabytes)),
    ],
    ["default", isDefault ? true : undefined],
  ];
}

function complexData(w: XmlWriter, formats: readonly Format[], maximumMegabytes?: number): void {
  w.open("wps:ComplexData");
  formats.forEach((f, i) => {
    w.leaf("wps:Format", formatAttrs(f, i === 0, maximumMegabytes));
  });
  w.close("wps:ComplexData");
}

function boundingBoxData(w: XmlWriter, crs: readonly string[]): void {
  w.open("wps:BoundingBoxData");
  valueFormats(w, "text/xml");
  crs.forEach((c, i) => {
    w.leaf("wps:SupportedCRS", i === 0 ? [["default", true]] : [], c);
  });
  w.close("wps:BoundingBoxData");
}

function inputDescription(w: XmlWriter, p: ProcessDefinition, d: InputDefinition, lang: string): void {
  w.open("wps:Input", [
    ["minOccurs", d.minOccurs],
    ["maxOccurs", occursOf(d.maxOccurs)],
  ]);
  described(w, d.identifier, translatedIo(p, "inputs", d, lang), d.metadata);
  switch (d.kind) {
    case "literal":
      literalData(w, d, "text/plain");
      break;
    case "complex":
      complexData(w, d.formats, d.maximumMegabytes);
      break;
    case "bbox":
      boundingBoxData(w, d.crs);
      break;
  }
  w.close("wps:Input");
}

function outputDescription(w: XmlWriter, p: ProcessDefinition, d: OutputDefinition, lang: string): void {
  w.open("wps:Output");
  described(w, d.identifier, translatedIo(p, "outputs", d, lang), d.metadata);
  switch (d.kind) {
    case "literal":
      literalData(w, { dataType: d.dataType, allowedValues: { kind: "any" }, uoms: d.uoms }, "text/xml");
      break;
    case "complex":
      complexData(w, d.formats);
      break;
    case "bbox":
      boundingBoxData(w, d.crs);
      break;
  }
  w.close("wps:Output");
}

/** The native `wps:Process` description of `p` in `language` (also usable on its own, e.g. for profiles). */
export function writeProcess(w: XmlWriter, p: ProcessDefinition, language: string): void {
  w.open("wps:Process", [["xml:lang", isLanguageTag(language) ? language : undefined]]);
  described(w, p.identifier, translated(p, language), p.metadata);
  for (const i of p.inputs) inputDescription(w, p, i, language);
  for (const o of p.outputs) outputDescription(w, p, o, language);
  w.close("wps:Process");
}

/**
 * `DescribeProcess` response: the processes in the order given (the order requested, wpsDescribeProcess.xsd),
 * texts translated into `language` where the process has translations.
 */
export function encodeProcessOfferings(
  processes: readonly ProcessDefinition[],
  language: string,
  options: OfferingOptions = {},
): string {
  const w = new XmlWriter();
  w.open("wps:ProcessOfferings", [...ROOT_NS, ["xsi:schemaLocation", SCHEMA.wps]]);
  for (const p of processes) {
    w.open("wps:ProcessOffering", offeringAttrs(p, options));
    writeProcess(w, p, language);
    w.close("wps:ProcessOffering");
  }
  w.close("wps:ProcessOfferings");
  return w.toString();
}
