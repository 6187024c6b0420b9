/**
 * The one {@link JobStore} implementation, over kysely: the statements are the same for SQLite and PostgreSQL (see
 * `queries.ts`), the differences live in the dialect profile. Every status change is a single compare-and-set
 * `UPDATE … WHERE id = ? AND status IN (…) RETURNING *`, so concurrent writers (a completion racing a dismiss)
 * cannot both win, on either database, without explicit transactions or locks.
 */
import {
  type FinishedJob,
  type JobListQuery,
  type JobPatch,
  type JobRecord,
  type JobStatus,
  type JobStore,
  type NewJob,
  type ServerLease,
  TRANSITIONS,
} from "@roost/core";
import type { Kysely } from "kysely";
import { mapStoreError, type StoreLogger } from "./errors.js";
import type { DialectProfile } from "./profile.js";
import { type JobQueries, jobQueries } from "./queries.js";
import { rowToJob } from "./rows.js";
import type { Database } from "./schema.js";

/** Told of every store call's latency and outcome (metrics). */
export type StoreObserver = (operation: string, seconds: number, ok: boolean) => void;

/**
 * Refuse a transition the lifecycle does not allow: that is a bug in the caller, not a lost race, so it throws
 * instead of returning undefined.
 */
export function checkTransition(from: readonly JobStatus[], to: JobStatus): void {
  if (!Object.hasOwn(TRANSITIONS, to)) throw new TypeError(`unknown job status '${String(to)}'`);
  const allowed = TRANSITIONS[to];
  if (from.length === 0) throw new TypeError(`a transition to '${to}' needs at least one source status`);
  for (const s of from) {
    if (!allowed.includes(s)) {
      const sources = allowed.length > 0 ? allowed.join(", ") : "no status";
      throw new TypeError(`a job cannot move from '${s}' to '${to}' (allowed from: ${sources})`);
    }
  }
}

/** {@link JobStore} over a migrated kysely database. Create it with `openStore`. */
export class KyselyJobStore implements JobStore {
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  /**
   * The kysely instance (for tests and benchmarks only).
   * @internal
   */
  readonly db: Kysely<Database>;
  /**
   * The statements this store runs, unexecuted (the query-plan tests `EXPLAIN` them).
   * @internal
   */
  readonly queries: JobQueries;
  readonly #logger: StoreLogger | undefined;
  readonly #observe: StoreObserver | undefined;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, profile: DialectProfile, logger?: StoreLogger, observe?: StoreObserver) {
    this.kind = profile.kind;
    this.db = db;
    this.queries = jobQueries(db, profile);
    this.#logger = logger;
    this.#observe = observe;
  }

  /** Run operation `op`, turning "database unavailable" failures into ServiceUnavailable; timed for metrics. */
  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const t0 = this.#observe ? process.hrtime.bigint() : 0n;
    let ok = false;
    try {
      const r = await fn();
      ok = true;
      return r;
    } catch (e) {
      throw mapStoreError(e, this.#logger);
    } finally {
      if (this.#observe) this.#observe(op, Number(process.hrtime.bigint() - t0) / 1e9, ok);
    }
  }

  async insert(job: NewJob): Promise<void> {
    await this.#run("insert", () => this.queries.insert([job], Date.now()).execute());
  }

  async insertFinished(jobs: readonly FinishedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.#run("insertFinished", () => this.queries.insertFinished(jobs).execute());
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.#run("get", () => this.queries.get(id).executeTakeFirst());
    return row === undefined ? undefined : rowToJob(row);
  }

  async transition(
    id: string,
    from: readonly JobStatus[],
    to: JobStatus,
    patch: JobPatch = {},
  ): Promise<JobRecord | undefined> {
    checkTransition(from, to);
    const row = await this.#run("transition", () =>
      this.queries.transition(id, from, to, patch, Date.now()).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToJob(row);
  }

  async update(id: string, whileIn: readonly JobStatus[], patch: JobPatch): Promise<boolean> {
    const result = await this.#run("update", () =>
      this.queries.update(id, whileIn, patch, Date.now()).executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async listActive(backend?: string, owner?: string): Promise<JobRecord[]> {
    const rows = await this.#run("listActive", () => this.queries.listActive(backend, owner).execute());
    // Oldest first, ties by id (the query leaves the order to us, see `queries.listActive`).
    return rows
      .map(rowToJob)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async nextAccepted(backend: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.#run("nextAccepted", () => this.queries.nextAccepted(backend, limit).execute());
    return rows.map(rowToJob);
  }

  async count(statuses: readonly JobStatus[], backend?: string): Promise<number> {
    if (statuses.length === 0) return 0;
    const row = await this.#run("count", () =>
      this.queries.count(statuses, backend).executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  async list(query?: JobListQuery): Promise<JobRecord[]> {
    if (query?.status !== undefined && query.status.length === 0) return [];
    const rows = await this.#run("list", () => this.queries.list(query).execute());
    return rows.map(rowToJob);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#run("delete", () => this.queries.delete(id).executeTakeFirst());
    return result.numDeletedRows > 0n;
  }

  async registerServer(s: ServerLease): Promise<void> {
    await this.#run("registerServer", () =>
      this.queries
        .registerServer({
          id: s.id,
          host: s.host,
          pid: s.pid,
          url: s.url,
          started_at: s.startedAt,
          lease_until: s.leaseUntil,
        })
        .execute(),
    );
  }

  async renewLease(id: string, leaseUntil: number): Promise<boolean> {
    const r = await this.#run("renewLease", () => this.queries.renewLease(id, leaseUntil).executeTakeFirst());
    return r.numUpdatedRows > 0n;
  }

  async listServers(): Promise<ServerLease[]> {
    const rows = await this.#run("listServers", () => this.queries.listServers().execute());
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      url: r.url,
      startedAt: Number(r.started_at),
      leaseUntil: Number(r.lease_until),
    }));
  }

  async removeServer(id: string): Promise<void> {
    await this.#run("removeServer", () => this.queries.removeServer(id).execute());
  }

  async listExpired(status: JobStatus, cutoff: number, limit: number): Promise<string[]> {
    if (!["succeeded", "failed", "dismissed"].includes(status)) return [];
    const rows = await this.#run("listExpired", () =>
      this.queries.listExpired(status, cutoff, limit).execute(),
    );
    return rows.map((r) => r.id);
  }

  async takeOver(from: string, to: string): Promise<JobRecord[]> {
    const rows = await this.#run("takeOver", () => this.queries.takeOver(from, to, Date.now()).execute());
    return rows.map(rowToJob);
  }

  /** Close the connection (SQLite) or end the pool (PostgreSQL). Safe to call more than once. */
  close(): Promise<void> {
    this.#closed ??= this.db.destroy();
    return this.#closed;
  }
}
