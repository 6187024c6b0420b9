/**
 * The job's lifecycle log (`<job dir>/job.log`): one JSON line per event (accepted, submitted, started, succeeded,
 * failed, dismissed, …), written by the job API and by backend monitors through this one writer. Lines of one job are
 * appended one at a time, in call order: concurrent appends may land out of order (seen: "started" before
 * "accepted"). Fields never override `time` and `event`.
 */
import { appendFile } from "node:fs/promises";
import type { JobDirs } from "./job-dirs.js";

/** See the module comment. */
export class JobLog {
  readonly #dirs: JobDirs;
  /** The last pending append of each job. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(dirs: JobDirs) {
    this.#dirs = dirs;
  }

  /** Append one event line; never throws (a job without a directory — a disk-free sync job — logs nothing). */
  write(jobId: string, event: string, fields: Readonly<Record<string, unknown>> = {}): void {
    const { time: _t, event: _e, ...rest } = fields;
    const line = `${JSON.stringify({ time: new Date().toISOString(), event, ...rest })}\n`;
    const next = (this.#writes.get(jobId) ?? Promise.resolve())
      .then(() => appendFile(this.#dirs.log(jobId), line))
      .catch(() => {
        // No directory (sync jobs without inputs) or a full disk: the store keeps the state, the log is best effort.
      });
    this.#writes.set(jobId, next);
    void next.then(() => {
      if (this.#writes.get(jobId) === next) this.#writes.delete(jobId);
    });
  }

  /** Wait for every pending line. */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()]);
  }
}
