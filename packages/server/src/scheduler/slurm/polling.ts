/**
 * Polling through the job monitor: the jobs due in one tick are asked about with **one** `poll` call (the Slurm
 * adapter makes it one `squeue`), and each observation is applied to its job. {@link decide} — a pure function of
 * the observation, the attempt files and the job — says what it means (the outcome rules of the Slurm notes §3.3);
 * this module carries it out: outcomes go through the same listener the local pool uses (so publishing outputs,
 * dismissal and failure messages are the service's single code path), running attempts' `progress.json` goes
 * through the same `progress` path, and the job's next poll is set — a quarter of the time since its last change,
 * between `minPollMs` and `maxPollMs`, so a burst of new jobs is followed closely and old ones cost little. While
 * the scheduler does not answer, nothing changes and polls back off.
 */
import { ACTIVE, type Observation } from "@roost/core/internal";
import {
  type AttemptEvidence,
  HEARTBEAT_INTERVAL_MS,
  readAttempt,
  slurmOutputTail,
} from "../../worker/attempt-files.js";
import { recancelDue } from "./dismissal.js";
import type { MonitorLogger, MonitorOptions, MonitorStats, Tracked } from "./monitor-types.js";
import { decide } from "./outcome.js";
import { AFTER_EXIT_MS, type TrackedJobs } from "./tracked.js";

/** Collaborators of {@link Poller}. */
export interface PollContext {
  readonly o: Pick<
    MonitorOptions,
    "scheduler" | "store" | "dirs" | "events" | "minPollMs" | "maxPollMs" | "lostGraceMs" | "recancelMs"
  >;
  readonly log: MonitorLogger;
  /** How messages name the backend. */
  readonly label: string;
  /** The monitor's counters (`polls`, `polledJobs`, `pollErrors`). */
  readonly stats: MonitorStats;
  readonly jobs: TrackedJobs;
  /** Cancel a job's attempt (the re-cancel rule). */
  readonly cancel: (t: Tracked) => Promise<void>;
}

/** See the module comment. Keeps whether the scheduler answers, for the monitor's health. */
export class Poller {
  readonly #c: PollContext;
  #degraded = false;
  #backoffMs = 0;

  constructor(c: PollContext) {
    this.#c = c;
  }

  /** True while the scheduler cannot be polled. */
  get degraded(): boolean {
    return this.#degraded;
  }

  /**
   * Poll the due jobs with one call and apply each observation. False when the scheduler could not be polled: then
   * nothing changed and the jobs are polled again after a back-off.
   */
  async poll(due: readonly Tracked[]): Promise<boolean> {
    const { o, stats } = this.#c;
    let seen: ReadonlyMap<string, Observation>;
    try {
      stats.polls++;
      stats.polledJobs += due.length;
      seen = await o.scheduler.poll(due.map((t) => t.ref!));
      if (this.#degraded) this.#c.log.info({ backend: o.scheduler.kind }, "the scheduler answers again");
      this.#degraded = false;
      this.#backoffMs = 0;
    } catch (e) {
      // Controller down or overloaded: change nothing, poll less often until it answers (1 s doubling to max).
      stats.pollErrors++;
      if (!this.#degraded)
        this.#c.log.warn(
          { backend: o.scheduler.kind, err: (e as Error).message },
          "cannot poll the scheduler",
        );
      this.#degraded = true;
      this.#backoffMs = Math.min(Math.max(1000, this.#backoffMs * 2), o.maxPollMs);
      for (const t of due) t.nextPollAt = Date.now() + this.#backoffMs;
      return false;
    }
    await Promise.all(due.map((t) => this.apply(t, seen.get(t.ref!) ?? { state: "unknown" })));
    return true;
  }

  /** Apply one observation to one job. */
  async apply(t: Tracked, obs: Observation): Promise<void> {
    const { o, jobs } = this.#c;
    if (!jobs.has(t.jobId)) return;
    const now = Date.now();
    const dir = o.dirs.attempt(t.jobId, t.attempt);
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
      lostGraceMs: o.lostGraceMs,
      backendLabel: this.#c.label,
    });
    let changed = obs.native !== t.lastNative;
    t.lastNative = obs.native;
    switch (d.kind) {
      case "finish": {
        jobs.untrack(t);
        jobs.markFinished(t.jobId, now);
        // running → succeeded is the only way to success: a job that ran between two polls starts first.
        if (t.status === "accepted" && d.result.ok) o.events.started(t.jobId, t.attempt);
        o.events.finished(d.result);
        return;
      }
      case "queued": {
        t.unknownSince = undefined;
        if (d.reason !== t.lastReason) {
          t.lastReason = d.reason;
          changed = true;
          if (d.reason !== undefined && t.status === "accepted")
            await o.store
              .update(t.jobId, ["accepted"], {
                message: `Process accepted; queued in ${this.#c.label} (${d.reason})`,
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
          o.events.started(t.jobId, t.attempt);
        }
        jobs.watch(t);
        if (obs.node && obs.node !== t.node) {
          // Where it runs, for the job page ("running on node2"); best effort: the next change records it again.
          t.node = obs.node;
          // Accepted too: the "started" event just sent may not be written yet.
          await o.store.update(t.jobId, ACTIVE, { node: obs.node }).catch(() => {
            t.node = undefined;
          });
        }
        if (files.progress && files.progress.at > t.progressAt) {
          t.progressAt = files.progress.at;
          changed = true;
          o.events.progress(files.progress);
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
    if (recancelDue(t, now, o.recancelMs)) await this.#c.cancel(t);
    const age = now - t.changedAt;
    let interval = Math.min(o.maxPollMs, Math.max(o.minPollMs, age / 4));
    // The wrapper wrote the exit status: Slurm reports the end within ~20–40 ms, look again soon.
    if (live && files.exitCode !== undefined) interval = Math.min(interval, AFTER_EXIT_MS);
    if (d.kind === "wait") interval = Math.min(interval, 1000);
    t.nextPollAt = now + interval;
  }

  /** Warn once when a running job's worker stops writing its heartbeat (only a warning: the polls still decide). */
  #checkHeartbeat(t: Tracked, files: AttemptEvidence, now: number): void {
    if (t.heartbeatWarned || files.heartbeat === undefined) return;
    if (now - files.heartbeat > 3 * HEARTBEAT_INTERVAL_MS) {
      t.heartbeatWarned = true;
      this.#c.log.warn(
        { jobId: t.jobId, ref: t.ref, lastHeartbeat: new Date(files.heartbeat).toISOString() },
        "a running job's worker stopped writing its heartbeat (a hung worker or a stale filesystem view)",
      );
    }
  }
}
