/**
 * Dismissing jobs. A dismissal is recorded in the store first (`dismissRequested`), so it survives restarts and
 * reaches the job's owner whichever server the client asked: the owner stops the job — `scancel` on Slurm, abort then
 * kill for a local worker, or at once for a job that never reached a backend — and a server that does not own the job
 * only records the request; its owner acts on it within a second (see {@link Dismissals.watch}), or, if that server
 * has stopped, whoever takes its jobs over finds it flagged. A job that has already ended is withdrawn instead
 * ({@link Dismissals.withdraw}).
 */
import {
  ACTIVE,
  type JobRecord,
  type JobStore,
  type MonitoredBackend,
  type WorkerPool,
} from "@roost/core/internal";
import type { Logger } from "pino";
import type { JobDirs } from "../storage/job-dirs.js";
import type { JobLog } from "../storage/job-log.js";
import type { JobEvents } from "./job-events.js";
import { removeAllButLog } from "./job-files.js";
import type { LocalRuns } from "./local-runs.js";
import type { SyncJournal } from "./sync-journal.js";

/** Collaborators of {@link Dismissals}. */
export interface DismissalOptions {
  readonly store: JobStore;
  readonly pool: WorkerPool;
  readonly remotes: ReadonlyMap<string, MonitoredBackend>;
  readonly runs: LocalRuns;
  readonly events: JobEvents;
  readonly jobLog: JobLog;
  /** Finished sync jobs not written yet (a withdrawal writes them first). */
  readonly journal: SyncJournal;
  readonly dirs: JobDirs;
  readonly logger: Logger;
  /** This server instance's id. */
  readonly owner: () => string;
}

/** See the module comment. */
export class Dismissals {
  readonly #o: DismissalOptions;
  /** Jobs whose dismissal this server already acted on. */
  readonly #acting = new Set<string>();

  constructor(o: DismissalOptions) {
    this.#o = o;
  }

  /** Record the request and, for this server's own jobs, stop the job. */
  async request(job: JobRecord): Promise<void> {
    const local = this.#o.runs.get(job.id);
    if (local) local.dismiss = true;
    await this.#o.store.update(job.id, ACTIVE, { dismissRequested: true });
    this.#o.jobLog.write(job.id, "dismiss-requested");
    if (!job.owner || job.owner === this.#o.owner()) {
      this.#acting.add(job.id);
      await this.#stop(job);
    }
  }

  /** Act on dismissals of this server's jobs asked through another server (which only flagged them). */
  async watch(): Promise<void> {
    const mine = await this.#o.store.listActive(undefined, this.#o.owner());
    const asked = new Set(mine.filter((j) => j.dismissRequested).map((j) => j.id));
    for (const id of this.#acting) if (!asked.has(id)) this.#acting.delete(id);
    for (const job of mine) {
      if (!job.dismissRequested || this.#acting.has(job.id)) continue;
      this.#acting.add(job.id);
      await this.#stop(job).catch((e: unknown) =>
        this.#o.logger.warn({ jobId: job.id, err: (e as Error).message }, "dismissing a job failed"),
      );
    }
  }

  /**
   * Withdraw a finished job: succeeded | failed → dismissed (a compare-and-set, so two servers withdrawing at once
   * write once), then remove its files but `job.log` (shared data directory: any server may). The row keeps its times
   * and loses its outputs and error; no job change is announced (the job did not run again: metrics and callbacks
   * counted its end already). A sync job still in the write journal is written first; if the store cannot take it
   * now, the job is answered as it is.
   */
  async withdraw(job: JobRecord): Promise<JobRecord> {
    const was = job.status;
    if (this.#o.journal.get(job.id)) await this.#o.journal.flush();
    const moved = await this.#o.store.transition(job.id, ["succeeded", "failed"], "dismissed", {
      message: `Job dismissed after it had ${was === "succeeded" ? "succeeded" : "failed"}; its results were removed`,
      outputs: null,
      error: null,
    });
    if (moved) this.#o.jobLog.write(job.id, "withdrawn", { was });
    const now = moved ?? (await this.#o.store.get(job.id)) ?? job;
    if (now.status === "dismissed") await removeAllButLog(this.#o.dirs, job.id);
    return now;
  }

  /** Stop one of this server's jobs: scancel, stop the local worker, or end a job that never reached a backend. */
  async #stop(job: JobRecord): Promise<void> {
    const id = job.id;
    const local = this.#o.runs.get(id);
    if (local) local.dismiss = true;
    const remote = this.#o.remotes.get(job.backend);
    if (remote) {
      // scancel (or no submission at all); the monitor confirms by polling and the job becomes dismissed.
      await remote.dismiss(job);
    } else if (local) {
      await this.#o.pool.cancel(local.ref);
    } else if (job.status === "accepted") {
      await new Promise<void>((done) =>
        this.#o.events.enqueue(id, async () => {
          await this.#o.store.transition(id, ["accepted"], "dismissed", {
            finishedAt: Date.now(),
            message: "Job dismissed",
          });
          done();
        }),
      );
    }
  }
}
