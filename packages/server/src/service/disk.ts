/**
 * The data directory's free space (reliability promise P9): new jobs are refused with ServerBusy while it is below
 * `jobs.min_free_space`, before the disk fills under running jobs, and a full disk met while a job is being prepared
 * is ServerBusy too — never an HTTP 500, never a half-accepted job. `statfs` is asked at most once a second (one
 * syscall, ~10 µs, but Executes can come thousands a second).
 */
import { statfs } from "node:fs/promises";
import { RoostError } from "@roost/core";
import { isNoSpace } from "../storage/no-space.js";

/** How long one `statfs` answer is trusted, ms. */
const TTL_MS = 1000;

/** What a refused client is told to wait, s. */
const RETRY_AFTER_S = 30;

/** The client's message for a full data directory. */
export const NO_SPACE_ON_DATA_DIR = "No space left on the data directory; try again later";

/** See the module comment. */
export class DiskGuard {
  readonly #dir: string;
  readonly #floor: number;
  #checked = 0;
  #free = Number.POSITIVE_INFINITY;

  constructor(dataDir: string, minFreeBytes: number) {
    this.#dir = dataDir;
    this.#floor = minFreeBytes;
  }

  /** Refuse a new job while the free space is below the floor. */
  async check(): Promise<void> {
    if (this.#floor <= 0) return;
    const now = Date.now();
    if (now - this.#checked > TTL_MS) {
      this.#checked = now;
      try {
        const s = await statfs(this.#dir);
        this.#free = s.bavail * s.bsize;
      } catch {
        this.#free = Number.POSITIVE_INFINITY; // unknown: the writes themselves will tell
      }
    }
    if (this.#free < this.#floor) {
      throw new RoostError(
        "ServerBusy",
        `No space left on the data directory (${Math.floor(this.#free / 1048576)} MiB free, the server keeps ${Math.ceil(this.#floor / 1048576)} MiB); try again later`,
        { retryAfter: RETRY_AFTER_S },
      );
    }
  }

  /** Turn a full-disk error met while preparing a job into ServerBusy; anything else is returned unchanged. */
  translate(e: unknown): unknown {
    if (!isNoSpace(e)) return e;
    this.#checked = 0; // look again next time
    return new RoostError("ServerBusy", NO_SPACE_ON_DATA_DIR, { retryAfter: RETRY_AFTER_S, cause: e });
  }
}
