/**
 * Reconciliation: taking up the backend's non-terminal jobs that the monitor does not follow — at start (left by a
 * previous run), when jobs are taken over from a stopped server, and on the periodic store resync (dismissals by
 * `roost jobs cancel`, outcomes lost on the way). A job is found by its stored reference, else by name, else from its
 * attempt files; it is submitted again only when the backend has no trace of it and no worker ever started it, and
 * then under the same attempt number (the worker's exclusive claim fences a duplicate).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  attemptName,
  type JobRecord,
  type JobSpec,
  type SubmitRequest,
  type WorkerFailure,
} from "@roost/core/internal";
import { readAttempt } from "../../worker/attempt-files.js";
import type { MonitorLogger, MonitorOptions, Tracked } from "./monitor-types.js";
import type { TrackedJobs } from "./tracked.js";

/** Collaborators of reconciliation. */
export interface ReconcileContext {
  readonly o: Pick<MonitorOptions, "scheduler" | "store" | "dirs" | "events" | "maxPollMs" | "owner">;
  readonly log: MonitorLogger;
  readonly jobs: TrackedJobs;
  /** Start the submission loop of a tracked job in the background (`fresh`: record the attempt number first). */
  readonly submit: (t: Tracked, req: SubmitRequest, fresh: boolean) => void;
  /** Record the reference of an attempt found by name, and start polling it. */
  readonly recordRef: (t: Tracked, ref: string) => Promise<void>;
  /** Cancel a tracked job's attempt. */
  readonly cancel: (t: Tracked) => Promise<void>;
  /** Mark a tracked job dismissed (wakes its submission loop, cancels an active attempt). */
  readonly markDismissed: (t: Tracked) => Promise<void>;
  /** Finish a job that has no backend attempt to decide its outcome. */
  readonly end: (t: Tracked, failure: WorkerFailure) => void;
}

/** Follow one non-terminal job of the store the monitor does not follow yet. */
export async function adoptRow(c: ReconcileContext, row: JobRecord): Promise<void> {
  if (c.jobs.has(row.id)) return;
  const now = Date.now();
  const status = row.status === "running" ? "running" : "accepted";
  if (row.schedulerRef) {
    const t = c.jobs.track(
      row.id,
      row.attempt,
      row.schedulerRef,
      "active",
      status,
      row.dismissRequested,
      now,
    );
    t.nextPollAt = now;
    if (row.dismissRequested) await c.cancel(t);
    return;
  }
  if (row.attempt === 0) {
    // The attempt is recorded before sbatch: attempt 0 means the backend never heard of this job.
    if (row.dismissRequested) {
      c.jobs.markFinished(row.id, now);
      c.o.events.finished({
        jobId: row.id,
        attempt: 0,
        ok: false,
        failure: { kind: "cancelled", message: "Job dismissed" },
      });
      return;
    }
    const req = await requestFor(c, row, 1);
    if (!req) return;
    const t = c.jobs.track(row.id, 1, undefined, "submitting", "accepted", false, now);
    c.submit(t, req, true);
    return;
  }
  c.jobs.track(row.id, row.attempt, undefined, "adopt", status, row.dismissRequested, now).nextPollAt = now;
}

/** The submission of an attempt, rebuilt from `job.json` (after a restart). */
async function requestFor(
  c: ReconcileContext,
  row: JobRecord,
  attempt: number,
): Promise<SubmitRequest | undefined> {
  const jobDir = c.o.dirs.job(row.id);
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
    c.jobs.markFinished(row.id, Date.now());
    c.o.events.finished({
      jobId: row.id,
      attempt: row.attempt,
      ok: false,
      failure: { kind: "lost", message: "The job's specification was lost (job.json unreadable)" },
    });
    return undefined;
  }
}

/** Jobs without a stored reference after a restart: look their attempt up by name. */
export async function adoptByName(c: ReconcileContext, now: number): Promise<void> {
  const waiting = [...c.jobs.values()].filter((t) => t.phase === "adopt" && t.nextPollAt <= now);
  if (waiting.length === 0) return;
  let found: ReadonlyMap<string, string>;
  try {
    found = await c.o.scheduler.findByName(waiting.map((t) => attemptName(t.jobId, t.attempt)));
  } catch (e) {
    c.log.warn({ err: (e as Error).message }, "cannot look jobs up by name; retrying");
    for (const t of waiting) t.nextPollAt = now + Math.max(1000, c.o.maxPollMs);
    return;
  }
  for (const t of waiting) {
    const ref = found.get(attemptName(t.jobId, t.attempt));
    if (ref) {
      c.log.info({ jobId: t.jobId, ref }, "adopted a job submitted before a crash");
      await c.recordRef(t, ref);
      continue;
    }
    const files = await readAttempt(c.o.dirs.attempt(t.jobId, t.attempt), t.jobId, t.attempt, "all");
    if (files.started || files.result || files.exitCode !== undefined) {
      // It ran and Slurm has forgotten it: the files decide (with the lost-job grace period).
      t.phase = "orphan";
      t.nextPollAt = now;
      continue;
    }
    // No trace anywhere: sbatch never reached slurmctld. Submit it now, under the same attempt number.
    const row = await c.o.store.get(t.jobId);
    if (row?.status !== "accepted") {
      c.jobs.untrack(t);
      continue;
    }
    if (row.dismissRequested) {
      c.end(t, { kind: "cancelled", message: "Job dismissed" });
      continue;
    }
    const req = await requestFor(c, row, t.attempt);
    if (!req) {
      c.jobs.untrack(t);
      continue;
    }
    t.phase = "submitting";
    c.submit(t, req, false);
  }
}

/**
 * Pick up what changed in the store behind the monitor's back (dismissals by `roost jobs cancel`, lost events): the
 * backend's non-terminal jobs of this owner that the monitor does not follow are adopted, unless it handed them to the
 * service as finished within the last minute (the service may not have written their end yet).
 */
export async function resync(c: ReconcileContext): Promise<void> {
  const rows = await c.o.store.listActive(c.o.scheduler.kind, c.o.owner);
  const cutoff = Date.now() - 60_000;
  c.jobs.forgetFinished(cutoff);
  for (const row of rows) {
    const t = c.jobs.get(row.id);
    if (t) {
      if (row.dismissRequested && !t.dismiss) await c.markDismissed(t);
      continue;
    }
    if (c.jobs.wasFinished(row.id)) continue;
    await adoptRow(c, row);
  }
}
