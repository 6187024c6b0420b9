/**
 * The shapes of the job monitor (`monitor.ts`): what the composition root gives it, the counters it keeps, and the
 * record of a job it follows — the one piece of state its modules (submission, dismissal, reconciliation, polling)
 * share, so it lives apart from all of them.
 */
import type { FSWatcher } from "node:fs";
import type { JobStore, Scheduler, SchedulerListener } from "@roost/core/internal";
import type { JobDirs } from "../../storage/job-dirs.js";
import type { JobLog } from "../../storage/job-log.js";

/** Logger subset the monitor uses. */
export interface MonitorLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

/** Options of the job monitor (`JobMonitor` in `monitor.ts`). */
export interface MonitorOptions {
  readonly scheduler: Scheduler;
  readonly store: JobStore;
  readonly dirs: JobDirs;
  /** Where outcomes go: the execution service's handlers (the same as the local pool's). */
  readonly events: SchedulerListener;
  readonly logger: MonitorLogger;
  /** Poll interval of young jobs (just submitted, or just changed), ms. */
  readonly minPollMs: number;
  /** Longest poll interval of a job, ms. */
  readonly maxPollMs: number;
  /** How long a job may be unknown to the backend without an exit status before it is declared lost, ms. */
  readonly lostGraceMs: number;
  /** How long transient submission errors are retried before the job fails, ms. */
  readonly submitDeadlineMs: number;
  /** First and longest back-off between submission retries, ms (default 1 000 / 60 000). */
  readonly submitBackoffMs?: { readonly first: number; readonly max: number };
  /** Interval of the store resync (jobs flagged for dismissal elsewhere, missed outcomes), ms (default 30 000). */
  readonly resyncMs?: number;
  /** Re-send a cancel when a dismissed job is still active this long after the last one, ms (default 30 000). */
  readonly recancelMs?: number;
  /** How messages name the backend ("Slurm job 42 TIMEOUT …"); default the scheduler's kind. */
  readonly backendLabel?: string;
  /** The job-log writer shared with the job API (default: one of its own on `dirs`). */
  readonly jobLog?: JobLog;
  /** The server instance whose jobs this monitor follows (default: every job of the backend). */
  readonly owner?: string;
}

/** Counters for tests and benchmarks. */
export interface MonitorStats {
  ticks: number;
  polls: number;
  polledJobs: number;
  pollErrors: number;
  submitRetries: number;
  /** Longest tick (poll + applying its observations), ms. */
  maxTickMs: number;
}

/** A job the monitor follows (internal to the monitor's modules; not re-exported by `monitor.ts`). */
export interface Tracked {
  readonly jobId: string;
  attempt: number;
  ref: string | undefined;
  /** submitting: the submission loop owns it; active: polled; adopt: find by name; orphan: files only. */
  phase: "submitting" | "active" | "adopt" | "orphan";
  /** What the service was told. */
  status: "accepted" | "running";
  dismiss: boolean;
  cancelledAt: number | undefined;
  changedAt: number;
  nextPollAt: number;
  lastNative: string | undefined;
  lastReason: string | undefined;
  unknownSince: number | undefined;
  noResultSince: number | undefined;
  progressAt: number;
  heartbeatWarned: boolean;
  /** Wakes a submission loop sleeping in back-off (dismissal, shutdown). */
  wake: (() => void) | undefined;
  /** When the monitor first saw it running (or adopted it running). */
  runningSince: number;
  /** Watches the attempt directory of a running job for the wrapper's `exitcode` (a hint; see `tracked.ts`). */
  watcher: FSWatcher | undefined;
  /** The node the attempt runs on, as last recorded in the store. */
  node: string | undefined;
}
