/**
 * Jobs a client was told were not accepted although their row may still be committed: an insert that ran past the
 * request's budget (a hung database) can commit once the database answers again. Such a job must never run — its
 * client got a 503 and will submit again — so it is marked (`rejected` in its job directory) and, once the insert
 * has settled, its row and directory are removed; a server that restarts before that purges marked jobs before any
 * backend recovers them ("nothing half-accepted", reliability promise P8).
 */
import { access, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobStore } from "@roost/core/internal";
import type { Logger } from "pino";
import type { JobDirs } from "../storage/job-dirs.js";

/** The marker file. */
const MARKER = "rejected";
/** Longest wait between two tries of removing a rejected job's row, ms. */
const RETRY_MAX_MS = 10_000;

/** Pending removals of rejected jobs. */
export class RejectedJobs {
  readonly #store: JobStore;
  readonly #dirs: JobDirs;
  readonly #log: Logger;
  #stopped = false;

  constructor(store: JobStore, dirs: JobDirs, log: Logger) {
    this.#store = store;
    this.#dirs = dirs;
    this.#log = log;
  }

  /** Mark a job rejected; remove its row once `insert` has settled, then its directory. */
  add(jobId: string, insert: Promise<void>): void {
    const dir = this.#dirs.job(jobId);
    void writeFile(join(dir, MARKER), "")
      .catch(() => {})
      .then(() => insert.catch(() => {}))
      .then(() => this.#remove(jobId));
  }

  async #remove(jobId: string): Promise<void> {
    for (let wait = 200; !this.#stopped; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        if (await this.#store.delete(jobId))
          this.#log.warn({ jobId }, "removed a job committed after its client was told it was not accepted");
        await rm(this.#dirs.job(jobId), { recursive: true, force: true });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
  }

  /** Stop retrying (the next start purges what is left). */
  stop(): void {
    this.#stopped = true;
  }
}

/** Remove accepted jobs marked rejected (run at start-up, before backends recover their jobs). */
export async function purgeRejected(store: JobStore, dirs: JobDirs, log: Logger): Promise<void> {
  for (const job of await store.listActive()) {
    if (job.status !== "accepted" || job.attempt !== 0) continue;
    const marked = await access(join(dirs.job(job.id), MARKER)).then(
      () => true,
      () => false,
    );
    if (!marked) continue;
    await store.delete(job.id);
    await rm(dirs.job(job.id), { recursive: true, force: true });
    log.warn({ jobId: job.id }, "removed a job committed after its client was told it was not accepted");
  }
}
