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

/**
 * The local worker pool: a {@link Scheduler} on this machine that the job API also asks about capacity (admission
 * control: a full queue answers ServerBusy before anything is written) and whose references it knows at once, so a
 * synchronous request can stop its own attempt when the client goes away.
 */
export interface WorkerPool extends Scheduler {
  /** Worker processes = attempts running at once. */
  readonly size: number;
  /** Attempts waiting for a worker, by priority. */
  queued(): { readonly sync: number; readonly async: number };
  /** Workers currently running an attempt. */
  busy(): number;
  /** The reference {@link Scheduler.submit} returns for an attempt (known before it is queued). */
  refOf(jobId: string, attempt: number): string;
  /** Stop: queued attempts are dropped, running ones get `graceMs` to finish, then their workers are killed. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A poll-based backend as the job API drives it (Slurm, through its job monitor): attempts are handed over in the
 * background (the job stays accepted while the controller is unreachable), the backend's jobs are reconciled at start,
 * and outcomes arrive through the {@link SchedulerListener} the job API passes to the factory that builds it.
 */
export interface MonitoredBackend {
  /** The backend name jobs record (`slurm`). */
  readonly kind: string;
  /** Reconcile this backend's unfinished jobs, then follow them. */
  start(): Promise<void>;
  /** Hand a new attempt over (returns at once; failures end the job through the listener). */
  submit(req: SubmitRequest): void;
  /** Stop a job's attempt (queued or running); the backend confirms through the listener. */
  dismiss(job: { readonly id: string; readonly schedulerRef: string | null }): Promise<void>;
  /** Pick up jobs that became this server's (taken over from a stopped server). */
  reconcile(): void;
  /** Whether the backend answers (readiness): false with a reason while its controller cannot be reached. */
  health(): { readonly ok: boolean; readonly detail?: string };
  /** Stop following jobs (they keep running in the backend; the next start reconciles them). */
  stop(): Promise<void>;
}

/**
 * Builds a {@link MonitoredBackend} reporting to the job API's listener and following the jobs of server instance
 * `owner` (the composition root supplies these).
 */
export type MonitoredBackendFactory = (events: SchedulerListener, owner: string) => MonitoredBackend;
