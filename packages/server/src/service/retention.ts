/**
 * Retention (`jobs.retention`): finished jobs older than their status's TTL lose their directory (inputs, logs,
 * outputs) and then their row — files first, so a sweep interrupted in between leaves a row the next sweep removes,
 * never an orphaned directory. Only final statuses are swept, only under `<data_dir>/jobs/`, a bounded batch per
 * status and sweep, through the partial index on finished jobs.
 */
import { rm } from "node:fs/promises";
import type { JobStatus, JobStore } from "@roost/core/internal";
import type { JobDirs } from "../storage/job-dirs.js";

/** Seconds each final status is kept (0: forever). */
export type Retention = Readonly<Record<"succeeded" | "failed" | "dismissed", number>>;

/** Jobs removed per status and sweep: a sweep stays short; a backlog drains over a few minutes. */
const BATCH = 500;

/** Remove the expired jobs; returns how many were removed. */
export async function sweepExpired(
  store: JobStore,
  dirs: JobDirs,
  retention: Retention,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  for (const status of ["succeeded", "failed", "dismissed"] as const satisfies readonly JobStatus[]) {
    const ttl = retention[status];
    if (!(ttl > 0)) continue;
    for (const id of await store.listExpired(status, now - ttl * 1000, BATCH)) {
      await rm(dirs.job(id), { recursive: true, force: true });
      if (await store.delete(id)) removed++;
    }
  }
  return removed;
}
