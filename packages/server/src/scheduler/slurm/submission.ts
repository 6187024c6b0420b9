/**
 * Submission through the job monitor. The attempt number is recorded before the backend call and the backend's
 * reference right after, so a crash in between is repaired by looking the attempt up by name (`reconcile.ts`).
 * Transient errors (controller unreachable) are retried with back-off (1 s doubling to 60 s, ±20 % jitter) while the
 * job stays accepted; after the deadline the job fails "scheduler unavailable". Permanent errors fail it with the
 * backend's reason. The loop runs in the background and owns the job (phase "submitting") until it is polled.
 */
import { ACTIVE, type SubmitRequest, type WorkerFailure } from "@roost/core/internal";
import type { JobLog } from "../../storage/job-log.js";
import type { MonitorLogger, MonitorOptions, MonitorStats, Tracked } from "./monitor-types.js";
import type { TrackedJobs } from "./tracked.js";

/** Collaborators of the submission path. */
export interface SubmissionContext {
  readonly o: Pick<
    MonitorOptions,
    "scheduler" | "store" | "minPollMs" | "submitDeadlineMs" | "submitBackoffMs"
  >;
  readonly log: MonitorLogger;
  /** The monitor's counters (`submitRetries`). */
  readonly stats: MonitorStats;
  readonly jobs: TrackedJobs;
  /** The job-log writer shared with the job API. */
  readonly jobLog: JobLog;
  /** True once the monitor stops: loops give up (the next start reconciles their jobs). */
  readonly closed: () => boolean;
  /** Bring a job's next poll forward to `at` (the monitor owns the timer). */
  readonly due: (t: Tracked, at: number) => void;
  /** Cancel the job's attempt (dismissed while it was being submitted). */
  readonly cancel: (t: Tracked) => Promise<void>;
  /** Finish a job that has no backend attempt to decide its outcome (refused, deadline, dismissed). */
  readonly end: (t: Tracked, failure: WorkerFailure) => void;
}

/**
 * Hand an attempt to the backend, retrying transient errors, then record its reference and start polling it.
 * `fresh`: the attempt number is not in the store yet (a new attempt, not one resubmitted after a restart).
 */
export async function submitAttempt(
  c: SubmissionContext,
  t: Tracked,
  req: SubmitRequest,
  fresh: boolean,
): Promise<void> {
  const store = c.o.store;
  const started = Date.now();
  const backoff = c.o.submitBackoffMs ?? { first: 1000, max: 60_000 };
  let wait = backoff.first;
  let lastError = "";
  // Record the attempt before the backend hears of it: after a crash, its name is what the next start looks for.
  for (;;) {
    if (c.closed()) return;
    try {
      if (fresh) await store.update(t.jobId, ["accepted"], { attempt: t.attempt });
      break;
    } catch (e) {
      c.log.warn({ jobId: t.jobId, err: (e as Error).message }, "cannot record the attempt; retrying");
      await sleep(t, 1000);
    }
  }
  let ref: string | undefined;
  for (;;) {
    if (c.closed()) return;
    if (t.dismiss) return c.end(t, { kind: "cancelled", message: "Job dismissed" });
    try {
      ref = (await c.o.scheduler.submit(req)).ref;
      break;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const transient = (e as { transient?: unknown }).transient === true;
      if (!transient) {
        c.log.warn({ jobId: t.jobId, err: msg }, "the scheduler refused the job");
        return c.end(t, { kind: "scheduler", message: `The scheduler refused the job: ${msg}` });
      }
      if (Date.now() - started >= c.o.submitDeadlineMs) {
        c.log.error({ jobId: t.jobId, err: msg }, "submission deadline passed");
        return c.end(t, {
          kind: "scheduler",
          message: `Scheduler unavailable: the job could not be submitted within ${Math.round(c.o.submitDeadlineMs / 1000)} s (${msg})`,
        });
      }
      if (msg !== lastError) {
        c.log.warn({ jobId: t.jobId, err: msg }, "submission failed; retrying");
        c.jobLog.write(t.jobId, "submit-retry", { error: msg });
      }
      lastError = msg;
      c.stats.submitRetries++;
      const jitter = 0.8 + Math.random() * 0.4;
      const left = c.o.submitDeadlineMs - (Date.now() - started);
      await sleep(t, Math.max(0, Math.min(wait * jitter, left)));
      wait = Math.min(wait * 2, backoff.max);
      // A dismissal recorded by another process (`roost jobs cancel`) while the backend was unreachable.
      if (!t.dismiss)
        t.dismiss = (await store.get(t.jobId).catch(() => undefined))?.dismissRequested ?? false;
    }
  }
  await recordRef(c, t, ref);
}

/**
 * Record the reference of a submitted attempt and start polling it (also for an attempt found by name after a
 * restart).
 */
export async function recordRef(c: SubmissionContext, t: Tracked, ref: string): Promise<void> {
  t.ref = ref;
  let recorded = false;
  for (let i = 0; ; i++) {
    try {
      recorded = await c.o.store.update(t.jobId, ACTIVE, { schedulerRef: ref, attempt: t.attempt });
      break;
    } catch (e) {
      // The store is down: keep polling the job anyway; the reference is recorded on the next try.
      if (i >= 5 || c.closed()) {
        c.log.error(
          { jobId: t.jobId, ref, err: (e as Error).message },
          "cannot record the scheduler reference",
        );
        recorded = true;
        break;
      }
      await sleep(t, 500 * (i + 1));
    }
  }
  if (!recorded) {
    // The job ended while it was being submitted (dismissed): its backend attempt must not run on unobserved.
    c.jobs.untrack(t);
    await c.o.scheduler.cancel(ref).catch(() => {});
    return;
  }
  const now = Date.now();
  t.phase = "active";
  t.changedAt = now;
  c.due(t, now + c.o.minPollMs);
  c.jobLog.write(t.jobId, "submitted", { backend: c.o.scheduler.kind, ref, attempt: t.attempt });
  if (t.dismiss) await c.cancel(t);
}

/** Sleep that a dismissal or the monitor's stop cuts short (through `t.wake`). */
async function sleep(t: Tracked, ms: number): Promise<void> {
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
