/**
 * Driver errors → Roost errors. Only "the database cannot answer right now" conditions are translated, into one
 * ServiceUnavailable (HTTP 503 with Retry-After, reliability promise P8); everything else (constraint violations,
 * bugs) propagates unchanged. The client-facing message is fixed text: driver messages and SQL go to the log only.
 */
import { RoostError } from "@roost/core/internal";

/** The part of a logger the store uses (pino's `Logger` fits). */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/** Seconds a client is told to wait: a restarting PostgreSQL or a released SQLite lock is usually back by then. */
export const RETRY_AFTER_SECONDS = 5;

/** The message clients see; deliberately free of driver text. */
export const UNAVAILABLE_MESSAGE = "The job database is unavailable; try again shortly";

/**
 * PostgreSQL SQLSTATEs after which the connection itself is useless
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html); class 08 (connection exception) is matched as a
 * class.
 */
const PG_CONNECTION_STATES: ReadonlySet<string> = new Set([
  "57P01", // admin_shutdown: the server is stopping, or pg_terminate_backend
  "57P02", // crash_shutdown: another backend crashed, the server is resetting
  "57P03", // cannot_connect_now: starting up or in recovery
  "25006", // read_only_sql_transaction: connected to a standby (e.g. a stale connection after a fail-over)
]);

/** PostgreSQL SQLSTATEs meaning "cannot be served now" although the connection may still be fine. */
const PG_BUSY_STATES: ReadonlySet<string> = new Set([
  "57014", // query_canceled: statement_timeout expired (a hung, overloaded or locked server)
  "53100", // disk_full
  "53300", // too_many_connections
]);

/** Socket-level failures (Node `code`), seen when connecting to or talking with PostgreSQL. */
const NET_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/**
 * Messages node-postgres uses for its own client-side failures, which carry no code: a connection lost mid-query,
 * the pool's connect timeout, the client's query timeout.
 */
const PG_CLIENT_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /is not queryable$/,
];

/**
 * SQLite result codes (better-sqlite3 sets `code` to the extended name, e.g. `SQLITE_IOERR_WRITE`, so these are
 * prefixes): locked by another connection past busy_timeout, read-only file or filesystem, disk full, I/O error,
 * file cannot be opened.
 */
const SQLITE_UNAVAILABLE_PREFIXES: readonly string[] = [
  "SQLITE_BUSY",
  "SQLITE_READONLY",
  "SQLITE_FULL",
  "SQLITE_IOERR",
  "SQLITE_CANTOPEN",
];

/** Filesystem errors when creating the SQLite file's directory: the same conditions as the SQLite codes above. */
const FS_CODES: ReadonlySet<string> = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EIO"]);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("E");
}

/** The connection an error came from is dead or talks to the wrong server. */
function connectionFailure(e: object): boolean {
  const code = codeOf(e);
  if (code === undefined) return e instanceof Error && PG_CLIENT_MESSAGES.some((re) => re.test(e.message));
  if (NET_CODES.has(code)) return true;
  return isSqlState(code) && (code.startsWith("08") || PG_CONNECTION_STATES.has(code));
}

/** Any "cannot be served now" condition, SQLite included. */
function unavailable(e: object): boolean {
  if (connectionFailure(e)) return true;
  const code = codeOf(e);
  if (code === undefined) return false;
  if (code.startsWith("SQLITE_")) return SQLITE_UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p));
  return FS_CODES.has(code) || (isSqlState(code) && PG_BUSY_STATES.has(code));
}

/** Apply `test` to `e` and to what it wraps: `cause` chains and AggregateError members (bounded depth). */
function anyWithin(e: unknown, test: (x: object) => boolean, depth = 0): boolean {
  if (depth > 5 || typeof e !== "object" || e === null) return false;
  if (test(e)) return true;
  if (e instanceof AggregateError && e.errors.some((x) => anyWithin(x, test, depth + 1))) return true;
  return "cause" in e && anyWithin((e as { cause?: unknown }).cause, test, depth + 1);
}

/**
 * True when `e` (or an error it wraps, e.g. the AggregateError Node produces when every address of a host refuses)
 * says the database is unreachable, stopped, hung, locked, read-only or full.
 */
export function isUnavailable(e: unknown): boolean {
  return anyWithin(e, unavailable);
}

/**
 * True when the PostgreSQL connection that produced `e` must not be reused: lost, terminated by the server, or
 * timed out client-side (its answer may still arrive and would confuse the next query). A statement timeout does
 * not count: the server cancelled the statement and the session is fine.
 */
export function breaksConnection(e: unknown): boolean {
  return anyWithin(e, connectionFailure);
}

/**
 * Translate a thrown value at the store boundary: unavailability becomes a ServiceUnavailable RoostError (the
 * original is its `cause` and is logged), anything else is returned unchanged for the caller to rethrow.
 */
export function mapStoreError(e: unknown, logger: StoreLogger | undefined): unknown {
  if (e instanceof RoostError || !isUnavailable(e)) return e;
  logger?.warn({ err: e }, "job database unavailable");
  return new RoostError("ServiceUnavailable", UNAVAILABLE_MESSAGE, {
    retryAfter: RETRY_AFTER_SECONDS,
    cause: e,
  });
}
