/**
 * Turning fetch failures into client errors. The messages say what went wrong in terms the client can act on
 * (which reference, which status, which limit) and never echo what the remote server sent: a response body could
 * be an internal page, and reflecting it would turn a refused fetch into a read.
 */
import { RoostError } from "@roost/core/internal";

const MAX_SHOWN = 200;

/** A URL as shown in messages: truncated, so a megabyte-long href does not become a megabyte-long error. */
export function shown(url: string | URL): string {
  const s = String(url);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/**
 * What a message calls the reference: a URL object is shown truncated; a string is taken as already formatted
 * (e.g. "http://b/ (redirected from http://a/)").
 */
export type Subject = string | URL;

function label(x: Subject): string {
  return typeof x === "string" ? x : shown(x);
}

/** A duration in seconds, as limits are configured (`connect_timeout = 5`). */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${+(ms / 1000).toFixed(3)} s`;
}

/** Bytes in the unit a person would use. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${+(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

/** The reference is refused by the policy: the client must change the request. */
export function refused(url: Subject, reason: string, locator: string): RoostError {
  return new RoostError("InvalidParameter", `reference ${label(url)} is refused: ${reason}`, { locator });
}

/** The reference is acceptable but could not be read. */
export function notAccessible(url: Subject, reason: string, locator: string, cause?: unknown): RoostError {
  return new RoostError("DataNotAccessible", `reference ${label(url)} ${reason}`, {
    locator,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The data is larger than allowed. */
export function tooLarge(url: Subject, max: number, locator: string): RoostError {
  return new RoostError(
    "FileSizeExceeded",
    `reference ${label(url)} is larger than the limit of ${formatBytes(max)}`,
    {
      locator,
    },
  );
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/**
 * Explain a socket, DNS, TLS or HTTP-parser error from Node as a DataNotAccessible error. Only the error code is
 * used, never the error's message, which can contain bytes the remote server sent.
 */
export function networkError(url: Subject, e: unknown, locator: string): RoostError {
  const code = typeof (e as { code?: unknown })?.code === "string" ? (e as { code: string }).code : "";
  let reason: string;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NODATA")
    reason = "names a host that could not be resolved";
  else if (code === "ECONNREFUSED") reason = "could not be fetched: connection refused";
  else if (code === "ECONNRESET" || code === "EPIPE")
    reason = "could not be fetched: connection reset by the server";
  else if (code === "ETIMEDOUT") reason = "could not be fetched: connection timed out";
  else if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EADDRNOTAVAIL")
    reason = "could not be fetched: host unreachable";
  else if (TLS_CODES.test(code)) reason = `could not be fetched: TLS error (${code})`;
  else if (code.startsWith("HPE_"))
    reason = `could not be fetched: the server sent an invalid HTTP response (${code})`;
  else if (code === "ERR_STREAM_PREMATURE_CLOSE" || (e as Error)?.message === "aborted")
    reason = "could not be fetched: the connection closed before the response was complete";
  else reason = `could not be fetched${code ? ` (${code})` : ""}`;
  return notAccessible(url, reason, locator, e);
}
