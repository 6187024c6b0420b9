/**
 * The job monitor: the half of running jobs on a poll-based scheduler (Slurm) that decides; the Slurm adapter
 * (`slurm-scheduler.ts`) only talks to the scheduler. The composition root builds one per poll-based backend
 * (`from-config.ts`) and the job API drives it as a {@link MonitoredBackend}.
 *
 * - Submission: the attempt number is recorded before the backend call and the backend's reference right after, so
 *   a crash in between is repaired by looking the attempt up by name. Transient errors (controller unreachable) are
 *   retried with back-off (1 s doubling to 60 s, ±20 % jitter) while the job stays accepted; after the deadline the
 *   job fails "scheduler unavailable". Permanent errors fail it with the backend's reason.
 * - Polling: one tick polls every job that is due with **one** `poll` call (the Slurm adapter makes it one `squeue`).
 *   Young jobs are due every `minPollMs`; a job's interval grows with the time since its last change (a quarter of
 *   it, capped at `maxPollMs`), so a burst of new jobs is followed closely and old ones cost little.
 * - Outcomes: {@link decide} — a pure function of the observation, the attempt files and the job — applies the
 *   outcome rules of the Slurm notes §3.3. The result goes through the same listener the local pool uses, so
 *   publishing outputs, dismissal and failure messages are the service's single code path.
 * - Progress: running attempts' `progress.json` is read each time they are polled and reported through the same
 *   `progress` path as the local backend.
 * - Recovery: at start every non-terminal job of the backend is reconciled by its stored reference, else by name,
 *   else from its attempt files; a job is submitted again only when the backend has no trace of it and no worker
 *   ever started it, and then under the same attempt number (the worker's exclusive claim fences a duplicate).
 */
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ACTIVE,
  attemptName,
  type JobRecord,
  type JobSpec,
  type JobStore,
  type MonitoredBackend,
  type Observation,
  type Scheduler,
  type SchedulerListener,
  type SubmitRequest,
  type WorkerFailure,
} from "@roost/core/internal";
import type { JobDirs } from "../../storage/job-dirs.js";
import { JobLog } from "../../storage/job-log.js";
import {
  type AttemptEvidence,
  HEARTBEAT_INTERVAL_MS,
  readAttempt,
  slurmOutputTail,
} from "../../worker/attempt-files.js";
import { type DecideInput, type Decision, decide } from "./outcome.js";

export { type DecideInput, type Decision, decide };

/** Logger subset the monitor uses. */
export interface MonitorLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

/** Options of {@link JobMonitor}. */
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

/** A job the monitor follows. */
interface Tracked {
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
  /** Watches the attempt directory of a running job for the wrapper's `exitcode` (a hint; see #watch). */
  watcher: FSWatcher | undefined;
  /** The node the attempt runs on, as last recorded in the store. */
  node: string | undefined;
}

/** Most attempt directories watched at once (inotify watches are a per-user kernel resource). */
const MAX_WATCHES = 1000;
/** How soon after the wrapper wrote `exitcode` the job is polled: slurmctld reports the end ~15–40 ms later. */
const AFTER_EXIT_MS = 10;

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

/** See the module comment. */
export class JobMonitor implements MonitoredBackend {
  readonly #o: MonitorOptions;
  readonly #jobLogWriter: JobLog;
  readonly #jobs = new Map<string, Tracked>();
  /** Jobs handed to the service as finished, with the time: the resync must not pick them up again at once. */
  readonly #finished = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #ticking: Promise<void> | undefined;
  #closed = false;
  #degraded = false;
  #pollBackoffMs = 0;
  #lastResync = 0;
  #watches = 0;
  /** Counters (see {@link MonitorStats}). */
  readonly stats: MonitorStats = {
    ticks: 0,
    polls: 0,
    polledJobs: 0,
    pollErrors: 0,
    submitRetries: 0,
    maxTickMs: 0,
  };

  constructor(o: MonitorOptions) {
    this.#o = o;
    this.#jobLogWriter = o.jobLog ?? new JobLog(o.dirs);
  }

  /** The backend name jobs record (the scheduler's kind). */
  get kind(): string {
    return this.#o.scheduler.kind;
  }

  get #log(): MonitorLogger {
    return this.#o.logger;
  }

  get #label(): string {
    return this.#o.backendLabel ?? this.#o.scheduler.kind;
  }

  /** Number of jobs followed (tests). */
  get size(): number {
    return this.#jobs.size;
  }

  /** Reconcile the backend's non-terminal jobs left by a previous run, then start polling. */
  async start(): Promise<void> {
    const rows = await this.#o.store.listActive(this.#o.scheduler.kind, this.#o.owner);
    for (const row of rows) await this.#adoptRow(row);
    this.#lastResync = Date.now();
    if (rows.length > 0)
      this.#log.info({ backend: this.#o.scheduler.kind, jobs: rows.length }, "reconciling jobs");
    this.#schedule(0);
  }

  /** False while the scheduler cannot be polled (readiness). */
  health(): { readonly ok: boolean; readonly detail?: string } {
    return this.#degraded
      ? { ok: false, detail: `${this.#label} does not answer (polling fails; jobs keep their state)` }
      : { ok: true };
  }

  /** Pick up jobs that became this monitor's (taken over from a stopped server) at the next tick. */
  reconcile(): void {
    this.#lastResync = 0;
    this.#schedule(0);
  }

  /** Stop polling; submissions sleeping in back-off are abandoned (the next start reconciles them). */
  async stop(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const t of this.#jobs.values()) {
      t.wake?.();
      t.watcher?.close();
    }
    await this.#ticking;
  }

  /** Hand a new attempt to the backend (in the background: the job stays accepted meanwhile). */
  submit(req: SubmitRequest): void {
    const now = Date.now();
    const t = this.#track(req.jobId, req.attempt, undefined, "submitting", "accepted", false, now);
    void this.#submitLoop(t, req, true);
  }

  /**
   * Dismiss: cancel the attempt in the backend (pending jobs vanish, running ones get TERM); the next polls confirm
   * it and the job becomes dismissed. A job still being submitted is cancelled as soon as it has a reference, or
   * never submitted if the backend was unreachable.
   */
  async dismiss(job: Pick<JobRecord, "id" | "schedulerRef">): Promise<void> {
    const t = this.#jobs.get(job.id);
    if (!t) {
      if (job.schedulerRef) await this.#o.scheduler.cancel(job.schedulerRef);
      return;
    }
    t.dismiss = true;
    t.wake?.();
    if (t.ref && t.phase === "active") await this.#cancel(t);
  }

  #track(
    jobId: string,
    attempt: number,
    ref: string | undefined,
    phase: Tracked["phase"],
    status: Tracked["status"],
    dismiss: boolean,
    now: number,
  ): Tracked {
    const t: Tracked = {
      jobId,
      attempt,
      ref,
      phase,
      status,
      dismiss,
      cancelledAt: undefined,
      changedAt: now,
      nextPollAt: now + this.#o.minPollMs,
      lastNative: undefined,
      lastReason: undefined,
      unknownSince: undefined,
      noResultSince: undefined,
      progressAt: 0,
      heartbeatWarned: false,
      wake: undefined,
      runningSince: now,
      watcher: undefined,
      node: undefined,
    };
    this.#jobs.set(jobId, t);
    return t;
  }

  #untrack(t: Tracked): void {
    this.#jobs.delete(t.jobId);
    if (t.watcher) {
      t.watcher.close();
      t.watcher = undefined;
      this.#watches--;
    }
  }

  /**
   * Watch a running attempt's directory for the wrapper's `exitcode`: the end is then polled 10 ms later instead
   * of at the next tick (saves ~50 ms of the submit → succeeded latency of short jobs). Only a hint: on NFS no
   * event arrives for writes made on other hosts, and the regular polls decide anyway.
   */
  #watch(t: Tracked): void {
    if (t.watcher || this.#watches >= MAX_WATCHES) return;
    try {
      t.watcher = watch(this.#o.dirs.attempt(t.jobId, t.attempt), { persistent: false }, (_e, name) => {
        if (name === "exitcode" && this.#jobs.get(t.jobId) === t) this.#due(t, Date.now() + AFTER_EXIT_MS);
      });
      t.watcher.on("error", () => {});
      this.#watches++;
    } catch {
      // no watch: polls only
    }
  }

  async #cancel(t: Tracked): Promise<void> {
    if (!t.ref) return;
    t.cancelledAt = Date.now();
    t.changedAt = t.cancelledAt;
    this.#due(t, t.cancelledAt + this.#o.minPollMs);
    try {
      await this.#o.scheduler.cancel(t.ref);
    } catch (e) {
      // Retried by the re-cancel rule on a later poll.
      this.#log.warn({ jobId: t.jobId, ref: t.ref, err: (e as Error).message }, "cancel failed; will retry");
    }
  }

  #due(t: Tracked, at: number): void {
    t.nextPollAt = Math.min(t.nextPollAt, at);
    if (at < this.#timerAt) this.#schedule(Math.max(0, at - Date.now()));
  }

  async #sleep(t: Tracked, ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        t.wake = undefined;
        resolve();
      }, ms);
      timer.unref?.();
      t.wake = () => {
        clearTimeout(timer);
        t.wake = undefined;
        resolve();
      };
    });
  }

  /** Finish a job without a backend attempt of its own outcome (refused, deadline, dismissed before submission). */
  #end(t: Tracked, failure: WorkerFailure): void {
    this.#untrack(t);
    this.#finished.set(t.jobId, Date.now());
    this.#o.events.finished({ jobId: t.jobId, attempt: t.attempt, ok: false, failure });
  }

  async #submitLoop(t: Tracked, req: SubmitRequest, fresh: boolean): Promise<void> {
    const store = this.#o.store;
    const started = Date.now();
    const backoff = this.#o.submitBackoffMs ?? { first: 1000, max: 60_000 };
    let wait = backoff.first;
    let lastError = "";
    // Record the attempt before the backend hears of it: after a crash, its name is what the next start looks for.
    for (;;) {
      if (this.#closed) return;
      try {
        if (fresh) await store.update(t.jobId, ["accepted"], { attempt: t.attempt });
        break;
      } catch (e) {
        this.#log.warn({ jobId: t.jobId, err: (e as Error).message }, "cannot record the attempt; retrying");
        await this.#sleep(t, 1000);
      }
    }
    let ref: string | undefined;
    for (;;) {
      if (this.#closed) return;
      if (t.dismiss) return this.#end(t, { kind: "cancelled", message: "Job dismissed" });
      try {
        ref = (await this.#o.scheduler.submit(req)).ref;
        break;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const transient = (e as { transient?: unknown }).transient === true;
        if (!transient) {
          this.#log.warn({ jobId: t.jobId, err: msg }, "the scheduler refused the job");
          return this.#end(t, { kind: "scheduler", message: `The scheduler refused the job: ${msg}` });
        }
        if (Date.now() - started >= this.#o.submitDeadlineMs) {
          this.#log.error({ jobId: t.jobId, err: msg }, "submission deadline passed");
          return this.#end(t, {
            kind: "scheduler",
            message: `Scheduler unavailable: the job could not be submitted within ${Math.round(this.#o.submitDeadlineMs / 1000)} s (${msg})`,
          });
        }
        if (msg !== lastError) {
          this.#log.warn({ jobId: t.jobId, err: msg }, "submission failed; retrying");
          this.#jobLog(t.jobId, "submit-retry", { error: msg });
        }
        lastError = msg;
        this.stats.submitRetries++;
        const jitter = 0.8 + Math.random() * 0.4;
        const left = this.#o.submitDeadlineMs - (Date.now() - started);
        await this.#sleep(t, Math.max(0, Math.min(wait * jitter, left)));
        wait = Math.min(wait * 2, backoff.max);
        // A dismissal recorded by another process (`roost jobs cancel`) while the backend was unreachable.
        if (!t.dismiss)
          t.dismiss = (await store.get(t.jobId).catch(() => undefined))?.dismissRequested ?? false;
      }
    }
    await this.#stored(t, ref);
  }

  /** Record the reference of a submitted attempt and start polling it. */
  async #stored(t: Tracked, ref: string): Promise<void> {
    t.ref = ref;
    let recorded = false;
    for (let i = 0; ; i++) {
      try {
        recorded = await this.#o.store.update(t.jobId, ACTIVE, { schedulerRef: ref, attempt: t.attempt });
        break;
      } catch (e) {
        // The store is down: keep polling the job anyway; the reference is recorded on the next try.
        if (i >= 5 || this.#closed) {
          this.#log.error(
            { jobId: t.jobId, ref, err: (e as Error).message },
            "cannot record the scheduler reference",
          );
          recorded = true;
          break;
        }
        await this.#sleep(t, 500 * (i + 1));
      }
    }
    if (!recorded) {
      // The job ended while it was being submitted (dismissed): its backend attempt must not run on unobserved.
      this.#untrack(t);
      await this.#o.scheduler.cancel(ref).catch(() => {});
      return;
    }
    const now = Date.now();
    t.phase = "active";
    t.changedAt = now;
    this.#due(t, now + this.#o.minPollMs);
    this.#jobLog(t.jobId, "submitted", { backend: this.#o.scheduler.kind, ref, attempt: t.attempt });
    if (t.dismiss) await this.#cancel(t);
  }

  /** A line in the job's lifecycle log (`job.log`), through the writer the job API uses too. */
  #jobLog(jobId: string, event: string, fields: Record<string, unknown>): void {
    this.#jobLogWriter.write(jobId, event, fields);
  }

  async #adoptRow(row: JobRecord): Promise<void> {
    if (this.#jobs.has(row.id)) return;
    const now = Date.now();
    const status = row.status === "running" ? "running" : "accepted";
    if (row.schedulerRef) {
      const t = this.#track(
        row.id,
        row.attempt,
        row.schedulerRef,
        "active",
        status,
        row.dismissRequested,
        now,
      );
      t.nextPollAt = now;
      if (row.dismissRequested) await this.#cancel(t);
      return;
    }
    if (row.attempt === 0) {
      // The attempt is recorded before sbatch: attempt 0 means the backend never heard of this job.
      if (row.dismissRequested) {
        this.#finished.set(row.id, now);
        this.#o.events.finished({
          jobId: row.id,
          attempt: 0,
          ok: false,
          failure: { kind: "cancelled", message: "Job dismissed" },
        });
        return;
      }
      const req = await this.#requestFor(row, 1);
      if (!req) return;
      const t = this.#track(row.id, 1, undefined, "submitting", "accepted", false, now);
      void this.#submitLoop(t, req, true);
      return;
    }
    this.#track(row.id, row.attempt, undefined, "adopt", status, row.dismissRequested, now).nextPollAt = now;
  }

  /** The submission of an attempt, rebuilt from `job.json` (after a restart). */
  async #requestFor(row: JobRecord, attempt: number): Promise<SubmitRequest | undefined> {
    const jobDir = this.#o.dirs.job(row.id);
    try {
      const spec = JSON.parse(await readFile(join(jobDir, "job.json"), "utf8")) as JobSpec;
      return {
        jobId: row.id,
        attempt,
        processId: spec.process.id,
        jobDir,
        timeLimitSec: spec.timeLimitSec,
        priority: "async",
      };
    } catch {
      this.#finished.set(row.id, Date.now());
      this.#o.events.finished({
        jobId: row.id,
        attempt: row.attempt,
        ok: false,
        failure: { kind: "lost", message: "The job's specification was lost (job.json unreadable)" },
      });
      return undefined;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timerAt = Date.now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timerAt = Number.POSITIVE_INFINITY;
      if (this.#ticking) return;
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
        this.#scheduleNext();
      });
    }, delayMs);
    this.#timer.unref?.();
  }

  #scheduleNext(): void {
    if (this.#closed) return;
    let next = Date.now() + (this.#o.resyncMs ?? 30_000);
    for (const t of this.#jobs.values()) {
      if (t.phase === "submitting") continue;
      next = Math.min(next, t.nextPollAt);
    }
    this.#schedule(Math.max(0, next - Date.now()));
  }

  async #tick(): Promise<void> {
    this.stats.ticks++;
    const now = Date.now();
    try {
      if (now - this.#lastResync >= (this.#o.resyncMs ?? 30_000)) await this.#resync();
      await this.#adopt(now);
      // Everything due now or within the young-job interval goes into this tick's single poll.
      const horizon = now + this.#o.minPollMs / 2;
      const due = [...this.#jobs.values()].filter((t) => t.phase === "active" && t.nextPollAt <= horizon);
      const orphans = [...this.#jobs.values()].filter((t) => t.phase === "orphan" && t.nextPollAt <= horizon);
      if (due.length > 0) {
        let seen: ReadonlyMap<string, Observation>;
        try {
          this.stats.polls++;
          this.stats.polledJobs += due.length;
          seen = await this.#o.scheduler.poll(due.map((t) => t.ref!));
          if (this.#degraded)
            this.#log.info({ backend: this.#o.scheduler.kind }, "the scheduler answers again");
          this.#degraded = false;
          this.#pollBackoffMs = 0;
        } catch (e) {
          // Controller down or overloaded: change nothing, poll less often until it answers (1 s doubling to max).
          this.stats.pollErrors++;
          if (!this.#degraded)
            this.#log.warn(
              { backend: this.#o.scheduler.kind, err: (e as Error).message },
              "cannot poll the scheduler",
            );
          this.#degraded = true;
          this.#pollBackoffMs = Math.min(Math.max(1000, this.#pollBackoffMs * 2), this.#o.maxPollMs);
          for (const t of due) t.nextPollAt = Date.now() + this.#pollBackoffMs;
          return;
        }
        await Promise.all(due.map((t) => this.#apply(t, seen.get(t.ref!) ?? { state: "unknown" })));
      }
      await Promise.all(orphans.map((t) => this.#apply(t, { state: "unknown" })));
    } catch (e) {
      this.#log.error({ err: e }, "monitor tick failed");
    } finally {
      this.stats.maxTickMs = Math.max(this.stats.maxTickMs, Date.now() - now);
    }
  }

  /** Jobs without a stored reference after a restart: look their attempt up by name. */
  async #adopt(now: number): Promise<void> {
    const waiting = [...this.#jobs.values()].filter((t) => t.phase === "adopt" && t.nextPollAt <= now);
    if (waiting.length === 0) return;
    let found: ReadonlyMap<string, string>;
    try {
      found = await this.#o.scheduler.findByName(waiting.map((t) => attemptName(t.jobId, t.attempt)));
    } catch (e) {
      this.#log.warn({ err: (e as Error).message }, "cannot look jobs up by name; retrying");
      for (const t of waiting) t.nextPollAt = now + Math.max(1000, this.#o.maxPollMs);
      return;
    }
    for (const t of waiting) {
      const ref = found.get(attemptName(t.jobId, t.attempt));
      if (ref) {
        this.#log.info({ jobId: t.jobId, ref }, "adopted a job submitted before a crash");
        await this.#stored(t, ref);
        continue;
      }
      const files = await readAttempt(this.#o.dirs.attempt(t.jobId, t.attempt), t.jobId, t.attempt, "all");
      if (files.started || files.result || files.exitCode !== undefined) {
        // It ran and Slurm has forgotten it: the files decide (with the lost-job grace period).
        t.phase = "orphan";
        t.nextPollAt = now;
        continue;
      }
      // No trace anywhere: sbatch never reached slurmctld. Submit it now, under the same attempt number.
      const row = await this.#o.store.get(t.jobId);
      if (row?.status !== "accepted") {
        this.#untrack(t);
        continue;
      }
      if (row.dismissRequested) {
        this.#end(t, { kind: "cancelled", message: "Job dismissed" });
        continue;
      }
      const req = await this.#requestFor(row, t.attempt);
      if (!req) {
        this.#untrack(t);
        continue;
      }
      t.phase = "submitting";
      void this.#submitLoop(t, req, false);
    }
  }

  /** Pick up what changed in the store behind the monitor's back (dismissals by `roost jobs cancel`, lost events). */
  async #resync(): Promise<void> {
    this.#lastResync = Date.now();
    const rows = await this.#o.store.listActive(this.#o.scheduler.kind, this.#o.owner);
    const cutoff = Date.now() - 60_000;
    for (const [id, at] of this.#finished) if (at < cutoff) this.#finished.delete(id);
    for (const row of rows) {
      const t = this.#jobs.get(row.id);
      if (t) {
        if (row.dismissRequested && !t.dismiss) {
          t.dismiss = true;
          t.wake?.();
          if (t.phase === "active") await this.#cancel(t);
        }
        continue;
      }
      if (this.#finished.has(row.id)) continue;
      await this.#adoptRow(row);
    }
  }

  /** Apply one observation to one job. */
  async #apply(t: Tracked, obs: Observation): Promise<void> {
    if (!this.#jobs.has(t.jobId)) return;
    const now = Date.now();
    const dir = this.#o.dirs.attempt(t.jobId, t.attempt);
    const live = obs.state === "running";
    // The heartbeat matters only once a job has run for a few heartbeat intervals.
    const need = !live
      ? "outcome"
      : t.status === "running" && now - t.runningSince > 3 * HEARTBEAT_INTERVAL_MS
        ? "progress+heartbeat"
        : "progress";
    const files: AttemptEvidence =
      obs.state === "queued" ? { signals: [] } : await readAttempt(dir, t.jobId, t.attempt, need);
    const tail =
      (obs.state === "failed" || obs.state === "out_of_memory") && !files.result && t.ref
        ? await slurmOutputTail(dir, t.ref)
        : undefined;
    const d = decide({
      jobId: t.jobId,
      attempt: t.attempt,
      ref: t.ref,
      dismiss: t.dismiss,
      obs,
      files,
      ...(tail !== undefined ? { outputTail: tail } : {}),
      now,
      unknownSince: t.unknownSince,
      noResultSince: t.noResultSince,
      lostGraceMs: this.#o.lostGraceMs,
      backendLabel: this.#label,
    });
    let changed = obs.native !== t.lastNative;
    t.lastNative = obs.native;
    switch (d.kind) {
      case "finish": {
        this.#untrack(t);
        this.#finished.set(t.jobId, now);
        // running → succeeded is the only way to success: a job that ran between two polls starts first.
        if (t.status === "accepted" && d.result.ok) this.#o.events.started(t.jobId, t.attempt);
        this.#o.events.finished(d.result);
        return;
      }
      case "queued": {
        t.unknownSince = undefined;
        if (d.reason !== t.lastReason) {
          t.lastReason = d.reason;
          changed = true;
          if (d.reason !== undefined && t.status === "accepted")
            await this.#o.store
              .update(t.jobId, ["accepted"], {
                message: `Process accepted; queued in ${this.#label} (${d.reason})`,
              })
              .catch(() => {});
        }
        break;
      }
      case "running": {
        t.unknownSince = undefined;
        if (t.status === "accepted") {
          t.status = "running";
          t.runningSince = now;
          changed = true;
          this.#o.events.started(t.jobId, t.attempt);
        }
        this.#watch(t);
        if (obs.node && obs.node !== t.node) {
          // Where it runs, for the job page ("running on node2"); best effort: the next change records it again.
          t.node = obs.node;
          // Accepted too: the "started" event just sent may not be written yet.
          await this.#o.store.update(t.jobId, ACTIVE, { node: obs.node }).catch(() => {
            t.node = undefined;
          });
        }
        if (files.progress && files.progress.at > t.progressAt) {
          t.progressAt = files.progress.at;
          changed = true;
          this.#o.events.progress(files.progress);
        }
        this.#checkHeartbeat(t, files, now);
        break;
      }
      case "wait":
        t.unknownSince = d.unknownSince;
        t.noResultSince = d.noResultSince;
        break;
    }
    if (changed) t.changedAt = now;
    // Dismissed but still there long after the cancel (a lost scancel, a stuck job): cancel again.
    if (t.dismiss && t.phase === "active" && now - (t.cancelledAt ?? 0) >= (this.#o.recancelMs ?? 30_000))
      await this.#cancel(t);
    const age = now - t.changedAt;
    let interval = Math.min(this.#o.maxPollMs, Math.max(this.#o.minPollMs, age / 4));
    // The wrapper wrote the exit status: Slurm reports the end within ~20–40 ms, look again soon.
    if (live && files.exitCode !== undefined) interval = Math.min(interval, AFTER_EXIT_MS);
    if (d.kind === "wait") interval = Math.min(interval, 1000);
    t.nextPollAt = now + interval;
  }

  #checkHeartbeat(t: Tracked, files: AttemptEvidence, now: number): void {
    if (t.heartbeatWarned || files.heartbeat === undefined) return;
    if (now - files.heartbeat > 3 * HEARTBEAT_INTERVAL_MS) {
      t.heartbeatWarned = true;
      this.#log.warn(
        { jobId: t.jobId, ref: t.ref, lastHeartbeat: new Date(files.heartbeat).toISOString() },
        "a running job's worker stopped writing its heartbeat (a hung worker or a stale filesystem view)",
      );
    }
  }
}
