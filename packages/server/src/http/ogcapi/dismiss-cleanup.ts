/**
 * The files of jobs dismissed through `DELETE /jobs/{id}` that had not stopped when the answer went out (a Slurm job
 * whose `scancel` Slurm has not confirmed yet, a local job within its kill grace). Once such a job has ended, its
 * files go but for `job.log`, as for a job that stopped at once.
 *
 * The job may be owned by another server (several servers on one store and one shared data directory, issue 11): the
 * owner stops it and records the end, and this server — which answered the DELETE — hears of it only through the
 * store. So the end is learned two ways: at once from this server's own job changes, and by re-reading the pending
 * jobs every second otherwise (a handful of primary-key reads, and only while there are pending jobs). A job that
 * ended on its own before its dismissal reached it is withdrawn (`JobApi.dismiss`), as the client asked.
 */
import { isTerminal, type JobRecord } from "@roost/core/internal";
import type { Logger } from "pino";
import type { JobApi } from "../../service/job-api.js";

/** How often pending jobs are re-read from the store, ms. */
const RECHECK_MS = 1000;
/**
 * How long a dismissed job is watched for, ms: past it (a scheduler that never confirms), the job's files stay for
 * retention to remove, and the set cannot grow without bound.
 */
const GIVE_UP_MS = 60 * 60 * 1000;

/** See the module comment. */
export class DismissCleanups {
  readonly #service: JobApi;
  readonly #log: Logger;
  /** Job id → when watching it started. */
  readonly #pending = new Map<string, number>();
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #closed = false;

  constructor(service: JobApi, log: Logger) {
    this.#service = service;
    this.#log = log;
    this.#unsubscribe = service.onJobChange((c) => {
      if (c.kind === "finished" && this.#pending.has(c.job.id)) void this.#settle(c.job);
    });
  }

  /** Remove the job's files once it has ended. */
  add(jobId: string): void {
    if (this.#closed) return;
    this.#pending.set(jobId, Date.now());
    this.#timer ??= setInterval(() => void this.#recheck(), RECHECK_MS).unref();
  }

  /** The job stopped within the DELETE's wait: the handler cleans up itself. */
  delete(jobId: string): void {
    this.#pending.delete(jobId);
  }

  /** Stop watching (server shutdown). */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  async #recheck(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const now = Date.now();
      for (const [id, since] of [...this.#pending]) {
        if (now - since > GIVE_UP_MS) {
          this.#pending.delete(id);
          continue;
        }
        const job = await this.#service.job(id).catch(() => undefined);
        if (job && isTerminal(job.status)) await this.#settle(job);
      }
    } finally {
      this.#checking = false;
      if (this.#pending.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
  }

  async #settle(job: JobRecord): Promise<void> {
    if (!this.#pending.delete(job.id)) return;
    try {
      if (job.status !== "dismissed") await this.#service.dismiss(job.id);
      await this.#service.removeDismissedFiles(job.id);
    } catch (e) {
      this.#log.warn({ jobId: job.id, err: (e as Error).message }, "removing a dismissed job's files failed");
    }
  }
}
