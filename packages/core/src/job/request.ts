/**
 * The protocol-neutral Execute request: what every front end decodes into and what the execution service
 * consumes.
 */
import type { OutputRequest } from "../io/types.js";
import type { RawInput } from "../io/validate.js";

/** An Execute request after protocol decoding, before it is checked against the process. */
export interface ExecuteRequest {
  readonly processId: string;
  readonly inputs: readonly RawInput[];
  /** `auto` lets the server choose (WPS 2.0 `mode="auto"`, OGC API without `Prefer`). */
  readonly mode: "sync" | "async" | "auto";
  /** A document with every requested output, or one output as the raw response body. */
  readonly response: "document" | "raw";
  /** Requested outputs; empty means all outputs in their default form. */
  readonly outputs: readonly OutputRequest[];
  /** Echo inputs and output definitions in the response (WPS 1.0.0 `lineage`). */
  readonly lineage: boolean;
  /** WPS 1.0.0 `status=true`: the stored document shows progress while the job runs. */
  readonly statusUpdates: boolean;
  /** Language tag the client asked for. */
  readonly language?: string;
}
