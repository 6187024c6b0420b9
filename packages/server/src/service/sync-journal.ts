/**
 * The journal of finished synchronous executions. A sync job's client waits on the connection, so the job is kept in
 * memory while it runs and recorded only once it has ended, in batches: one transaction every 20 ms or 200 jobs turns
 * hundreds of single-row commits per second into a few multi-row ones, and no store write sits on the request path.
 * Until its batch is written the job is still readable here (a client that follows an output href from the response
 * at once must get the recorded media type). A batch the store refuses (database down, disk full) is kept and
 * retried with back-off; beyond {@link MAX_KEPT} waiting records the oldest are dropped (their clients already had
 * their results: only history is lost, and the log says how much).
 */
import type { FinishedJob, JobRecord, JobStore } from "@roost/core/internal";
import type { Logger } from "pino";
import { isUnavailable } from "./job-events.js";

/** Largest batch written at once. */
const BATCH = 200;
/** Longest a finished sync job waits for its batch, ms. */
const DELAY_MS = 20;
/** Most finished sync jobs kept while the store is unavailable (~1 KB each). */
export const MAX_KEPT = 20_000;
/** Longest wait between two tries of a refused batch, ms. */
const RETRY_MAX_MS = 5000;

/** See the module comment. */
export class SyncJournal {
  readonly #store: JobStore;
  readonly #log: Logger;
  readonly #queue: FinishedJob[] = [];
  readonly #unrecorded = new Map<string, JobRecord>();
  #timer: NodeJS.Timeout | undefined;
  #retryMs = 0;
  #flushing: Promise<void> | undefined;

  constructor(store: JobStore, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /** Queue a finished job; `asRead` is what readers get until it is written. */
  record(job: FinishedJob, asRead: JobRecord): void {
    this.#unrecorded.set(job.id, asRead);
    this.#queue.push(job);
    if (this.#queue.length >= BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), DELAY_MS);
  }

  /** A finished sync job whose batch is not written yet. */
  get(id: string): JobRecord | undefined {
    return this.#unrecorded.get(id);
  }

  /** Write everything queued (one batch at a time). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    this.#flushing = this.#writeBatch().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #writeBatch(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue.splice(0, BATCH * 10);
    if (batch.length === 0) return;
    try {
      await this.#store.insertFinished(batch);
      this.#retryMs = 0;
    } catch (e) {
      if (!isUnavailable(e)) {
        // A bug or a constraint violation: retrying cannot help. The clients already have their results.
        this.#log.error({ err: e, jobs: batch.length }, "recording finished synchronous jobs failed");
        for (const j of batch) this.#unrecorded.delete(j.id);
        return;
      }
      this.#queue.unshift(...batch);
      const over = this.#queue.length - MAX_KEPT;
      if (over > 0) {
        for (const j of this.#queue.splice(0, over)) this.#unrecorded.delete(j.id);
        this.#log.error(
          { dropped: over },
          "the job store is unavailable: history of finished sync jobs dropped",
        );
      }
      if (this.#retryMs === 0)
        this.#log.warn(
          { jobs: this.#queue.length, err: (e as Error).message },
          "the job store is unavailable; finished sync jobs are kept and retried",
        );
      this.#retryMs = Math.min(Math.max(100, this.#retryMs * 2), RETRY_MAX_MS);
      this.#timer ??= setTimeout(() => void this.flush(), this.#retryMs);
      this.#timer.unref?.();
      return;
    }
    for (const j of batch) this.#unrecorded.delete(j.id);
    if (this.#queue.length > 0) this.#timer ??= setTimeout(() => void this.flush(), 0);
  }
}
