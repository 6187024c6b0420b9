/**
 * The validation-time check of a reference: scheme, host, DNS, address policy. It runs before a job is accepted
 * so a refused reference is an HTTP 400 for the client rather than a failed job later, and the download runs the
 * same steps again for every request it makes (the first URL and each redirect target) and connects only to the
 * addresses found here.
 */
import { promises as dnsPromises, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { RoostError } from "@roost/core/internal";
import { nonPublicReason } from "./address.js";
import { formatSeconds, networkError, notAccessible, refused, shown } from "./errors.js";
import { openLocalFile } from "./local-file.js";
import { isAllowedAddress, isAllowedName, type ReferencePolicy } from "./policy.js";

/** A checked http(s) target: the URL, its bare host name, and the addresses a connection may use. */
export interface CheckedTarget {
  readonly url: URL;
  /** Host name without IPv6 brackets; the TLS server name and the only name the pinned lookup answers. */
  readonly host: string;
  /** Every address the host resolved to, each public or allow-listed. */
  readonly addresses: readonly LookupAddress[];
}

/**
 * Parse `href` and check its scheme: http and https always, `file` only when `allowedPaths` is set. Also refuses
 * user credentials in the URL, which would otherwise be sent to whatever host a redirect leads to.
 */
export function parseReferenceUrl(href: string, policy: ReferencePolicy, locator: string): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new RoostError("InvalidParameter", `reference ${shown(href)} is not a valid absolute URL`, {
      locator,
    });
  }
  if (url.protocol === "file:") {
    if (policy.allowedPaths.length === 0)
      throw refused(url, "file:// references are not enabled on this server", locator);
    return url;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw refused(
      url,
      `the scheme '${url.protocol.slice(0, -1)}' is not supported (use http or https)`,
      locator,
    );
  if (url.username !== "" || url.password !== "")
    throw refused(
      url,
      "credentials in the URL are not accepted (send an Authorization header instead)",
      locator,
    );
  if (url.hostname === "") throw refused(url, "it names no host", locator);
  return url;
}

function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** Resolve a host name with every address (A and AAAA), giving up after `timeoutMs` or when `signal` aborts. */
async function resolveAll(
  host: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<LookupAddress[]> {
  // getaddrinfo cannot be cancelled; the race only stops waiting for it. `verbatim` keeps the resolver's order.
  const lookup = dnsPromises.lookup(host, { all: true, verbatim: true });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    const err = Object.assign(new Error("DNS lookup timed out"), { code: "EDNSTIMEOUT" });
    timer = setTimeout(() => reject(err), timeoutMs);
    if (signal) {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  lookup.catch(() => undefined); // a late failure after the race is lost must not become an unhandled rejection
  try {
    return await Promise.race([lookup, stop]);
  } finally {
    clearTimeout(timer);
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Check an http(s) URL against the policy and return the addresses to connect to. The host name may be allow-listed
 * (then every address is accepted); otherwise each address must be public or inside an allow-listed network — all
 * of them, because the connection may use any, and a name resolving to one public and one private address is the
 * usual DNS-rebinding set-up.
 */
export async function checkTarget(
  url: URL,
  policy: ReferencePolicy,
  locator: string,
  signal?: AbortSignal,
): Promise<CheckedTarget> {
  const host = bare(url.hostname);
  const literal = isIP(host);
  const nameAllowed = isAllowedName(policy, host);
  let addresses: LookupAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await resolveAll(host, policy.connectTimeoutMs, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      if ((e as { code?: unknown }).code === "EDNSTIMEOUT")
        throw notAccessible(
          url,
          `names a host whose DNS lookup took longer than ${formatSeconds(policy.connectTimeoutMs)}`,
          locator,
        );
      throw networkError(url, e, locator);
    }
    if (addresses.length === 0) throw notAccessible(url, "names a host that could not be resolved", locator);
  }
  if (!nameAllowed) {
    for (const a of addresses) {
      const reason = nonPublicReason(a.address);
      if (reason === undefined || isAllowedAddress(policy, a.address)) continue;
      // The address itself is only named for literals: for a name it may be an internal DNS answer the client
      // should not learn; the category is enough to understand the refusal.
      throw refused(
        url,
        literal !== 0 ? `${host} is ${reason}` : `the host ${host} resolves to ${reason}`,
        locator,
      );
    }
  }
  return { url, host, addresses };
}

/**
 * Validation-time check of one reference (before a job is accepted): scheme, host → DNS → every address public or
 * allow-listed; for `file://`, the path policy (the file must exist inside an allowed root). Throws
 * `RoostError("InvalidParameter")` when the policy refuses the reference, `DataNotAccessible` when the host name
 * does not resolve or the file is missing, `FileSizeExceeded` when a local file is already too large.
 */
export async function checkReference(href: string, policy: ReferencePolicy, locator: string): Promise<void> {
  const url = parseReferenceUrl(href, policy, locator);
  if (url.protocol === "file:") {
    const file = await openLocalFile(url, policy, locator);
    await file.handle.close();
    return;
  }
  await checkTarget(url, policy, locator);
}
