/**
 * Dismissal through the job monitor: cancelling a job's backend attempt. A cancel is only a request — pending jobs
 * vanish, running ones get TERM, and `scancel`'s exit status proves nothing — so the job stays followed until the
 * polls confirm its end (`polling.ts`), and one still active long after its cancel is cancelled again. A job still
 * being submitted is cancelled once it has a reference (`submission.ts`), or never submitted.
 */
import type { JobRecord } from "@roost/core/internal";
import type { MonitorLogger, MonitorOptions, Tracked } from "./monitor-types.js";
import type { TrackedJobs } from "./tracked.js";

/** Collaborators of the dismissal path. */
export interface DismissalContext {
  readonly o: Pick<MonitorOptions, "scheduler" | "minPollMs">;
  readonly log: MonitorLogger;
  readonly jobs: TrackedJobs;
  /** Bring a job's next poll forward to `at` (the monitor owns the timer). */
  readonly due: (t: Tracked, at: number) => void;
}

/** The monitor's `dismiss`: cancel a job the monitor follows, or, by its stored reference, one it does not. */
export async function dismissJob(
  c: DismissalContext,
  job: Pick<JobRecord, "id" | "schedulerRef">,
): Promise<void> {
  const t = c.jobs.get(job.id);
  if (!t) {
    if (job.schedulerRef) await c.o.scheduler.cancel(job.schedulerRef);
    return;
  }
  await markDismissed(c, t);
}

/**
 * Mark a followed job dismissed (through the API, or seen in the store by the resync): a submission loop sleeping in
 * back-off wakes up to give up, an attempt the backend has is cancelled.
 */
export async function markDismissed(c: DismissalContext, t: Tracked): Promise<void> {
  t.dismiss = true;
  t.wake?.();
  if (t.ref && t.phase === "active") await cancelAttempt(c, t);
}

/** Ask the backend to cancel the attempt, and poll it soon to see the end. */
export async function cancelAttempt(c: DismissalContext, t: Tracked): Promise<void> {
  if (!t.ref) return;
  t.cancelledAt = Date.now();
  t.changedAt = t.cancelledAt;
  c.due(t, t.cancelledAt + c.o.minPollMs);
  try {
    await c.o.scheduler.cancel(t.ref);
  } catch (e) {
    // Retried by the re-cancel rule on a later poll.
    c.log.warn({ jobId: t.jobId, ref: t.ref, err: (e as Error).message }, "cancel failed; will retry");
  }
}

/**
 * The re-cancel rule: dismissed but still there long after the last cancel (a lost scancel, a stuck job), the
 * attempt is cancelled again.
 */
export function recancelDue(t: Tracked, now: number, recancelMs: number | undefined): boolean {
  return t.dismiss && t.phase === "active" && now - (t.cancelledAt ?? 0) >= (recancelMs ?? 30_000);
}
