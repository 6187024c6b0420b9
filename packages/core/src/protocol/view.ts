/**
 * A job as a protocol encoder sees it: status, message, progress, and outputs already resolved to literal text,
 * inline data or URLs. The execution service builds it from the store; front ends only encode it.
 */
import type { RawInput } from "../io/raw-input.js";
import type { BoundingBox, OutputDefinition, OutputRequest } from "../io/types.js";
import type { ProcessDefinition } from "../process/define.js";

/** An error shown to the client (one `ows:Exception`). */
export interface ErrorView {
  /** OWS exception code for this protocol version (resolved through the error catalogue). */
  readonly code: string;
  readonly text: string;
  readonly locator?: string;
}

/** One output value, ready to encode. */
export type OutputValueView =
  | { readonly kind: "literal"; readonly value: string; readonly dataType: string; readonly uom?: string }
  | {
      readonly kind: "inline";
      readonly mimeType: string;
      readonly encoding?: string;
      readonly schema?: string;
      /** Text, base64 text (encoding `base64`), or XML markup when `xml` is true. */
      readonly data: string;
      readonly xml: boolean;
    }
  | {
      readonly kind: "reference";
      readonly href: string;
      readonly mimeType: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | { readonly kind: "bbox"; readonly value: BoundingBox };

/** An output with its definition and value. */
export interface OutputView {
  readonly definition: OutputDefinition;
  readonly value: OutputValueView;
}

/** Where a job stands, in protocol-neutral terms. */
export type StatusView =
  | { readonly kind: "accepted"; readonly message: string }
  | { readonly kind: "running"; readonly message: string; readonly percent: number }
  | { readonly kind: "succeeded"; readonly message: string }
  | { readonly kind: "failed"; readonly errors: readonly ErrorView[] }
  | { readonly kind: "dismissed"; readonly message: string };

/** Everything an Execute response or status document shows. */
export interface JobView {
  readonly jobId: string;
  readonly process: ProcessDefinition;
  readonly language: string;
  readonly status: StatusView;
  /** When the shown status was reached. */
  readonly time: Date;
  readonly created: Date;
  readonly started?: Date;
  readonly finished?: Date;
  /** Absolute URL of the stored status document (async only). */
  readonly statusLocation?: string;
  /** Echo of the request (lineage). */
  readonly lineage?: { readonly inputs: readonly RawInput[]; readonly outputs: readonly OutputRequest[] };
  /** Outputs of a succeeded job, in request order. */
  readonly outputs?: readonly OutputView[];
}
