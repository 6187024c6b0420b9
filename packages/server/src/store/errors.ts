/**
 * Driver errors → Roost errors. Only "the database cannot answer right now" conditions are translated, into one
 * ServiceUnavailable (HTTP 503 with Retry-After, reliability promise P8); everything else (constraint violations,
 * bugs) propagates unchanged. The client-facing message is fixed text: driver messages and SQL go to the log only.
 */
import { RoostError } from "@roost/core";

/** The part of a logger the store uses (pino's `Logger` fits). */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/** Seconds a client is told to wait: a restarting PostgreSQL or a released SQLite lock is usually back by then. */
export const RETRY_AFTER_SECONDS = 5;

/** The message clients see; deliberately free of driver text. */
export const UNAVAILABLE_MESSAGE = "The job database is unavailable; try again shortly";

/**
 * PostgreSQL SQLSTATEs meaning "cannot be served now" (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 * Class 08 (connection exception) is matched as a class below.
 */
const PG_UNAVAILABLE_STATES: ReadonlySet<string> = new Set([
  "57P01", // admin_shutdown: the server is stopping, or pg_terminate_backend
  "57P02", // crash_shutdown: another backend crashed, the server is resetting
  "57P03", // cannot_connect_now: starting up or in recovery
  "57014", // query_canceled: statement_timeout expired (a hung or overloaded server)
  "53100", // disk_full
  "53300", // too_many_connections
  "25006", // read_only_sql_transaction: connected to a standby (e.g. right after a fail-over)
]);

/** Socket-level failures (Node `code`), seen when connecting to or talking with PostgreSQL. */
const NET_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
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
const FS_UNAVAILABLE_CODES: ReadonlySet<string> = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EIO"]);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function matchesOne(e: unknown): boolean {
  const code = codeOf(e);
  if (code !== undefined) {
    if (code.startsWith("SQLITE_")) return SQLITE_UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p));
    if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith("08") || PG_UNAVAILABLE_STATES.has(code))) return true;
    if (NET_UNAVAILABLE_CODES.has(code) || FS_UNAVAILABLE_CODES.has(code)) return true;
  }
  if (e instanceof Error && code === undefined) return PG_CLIENT_MESSAGES.some((re) => re.test(e.message));
  return false;
}

/**
 * True when `e` (or an error it wraps: `cause` chains and AggregateError members, as Node produces when every
 * address of a host refuses) says the database is unreachable, stopped, hung, locked, read-only or full.
 */
export function isUnavailable(e: unknown, depth = 0): boolean {
  if (depth > 5 || typeof e !== "object" || e === null) return false;
  if (matchesOne(e)) return true;
  if (e instanceof AggregateError && e.errors.some((x) => isUnavailable(x, depth + 1))) return true;
  return "cause" in e && isUnavailable((e as { cause?: unknown }).cause, depth + 1);
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
