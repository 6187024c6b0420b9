/**
 * The PostgreSQL adapter's connection: a `pg.Pool` behind kysely's PostgresDialect. Every bound is explicit so that
 * a dead or hung server turns into a prompt error (mapped to ServiceUnavailable) instead of a request that never
 * ends (reliability cases F17, F18).
 */
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from "kysely";
import { Pool, type PoolClient, TypeOverrides } from "pg";
import { breaksConnection } from "../errors.js";
import type { DialectProfile, OpenedDatabase } from "../profile.js";
import type { Database } from "../schema.js";

/** Connections per server process; the store issues single statements, so 10 covers bursts of concurrent requests. */
export const PG_POOL_MAX = 10;
/** Server-side limit on one statement; a request never waits longer than this on a slow or locked query. */
export const PG_STATEMENT_TIMEOUT_MS = 5000;
/**
 * Client-side limit on one query, for a server that does not answer at all (SIGSTOP, network partition) and so
 * cannot enforce `statement_timeout`: one second more, so that the server's own timeout normally fires first and
 * leaves the connection usable.
 */
export const PG_QUERY_TIMEOUT_MS = PG_STATEMENT_TIMEOUT_MS + 1000;
/** Limit on opening a connection or waiting for a free one in the pool. */
export const PG_CONNECT_TIMEOUT_MS = 5000;
/** The server ends a session left idle inside a transaction this long (e.g. a process frozen mid-migration). */
export const PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/**
 * Limit on one migration statement (or the wait for another server's migration lock): a migration may rewrite or
 * index a table of millions of rows, which the 5 s request limit would abort; the migration pool also has no
 * client-side query timeout.
 */
export const PG_MIGRATION_STATEMENT_TIMEOUT_MS = 10 * 60_000;

/**
 * Key of the transaction-scoped advisory lock that serialises migrations: the ASCII bytes of "roost" read as an
 * integer. Advisory locks are per database, so servers using different schemas of one database also take turns —
 * harmless, a migration run that finds nothing to do holds it for a millisecond.
 */
export const PG_MIGRATION_LOCK_KEY = 0x726f6f7374n;

/** PostgreSQL identifiers Roost accepts as a schema name (lower case, so no quoting surprises). */
export const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** Where and how to connect. */
export interface PostgresOptions {
  /** `postgres://` or `postgresql://` connection string (libpq style; credentials allowed). */
  readonly url: string;
  /** Schema holding Roost's tables (created if missing); default: the server's search_path (usually `public`). */
  readonly schema?: string | undefined;
  /** Receives connection errors of idle clients, which would otherwise crash the process. */
  readonly onConnectionError: (err: Error) => void;
}

/** The PostgreSQL profile; `schema` is created by {@link DialectProfile.prepare} under the migration lock. */
export function postgresProfile(schema: string | undefined): DialectProfile {
  return Object.freeze({
    kind: "postgres",
    epochMsType: "bigint",
    flagType: "boolean",
    toDbFlag: (value: boolean) => value,
    beginMigration: Object.freeze(["begin", `select pg_advisory_xact_lock(${PG_MIGRATION_LOCK_KEY})`]),
    async prepare(db: Kysely<Database>) {
      if (schema === undefined) return;
      // Look before creating: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database,
      // which a role given a ready-made schema may lack.
      const found = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
      if (found.rows.length === 0) await db.schema.createSchema(schema).execute();
    },
  });
}

/**
 * int8 (bigint) values come back from `pg` as strings by default, because they may exceed 2^53. Roost's bigints
 * are epoch milliseconds and counts, far below that, so they are parsed to numbers — for this pool only, not through
 * the global `pg.types` that other code in the process may rely on. (A parser must not throw: it runs inside the
 * socket's data handler.)
 */
function typeParsers(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(20, (v: string) => Number(v));
  return types;
}

/** The per-purpose pool settings: request traffic vs. the migration run at start-up. */
interface PoolSettings {
  readonly max: number;
  readonly statementTimeoutMs: number;
  /** Client-side query limit, or undefined for none. */
  readonly queryTimeoutMs: number | undefined;
  readonly applicationName: string;
}

const SERVE: PoolSettings = {
  max: PG_POOL_MAX,
  statementTimeoutMs: PG_STATEMENT_TIMEOUT_MS,
  queryTimeoutMs: PG_QUERY_TIMEOUT_MS,
  applicationName: "roost",
};

const MIGRATE: PoolSettings = {
  max: 1,
  statementTimeoutMs: PG_MIGRATION_STATEMENT_TIMEOUT_MS,
  queryTimeoutMs: undefined,
  applicationName: "roost-migrate",
};

function createPool(options: PostgresOptions, settings: PoolSettings): Pool {
  const { schema } = options;
  const pool = new Pool({
    connectionString: options.url,
    max: settings.max,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    statement_timeout: settings.statementTimeoutMs,
    ...(settings.queryTimeoutMs !== undefined ? { query_timeout: settings.queryTimeoutMs } : {}),
    idle_in_transaction_session_timeout: PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: settings.applicationName,
    keepAlive: true,
    types: typeParsers(),
    // Set at connection start-up, so every connection (including ones the pool opens after a server restart)
    // resolves Roost's tables in the schema; the name was validated, so it needs no quoting.
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // pg emits 'error' on a client whose connection dies (server restart, pg_terminate_backend, network reset); with
  // no listener that is an uncaught exception and the server would crash. pg-pool listens on idle clients only
  // (and re-emits on the pool); a listener on every client also covers the ones checked out at that moment (the
  // "connection reset mid-query" test fails with an unhandled ECONNRESET without it). The pool drops broken clients
  // by itself, so the next query opens a fresh connection: recovery needs no restart (P8).
  pool.on("connect", (client) => client.on("error", (err) => options.onConnectionError(err)));
  pool.on("error", () => {
    // Already reported by the client's own listener above.
  });
  return pool;
}

/**
 * The pool as kysely sees it, plus one rule: a client whose connection failed during a query is destroyed when
 * released instead of going back to the pool. Without it, a connection the server terminated mid-query (shutdown,
 * fail-over) is handed to the next request, which fails too ("Connection terminated unexpectedly") — the
 * "connection killed mid-query" test failed that way in 8 of 20 runs without this rule, 0 of 20 with it.
 */
function discardingBrokenClients(pool: Pool): PostgresPool {
  const wrappers = new WeakMap<PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        let broken = false;
        const query = async (text: string, parameters: ReadonlyArray<unknown>) => {
          try {
            return await client.query(text, [...parameters]);
          } catch (e) {
            if (breaksConnection(e)) broken = true;
            throw e;
          }
        };
        wrapper = {
          // kysely passes a cursor only for streaming, which the store does not use; pg's result has the fields
          // kysely reads (command, rowCount, rows), typed more loosely (command: string).
          query: query as unknown as PostgresPoolClient["query"],
          release: (destroy?: boolean) => client.release(destroy === true || broken),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * Create the pool and the kysely instance (no connection is opened until the first query). Migrations get a pool
 * of their own, opened and closed around the migration run.
 */
export function createPostgresDatabase(options: PostgresOptions): OpenedDatabase {
  const { schema } = options;
  if (schema !== undefined && !PG_SCHEMA_NAME.test(schema)) {
    throw new TypeError(`invalid PostgreSQL schema name '${schema}': use lower-case letters, digits and '_'`);
  }
  const profile = postgresProfile(schema);
  return {
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool: discardingBrokenClients(createPool(options, SERVE)) }),
    }),
    profile,
    async withMigrationDb(fn) {
      const db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: discardingBrokenClients(createPool(options, MIGRATE)) }),
      });
      try {
        return await fn(db);
      } finally {
        await db.destroy();
      }
    },
  };
}
