/**
 * Downloading a reference into a file. Every request goes through {@link checkTarget} and connects only to the
 * addresses it approved; redirects are followed by hand so each target is checked again; one deadline covers the
 * whole download (DNS, connect, redirects, body reference, body) and the byte cap is counted on the bytes actually
 * received. PyWPS 4.5.2 did none of this (no timeout, redirects and proxies from the environment, no cap;
 * security.md §2), which is what this module exists to avoid.
 *
 * Proxy environment variables (`HTTP_PROXY`, …) play no part: Node's `http` module does not read them, and every
 * request uses its own agent (`agent: false`), so neither a proxy nor a pooled socket opened by other code can route
 * a reference past the check.
 */
import type { LookupAddress } from "node:dns";
import { type FileHandle, open, rm } from "node:fs/promises";
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { isRoostError, type RawReference, RoostError } from "@roost/core/internal";
import { type CheckedTarget, checkTarget, parseReferenceUrl } from "./check.js";
import { formatSeconds, networkError, notAccessible, refused, shown, tooLarge } from "./errors.js";
import { type ClientHeader, clientHeaders, outgoingHeaders } from "./headers.js";
import { openLocalFile } from "./local-file.js";
import { pinnedLookup } from "./pinned-lookup.js";
import type { ReferencePolicy } from "./policy.js";

/**
 * Cap on a POST `BodyReference`: it becomes a request body held in memory, and no WPS request body needs more.
 * The download's `maxBytes` lowers it further.
 */
export const MAX_BODY_REFERENCE_BYTES = 1024 * 1024;

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Error code `send` fails with when the connection is not up within `connectTimeoutMs`. */
const CONNECT_TIMEOUT = "ROOST_CONNECT_TIMEOUT";

/** Where downloaded bytes go: a file for the reference itself, memory for a body reference. */
interface Sink {
  /** Called once, when a successful response starts, so a failed request creates no file. */
  open(): Promise<void>;
  write(chunk: Uint8Array): Promise<void>;
}

/** What to send to an http(s) URL. */
interface HttpSpec {
  readonly method: "GET" | "POST";
  readonly body?: Buffer;
  /** Content type for the body when the client named none. */
  readonly contentType?: string;
  readonly headers: readonly ClientHeader[];
}

/** The result of a transfer: bytes written and the content type the server declared. */
interface Transferred {
  readonly size: number;
  readonly contentType?: string;
}

/**
 * Download `ref` into the file `dest` (created or overwritten) and return its size and the response's content
 * type. Follows the policy for every request: scheme, address check with connection pinning, at most
 * `maxRedirects` re-checked redirects, `connectTimeoutMs` per connection, `totalTimeoutMs` for everything,
 * `maxBytes` counted while streaming. Failures are `RoostError`s with the locator — InvalidParameter (refused by
 * the policy), DataNotAccessible (HTTP ≥ 400, DNS, connection, TLS, timeout), FileSizeExceeded — except an abort
 * through `opts.signal`, which rejects with the signal's own reason because the caller, not the client, stopped it.
 * On every failure the partial file is removed.
 */
export async function fetchReference(
  ref: RawReference,
  policy: ReferencePolicy,
  dest: string,
  opts: { readonly locator: string; readonly signal?: AbortSignal },
): Promise<{ size: number; contentType?: string }> {
  const { locator } = opts;
  const deadline = AbortSignal.timeout(policy.totalTimeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  let file: FileHandle | undefined;
  let created = false;
  const sink: Sink = {
    open: async () => {
      file = await open(dest, "w");
      created = true;
    },
    write: async (chunk) => {
      // FileHandle#write may write less than asked; loop until the chunk is on disk.
      for (let off = 0; file !== undefined && off < chunk.length; ) {
        off += (await file.write(chunk, off, chunk.length - off)).bytesWritten;
      }
    },
  };
  let ok = false;
  try {
    opts.signal?.throwIfAborted();
    const url = parseReferenceUrl(ref.href, policy, locator);
    const spec = url.protocol === "file:" ? undefined : await httpSpec(url, ref, policy, locator, signal);
    const result = await transfer(url, spec, policy, policy.maxBytes, locator, signal, sink);
    await file?.close();
    file = undefined;
    ok = true;
    return {
      size: result.size,
      ...(result.contentType !== undefined ? { contentType: result.contentType } : {}),
    };
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (deadline.aborted)
      throw notAccessible(
        shown(ref.href),
        `could not be fetched within ${formatSeconds(policy.totalTimeoutMs)}`,
        locator,
      );
    if (isRoostError(e)) throw e;
    throw networkError(shown(ref.href), e, locator);
  } finally {
    await file?.close().catch(() => undefined);
    if (!ok && created) await rm(dest, { force: true }).catch(() => undefined);
  }
}

/**
 * Decide method, body and headers of a reference. A body without a method means POST (a GET with a body means
 * nothing to most servers, so it is refused rather than silently dropped). A body reference is fetched here, GET,
 * through the same policy and deadline, without the client's headers (they are meant for the data server, which
 * may be another host).
 */
async function httpSpec(
  url: URL,
  ref: RawReference,
  policy: ReferencePolicy,
  locator: string,
  signal: AbortSignal,
): Promise<HttpSpec> {
  const headers = clientHeaders(ref.headers, locator);
  const hasBody = ref.body !== undefined || ref.bodyReference !== undefined;
  const method = ref.method ?? (hasBody ? "POST" : "GET");
  if (ref.body !== undefined && ref.bodyReference !== undefined)
    throw new RoostError(
      "InvalidParameter",
      `reference ${shown(ref.href)} has both a body and a body reference`,
      {
        locator,
      },
    );
  if (method === "GET" && hasBody)
    throw new RoostError(
      "InvalidParameter",
      `reference ${shown(ref.href)} is a GET reference with a body; use POST`,
      {
        locator,
      },
    );
  if (method === "GET") return { method, headers };
  if (ref.body !== undefined) {
    // Request bodies in WPS are XML in practice; anything else is sent as text. A client-supplied Content-Type wins.
    const xml = /^\s*</.test(ref.body);
    return {
      method,
      headers,
      body: Buffer.from(ref.body, "utf8"),
      contentType: xml ? "text/xml; charset=utf-8" : "text/plain; charset=utf-8",
    };
  }
  if (ref.bodyReference === undefined) return { method, headers, body: Buffer.alloc(0) };
  // The data server is checked before the body is fetched, so a refused reference costs no request at all.
  await checkTarget(url, policy, locator, signal);
  const bodyUrl = parseReferenceUrl(ref.bodyReference, policy, locator);
  const chunks: Uint8Array[] = [];
  const memory: Sink = {
    open: async () => undefined,
    write: async (c) => {
      chunks.push(c);
    },
  };
  const cap = Math.min(MAX_BODY_REFERENCE_BYTES, policy.maxBytes);
  const got = await transfer(
    bodyUrl,
    bodyUrl.protocol === "file:" ? undefined : { method: "GET", headers: [] },
    policy,
    cap,
    locator,
    signal,
    memory,
  );
  return {
    method,
    headers,
    body: Buffer.concat(chunks),
    contentType: got.contentType ?? "application/octet-stream",
  };
}

/** Copy a checked URL's content into `sink`: a local file when `spec` is undefined, else over HTTP(S). */
async function transfer(
  url: URL,
  spec: HttpSpec | undefined,
  policy: ReferencePolicy,
  maxBytes: number,
  locator: string,
  signal: AbortSignal,
  sink: Sink,
): Promise<Transferred> {
  if (spec === undefined) return copyLocal(url, { ...policy, maxBytes }, locator, signal, sink);
  return download(url, spec, policy, maxBytes, locator, signal, sink);
}

/** Stream `source` into `sink`, failing as soon as more than `maxBytes` arrived, whatever any header said. */
async function pump(
  source: AsyncIterable<Uint8Array>,
  sink: Sink,
  maxBytes: number,
  overCap: () => RoostError,
): Promise<number> {
  let size = 0;
  await sink.open();
  for await (const chunk of source) {
    size += chunk.length;
    if (size > maxBytes) throw overCap();
    await sink.write(chunk);
  }
  return size;
}

async function copyLocal(
  url: URL,
  policy: ReferencePolicy,
  locator: string,
  signal: AbortSignal,
  sink: Sink,
): Promise<Transferred> {
  const { handle } = await openLocalFile(url, policy, locator);
  try {
    // The size was checked at open, but the file may grow while it is read: the cap is counted again.
    const size = await pump(
      handle.createReadStream({ autoClose: false, signal }),
      sink,
      policy.maxBytes,
      () => tooLarge(url, policy.maxBytes, locator),
    );
    return { size };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Follow the request through redirects to a successful response and stream its body into `sink`. */
async function download(
  start: URL,
  spec: HttpSpec,
  policy: ReferencePolicy,
  maxBytes: number,
  locator: string,
  signal: AbortSignal,
  sink: Sink,
): Promise<Transferred> {
  let url = start;
  let method = spec.method;
  let body = spec.body;
  // Messages name the URL the client sent, and the one that failed when a redirect led elsewhere.
  const subject = () => (url === start ? shown(start) : `${shown(url)} (redirected from ${shown(start)})`);
  for (let redirects = 0; ; redirects++) {
    let target: CheckedTarget;
    try {
      target = await checkTarget(url, policy, locator, signal);
    } catch (e) {
      if (url !== start && isRoostError(e) && !signal.aborted)
        throw new RoostError(e.code, `${e.message} (reached by a redirect from ${shown(start)})`, {
          locator,
        });
      throw e;
    }
    const headers = outgoingHeaders(spec.headers, {
      hostHeader: url.host,
      crossOrigin: url.origin !== start.origin,
      withBody: body !== undefined,
      ...(spec.contentType !== undefined ? { contentType: spec.contentType } : {}),
    });
    let res: IncomingMessage;
    try {
      res = await send(target, method, headers, body, policy.connectTimeoutMs, signal);
    } catch (e) {
      if (signal.aborted) throw e;
      if ((e as { code?: unknown }).code === CONNECT_TIMEOUT)
        throw notAccessible(
          subject(),
          `could not be fetched: no connection within ${formatSeconds(policy.connectTimeoutMs)}`,
          locator,
        );
      throw networkError(subject(), e, locator);
    }
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      const location = res.headers.location;
      res.destroy(); // a redirect's body is never read
      if (location === undefined)
        throw notAccessible(subject(), `answered HTTP ${status} without a Location`, locator);
      if (redirects >= policy.maxRedirects)
        throw notAccessible(shown(start), `was redirected more than ${policy.maxRedirects} times`, locator);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw notAccessible(subject(), `answered HTTP ${status} with an invalid Location`, locator);
      }
      // A remote server must never make Roost read a local file, whatever `allowedPaths` says.
      if (next.protocol === "file:")
        throw refused(shown(start), "it redirects to a file:// URL, which is never followed", locator);
      try {
        next = parseReferenceUrl(next.href, { ...policy, allowedPaths: [] }, locator);
      } catch (e) {
        if (isRoostError(e))
          throw new RoostError(e.code, `${e.message} (reached by a redirect from ${shown(start)})`, {
            locator,
          });
        throw e;
      }
      if (status === 303) {
        // 303 See Other: fetch the new location with GET (RFC 9110 §15.4.4). 301/302/307/308 keep method and body.
        method = "GET";
        body = undefined;
      }
      url = next;
      continue;
    }
    if (status >= 400) {
      res.destroy();
      throw notAccessible(subject(), `answered HTTP ${status}`, locator);
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      throw notAccessible(subject(), `answered HTTP ${status}, which is not a successful response`, locator);
    }
    const length = res.headers["content-length"];
    // Refuse early when the server already says it is too large; a smaller or absent length proves nothing.
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > maxBytes) {
      res.destroy();
      throw tooLarge(subject(), maxBytes, locator);
    }
    const contentType = res.headers["content-type"];
    try {
      const size = await pump(res, sink, maxBytes, () => tooLarge(subject(), maxBytes, locator));
      return { size, ...(contentType !== undefined && contentType !== "" ? { contentType } : {}) };
    } catch (e) {
      res.destroy();
      if (signal.aborted || isRoostError(e)) throw e;
      throw networkError(subject(), e, locator);
    }
  }
}

/**
 * Send one request and resolve with the response head. The connection goes to the checked addresses only (pinned
 * lookup); `connectTimeoutMs` (failing with code {@link CONNECT_TIMEOUT}) bounds the TCP connection and, for https, the TLS handshake; `signal` (deadline and
 * caller) aborts it at any point. TLS verifies the certificate against the host name, which is also the SNI name.
 */
function send(
  target: CheckedTarget,
  method: "GET" | "POST",
  headers: OutgoingHttpHeaders,
  body: Buffer | undefined,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = target.url.protocol === "https:";
    const common = {
      hostname: target.host,
      port: target.url.port === "" ? (secure ? 443 : 80) : Number(target.url.port),
      path: `${target.url.pathname}${target.url.search}`,
      method,
      headers: { ...headers, ...(body !== undefined ? { "Content-Length": String(body.length) } : {}) },
      agent: false as const,
      // Explicit, so `--insecure-http-parser` in NODE_OPTIONS cannot make response smuggling easier.
      insecureHTTPParser: false,
      lookup: pinnedLookup(target.host, target.addresses as LookupAddress[]),
      signal,
    };
    let req: ClientRequest;
    if (secure) {
      req = httpsRequest({
        ...common,
        // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED in the environment cannot switch verification off.
        rejectUnauthorized: true,
        // SNI carries names only; for an IP literal the certificate is checked against the IP.
        ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      });
    } else req = httpRequest(common);
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error("connect timeout"), { code: CONNECT_TIMEOUT }));
    }, connectTimeoutMs);
    req.once("socket", (socket) => {
      socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(timer));
    });
    req.once("response", (res) => {
      clearTimeout(timer);
      // Errors after this point surface through the body stream; this keeps an early one from being unhandled.
      res.on("error", () => undefined);
      resolve(res);
    });
    // `on`, not `once`: a socket error after the response must not become an uncaught exception.
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
