/**
 * The jobs the job monitor follows, and the ones it recently handed back to the service as finished (so the store
 * resync, which still sees them active until the service has written their end, does not pick them up again). It
 * also watches running attempts' directories for the wrapper's `exitcode`, so that a short job's end is polled at
 * once rather than at the next tick.
 */
import { watch } from "node:fs";
import type { JobDirs } from "../../storage/job-dirs.js";
import type { Tracked } from "./monitor-types.js";

/** Most attempt directories watched at once (inotify watches are a per-user kernel resource). */
const MAX_WATCHES = 1000;

/** How soon after the wrapper wrote `exitcode` the job is polled: slurmctld reports the end ~15–40 ms later. */
export const AFTER_EXIT_MS = 10;

/** Collaborators of {@link TrackedJobs}. */
export interface TrackedJobsOptions {
  readonly dirs: JobDirs;
  /** Poll interval of young jobs: a newly tracked job is first polled this long after it was tracked, ms. */
  readonly minPollMs: number;
  /** Bring a job's next poll forward to `at` (the monitor owns the timer). */
  readonly due: (t: Tracked, at: number) => void;
}

/** See the module comment. */
export class TrackedJobs {
  readonly #o: TrackedJobsOptions;
  readonly #jobs = new Map<string, Tracked>();
  /** Jobs handed to the service as finished, with the time: the resync must not pick them up again at once. */
  readonly #finished = new Map<string, number>();
  #watches = 0;

  constructor(o: TrackedJobsOptions) {
    this.#o = o;
  }

  /** Number of jobs followed. */
  get size(): number {
    return this.#jobs.size;
  }

  /** The followed job of this id, if any. */
  get(jobId: string): Tracked | undefined {
    return this.#jobs.get(jobId);
  }

  /** Whether the job is still followed (an outcome may have ended it while a poll was under way). */
  has(jobId: string): boolean {
    return this.#jobs.has(jobId);
  }

  /** Every followed job (live: jobs tracked or untracked while iterating show up or drop out). */
  values(): IterableIterator<Tracked> {
    return this.#jobs.values();
  }

  /** Start following a job; its first poll is one young-job interval away. */
  track(
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

  /** Stop following a job, and release its directory watch. */
  untrack(t: Tracked): void {
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
  watch(t: Tracked): void {
    if (t.watcher || this.#watches >= MAX_WATCHES) return;
    try {
      t.watcher = watch(this.#o.dirs.attempt(t.jobId, t.attempt), { persistent: false }, (_e, name) => {
        if (name === "exitcode" && this.#jobs.get(t.jobId) === t) this.#o.due(t, Date.now() + AFTER_EXIT_MS);
      });
      t.watcher.on("error", () => {});
      this.#watches++;
    } catch {
      // no watch: polls only
    }
  }

  /** Remember that the job was handed to the service as finished at `at`. */
  markFinished(jobId: string, at: number): void {
    this.#finished.set(jobId, at);
  }

  /** Whether the job was handed to the service as finished and not yet forgotten. */
  wasFinished(jobId: string): boolean {
    return this.#finished.has(jobId);
  }

  /** Forget jobs finished before `cutoff`: by then the service has long written their end to the store. */
  forgetFinished(cutoff: number): void {
    for (const [id, at] of this.#finished) if (at < cutoff) this.#finished.delete(id);
  }
}
