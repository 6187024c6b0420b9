/**
 * The scheduler port: where an accepted job's attempt runs. Implemented by the local worker pool (the embedded
 * default) and by Slurm. Push-capable backends (local) report through the listener; poll-based ones (Slurm) are
 * asked by the job monitor with one batched `poll` per tick.
 */
import type { JobSpec, WorkerProgress, WorkerResult } from "../job/spec.js";

/** One attempt to run. The job directory (`job.json` inside) is already written. */
export interface SubmitRequest {
  readonly jobId: string;
  readonly attempt: number;
  readonly processId: string;
  /** Absolute path of the job directory on the (shared) filesystem. */
  readonly jobDir: string;
  readonly timeLimitSec: number;
  /** Sync requests jump the local queue: a client is waiting on the connection. */
  readonly priority: "sync" | "async";
  /** The spec itself, for backends on this machine (saves reading `job.json`); remote ones read the file. */
  readonly spec?: JobSpec;
}

/** The backend's view of an attempt. */
export type BackendState =
  | "queued"
  | "running"
  | "completed"
  | "failed"
  | "cancelled"
  | "timeout"
  | "out_of_memory"
  | "node_fail"
  | "unknown";

/** One observation of an attempt by the backend. */
export interface Observation {
  readonly state: BackendState;
  /** Native state name (e.g. Slurm `TIMEOUT`) and reason, for messages. */
  readonly native?: string;
  readonly reason?: string;
  readonly exitCode?: number;
  readonly signal?: number;
  /**
   * The backend's name of the job, when it reports one: the monitor checks it against {@link attemptName}, because
   * Slurm job ids restart after the controller loses its state and a reused id must not be taken for the attempt.
   */
  readonly name?: string;
  /** Where it runs or ran (Slurm node list), for messages. */
  readonly node?: string;
}

/** Events a push-capable backend reports. */
export interface SchedulerListener {
  started(jobId: string, attempt: number): void;
  progress(p: WorkerProgress): void;
  finished(result: WorkerResult): void;
}

/** A place to run jobs. */
export interface Scheduler {
  /** `local` or `slurm`. */
  readonly kind: string;
  /** Begin work; push-capable backends report through `listener`. */
  start(listener: SchedulerListener): Promise<void>;
  /** Queue an attempt; resolves with the backend's reference once it is safely handed over. */
  submit(req: SubmitRequest): Promise<{ readonly ref: string }>;
  /** Observe several attempts at once (one backend call per tick). Unknown refs map to `unknown`. */
  poll(refs: readonly string[]): Promise<ReadonlyMap<string, Observation>>;
  /** Stop an attempt (queued or running); idempotent. Completion is confirmed by poll or listener. */
  cancel(ref: string): Promise<void>;
  /** Find attempts by name (`roost-<jobId>-a<attempt>`) after a crash between submit and storing the ref. */
  findByName(names: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Stop accepting work and release resources. */
  close(): Promise<void>;
}

/** The backend name of an attempt: stable, derived from the job id and attempt, searchable after a crash. */
export function attemptName(jobId: string, attempt: number): string {
  return `roost-${jobId}-a${attempt}`;
}
