/**
 * What differs between the SQLite and PostgreSQL adapters, as data (pg-boss's `BACKEND_PROFILES` idea): the store's
 * queries and the migrations are shared and consult this object instead of branching on the dialect name.
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** The differences between the two adapters that the shared store code needs to know. */
export interface DialectProfile {
  /** Adapter name, reported as `JobStore.kind`. */
  readonly kind: "sqlite" | "postgres";
  /**
   * Column type of epoch-millisecond timestamps. SQLite's INTEGER is already 64-bit; PostgreSQL's `integer` is
   * 32-bit (it overflows 24.8 days after 1970 in milliseconds), hence `bigint` there.
   */
  readonly epochMsType: "integer" | "bigint";
  /** Column type of flags: SQLite has no boolean type. */
  readonly flagType: "integer" | "boolean";
  /** A JS boolean as the driver must bind it (better-sqlite3 throws on `true`; PostgreSQL wants a boolean). */
  toDbFlag(value: boolean): boolean | number;
  /**
   * Constant statements that open a migration transaction holding the cross-process migration lock, so a second
   * server starting at the same moment waits instead of applying the same migration twice. SQLite: `BEGIN
   * IMMEDIATE` takes the write lock up front (two deferred transactions that both read and then try to write would
   * fail with SQLITE_BUSY instead of waiting; the concurrent-start test fails about half the time with a plain
   * `BEGIN`). PostgreSQL: a transaction-scoped advisory lock.
   */
  readonly beginMigration: readonly string[];
  /**
   * Runs first inside the first locked migration transaction, before the bookkeeping table is created (PostgreSQL:
   * create the configured schema when it is missing).
   */
  prepare?(db: Kysely<Database>): Promise<void>;
}

/** What an adapter's `create…Database` returns. */
export interface OpenedDatabase {
  /** The kysely instance the store runs its statements on. */
  readonly db: Kysely<Database>;
  readonly profile: DialectProfile;
  /**
   * Run `fn` (the migrations) on a kysely instance suited to them, released afterwards. SQLite: the store's own
   * connection (a second one to `:memory:` would be another database). PostgreSQL: a separate one-connection pool
   * without the request-level timeouts, so that a long migration, or a wait for another server's migration lock,
   * is not cut off after 5 s.
   */
  withMigrationDb<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}
