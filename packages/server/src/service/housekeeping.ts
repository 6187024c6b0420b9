/**
 * The job API's housekeeping tick (once a second): renew this instance's lease (every third of it), take over stopped
 * servers' jobs (every half lease), act on dismissals asked through other servers, and remove finished jobs past their
 * retention (every minute). One timer, one tick at a time: a slow store delays the next tick, never stacks them.
 */
import type { JobStore } from "@roost/core/internal";
import type { Logger } from "pino";
import type { JobDirs } from "../storage/job-dirs.js";
import type { Dismissals } from "./dismissal.js";
import type { Ownership } from "./ownership.js";
import { type Retention, sweepExpired } from "./retention.js";

/** Tick, ms. */
const TICK_MS = 1000;
/** How often finished jobs past their retention are removed, ms. */
const RETENTION_EVERY_MS = 60_000;

/** Collaborators of {@link Housekeeping}. */
export interface HousekeepingOptions {
  readonly owner: Ownership;
  readonly dismissals: Dismissals;
  readonly store: JobStore;
  readonly dirs: JobDirs;
  readonly retention: Retention;
  /** Lease length, ms. */
  readonly leaseMs: number;
  readonly logger: Logger;
  /** False while the job API is not serving (the lease is still renewed). */
  readonly serving: () => boolean;
}

/** See the module comment. */
export class Housekeeping {
  readonly #o: HousekeepingOptions;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #lastSweep = Date.now();
  #lastRetention = 0;

  constructor(o: HousekeepingOptions) {
    this.#o = o;
  }

  /** Start ticking. */
  start(): void {
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = true;
      void this.#tick().finally(() => {
        this.#running = false;
      });
    }, TICK_MS);
    this.#timer.unref();
  }

  /** Stop ticking. */
  stop(): void {
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    const o = this.#o;
    await o.owner.heartbeat();
    if (!o.serving()) return;
    if (Date.now() - this.#lastSweep >= o.leaseMs / 2) {
      this.#lastSweep = Date.now();
      await o.owner.sweep();
    }
    await o.dismissals.watch().catch(() => {});
    if (Date.now() - this.#lastRetention >= RETENTION_EVERY_MS) {
      this.#lastRetention = Date.now();
      const removed = await sweepExpired(o.store, o.dirs, o.retention).catch((e: unknown) => {
        o.logger.warn({ err: (e as Error).message }, "the retention sweep failed");
        return 0;
      });
      if (removed > 0) o.logger.info({ removed }, "removed jobs past their retention");
    }
  }
}
