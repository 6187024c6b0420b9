/**
 * The protocol-neutral Execute request: what every front end decodes into and what the job API consumes. Options
 * that only one protocol knows (WPS 1.0.0 `lineage`, `status`) travel in that protocol's own request type and reach
 * the job API as {@link ExecuteOptions} of the front end, never as fields here.
 */
import type { RawInput } from "../io/raw-input.js";
import type { OutputRequest } from "../io/types.js";

/** Where to notify a client of a job's progress and end (OGC API – Processes `subscriber`). */
export interface Subscriber {
  /** POSTed the results document when the job succeeds. */
  readonly successUri?: string;
  /** POSTed a status document while the job runs. */
  readonly inProgressUri?: string;
  /** POSTed an exception document when the job fails. */
  readonly failedUri?: string;
}

/** An Execute request after protocol decoding, before it is checked against the process. */
export interface ExecuteRequest {
  readonly processId: string;
  readonly inputs: readonly RawInput[];
  /** `auto` lets the server choose (WPS 2.0 `mode="auto"`, OGC API without `Prefer`). */
  readonly mode: "sync" | "async" | "auto";
  /** A document with every requested output, or the outputs as raw response bodies. */
  readonly response: "document" | "raw";
  /** Requested outputs; empty means all outputs in their default form. */
  readonly outputs: readonly OutputRequest[];
  /** Language tag the client asked for. */
  readonly language?: string;
  /** Callbacks to notify (OGC API – Processes). */
  readonly subscriber?: Subscriber;
}
