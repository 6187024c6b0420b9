/**
 * WPS 1.0.0 `ExecuteResponse` encoder (server side): the synchronous response, the immediate asynchronous response
 * and the stored status document — process, status, lineage echo and outputs. Element order and required attributes
 * follow the XSDs in `shared/schemas` (not PyWPS): no `percentCompleted` on ProcessAccepted, `ows:ExceptionReport`
 * inside ProcessFailed, UTC `creationTime`, and no `statusLocation` on synchronous responses.
 */
import type { OutputRequest } from "../../io/types.js";
import { translated, translatedIo } from "../../process/define.js";
import type { ErrorView, JobView, OutputValueView } from "../view.js";
import { cdata, XmlWriter } from "../xml/write.js";
import { NS, SCHEMA, WPS1_VERSION } from "./constants.js";
import { bboxData, described, encodeInput, ROOT_NS } from "./encode-common.js";

/**
 * Text written inside `wps:ProcessFailed`, before its `ows:ExceptionReport`. The schema's ProcessFailedType has
 * element-only content, so the reason cannot be written there (it is in the report) — but whitespace is allowed,
 * and it matters: OWSLib sets `statusMessage` to the element's text, which is `None` without any, and birdy's
 * progress loop (`WPSClient(progress=True)`) then crashes on `statusMessage[:50]`. PyWPS's indented documents
 * carry whitespace there, which is why birdy works against it.
 */
export const PROCESS_FAILED_TEXT = " ";

/** The `ows:ExceptionReport` inside `wps:ProcessFailed` (the standalone document is `encodeExceptionReport`). */
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
