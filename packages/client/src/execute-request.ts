/**
 * The WPS 1.0.0 Execute request as XML (HTTP POST). XML rather than KVP because every value survives it: KVP needs
 * `;`, `@` and `=` escaped inside values, and servers disagree on how many times to decode them.
 */
import { cdata, type OutputRequest, wps1, XmlWriter } from "@roost/core";
import type { PreparedInput } from "./inputs.js";

/** How the server should answer. */
export interface ExecuteForm {
  /** Store the response and answer at once with a `statusLocation` (asynchronous execution). */
  readonly store: boolean;
  /** Keep the stored response up to date while the process runs (progress). */
  readonly status: boolean;
  /** Ask the server to echo the inputs and output definitions. */
  readonly lineage?: boolean;
  /** Outputs to return and how; empty means all outputs in their default form. */
  readonly outputs: readonly OutputRequest[];
}

/** Encode an Execute request document. */
export function encodeExecuteRequest(
  processId: string,
  inputs: readonly PreparedInput[],
  form: ExecuteForm,
  language?: string,
): string {
  const { NS, WPS1_VERSION } = wps1;
  const w = new XmlWriter();
  w.open("wps:Execute", [
    ["xmlns:wps", NS.wps],
    ["xmlns:ows", NS.ows],
    ["xmlns:xlink", NS.xlink],
    ["service", "WPS"],
    ["version", WPS1_VERSION],
    ["language", language],
  ]);
  w.leaf("ows:Identifier", undefined, processId);
  if (inputs.length > 0) {
    w.open("wps:DataInputs");
    for (const { id, value: v } of inputs) {
      w.open("wps:Input");
      w.leaf("ows:Identifier", undefined, id);
      switch (v.kind) {
        case "literal":
          // No dataType attribute: the server knows the type, and some servers treat a mismatched spelling as an error.
          w.open("wps:Data").leaf("wps:LiteralData", undefined, v.value).close("wps:Data");
          break;
        case "reference":
          w.leaf("wps:Reference", [
            ["xlink:href", v.href],
            ["method", "GET"],
            ["mimeType", v.mimeType],
            ["encoding", v.encoding],
            ["schema", v.schema],
          ]);
          break;
        case "complex":
          w.open("wps:Data").open("wps:ComplexData", [
            ["mimeType", v.mimeType],
            ["encoding", v.encoding],
            ["schema", v.schema],
          ]);
          // Embedded XML stays XML; everything else goes in CDATA, which needs no escaping of `<` and `&`.
          w.raw(v.xml ? v.data : cdata(v.data));
          w.close("wps:ComplexData").close("wps:Data");
          break;
        case "bbox":
          w.open("wps:Data").open("wps:BoundingBoxData", [
            ["crs", v.crs],
            ["dimensions", v.dimensions],
          ]);
          w.leaf("ows:LowerCorner", undefined, v.lowerCorner.join(" "));
          w.leaf("ows:UpperCorner", undefined, v.upperCorner.join(" "));
          w.close("wps:BoundingBoxData").close("wps:Data");
          break;
      }
      w.close("wps:Input");
    }
    w.close("wps:DataInputs");
  }
  w.open("wps:ResponseForm");
  w.open("wps:ResponseDocument", [
    ["storeExecuteResponse", form.store],
    ["status", form.status],
    ["lineage", form.lineage ?? false],
  ]);
  for (const o of form.outputs) {
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
