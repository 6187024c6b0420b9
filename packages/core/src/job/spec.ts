/**
 * The job specification the server writes into the job directory (`job.json`) and the worker reads, and the
 * result the worker hands back. Together they are the whole contract between the server and a worker, local or
 * on a Slurm compute node: no database access, only the shared filesystem (or IPC for local workers).
 */
import type { BoundingBox, LiteralValue, OutputRequest } from "../io/types.js";
import type { JobOutputs } from "./record.js";

/** Where the worker finds a process's code. */
export type ProcessSource = { readonly kind: "demo" } | { readonly kind: "module"; readonly path: string };

/** One input occurrence as the worker receives it. Complex data is already a file in the job directory. */
export type SpecValue =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly uom?: string }
  | {
      readonly kind: "complex";
      /** Path relative to the job directory. */
      readonly file: string;
      readonly mimeType: string;
      readonly encoding?: string;
      readonly schema?: string;
      readonly href?: string;
      readonly size: number;
    }
  | { readonly kind: "bbox"; readonly value: BoundingBox };

/** Contents of `job.json`. */
export interface JobSpec {
  readonly version: 1;
  readonly jobId: string;
  readonly process: { readonly id: string; readonly source: ProcessSource };
  /** Input values by identifier, in declaration order. */
  readonly inputs: Readonly<Record<string, readonly SpecValue[]>>;
  readonly outputRequests: readonly OutputRequest[];
  readonly language?: string;
  /** Public base URL of the job's published outputs, ending with `/`. */
  readonly outputsUrl: string;
  /** Wall-time limit of one attempt, seconds. */
  readonly timeLimitSec: number;
}

/** Why an attempt did not succeed. `message` is what the client may see. */
export interface WorkerFailure {
  readonly kind: "process" | "internal" | "cancelled" | "timeout" | "crashed" | "lost" | "scheduler";
  readonly message: string;
}

/** What a worker reports at the end of an attempt (IPC message, or `result.json` in the attempt directory). */
export type WorkerResult =
  | { readonly jobId: string; readonly attempt: number; readonly ok: true; readonly outputs: JobOutputs }
  | { readonly jobId: string; readonly attempt: number; readonly ok: false; readonly failure: WorkerFailure };

/** Progress a worker reports (IPC message, or `progress.json` in the attempt directory). */
export interface WorkerProgress {
  readonly jobId: string;
  readonly attempt: number;
  readonly percent: number;
  readonly message: string;
  /** Epoch ms when it was reported. */
  readonly at: number;
}
