/**
 * The journal of finished synchronous executions. A sync job's client waits on the connection, so the job is kept in
 * memory while it runs and recorded only once it has ended, in batches: one transaction every 20 ms or 200 jobs turns
 * hundreds of single-row commits per second into a few multi-row ones, and no store write sits on the request path.
 * Until its batch is written the job is still readable here (a client that follows an output href from the response
 * at once must get the recorded media type).
 */
import type { FinishedJob, JobRecord, JobStore } from "@roost/core";
import type { Logger } from "pino";

/** Largest batch written at once. */
const BATCH = 200;
/** Longest a finished sync job waits for its batch, ms. */
const DELAY_MS = 20;

/** See the module comment. */
export class SyncJournal {
  readonly #store: JobStore;
  readonly #log: Logger;
  readonly #queue: FinishedJob[] = [];
  readonly #unrecorded = new Map<string, JobRecord>();
  #timer: NodeJS.Timeout | undefined;

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

  /** Write everything queued. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue.splice(0);
    if (batch.length === 0) return;
    try {
      await this.#store.insertFinished(batch);
    } catch (e) {
      // The clients already have their results; only the history of these executions is lost.
      this.#log.error({ err: e, jobs: batch.length }, "recording finished synchronous jobs failed");
    }
    for (const j of batch) this.#unrecorded.delete(j.id);
  }
}
