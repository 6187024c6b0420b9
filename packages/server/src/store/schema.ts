/**
 * The job database as kysely sees it, after the latest migration. Column names are snake_case SQL; the store maps
 * them to the camelCase {@link JobRecord} of the core. Timestamps are integer epoch milliseconds in both adapters
 * (SQLite INTEGER is 64-bit; PostgreSQL uses bigint, parsed back to a JS number per pool), so ordering and
 * comparisons never depend on a time zone or a text format.
 */
import type { JobStatus } from "@roost/core/internal";
import { type ColumnType, type Generated, type RawBuilder, type SqlBool, sql } from "kysely";

/**
 * A flag column: INTEGER 0/1 on SQLite (it has no boolean type, and better-sqlite3 refuses to bind JS booleans),
 * BOOLEAN on PostgreSQL. Reads go through `Boolean(...)`, writes through the dialect profile's `toDbBoolean`.
 */
export type FlagColumn = ColumnType<boolean | number, boolean | number | undefined, boolean | number>;

/** The `jobs` table: one row per job; the row is also the queue entry (no second table to keep in sync). */
export interface JobsTable {
  /** Random UUID v4 (see `newJobId`). */
  id: string;
  process_id: string;
  status: JobStatus;
  mode: "sync" | "async";
  backend: string;
  /** 0–100, null before the first report. */
  progress: number | null;
  message: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  attempt: Generated<number>;
  scheduler_ref: string | null;
  dismiss_requested: FlagColumn;
  /** `JSON.stringify(JobRequestInfo)`. */
  request: string;
  /** `JSON.stringify(JobOutputs)` or null. */
  outputs: string | null;
  /** `JSON.stringify(JobErrorInfo)` or null. */
  error: string | null;
  /** Bumped by every write, so a reader can tell whether a row changed under it (compare-and-set hygiene). */
  version: Generated<number>;
  /** The server instance that runs or monitors the job (`servers.id`); null before migration 0002. */
  owner: string | null;
  /** Where the current attempt runs, as the backend names it (migration 0004). */
  node: Generated<string | null>;
}

/** The `servers` table: one row per running server instance and its lease (migration 0002). */
export interface ServersTable {
  /** Random per process start. */
  id: string;
  host: string;
  pid: number;
  /** The server's public URL, for messages. */
  url: string;
  started_at: number;
  /** The instance is alive until then; it renews the lease every third of its length. */
  lease_until: number;
}

/** Applied migrations, one row each, inserted before the migration's statements run (in the same transaction). */
export interface MigrationsTable {
  name: string;
  applied_at: number;
}

/** All tables of the job database. */
export interface Database {
  jobs: JobsTable;
  servers: ServersTable;
  roost_migrations: MigrationsTable;
}

/** Name of the migrations bookkeeping table (distinct from kysely's own `kysely_migration`). */
export const MIGRATIONS_TABLE = "roost_migrations";

/** Index names, as the migrations create them (the query-plan tests look for these). */
export const INDEXES = Object.freeze({
  /** Partial index over active jobs: listActive, nextAccepted, count of active statuses. */
  active: "jobs_active_idx",
  /** Keyset pagination of `list`, newest first. */
  created: "jobs_created_idx",
  /** `list` filtered by process. */
  process: "jobs_process_idx",
  /** Partial index over finished jobs: `list` filtered by one final status (migration 0003). */
  finished: "jobs_finished_idx",
} as const);

/**
 * The WHERE clause of the partial index {@link INDEXES.active}, verbatim. A query can use a partial index only when
 * the planner can prove the index predicate from the query's WHERE; SQLite's prover is syntactic (the index's term
 * must appear as a term of the query, literals included — a bound `?` does not match), so every query meant for the
 * index ANDs in exactly this expression. It must stay identical to the predicate in migration 0001 (or the latest
 * migration that recreates the index); the query-plan tests fail if it drifts.
 */
export function activeJobsPredicate(): RawBuilder<SqlBool> {
  return sql<SqlBool>`status in ('accepted', 'running')`;
}

/** The WHERE clause of the partial index {@link INDEXES.finished}, verbatim (see {@link activeJobsPredicate}). */
export function finishedJobsPredicate(): RawBuilder<SqlBool> {
  return sql<SqlBool>`status in ('succeeded', 'failed', 'dismissed')`;
}

/** The statuses {@link activeJobsPredicate} admits. */
export const ACTIVE_INDEX_STATUSES: readonly JobStatus[] = Object.freeze(["accepted", "running"]);
