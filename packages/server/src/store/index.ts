/**
 * The job store: {@link openStore} picks the adapter from the database URL, connects, applies pending migrations
 * and returns a {@link JobStore}. SQLite is the single-host default; PostgreSQL serves several hosts or a Slurm
 * cluster.
 *
 * @example
 * ```ts
 * const store = await openStore({ url: "sqlite:/var/lib/roost/roost.db", logger });
 * await store.insert(job);
 * const running = await store.transition(job.id, ["accepted"], "running", { startedAt: Date.now(), attempt: 1 });
 * await store.close();
 * ```
 */
import type { JobStore } from "@roost/core/internal";
import { mapStoreError, type StoreLogger } from "./errors.js";
import { KyselyJobStore, type StoreObserver } from "./kysely-store.js";
import { migrateToLatest } from "./migrations/index.js";
import { createPostgresDatabase } from "./postgres/dialect.js";
import type { OpenedDatabase } from "./profile.js";
import { createSqliteDatabase, type SqliteDurability } from "./sqlite/dialect.js";

export type { StoreLogger } from "./errors.js";
export type { SqliteDurability } from "./sqlite/dialect.js";

/** How to open the job store. */
export interface StoreOptions {
  /**
   * Which database: `sqlite:<path>`, `sqlite://<path>` (so `sqlite:///abs/path`), a plain filesystem path or
   * `sqlite::memory:` → SQLite; `postgres://…` or `postgresql://…` → PostgreSQL.
   */
  readonly url: string;
  /** PostgreSQL only: schema for Roost's tables, created if missing; must match `^[a-z_][a-z0-9_]*$`. */
  readonly schema?: string | undefined;
  /**
   * SQLite only: `normal` (default) survives a process crash, `full` also a power loss, at one fsync per commit
   * (0.4 ms vs 0.12 ms per insert on the dev VM; see {@link SqliteDurability}). Ignored for PostgreSQL, whose
   * durability is the server's `synchronous_commit`.
   */
  readonly durability?: SqliteDurability | undefined;
  /** Receives driver errors behind ServiceUnavailable and lost connections. */
  readonly logger?: StoreLogger | undefined;
  /** Told of every call's latency and outcome (metrics). */
  readonly observe?: StoreObserver | undefined;
}

/** Which adapter a URL selects, and its target. */
export type StoreTarget =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

/**
 * Parse a database URL (see {@link StoreOptions.url}). Error messages name the scheme only: a PostgreSQL URL may
 * carry a password.
 */
export function parseStoreUrl(url: string): StoreTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url };
  if (/^sqlite:/i.test(url)) {
    let path = url.slice("sqlite:".length);
    if (path.startsWith("//")) path = path.slice(2);
    if (path === "")
      throw new TypeError("the SQLite database URL has no path (e.g. sqlite:/var/lib/roost/roost.db)");
    return { kind: "sqlite", path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme)
    throw new TypeError(`unsupported database URL scheme '${scheme[1]}:' (use sqlite: or postgres://)`);
  if (url === "") throw new TypeError("the database URL is empty");
  return { kind: "sqlite", path: url };
}

/**
 * Open the store and bring its schema up to date; returns the concrete store (tests and benchmarks reach its
 * kysely instance and statements through it).
 * @internal
 */
export async function openKyselyStore(options: StoreOptions): Promise<KyselyJobStore> {
  const target = parseStoreUrl(options.url);
  const { logger } = options;
  if (target.kind === "sqlite" && options.schema !== undefined) {
    throw new TypeError("the schema option applies to PostgreSQL only");
  }
  let created: OpenedDatabase;
  try {
    created =
      target.kind === "sqlite"
        ? createSqliteDatabase({ path: target.path, durability: options.durability ?? "normal" })
        : createPostgresDatabase({
            url: target.url,
            schema: options.schema,
            onConnectionError: (err) => logger?.warn({ err }, "PostgreSQL connection lost"),
          });
  } catch (e) {
    throw mapStoreError(e, logger);
  }
  try {
    const { profile } = created;
    await created.withMigrationDb((db) => migrateToLatest(db, profile));
  } catch (e) {
    await created.db.destroy().catch(() => {
      // Already failing; the migration error is the one to report.
    });
    throw mapStoreError(e, logger);
  }
  return new KyselyJobStore(created.db, created.profile, logger, options.observe);
}

/**
 * Open the job store named by `options.url`, run pending migrations (safe when several servers start at once:
 * PostgreSQL takes an advisory lock, SQLite `BEGIN IMMEDIATE`), and return it. A database that cannot be reached
 * rejects with a RoostError `ServiceUnavailable`; a bad URL or option with a TypeError.
 */
export async function openStore(options: StoreOptions): Promise<JobStore> {
  return openKyselyStore(options);
}
