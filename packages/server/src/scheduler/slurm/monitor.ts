/**
 * The job monitor: the half of running jobs on a poll-based scheduler (Slurm) that decides; the Slurm adapter
 * (`slurm-scheduler.ts`) only talks to the scheduler. The composition root builds one per poll-based backend
 * (`from-config.ts`) and the job API drives it as a {@link MonitoredBackend}.
 *
 * This file is the monitor's public face and its clock: each tick resyncs with the store now and then, looks up
 * jobs adopted without a reference, and polls every job that is due. The paths a job takes live in their own
 * modules, which share the record of a followed job (`monitor-types.ts`, kept in `tracked.ts`) and get what else
 * they need from here explicitly:
 *
 * - Submission (`submission.ts`): the attempt number is recorded before the backend call and the backend's reference
 *   right after, so a crash in between is repaired by looking the attempt up by name. Transient errors (controller
 *   unreachable) are retried with back-off (1 s doubling to 60 s, ±20 % jitter) while the job stays accepted; after
 *   the deadline the job fails "scheduler unavailable". Permanent errors fail it with the backend's reason.
 * - Polling (`polling.ts`): one tick polls every job that is due with **one** `poll` call (the Slurm adapter makes
 *   it one `squeue`). Young jobs are due every `minPollMs`; a job's interval grows with the time since its last
 *   change (a quarter of it, capped at `maxPollMs`), so a burst of new jobs is followed closely and old ones cost
 *   little.
 * - Outcomes: {@link decide} (`outcome.ts`) — a pure function of the observation, the attempt files and the job —
 *   applies the outcome rules of the Slurm notes §3.3. The result goes through the same listener the local pool
 *   uses, so publishing outputs, dismissal and failure messages are the service's single code path.
 * - Progress: running attempts' `progress.json` is read each time they are polled and reported through the same
 *   `progress` path as the local backend.
 * - Dismissal (`dismissal.ts`): the attempt is cancelled in the backend and the polls confirm the end; a cancel
 *   that does not take is sent again.
 * - Recovery (`reconcile.ts`): at start every non-terminal job of the backend is reconciled by its stored
 *   reference, else by name, else from its attempt files; a job is submitted again only when the backend has no
 *   trace of it and no worker ever started it, and then under the same attempt number (the worker's exclusive claim
 *   fences a duplicate).
 */
import type { JobRecord, MonitoredBackend, SubmitRequest, WorkerFailure } from "@roost/core/internal";
import { JobLog } from "../../storage/job-log.js";
import { cancelAttempt, type DismissalContext, dismissJob, markDismissed } from "./dismissal.js";
import type { MonitorOptions, MonitorStats, Tracked } from "./monitor-types.js";
import { type DecideInput, type Decision, decide } from "./outcome.js";
import { Poller } from "./polling.js";
import { adoptByName, adoptRow, type ReconcileContext, resync } from "./reconcile.js";
import { recordRef, type SubmissionContext, submitAttempt } from "./submission.js";
import { TrackedJobs } from "./tracked.js";

// Importers (`from-config.ts`, the tests) take these from the monitor, as they did before it was split into modules.
export type { MonitorLogger, MonitorOptions, MonitorStats } from "./monitor-types.js";
export { type DecideInput, type Decision, decide };

/** See the module comment. */
export class JobMonitor implements MonitoredBackend {
  readonly #o: MonitorOptions;
  readonly #label: string;
  readonly #jobs: TrackedJobs;
  readonly #dismissal: DismissalContext;
  readonly #submission: SubmissionContext;
  readonly #reconcile: ReconcileContext;
  readonly #poller: Poller;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #ticking: Promise<void> | undefined;
  #closed = false;
  #lastResync = 0;
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
    this.#label = o.backendLabel ?? o.scheduler.kind;
    const log = o.logger;
    const due = (t: Tracked, at: number): void => this.#due(t, at);
    const end = (t: Tracked, failure: WorkerFailure): void => this.#end(t, failure);
    const jobs = new TrackedJobs({ dirs: o.dirs, minPollMs: o.minPollMs, due });
    this.#jobs = jobs;
    const dismissal: DismissalContext = { o, log, jobs, due };
    this.#dismissal = dismissal;
    const cancel = (t: Tracked): Promise<void> => cancelAttempt(dismissal, t);
    const submission: SubmissionContext = {
      o,
      log,
      stats: this.stats,
      jobs,
      jobLog: o.jobLog ?? new JobLog(o.dirs),
      closed: () => this.#closed,
      due,
      cancel,
      end,
    };
    this.#submission = submission;
    this.#reconcile = {
      o,
      log,
      jobs,
      submit: (t, req, fresh) => void submitAttempt(submission, t, req, fresh),
      recordRef: (t, ref) => recordRef(submission, t, ref),
      cancel,
      markDismissed: (t) => markDismissed(dismissal, t),
      end,
    };
    this.#poller = new Poller({ o, log, label: this.#label, stats: this.stats, jobs, cancel });
  }

  /** The backend name jobs record (the scheduler's kind). */
  get kind(): string {
    return this.#o.scheduler.kind;
  }

  /** Number of jobs followed (tests). */
  get size(): number {
    return this.#jobs.size;
  }

  /** Reconcile the backend's non-terminal jobs left by a previous run, then start polling. */
  async start(): Promise<void> {
    const rows = await this.#o.store.listActive(this.#o.scheduler.kind, this.#o.owner);
    for (const row of rows) await adoptRow(this.#reconcile, row);
    this.#lastResync = Date.now();
    if (rows.length > 0)
      this.#o.logger.info({ backend: this.#o.scheduler.kind, jobs: rows.length }, "reconciling jobs");
    this.#schedule(0);
  }

  /** False while the scheduler cannot be polled (readiness). */
  health(): { readonly ok: boolean; readonly detail?: string } {
    return this.#poller.degraded
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
    const t = this.#jobs.track(req.jobId, req.attempt, undefined, "submitting", "accepted", false, now);
    void submitAttempt(this.#submission, t, req, true);
  }

  /**
   * Dismiss: cancel the attempt in the backend (pending jobs vanish, running ones get TERM); the next polls confirm
   * it and the job becomes dismissed. A job still being submitted is cancelled as soon as it has a reference, or
   * never submitted if the backend was unreachable.
   */
  async dismiss(job: Pick<JobRecord, "id" | "schedulerRef">): Promise<void> {
    await dismissJob(this.#dismissal, job);
  }

  /** Poll `t` no later than `at`, bringing the timer forward if it would fire later. */
  #due(t: Tracked, at: number): void {
    t.nextPollAt = Math.min(t.nextPollAt, at);
    if (at < this.#timerAt) this.#schedule(Math.max(0, at - Date.now()));
  }

  /** Finish a job without a backend attempt of its own outcome (refused, deadline, dismissed before submission). */
  #end(t: Tracked, failure: WorkerFailure): void {
    this.#jobs.untrack(t);
    this.#jobs.markFinished(t.jobId, Date.now());
    this.#o.events.finished({ jobId: t.jobId, attempt: t.attempt, ok: false, failure });
  }

  /** Run one tick in `delayMs` (never two at once: a tick that is still running schedules the next itself). */
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

  /** The next tick: when the first job is due, or the next resync (jobs being submitted are not polled). */
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
      if (now - this.#lastResync >= (this.#o.resyncMs ?? 30_000)) {
        this.#lastResync = Date.now();
        await resync(this.#reconcile);
      }
      await adoptByName(this.#reconcile, now);
      // Everything due now or within the young-job interval goes into this tick's single poll.
      const horizon = now + this.#o.minPollMs / 2;
      const due = [...this.#jobs.values()].filter((t) => t.phase === "active" && t.nextPollAt <= horizon);
      const orphans = [...this.#jobs.values()].filter((t) => t.phase === "orphan" && t.nextPollAt <= horizon);
      // A poll that failed ends the tick: nothing changes until the scheduler answers again.
      if (due.length > 0 && !(await this.#poller.poll(due))) return;
      await Promise.all(orphans.map((t) => this.#poller.apply(t, { state: "unknown" })));
    } catch (e) {
      this.#o.logger.error({ err: e }, "monitor tick failed");
    } finally {
      this.stats.maxTickMs = Math.max(this.stats.maxTickMs, Date.now() - now);
    }
  }
}
