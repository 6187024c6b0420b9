/**
 * Recovery of the local backend at start-up: jobs a previous run of this server left active. The attempt files
 * decide, before anything is declared interrupted (reliability promises P1, P4):
 *
 * - an attempt that left a `result.json` finished: its outcome is applied (it may have ended while the store was
 *   unavailable, or just before the server died) — it is never failed or run again;
 * - an attempt that was claimed (`started.json`) but left no result was running when the server died (local workers
 *   die with it): the job fails with an explicit message — running it again could repeat side effects;
 * - a job no attempt ever claimed is resubmitted under a new attempt number (a claimed number is never reused).
 *
 * Sync executions still in the store are failed (their client is gone). Poll-based backends (Slurm) reconcile their
 * own jobs in their monitor.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobRecord, JobSpec, JobStore, WorkerPool } from "@roost/core/internal";
import type { Logger } from "pino";
import type { ProcessRegistry } from "../registry/registry.js";
import type { JobDirs } from "../storage/job-dirs.js";
import { attemptNumbers, readAttempt } from "../worker/attempt-files.js";
import type { JobEvents } from "./job-events.js";
import type { LocalRuns } from "./local-runs.js";

/** Collaborators of {@link recoverLocalJobs}. */
export interface RecoveryOptions {
  readonly store: JobStore;
  readonly dirs: JobDirs;
  readonly registry: ProcessRegistry;
  readonly pool: WorkerPool;
  readonly events: JobEvents;
  readonly runs: LocalRuns;
  readonly logger: Logger;
  /** This server instance: its own jobs (and ownerless ones) are recovered. */
  readonly owner: string;
}

/** What recovery did, for the log. */
interface Tally {
  resubmitted: number;
  applied: number;
  interrupted: number;
}

/** See the module comment. */
export async function recoverLocalJobs(o: RecoveryOptions): Promise<void> {
  await recoverJobs(o, await o.store.listActive("local", o.owner), "restart");
}

/** What was interrupted: this server's previous run, or another server that stopped. */
const INTERRUPTED = {
  restart: "The server restarted while the job was running; submit it again",
  takeover: "The server running the job stopped while the job was running; submit it again",
} as const;

/**
 * Recover `jobs` — this server's own after a restart, or taken over from a stopped server — the same way: the
 * attempt files decide.
 */
export async function recoverJobs(
  o: RecoveryOptions,
  jobs: readonly JobRecord[],
  why: keyof typeof INTERRUPTED,
): Promise<void> {
  const tally: Tally = { resubmitted: 0, applied: 0, interrupted: 0 };
  for (const job of jobs) if (job.backend === "local") await recoverJob(o, job, tally, INTERRUPTED[why]);
  if (jobs.length > 0)
    o.logger.info(
      { active: jobs.length, ...tally },
      why === "restart" ? "recovered jobs from the previous run" : "recovered the jobs of a stopped server",
    );
}

async function recoverJob(
  o: RecoveryOptions,
  job: JobRecord,
  tally: Tally,
  interrupted: string,
): Promise<void> {
  if (job.mode === "sync") {
    await o.events.fail(job.id, {
      kind: "internal",
      message: "The server restarted during the synchronous execution",
    });
    return;
  }
  const jobDir = o.dirs.job(job.id);
  const attempts = await attemptNumbers(jobDir);
  // The newest attempt decides (older ones were superseded); a result there is the job's outcome.
  const last = attempts.at(-1);
  if (last !== undefined) {
    const files = await readAttempt(o.dirs.attempt(job.id, last), job.id, last, "outcome");
    if (files.result) {
      await applyOutcome(o, job, last, files.started?.at || undefined);
      o.events.listener.finished(files.result);
      tally.applied++;
      return;
    }
    if (files.started || job.status === "running") {
      await o.events.fail(job.id, { kind: "crashed", message: interrupted });
      tally.interrupted++;
      return;
    }
  } else if (job.status === "running") {
    await o.events.fail(job.id, { kind: "crashed", message: interrupted });
    tally.interrupted++;
    return;
  }
  if (job.dismissRequested) {
    await o.store.transition(job.id, ["accepted"], "dismissed", {
      finishedAt: Date.now(),
      message: "Job dismissed",
    });
    return;
  }
  let spec: JobSpec;
  try {
    spec = JSON.parse(await readFile(join(jobDir, "job.json"), "utf8")) as JobSpec;
  } catch {
    await o.events.fail(job.id, {
      kind: "lost",
      message: "The job's specification was lost (job.json unreadable)",
    });
    return;
  }
  if (!o.registry.get(spec.process.id)) {
    await o.events.fail(job.id, {
      kind: "internal",
      message: `Process '${spec.process.id}' is no longer available`,
    });
    return;
  }
  // A new attempt: never a number an earlier run claimed or created (accepted jobs have attempt 0 in the store,
  // "never handed to a backend", which must not become a run's fencing token or attempt directory).
  const attempt = Math.max(job.attempt, last ?? 0) + 1;
  o.runs.set(job.id, { attempt, ref: o.pool.refOf(job.id, attempt), mode: "async", dismiss: false });
  await o.pool.submit({
    jobId: job.id,
    attempt,
    processId: spec.process.id,
    jobDir,
    timeLimitSec: spec.timeLimitSec,
    priority: "async",
    spec,
  });
  tally.resubmitted++;
}

/**
 * Make the store agree with an attempt that ran before its outcome is applied: a start that could not be recorded
 * (the store was down) is recorded now, with the attempt's own number, so the outcome passes the attempt fence.
 */
async function applyOutcome(
  o: RecoveryOptions,
  job: JobRecord,
  attempt: number,
  startedAt: number | undefined,
): Promise<void> {
  if (job.status === "accepted") {
    await o.store.transition(job.id, ["accepted"], "running", {
      attempt,
      startedAt: startedAt ?? Date.now(),
      progress: 0,
      message: "Process started",
    });
  } else if (job.attempt !== attempt) {
    await o.store.update(job.id, ["running"], { attempt });
  }
}
