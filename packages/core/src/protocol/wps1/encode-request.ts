/**
 * WPS 1.0.0 `wps:Execute` request encoder (client side): the XML POST document the client sends, with inputs written
 * by the same encoder as the lineage echo of ExecuteResponses (`encode-common.ts`).
 */

import type { RawInput } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import { XmlWriter } from "../xml/write.js";
import { NS, WPS1_VERSION } from "./constants.js";
import { encodeInput } from "./encode-common.js";

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
