/**
 * WPS 1.0.0 response encoders. Element order and required attributes follow the XSDs in `shared/schemas` (not
 * PyWPS): `AnyValue`/`AllowedValues` before `DefaultValue`, no keywords inside `wps:Process`, no
 * `percentCompleted` on ProcessAccepted, `ows:ExceptionReport` inside ProcessFailed, UTC `creationTime`, and no
 * `statusLocation` on synchronous responses.
 */
import { formatLiteral } from "../../io/literal.js";
import type { RawInput } from "../../io/raw-input.js";
import type {
  AllowedValues,
  Format,
  InputDefinition,
  LiteralValue,
  MetadataLink,
  OutputDefinition,
  OutputRequest,
} from "../../io/types.js";
import { type ProcessDefinition, translated, translatedIo } from "../../process/define.js";
import type { ServiceInfo } from "../service-info.js";
import type { ErrorView, JobView, OutputValueView } from "../view.js";
import { cdata, XmlWriter } from "../xml/write.js";
import { dataTypeReference, NS, SCHEMA, WPS1_VERSION } from "./constants.js";

const ROOT_NS: readonly (readonly [string, string])[] = [
  ["xmlns:wps", NS.wps],
  ["xmlns:ows", NS.ows],
  ["xmlns:xlink", NS.xlink],
  ["xmlns:xsi", NS.xsi],
];

/**
 * Text written inside `wps:ProcessFailed`, before its `ows:ExceptionReport`. The schema's ProcessFailedType has
 * element-only content, so the reason cannot be written there (it is in the report) — but whitespace is allowed,
 * and it matters: OWSLib sets `statusMessage` to the element's text, which is `None` without any, and birdy's
 * progress loop (`WPSClient(progress=True)`) then crashes on `statusMessage[:50]`. PyWPS's indented documents
 * carry whitespace there, which is why birdy works against it.
 */
export const PROCESS_FAILED_TEXT = " ";

function metadata(w: XmlWriter, links: readonly MetadataLink[] | undefined): void {
  for (const m of links ?? []) {
    w.leaf("ows:Metadata", [
      ["xlink:title", m.title],
      ["xlink:href", m.href],
      ["xlink:role", m.role],
    ]);
  }
}

function described(
  w: XmlWriter,
  id: string,
  t: { title: string; abstract?: string },
  meta?: readonly MetadataLink[],
): void {
  w.leaf("ows:Identifier", undefined, id);
  w.leaf("ows:Title", undefined, t.title);
  if (t.abstract !== undefined) w.leaf("ows:Abstract", undefined, t.abstract);
  metadata(w, meta);
}

/** `GetCapabilities` response. `endpoint` is the absolute URL of the WPS endpoint. */
export function encodeCapabilities(
  svc: ServiceInfo,
  endpoint: string,
  processes: readonly ProcessDefinition[],
  language: string,
  extensions: { readonly jobsUrl?: string } = {},
): string {
  const w = new XmlWriter();
  w.open("wps:Capabilities", [
    ...ROOT_NS,
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["xml:lang", language],
    ["xsi:schemaLocation", SCHEMA.capabilities],
  ]);
  w.open("ows:ServiceIdentification");
  w.leaf("ows:Title", undefined, svc.title);
  if (svc.abstract !== undefined) w.leaf("ows:Abstract", undefined, svc.abstract);
  if (svc.keywords.length > 0) {
    w.open("ows:Keywords");
    for (const k of svc.keywords) w.leaf("ows:Keyword", undefined, k.trim());
    w.close("ows:Keywords");
  }
  w.leaf("ows:ServiceType", undefined, "WPS");
  w.leaf("ows:ServiceTypeVersion", undefined, WPS1_VERSION);
  w.leaf("ows:Fees", undefined, svc.fees);
  w.leaf("ows:AccessConstraints", undefined, svc.accessConstraints);
  w.close("ows:ServiceIdentification");

  const p = svc.provider;
  w.open("ows:ServiceProvider");
  w.leaf("ows:ProviderName", undefined, p.name);
  if (p.site !== undefined) w.leaf("ows:ProviderSite", [["xlink:href", p.site]]);
  w.open("ows:ServiceContact");
  if (p.individualName !== undefined) w.leaf("ows:IndividualName", undefined, p.individualName);
  if (p.positionName !== undefined) w.leaf("ows:PositionName", undefined, p.positionName);
  if (p.email !== undefined || p.phone !== undefined) {
    w.open("ows:ContactInfo");
    if (p.phone !== undefined) w.open("ows:Phone").leaf("ows:Voice", undefined, p.phone).close("ows:Phone");
    if (p.email !== undefined)
      w.open("ows:Address").leaf("ows:ElectronicMailAddress", undefined, p.email).close("ows:Address");
    w.close("ows:ContactInfo");
  }
  w.close("ows:ServiceContact");
  w.close("ows:ServiceProvider");

  w.open("ows:OperationsMetadata");
  for (const op of ["GetCapabilities", "DescribeProcess", "Execute"]) {
    w.open("ows:Operation", [["name", op]])
      .open("ows:DCP")
      .open("ows:HTTP");
    w.leaf("ows:Get", [["xlink:href", `${endpoint}?`]]);
    w.leaf("ows:Post", [["xlink:href", endpoint]]);
    w.close("ows:HTTP").close("ows:DCP").close("ows:Operation");
  }
  if (extensions.jobsUrl !== undefined) {
    // WPS 1.0.0 has no way to dismiss a job; Roost offers `DELETE <jobs>/<id>` and says so where OWS allows vendor
    // extensions (ExtendedCapabilities is anyType: other clients skip it, the XSD accepts it).
    w.open("ows:ExtendedCapabilities");
    w.leaf("roost:Jobs", [
      ["xmlns:roost", NS.roost],
      ["xlink:href", extensions.jobsUrl],
    ]);
    w.close("ows:ExtendedCapabilities");
  }
  w.close("ows:OperationsMetadata");

  w.open("wps:ProcessOfferings");
  for (const proc of processes) {
    w.open("wps:Process", [["wps:processVersion", proc.version]]);
    described(w, proc.identifier, translated(proc, language), proc.metadata);
    w.close("wps:Process");
  }
  w.close("wps:ProcessOfferings");

  w.open("wps:Languages");
  w.open("wps:Default")
    .leaf("ows:Language", undefined, svc.languages[0] ?? "en-US")
    .close("wps:Default");
  w.open("wps:Supported");
  for (const l of svc.languages) w.leaf("ows:Language", undefined, l);
  w.close("wps:Supported");
  w.close("wps:Languages");
  w.close("wps:Capabilities");
  return w.toString();
}

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

function exceptions(w: XmlWriter, errors: readonly ErrorView[], lang?: string): void {
  w.open("ows:ExceptionReport", [
    ["xmlns:ows", NS.ows],
    ["version", WPS1_VERSION],
    ["xml:lang", lang],
  ]);
  for (const e of errors) {
    w.open("ows:Exception", [
      ["exceptionCode", e.code],
      ["locator", e.locator === "" ? undefined : e.locator],
    ]);
    w.leaf("ows:ExceptionText", undefined, e.text);
    w.close("ows:Exception");
  }
  w.close("ows:ExceptionReport");
}

/** A standalone `ows:ExceptionReport` document. */
export function encodeExceptionReport(errors: readonly ErrorView[], language?: string): string {
  const w = new XmlWriter();
  w.open("ows:ExceptionReport", [
    ["xmlns:ows", NS.ows],
    ["xmlns:xsi", NS.xsi],
    ["xsi:schemaLocation", SCHEMA.exception],
    ["version", WPS1_VERSION],
    ["xml:lang", language],
  ]);
  for (const e of errors) {
    w.open("ows:Exception", [
      ["exceptionCode", e.code],
      ["locator", e.locator === "" ? undefined : e.locator],
    ]);
    w.leaf("ows:ExceptionText", undefined, e.text);
    w.close("ows:Exception");
  }
  w.close("ows:ExceptionReport");
  return w.toString();
}

function bboxData(
  w: XmlWriter,
  name: string,
  b: { crs?: string; dimensions?: number; lowerCorner: readonly number[]; upperCorner: readonly number[] },
): void {
  w.open(name, [
    ["crs", b.crs],
    ["dimensions", b.dimensions ?? b.lowerCorner.length],
  ]);
  w.leaf("ows:LowerCorner", undefined, b.lowerCorner.join(" "));
  w.leaf("ows:UpperCorner", undefined, b.upperCorner.join(" "));
  w.close(name);
}

/** One `wps:Input` (used by Execute requests and by the lineage echo of responses). */
function encodeInput(w: XmlWriter, i: RawInput): void {
  w.open("wps:Input");
  w.leaf("ows:Identifier", undefined, i.id);
  const v = i.value;
  switch (v.kind) {
    case "reference":
      w.open("wps:Reference", [
        ["xlink:href", v.href],
        ["method", v.method],
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      for (const [key, value] of v.headers ?? [])
        w.leaf("wps:Header", [
          ["key", key],
          ["value", value],
        ]);
      if (v.body !== undefined) w.open("wps:Body").raw(cdata(v.body)).close("wps:Body");
      else if (v.bodyReference !== undefined) w.leaf("wps:BodyReference", [["xlink:href", v.bodyReference]]);
      w.close("wps:Reference");
      break;
    case "literal":
      w.open("wps:Data")
        .leaf(
          "wps:LiteralData",
          [
            ["uom", v.uom],
            ["dataType", v.dataType],
          ],
          v.value,
        )
        .close("wps:Data");
      break;
    case "text":
      w.open("wps:Data").leaf("wps:LiteralData", undefined, v.value).close("wps:Data");
      break;
    case "complex":
      w.open("wps:Data")
        .open("wps:ComplexData", [
          ["mimeType", v.mimeType],
          ["encoding", v.encoding],
          ["schema", v.schema],
        ])
        // Embedded XML stays XML; anything else goes in CDATA, which needs no escaping of `<` and `&`.
        .raw(v.xml === true ? v.data : cdata(v.data))
        .close("wps:ComplexData")
        .close("wps:Data");
      break;
    case "bbox":
      w.open("wps:Data");
      bboxData(w, "wps:BoundingBoxData", v);
      w.close("wps:Data");
      break;
  }
  w.close("wps:Input");
}

function outputData(w: XmlWriter, v: OutputValueView): void {
  switch (v.kind) {
    case "reference":
      w.leaf("wps:Reference", [
        ["href", v.href],
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      return;
    case "literal":
      w.open("wps:Data")
        .leaf(
          "wps:LiteralData",
          [
            ["dataType", v.dataType],
            ["uom", v.uom],
          ],
          v.value,
        )
        .close("wps:Data");
      return;
    case "inline":
      w.open("wps:Data").open("wps:ComplexData", [
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      // Embedded XML stays XML; any other text goes into CDATA so `<` and `&` in JSON cannot break the document.
      w.raw(v.xml ? v.data : cdata(v.data));
      w.close("wps:ComplexData").close("wps:Data");
      return;
    case "bbox":
      w.open("wps:Data");
      bboxData(w, "wps:BoundingBoxData", v.value);
      w.close("wps:Data");
      return;
  }
}

/** What an Execute request document carries (a client-side view of {@link ExecuteRequest}). */
export interface ExecuteRequestDocument {
  readonly processId: string;
  readonly inputs: readonly RawInput[];
  /** Requested outputs; empty means all in their default form. */
  readonly outputs: readonly OutputRequest[];
  /** `storeExecuteResponse`: answer at once with a statusLocation. */
  readonly store: boolean;
  /** `status`: keep the stored document up to date while the job runs. */
  readonly status: boolean;
  readonly lineage?: boolean;
  readonly language?: string;
}

/**
 * A WPS 1.0.0 `wps:Execute` request (XML POST), encoded by the same input encoder as the lineage echo. XML rather
 * than KVP because every value survives it: KVP needs `;`, `@` and `=` escaped inside values, and servers disagree
 * on how many times to decode them.
 */
export function encodeExecuteRequest(r: ExecuteRequestDocument): string {
  const w = new XmlWriter();
  w.open("wps:Execute", [
    ["xmlns:wps", NS.wps],
    ["xmlns:ows", NS.ows],
    ["xmlns:xlink", NS.xlink],
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["language", r.language],
  ]);
  w.leaf("ows:Identifier", undefined, r.processId);
  if (r.inputs.length > 0) {
    w.open("wps:DataInputs");
    for (const i of r.inputs) encodeInput(w, i);
    w.close("wps:DataInputs");
  }
  w.open("wps:ResponseForm");
  w.open("wps:ResponseDocument", [
    ["storeExecuteResponse", r.store],
    ["status", r.status],
    ["lineage", r.lineage ?? false],
  ]);
  for (const o of r.outputs) {
    w.open("wps:Output", [
      ["asReference", o.asReference],
      ["mimeType", o.mimeType],
      ["encoding", o.encoding],
      ["schema", o.schema],
      ["uom", o.uom],
    ]);
    w.leaf("ows:Identifier", undefined, o.id);
    w.close("wps:Output");
  }
  w.close("wps:ResponseDocument");
  w.close("wps:ResponseForm");
  w.close("wps:Execute");
  return w.toString();
}

/** XML Schema dateTime in UTC with a real `Z`, whole seconds plus milliseconds. */
export function utc(d: Date): string {
  return d.toISOString();
}

/**
 * `ExecuteResponse`: the synchronous response, the immediate async response and the stored status document are all
 * this, differing only in status and outputs. `serviceInstance` is the GetCapabilities URL.
 */
export function encodeExecuteResponse(view: JobView, serviceInstance: string): string {
  const w = new XmlWriter();
  const p = view.process;
  const lang = view.language;
  w.open("wps:ExecuteResponse", [
    ...ROOT_NS,
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["xml:lang", lang],
    ["serviceInstance", serviceInstance],
    ["statusLocation", view.statusLocation],
    ["xsi:schemaLocation", SCHEMA.execute],
  ]);
  w.open("wps:Process", [["wps:processVersion", p.version]]);
  described(w, p.identifier, translated(p, lang), p.metadata);
  w.close("wps:Process");

  w.open("wps:Status", [["creationTime", utc(view.time)]]);
  const s = view.status;
  switch (s.kind) {
    case "accepted":
      w.leaf("wps:ProcessAccepted", undefined, s.message);
      break;
    case "running":
      w.leaf(
        "wps:ProcessStarted",
        [["percentCompleted", Math.max(0, Math.min(99, Math.floor(s.percent)))]],
        s.message,
      );
      break;
    case "succeeded":
      w.leaf("wps:ProcessSucceeded", undefined, s.message);
      break;
    case "failed":
      w.open("wps:ProcessFailed").text(PROCESS_FAILED_TEXT);
      exceptions(w, s.errors);
      w.close("wps:ProcessFailed");
      break;
    case "dismissed":
      // WPS 1.0.0 has no dismissed state: report it as a failure that says so.
      w.open("wps:ProcessFailed").text(PROCESS_FAILED_TEXT);
      exceptions(w, [{ code: "NoApplicableCode", text: s.message }]);
      w.close("wps:ProcessFailed");
      break;
  }
  w.close("wps:Status");

  if (view.lineage) {
    if (view.lineage.inputs.length > 0) {
      w.open("wps:DataInputs");
      for (const i of view.lineage.inputs) encodeInput(w, i);
      w.close("wps:DataInputs");
    }
    const outs: readonly OutputRequest[] =
      view.lineage.outputs.length > 0 ? view.lineage.outputs : p.outputs.map((o) => ({ id: o.identifier }));
    if (outs.length > 0) {
      w.open("wps:OutputDefinitions");
      for (const o of outs) {
        w.open("wps:Output", [
          ["uom", o.uom],
          ["mimeType", o.mimeType],
          ["encoding", o.encoding],
          ["schema", o.schema],
          ["asReference", o.asReference],
        ]);
        w.leaf("ows:Identifier", undefined, o.id);
        w.close("wps:Output");
      }
      w.close("wps:OutputDefinitions");
    }
  }

  if (s.kind === "succeeded" && view.outputs && view.outputs.length > 0) {
    w.open("wps:ProcessOutputs");
    for (const o of view.outputs) {
      w.open("wps:Output");
      described(w, o.definition.identifier, translatedIo(p, "outputs", o.definition, lang));
      outputData(w, o.value);
      w.close("wps:Output");
    }
    w.close("wps:ProcessOutputs");
  }
  w.close("wps:ExecuteResponse");
  return w.toString();
}
