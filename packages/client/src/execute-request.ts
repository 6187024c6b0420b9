/**
 * The WPS 1.0.0 Execute request the client sends: checked inputs mapped to the core's raw input model and encoded
 * by the core's `encodeExecuteRequest` (the server's own codec, so the two cannot drift). The WPS 2.0.0 client maps
 * inputs the same way ({@link rawInput}) for the core's WPS 2.0.0 encoder.
 */
import type { OutputRequest, RawInput } from "@roost/core/internal";
import { wps1 } from "@roost/core/internal";
import type { PreparedInput } from "./execute-values.js";

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

/** A checked input as the core's raw input model, which the WPS 1.0.0 and 2.0.0 encoders take. */
export function rawInput({ id, value: v }: PreparedInput): RawInput {
  switch (v.kind) {
    case "literal":
      // No dataType attribute: the server knows the type, and some servers treat a mismatched spelling as an error.
      return { id, value: { kind: "literal", value: v.value } };
    case "reference":
      return { id, value: { ...v, method: "GET" } };
    case "complex":
    case "bbox":
      return { id, value: v };
  }
}

/** Encode an Execute request document. */
export function encodeExecuteRequest(
  processId: string,
  inputs: readonly PreparedInput[],
  form: ExecuteForm,
  language?: string,
): string {
  return wps1.encodeExecuteRequest({
    processId,
    inputs: inputs.map(rawInput),
    outputs: form.outputs,
    store: form.store,
    status: form.status,
    ...(form.lineage !== undefined ? { lineage: form.lineage } : {}),
    ...(language !== undefined ? { language } : {}),
  });
}
