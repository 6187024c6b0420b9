/**
 * Job ownership across servers (several Roost servers on one PostgreSQL and one shared data directory). Each server
 * process is an *instance* with a random id and a lease in the store, renewed every third of its length. A job is
 * owned by the instance that runs or monitors it; recovery and monitoring touch only the instance's own jobs. When
 * an instance is dead its active jobs are taken over by one other instance, by a single compare-and-set on the owner
 * (two servers taking over at once get disjoint sets), and that instance recovers them as its own.
 *
 * An instance is dead when its lease has expired **while this server could reach the store for a whole lease
 * period** — after a database outage every lease looks expired, but the living renew theirs within a third of a
 * period, so nobody is taken over by mistake — or at once when it ran on this host and its process is gone (a
 * restart after `kill -9`; SQLite servers, which are always on one host). A frozen instance that comes back to find
 * its row gone has been taken over: it is *fenced* and must stop (the composition root decides how).
 *
 * SQLite is one machine's store: a second live server on the same database is refused at start.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { JobRecord, JobStore, ServerLease } from "@roost/core/internal";
import type { Logger } from "pino";

/** Options of {@link Ownership}. */
export interface OwnershipOptions {
  readonly store: JobStore;
  readonly logger: Logger;
  /** The server's public URL (shown to operators). */
  readonly url: string;
  /** Lease length, ms. */
  readonly leaseMs: number;
  /**
   * Called with the active jobs taken over from a dead instance; `restart` when it was a predecessor on this host
   * (this server's previous run, as far as its jobs are concerned), `takeover` for another server.
   */
  readonly onTakeOver: (
    jobs: readonly JobRecord[],
    from: ServerLease,
    why: "restart" | "takeover",
  ) => Promise<void>;
  /** Called once when this instance finds it has been taken over (its row is gone). */
  readonly onFenced: () => void;
}

/** Thrown at start when another live server uses the same SQLite database. */
export class ExclusiveStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExclusiveStoreError";
  }
}

/** True when process `pid` exists on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** See the module comment. */
export class Ownership {
  /** This instance's id: what `jobs.owner` holds for its jobs. */
  readonly id = randomUUID();
  readonly #o: OwnershipOptions;
  readonly #host = hostname();
  /** Since when the store has answered every heartbeat (undefined while it does not). */
  #reachableSince: number | undefined;
  #lastRenew = 0;
  #fenced = false;
  #sweeping: Promise<void> | undefined;

  constructor(o: OwnershipOptions) {
    this.#o = o;
  }

  /** True once this instance has been taken over. */
  get fenced(): boolean {
    return this.#fenced;
  }

  /** Whether `s` runs on this host but its process is gone (or is this very process's predecessor). */
  #goneHere(s: ServerLease): boolean {
    return s.host === this.#host && s.id !== this.id && (s.pid === process.pid || !alive(s.pid));
  }

  /** Register this instance; with SQLite, refuse when another live server uses the database. */
  async register(): Promise<void> {
    const now = Date.now();
    if (this.#o.store.kind === "sqlite") {
      const other = (await this.#o.store.listServers()).find((s) => s.leaseUntil > now && !this.#goneHere(s));
      if (other) {
        throw new ExclusiveStoreError(
          `another Roost server (${other.url}, pid ${other.pid} on ${other.host}) is using this SQLite database; ` +
            "SQLite is one server's store: stop that server, give this one its own data_dir, or use PostgreSQL " +
            "(database.url = postgres://…) to run several servers on one job store",
        );
      }
    }
    await this.#o.store.registerServer({
      id: this.id,
      host: this.#host,
      pid: process.pid,
      url: this.#o.url,
      startedAt: now,
      leaseUntil: now + this.#o.leaseMs,
    });
    this.#lastRenew = now;
    this.#reachableSince = now;
  }

  /** Renew the lease when a third of it has passed; detect being fenced. Never throws. */
  async heartbeat(): Promise<void> {
    if (this.#fenced) return;
    const now = Date.now();
    if (now - this.#lastRenew < this.#o.leaseMs / 3) return;
    try {
      const ok = await this.#o.store.renewLease(this.id, now + this.#o.leaseMs);
      this.#lastRenew = now;
      this.#reachableSince ??= now;
      if (!ok) {
        this.#fenced = true;
        this.#o.logger.error(
          { instance: this.id },
          "this server's lease was taken over by another server (it was unreachable or frozen too long): it must stop",
        );
        this.#o.onFenced();
      }
    } catch (e) {
      if (this.#reachableSince !== undefined)
        this.#o.logger.warn({ err: (e as Error).message }, "cannot renew this server's lease");
      this.#reachableSince = undefined;
    }
  }

  /** Take over the jobs of dead instances (one sweep at a time). Never throws. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    if (this.#fenced) return;
    const now = Date.now();
    const trusted = this.#reachableSince !== undefined && now - this.#reachableSince >= this.#o.leaseMs;
    let servers: ServerLease[];
    try {
      servers = await this.#o.store.listServers();
    } catch {
      return;
    }
    for (const s of servers) {
      if (s.id === this.id) continue;
      const here = this.#goneHere(s);
      const dead = here || (trusted && s.leaseUntil < now);
      if (!dead) continue;
      try {
        const jobs = await this.#o.store.takeOver(s.id, this.id);
        await this.#o.store.removeServer(s.id);
        if (jobs.length > 0) {
          this.#o.logger.warn(
            { from: s.id, host: s.host, pid: s.pid, jobs: jobs.length },
            "took over the jobs of a server that stopped",
          );
          await this.#o.onTakeOver(jobs, s, here ? "restart" : "takeover");
        }
      } catch (e) {
        this.#o.logger.warn(
          { from: s.id, err: (e as Error).message },
          "taking over a stopped server's jobs failed",
        );
      }
    }
  }

  /**
   * Graceful stop: end the lease now, so the other servers (or this server's next start on the same host) take over
   * its remaining active jobs without waiting for it to expire.
   */
  async release(): Promise<void> {
    if (this.#fenced) return;
    await this.#o.store.renewLease(this.id, 0).catch(() => {});
  }
}
