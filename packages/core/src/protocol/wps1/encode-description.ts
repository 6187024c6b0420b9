/**
 * WPS 1.0.0 `DescribeProcess` response encoder (server side): one `ProcessDescription` per process with its inputs
 * (literal, complex, bounding box) and outputs. Element order follows the XSDs in `shared/schemas` (not PyWPS):
 * `AnyValue`/`AllowedValues` before `DefaultValue`.
 */
import { formatLiteral } from "../../io/literal.js";
import type {
  AllowedValues,
  Format,
  InputDefinition,
  LiteralValue,
  OutputDefinition,
} from "../../io/types.js";
import { type ProcessDefinition, translated, translatedIo } from "../../process/define.js";
import { XmlWriter } from "../xml/write.js";
import { dataTypeReference, SCHEMA, WPS1_VERSION } from "./constants.js";
import { described, ROOT_NS } from "./encode-common.js";

function allowedValues(w: XmlWriter, a: AllowedValues): void {
  switch (a.kind) {
    case "any":
      w.leaf("ows:AnyValue");
      return;
    case "reference":
      w.leaf("ValuesReference", [
        ["ows:reference", a.reference],
        ["valuesForm", a.reference],
      ]);
      return;
    case "values":
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

function dataType(w: XmlWriter, t: string): void {
  w.leaf("ows:DataType", [["ows:reference", dataTypeReference(t)]], t);
}

function uoms(w: XmlWriter, list: readonly string[] | undefined): void {
  if (!list || list.length === 0) return;
  w.open("UOMs");
  w.open("Default").leaf("ows:UOM", undefined, list[0]).close("Default");
  w.open("Supported");
  for (const u of list) w.leaf("ows:UOM", undefined, u);
  w.close("Supported");
  w.close("UOMs");
}

function format(w: XmlWriter, f: Format): void {
  w.open("Format");
  w.leaf("MimeType", undefined, f.mimeType);
  if (f.encoding !== undefined) w.leaf("Encoding", undefined, f.encoding);
  if (f.schema !== undefined) w.leaf("Schema", undefined, f.schema);
  w.close("Format");
}

function formats(w: XmlWriter, list: readonly Format[]): void {
  w.open("Default");
  format(w, list[0]!);
  w.close("Default");
  w.open("Supported");
  for (const f of list) format(w, f);
  w.close("Supported");
}

function crss(w: XmlWriter, list: readonly string[]): void {
  w.open("Default").leaf("CRS", undefined, list[0]).close("Default");
  w.open("Supported");
  for (const c of list) w.leaf("CRS", undefined, c);
  w.close("Supported");
}

function inputDescription(w: XmlWriter, p: ProcessDefinition, d: InputDefinition, lang: string): void {
  w.open("Input", [
    ["minOccurs", d.minOccurs],
    ["maxOccurs", d.maxOccurs],
  ]);
  described(w, d.identifier, translatedIo(p, "inputs", d, lang), d.metadata);
  switch (d.kind) {
    case "literal":
      w.open("LiteralData");
      dataType(w, d.dataType);
      uoms(w, d.uoms);
      allowedValues(w, d.allowedValues);
      if (d.default !== undefined)
        w.leaf("DefaultValue", undefined, formatLiteral(d.default as LiteralValue));
      w.close("LiteralData");
      break;
    case "complex":
      w.open(
        "ComplexData",
        d.maximumMegabytes !== undefined ? [["maximumMegabytes", Math.ceil(d.maximumMegabytes)]] : [],
      );
      formats(w, d.formats);
      w.close("ComplexData");
      break;
    case "bbox":
      w.open("BoundingBoxData");
      crss(w, d.crs);
      w.close("BoundingBoxData");
      break;
  }
  w.close("Input");
}

function outputDescription(w: XmlWriter, p: ProcessDefinition, d: OutputDefinition, lang: string): void {
  w.open("Output");
  described(w, d.identifier, translatedIo(p, "outputs", d, lang), d.metadata);
  switch (d.kind) {
    case "literal":
      w.open("LiteralOutput");
      dataType(w, d.dataType);
      uoms(w, d.uoms);
      w.close("LiteralOutput");
      break;
    case "complex":
      w.open("ComplexOutput");
      formats(w, d.formats);
      w.close("ComplexOutput");
      break;
    case "bbox":
      w.open("BoundingBoxOutput");
      crss(w, d.crs);
      w.close("BoundingBoxOutput");
      break;
  }
  w.close("Output");
}

/**
 * `DescribeProcess` response. `ProcessOutputs` needs at least one `Output` in WPS 1.0.0, which is why
 * `defineProcess` refuses processes without outputs.
 */
export function encodeProcessDescriptions(processes: readonly ProcessDefinition[], language: string): string {
  const w = new XmlWriter();
  w.open("wps:ProcessDescriptions", [
    ...ROOT_NS,
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["xml:lang", language],
    ["xsi:schemaLocation", SCHEMA.describe],
  ]);
  for (const p of processes) {
    w.open("ProcessDescription", [
      ["wps:processVersion", p.version],
      ["storeSupported", p.jobControl.async],
      ["statusSupported", p.jobControl.async],
    ]);
    described(w, p.identifier, translated(p, language), p.metadata);
    if (p.inputs.length > 0) {
      w.open("DataInputs");
      for (const i of p.inputs) inputDescription(w, p, i, language);
      w.close("DataInputs");
    }
    w.open("ProcessOutputs");
    for (const o of p.outputs) outputDescription(w, p, o, language);
    w.close("ProcessOutputs");
    w.close("ProcessDescription");
  }
  w.close("wps:ProcessDescriptions");
  return w.toString();
}
