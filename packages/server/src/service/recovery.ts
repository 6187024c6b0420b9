/**
 * Recovery of the local backend at start-up: jobs a previous run of this server left active. Queued jobs are
 * resubmitted under a new attempt number; jobs that were running are failed with an explicit message (their worker
 * died with the server: running them again could repeat side effects); sync executions are failed (their client is
 * gone). Poll-based backends (Slurm) reconcile their own jobs in their monitor.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobSpec, JobStore, WorkerPool } from "@roost/core";
import type { Logger } from "pino";
import type { ProcessRegistry } from "../registry/registry.js";
import type { JobDirs } from "../storage/job-dirs.js";
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
}

/** See the module comment. */
export async function recoverLocalJobs(o: RecoveryOptions): Promise<void> {
  const active = await o.store.listActive("local");
  let resubmitted = 0;
  for (const job of active) {
    if (job.mode === "sync") {
      await o.events.fail(job.id, {
        kind: "internal",
        message: "The server restarted during the synchronous execution",
      });
      continue;
    }
    if (job.status === "running") {
      await o.events.fail(job.id, {
        kind: "crashed",
        message: "The server restarted while the job was running; submit it again",
      });
      continue;
    }
    if (job.dismissRequested) {
      await o.store.transition(job.id, ["accepted"], "dismissed", {
        finishedAt: Date.now(),
        message: "Job dismissed",
      });
      continue;
    }
    const jobDir = o.dirs.job(job.id);
    let spec: JobSpec;
    try {
      spec = JSON.parse(await readFile(join(jobDir, "job.json"), "utf8")) as JobSpec;
    } catch {
      await o.events.fail(job.id, {
        kind: "lost",
        message: "The job's specification was lost (job.json unreadable)",
      });
      continue;
    }
    if (!o.registry.get(spec.process.id)) {
      await o.events.fail(job.id, {
        kind: "internal",
        message: `Process '${spec.process.id}' is no longer available`,
      });
      continue;
    }
    // A new attempt: accepted jobs have attempt 0 in the store ("never handed to a backend"), which must not
    // become a run's fencing token or attempt directory.
    const attempt = job.attempt + 1;
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
    resubmitted++;
  }
  if (active.length > 0)
    o.logger.info({ active: active.length, resubmitted }, "recovered jobs from the previous run");
}
