/**
 * A job as the store keeps it. Timestamps are epoch milliseconds (UTC by construction, the same in SQLite and
 * PostgreSQL). JSON-valued fields hold small documents only; large data (inputs, outputs) lives in the job
 * directory.
 */
import type { BoundingBox, LiteralValue, OutputRequest } from "../io/types.js";
import type { Subscriber } from "./request.js";
import type { JobStatus } from "./status.js";

/**
 * How the job was requested: everything needed to render its results later, in the protocol that asked for them
 * or in any other (one job model: a job submitted through one front end is visible through all).
 */
export interface JobRequestInfo {
  /** Front end that accepted the job (`wps1`, `wps2`, `ogcapi`). */
  readonly protocol: string;
  readonly response: "document" | "raw";
  readonly outputs: readonly OutputRequest[];
  readonly language: string;
  /** The request's inputs were kept (`request.json`) so they can be echoed (WPS 1.0.0 lineage) or re-run. */
  readonly lineage?: boolean;
  /**
   * Whether progress is shown while the job runs. Only WPS 1.0.0 `status=false` turns it off (its stored document
   * then reads "accepted" until the end); absent means true.
   */
  readonly statusUpdates?: boolean;
  /** Callbacks to notify (OGC API – Processes `subscriber`). */
  readonly subscriber?: Subscriber;
  /**
   * The request's inputs and outputs as an OGC API – Processes execute body, whatever protocol submitted the job, so
   * they can be shown and the job run again (`GET /jobs/{id}/inputs`). Absent for jobs recorded before it existed.
   */
  readonly inputs?: RecordedRequest;
}

/**
 * A job's request as an OGC API – Processes execute body (`execute.yaml`: `inputs`, `outputs`, `response`), kept
 * small: at most {@link RECORDED_REQUEST_MAX_BYTES} of JSON. Values that would exceed it are left out, inline complex
 * values first and the largest first, and named in {@link RecordedRequest.omitted}; references are kept as links
 * (`{href, type}`, never the headers or body a WPS reference may carry: they can hold credentials).
 */
export interface RecordedRequest {
  /** Input identifier → value, or array of values for repeated inputs (null prototype). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Output identifier → `{transmissionMode?, format?}` (null prototype); absent: all outputs by default. */
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly response: "raw" | "document";
  /** Identifiers of inputs whose values were left out to stay under the size limit. */
  readonly omitted?: readonly string[];
}

/** Largest recorded request, in bytes of JSON (PyWPS filled its request database with inline inputs, #506). */
export const RECORDED_REQUEST_MAX_BYTES = 64 * 1024;

/** One produced output as recorded in the store. */
export type StoredOutput =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly uom?: string }
  /** A file in the job's published outputs directory (`file` is relative to it). */
  | {
      readonly kind: "file";
      readonly file: string;
      readonly mimeType: string;
      readonly encoding?: string;
      readonly schema?: string;
      readonly size: number;
    }
  | { readonly kind: "href"; readonly href: string; readonly mimeType: string }
  | { readonly kind: "bbox"; readonly value: BoundingBox };

/** Outputs of a succeeded job, keyed by output identifier (insertion order = process declaration order). */
export type JobOutputs = Readonly<Record<string, StoredOutput>>;

/** Why a job failed, as recorded. `message` is safe to show the client. */
export interface JobErrorInfo {
  /** Error catalogue code (`Internal` for process failures). */
  readonly code: string;
  readonly message: string;
  readonly locator?: string;
}

/** A stored job. */
export interface JobRecord {
  readonly id: string;
  readonly processId: string;
  readonly status: JobStatus;
  readonly mode: "sync" | "async";
  /** Scheduler backend running it (`local`, `slurm`). */
  readonly backend: string;
  /** 0–100, or null before any report. */
  readonly progress: number | null;
  readonly message: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
  /** Attempt number (fencing token); 0 until first submitted. */
  readonly attempt: number;
  /** The backend's id of the current attempt (e.g. a Slurm job id). */
  readonly schedulerRef: string | null;
  readonly dismissRequested: boolean;
  readonly request: JobRequestInfo;
  readonly outputs: JobOutputs | null;
  readonly error: JobErrorInfo | null;
  /**
   * The server instance that runs or monitors the job; another server takes it over only once that instance's
   * lease has expired. Null for jobs recorded before ownership existed (any server may recover them).
   */
  readonly owner?: string | null;
  /** Where the current attempt runs or ran, as the backend names it (Slurm's node list), when known. */
  readonly node?: string | null;
}

/** Fields given when a job is created. */
export interface NewJob {
  readonly id: string;
  readonly processId: string;
  readonly status: "accepted" | "running";
  readonly mode: "sync" | "async";
  readonly backend: string;
  readonly createdAt: number;
  /** Set for jobs inserted as running (sync executions). */
  readonly startedAt?: number;
  readonly request: JobRequestInfo;
  readonly message?: string;
  /** The server instance that takes care of it (see {@link JobRecord.owner}). */
  readonly owner?: string;
}

/**
 * A job recorded only once it has ended: synchronous executions, whose client waits on the connection, are kept in
 * memory while they run and written afterwards (batched), so no store write sits on the request path.
 */
export interface FinishedJob extends Omit<NewJob, "status" | "startedAt"> {
  readonly status: "succeeded" | "failed" | "dismissed";
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly progress: number | null;
  readonly outputs: JobOutputs | null;
  readonly error: JobErrorInfo | null;
}

/** Fields a transition or update may change. */
export interface JobPatch {
  readonly progress?: number | null;
  readonly message?: string | null;
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
  readonly attempt?: number;
  readonly schedulerRef?: string | null;
  readonly dismissRequested?: boolean;
  readonly outputs?: JobOutputs | null;
  readonly error?: JobErrorInfo | null;
  readonly node?: string | null;
}
