/**
 * Backend reports → the store. Every backend (the local pool pushing over IPC, the Slurm monitor polling) reports an
 * attempt's start, progress and end through the one {@link SchedulerListener} built here, and this module is the only
 * code that turns them into store writes: serialised per job, fenced by attempt number, outputs published (one
 * rename) before "succeeded" is written. Synchronous jobs are settled in memory and journalled.
 *
 * Durability: a write the store refuses because it is unavailable (database down or hung, disk full) is retried with
 * back-off until it succeeds, in order, without holding up other jobs; every step is idempotent so a retry after a
 * half-done attempt is safe. Outcomes also sit in the attempt's `result.json`, so a server stopped before the store
 * came back applies them at its next start (`recovery.ts`) instead of declaring the job interrupted.
 */
import { access, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  type FinishedJob,
  isRoostError,
  isTerminal,
  type JobErrorInfo,
  type JobRecord,
  type JobStore,
  type SchedulerListener,
  type WorkerFailure,
  type WorkerProgress,
  type WorkerResult,
} from "@roost/core";
import type { Logger } from "pino";
import { attemptDir, type JobDirs } from "../storage/job-dirs.js";
import type { JobLog } from "../storage/job-log.js";
import type { LocalRuns } from "./local-runs.js";
import { ProgressBuffer } from "./progress.js";
import type { SyncJournal } from "./sync-journal.js";

/** Catalogue code recorded for every failed job: the message carries the reason (process error, crash, limit…). */
export const FAILURE_CODE = "ProcessFailed";

/** First and longest wait between two tries of a store write the store refused as unavailable, ms. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/** True for errors meaning "the store cannot answer now" (worth retrying), not bugs or refused transitions. */
export function isUnavailable(e: unknown): boolean {
  return isRoostError(e) && (e.code === "ServiceUnavailable" || e.code === "ServerBusy");
}

/**
 * A change of a job, told to observers once it is recorded: a start or an end with the job as written, or a progress
 * write (throttled like the store's, so at most one per job every 250 ms).
 */
export type JobChange =
  | { readonly kind: "started" | "finished"; readonly job: JobRecord }
  | { readonly kind: "progress"; readonly jobId: string; readonly percent: number; readonly message: string };

/** Collaborators of {@link JobEvents}. */
export interface JobEventsOptions {
  readonly store: JobStore;
  readonly dirs: JobDirs;
  readonly jobLog: JobLog;
  readonly logger: Logger;
  readonly runs: LocalRuns;
  readonly journal: SyncJournal;
  /** Told of every job that reached its final status on this server (metrics). */
  readonly finished?: (job: JobRecord) => void;
  /**
   * Observer of recorded changes (OGC API callbacks). Called after the write succeeded, synchronously: it must not
   * block, and whatever it throws is logged and ignored, so an observer can never hold up or fail a job.
   */
  readonly onChange?: (change: JobChange) => void;
}

/** See the module comment. */
export class JobEvents {
  readonly #o: JobEventsOptions;
  /** Per-job serialisation of store writes. */
  readonly #chains = new Map<string, Promise<void>>();
  /** Requests waiting for a job to end (sync executions). */
  readonly #waiters = new Map<string, (job: JobRecord | undefined) => void>();
  /** Sync jobs answered because they ran past `sync_timeout`: their worker's late report is ignored. */
  readonly #syncTimedOut = new Set<string>();
  /** Retry loops sleeping in back-off, woken at shutdown. */
  readonly #sleepers = new Set<() => void>();
  #stopping = false;
  /** Throttled progress (see `progress.ts`). */
  readonly progress: ProgressBuffer;
  /** The listener every backend reports to. */
  readonly listener: SchedulerListener;

  constructor(o: JobEventsOptions) {
    this.#o = o;
    this.progress = new ProgressBuffer((jobId) => this.enqueue(jobId, () => this.#writeProgress(jobId)));
    this.listener = {
      started: (jobId, attempt) => this.enqueue(jobId, () => this.#onStarted(jobId, attempt)),
      progress: (p) => this.#onProgress(p),
      finished: (r) => this.enqueue(r.jobId, () => this.#onFinished(r)),
    };
  }

  /**
   * Run `fn` after every earlier write of the same job; while the store is unavailable, retry it with back-off
   * (100 ms doubling to 5 s) until it succeeds or the server stops.
   */
  enqueue(jobId: string, fn: () => Promise<void>): void {
    const prev = this.#chains.get(jobId) ?? Promise.resolve();
    const next = prev
      .then(() => this.#retrying(jobId, fn))
      .catch((e: unknown) => this.#o.logger.error({ jobId, err: e }, "job event handling failed"))
      .finally(() => {
        if (this.#chains.get(jobId) === next) this.#chains.delete(jobId);
      });
    this.#chains.set(jobId, next);
  }

  async #retrying(jobId: string, fn: () => Promise<void>): Promise<void> {
    let wait = RETRY_FIRST_MS;
    let tries = 0;
    for (;;) {
      try {
        await fn();
        if (tries > 0) this.#o.logger.info({ jobId, tries }, "job update recorded after the store came back");
        return;
      } catch (e) {
        if (!isUnavailable(e) || this.#stopping) throw e;
        if (tries === 0)
          this.#o.logger.warn(
            { jobId, err: (e as Error).message },
            "the job store is unavailable; the job's update is kept and retried",
          );
        tries++;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(t);
            this.#sleepers.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, wait * (0.8 + Math.random() * 0.4));
          this.#sleepers.add(wake);
        });
        wait = Math.min(wait * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Tell the observer (never throws). */
  #changed(change: JobChange): void {
    if (!this.#o.onChange) return;
    try {
      this.#o.onChange(change);
    } catch (e) {
      this.#o.logger.warn({ err: e }, "a job change observer failed");
    }
  }

  /** Resolves with the job once it has ended (or undefined if it vanished). */
  waitFor(jobId: string): Promise<JobRecord | undefined> {
    return new Promise((resolve) => this.#waiters.set(jobId, resolve));
  }

  #settle(jobId: string, job: JobRecord | undefined): void {
    const w = this.#waiters.get(jobId);
    if (w) {
      this.#waiters.delete(jobId);
      w(job);
    }
  }

  /**
   * Wait for every queued write and flush throttled progress (shutdown). Writes still waiting for an unavailable
   * store give up: their outcomes are in the attempts' `result.json` for the next start.
   */
  async drain(): Promise<void> {
    this.#stopping = true;
    for (const wake of [...this.#sleepers]) wake();
    await Promise.allSettled([...this.#chains.values()]);
    for (const id of this.progress.drain()) await this.#writeProgress(id).catch(() => {});
  }

  async #onStarted(jobId: string, attempt: number): Promise<void> {
    if (this.#o.runs.get(jobId)?.mode === "sync") return; // in memory until it ends
    const job = await this.#o.store.transition(jobId, ["accepted"], "running", {
      startedAt: Date.now(),
      attempt,
      progress: 0,
      message: "Process started",
    });
    if (job?.mode === "async") this.#o.jobLog.write(jobId, "started", { attempt });
    if (job) this.#changed({ kind: "started", job });
  }

  #onProgress(p: WorkerProgress): void {
    // A sync job is not in the store while it runs: its progress lives in memory only.
    this.progress.report(p, this.#o.runs.get(p.jobId)?.base !== undefined);
  }

  async #writeProgress(jobId: string): Promise<void> {
    const p = this.progress.take(jobId);
    if (!p) return;
    const written = await this.#o.store.update(jobId, ["running"], {
      progress: p.percent,
      message: p.message || null,
    });
    if (written) this.#changed({ kind: "progress", jobId, percent: p.percent, message: p.message });
  }

  async #onFinished(r: WorkerResult): Promise<void> {
    const { store, runs } = this.#o;
    const local = runs.get(r.jobId);
    if (local?.base) {
      // A sync job: settled in memory, recorded afterwards.
      if (local.attempt !== r.attempt) return;
      let result = r;
      if (r.ok && !local.dismiss) {
        try {
          await this.#publish(r);
        } catch (e) {
          this.#o.logger.error({ jobId: r.jobId, err: e }, "publishing outputs failed");
          result = {
            jobId: r.jobId,
            attempt: r.attempt,
            ok: false,
            failure: { kind: "internal", message: "Publishing the outputs failed" },
          };
        }
      }
      this.progress.drop(r.jobId);
      this.finishSync(r.jobId, result, true);
      return;
    }
    let job: JobRecord | undefined;
    let dismissRequested: boolean;
    if (local) {
      if (local.attempt !== r.attempt) return this.#settle(r.jobId, await store.get(r.jobId));
      dismissRequested = local.dismiss;
    } else {
      // A sync job that timed out was answered already; this is its worker's late report.
      if (this.#syncTimedOut.delete(r.jobId)) return;
      job = await store.get(r.jobId);
      if (!job || isTerminal(job.status) || job.attempt !== r.attempt) {
        // Late or stale report (fencing by attempt): the job already has its outcome.
        this.#settle(r.jobId, job);
        return;
      }
      dismissRequested = job.dismissRequested;
    }
    const now = Date.now();
    if (r.ok && !dismissRequested) {
      const published = this.#o.dirs.outputs(r.jobId);
      const hasFiles = Object.values(r.outputs).some((o) => o.kind === "file");
      let publishError: unknown;
      // Publish first, then say "succeeded": an output is never visible half-written, and the status never points at
      // files that are not there.
      await this.#publish(r).catch((e: unknown) => {
        publishError = e;
      });
      if (publishError === undefined) {
        job = await store.transition(r.jobId, ["running"], "succeeded", {
          outputs: r.outputs,
          finishedAt: now,
          progress: 100,
          message: "Process succeeded",
        });
        if (!job && hasFiles) await rm(published, { recursive: true, force: true });
        if (job) this.#changed({ kind: "finished", job });
      } else {
        this.#o.logger.error({ jobId: r.jobId, err: publishError }, "publishing outputs failed");
        job = await this.fail(r.jobId, { kind: "internal", message: "Publishing the outputs failed" });
      }
      if (job?.mode === "async") this.#o.jobLog.write(r.jobId, "succeeded");
    } else if (
      dismissRequested ||
      (!r.ok && r.failure.kind === "cancelled" && !this.#syncTimedOut.has(r.jobId))
    ) {
      job = await store.transition(r.jobId, ["accepted", "running"], "dismissed", {
        finishedAt: now,
        message: "Job dismissed",
      });
      await rm(this.#o.dirs.outputs(r.jobId), { recursive: true, force: true });
      // What the stopped attempt had written goes too: a dismissed job keeps no output data (its logs stay).
      await rm(join(attemptDir(this.#o.dirs.job(r.jobId), r.attempt), "out"), {
        recursive: true,
        force: true,
      });
      if (job?.mode === "async") this.#o.jobLog.write(r.jobId, "dismissed");
      if (job) this.#changed({ kind: "finished", job });
    } else if (!r.ok) {
      job = await this.fail(r.jobId, r.failure);
    }
    // The outcome is recorded: the attempt is no longer this server's to follow (a retry above keeps the entry, so a
    // dismissal asked meanwhile is not lost).
    if (runs.get(r.jobId) === local) runs.delete(r.jobId);
    if (job && isTerminal(job.status)) this.#o.finished?.(job);
    // Only now: until the terminal status is stored, readers render the live progress, never the older stored one.
    this.progress.drop(r.jobId);
    this.#syncTimedOut.delete(r.jobId);
    this.#settle(r.jobId, job ?? (await store.get(r.jobId)));
  }

  /**
   * Move the attempt's `out/` to the job's `outputs/` (one rename: all outputs appear at once). Idempotent: when an
   * earlier try already moved it (and then the store refused the status write), there is nothing left to do.
   */
  async #publish(r: WorkerResult & { ok: true }): Promise<void> {
    if (!Object.values(r.outputs).some((o) => o.kind === "file")) return;
    const published = this.#o.dirs.outputs(r.jobId);
    const out = join(attemptDir(this.#o.dirs.job(r.jobId), r.attempt), "out");
    const exists = (p: string) =>
      access(p).then(
        () => true,
        () => false,
      );
    if (!(await exists(out)) && (await exists(published))) return;
    await rm(published, { recursive: true, force: true });
    await rename(out, published);
  }

  /** Fail an active job with a reason the client may see. */
  async fail(jobId: string, f: WorkerFailure): Promise<JobRecord | undefined> {
    const error: JobErrorInfo = { code: FAILURE_CODE, message: f.message };
    const job = await this.#o.store.transition(jobId, ["accepted", "running"], "failed", {
      finishedAt: Date.now(),
      error,
      message: f.message,
    });
    this.progress.drop(jobId);
    if (job?.mode === "async") this.#o.jobLog.write(jobId, "failed", { kind: f.kind, message: f.message });
    if (job) this.#changed({ kind: "finished", job });
    return job;
  }

  /** A sync job answered at its time limit: its worker's late report must be ignored. */
  markSyncTimedOut(jobId: string): void {
    this.#syncTimedOut.add(jobId);
  }

  /**
   * End a sync job in memory and queue its record. Outputs with files must have been published by the caller
   * (`published`): a succeeded record never points at files that are not there.
   */
  finishSync(jobId: string, r: WorkerResult, published = false): JobRecord {
    const entry = this.#o.runs.get(jobId);
    if (!entry?.base) throw new Error(`not a running sync job: ${jobId}`);
    this.#o.runs.delete(jobId);
    this.progress.drop(jobId);
    const now = Date.now();
    const status: FinishedJob["status"] =
      r.ok && !entry.dismiss
        ? "succeeded"
        : entry.dismiss || (!r.ok && r.failure.kind === "cancelled")
          ? "dismissed"
          : "failed";
    const error: JobErrorInfo | null =
      !r.ok && status === "failed" ? { code: FAILURE_CODE, message: r.failure.message } : null;
    const finished: FinishedJob = {
      ...entry.base,
      status,
      startedAt: entry.base.createdAt,
      finishedAt: now,
      progress: status === "succeeded" ? 100 : null,
      outputs: r.ok && status === "succeeded" ? r.outputs : null,
      error,
      message:
        status === "succeeded"
          ? "Process succeeded"
          : status === "dismissed"
            ? "Job dismissed"
            : error!.message,
    };
    if (
      !published &&
      status === "succeeded" &&
      Object.values(finished.outputs ?? {}).some((o) => o.kind === "file")
    ) {
      throw new Error("sync outputs must be published before the job is finished");
    }
    const job: JobRecord = {
      ...finished,
      message: finished.message ?? null,
      updatedAt: now,
      attempt: 1,
      schedulerRef: null,
      dismissRequested: entry.dismiss,
    };
    this.#o.journal.record(finished, job);
    this.#o.finished?.(job);
    this.#settle(jobId, job);
    this.#changed({ kind: "finished", job });
    return job;
  }
}
