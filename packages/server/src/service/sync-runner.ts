/**
 * A synchronous execution: the client waits on the connection, so the job is kept in memory while it runs and
 * recorded once it has ended (see `sync-journal.ts`); nothing on this path waits for a store write. A client that goes
 * away stops its worker; a job past `sync_timeout` is answered as failed at once and its worker stopped.
 */
import type { JobRecord, JobSpec, WorkerPool } from "@roost/core/internal";
import type { JobEvents } from "./job-events.js";
import type { LocalRuns, SyncBase } from "./local-runs.js";

/** What a sync run needs. */
export interface SyncRun {
  readonly base: SyncBase;
  readonly jobDir: string;
  readonly spec: JobSpec;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal | undefined;
  /** `jobs.sync_timeout`, seconds. */
  readonly limitSec: number;
}

/** Run a sync job on the local pool and resolve with its terminal record. */
export async function runSync(
  pool: WorkerPool,
  events: JobEvents,
  runs: LocalRuns,
  r: SyncRun,
): Promise<JobRecord> {
  const jobId = r.base.id;
  const ref = pool.refOf(jobId, 1);
  const entry = { attempt: 1, ref, mode: "sync" as const, dismiss: false, base: r.base };
  runs.set(jobId, entry);
  const done = events.waitFor(jobId);
  const onAbort = () => {
    // The client went away: nobody will read the result, so the worker is stopped.
    entry.dismiss = true;
    void pool.cancel(ref);
  };
  r.signal?.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), r.limitSec * 1000);
  });
  try {
    await pool.submit({
      jobId,
      attempt: 1,
      processId: r.spec.process.id,
      jobDir: r.jobDir,
      timeLimitSec: r.spec.timeLimitSec,
      priority: "sync",
      spec: r.spec,
    });
    const first = await Promise.race([done, timeout]);
    if (first !== "timeout") return first!;
    // Answer now; the worker is stopped (abort, then kill after the grace period) and its late report ignored.
    events.markSyncTimedOut(jobId);
    const failed = events.finishSync(jobId, {
      jobId,
      attempt: 1,
      ok: false,
      failure: {
        kind: "timeout",
        message: `Synchronous execution exceeded the limit of ${r.limitSec} s; use asynchronous execution for long jobs`,
      },
    });
    await pool.cancel(ref);
    return failed;
  } finally {
    clearTimeout(timer);
    r.signal?.removeEventListener("abort", onAbort);
  }
}
