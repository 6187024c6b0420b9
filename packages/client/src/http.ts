/**
 * HTTP for the client, on `node:http`/`node:https` rather than the global `fetch`: Node 20's fetch cannot turn TLS
 * verification off or take a CA bundle per request, and these modules also give streaming downloads with progress.
 *
 * Credentials (the bearer token and `--header` values) go only to the service's own origin: status documents and
 * outputs on another host (a CDN, an object store) never see them, and neither does a redirect to another origin.
 */
import { createWriteStream } from "node:fs";
import { copyFile, rename, rm, stat } from "node:fs/promises";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { fileURLToPath } from "node:url";
import { AbortedError, ConnectionError, ServerError } from "./errors.js";

/** How to talk to the service. */
export interface TransportOptions {
  /** Bearer token for the service origin (`Authorization: Bearer …`); never sent when empty. */
  readonly token?: string;
  /** Extra headers for the service origin (e.g. a proxy's API key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Verify the server's TLS certificate (default true). */
  readonly tlsVerify?: boolean;
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: string | Buffer;
  /** Client certificate and key (one PEM holding both). */
  readonly cert?: string | Buffer;
  /** Idle timeout of one request in milliseconds (default 60 000; 0 waits forever). */
  readonly timeoutMs?: number;
  /** User-Agent header. */
  readonly userAgent?: string;
}

/** A complete response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL that answered (after redirects). */
  readonly url: string;
}

/** Per-request options. */
export interface RequestOptions {
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly accept?: string;
  /** Extra headers of this request (e.g. OGC API's `Prefer`); sent whatever the origin, so never credentials. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Overrides the transport's idle timeout (0 waits forever: a synchronous Execute may run for long). */
  readonly timeoutMs?: number;
  /** Refuse bodies larger than this many bytes (default 256 MiB). */
  readonly maxBytes?: number;
}

/** Progress of a download: bytes so far and the announced total, when there is one. */
export type DownloadProgress = (received: number, total: number | undefined) => void;

const MAX_REDIRECTS = 5;
const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** Turn a socket-level failure into a {@link ConnectionError} with a message a user can act on. */
export function connectionError(url: URL, e: unknown): ConnectionError {
  const code = (e as { code?: unknown })?.code;
  const c = typeof code === "string" ? code : undefined;
  const where = url.host;
  const detail = e instanceof Error ? e.message : String(e);
  const opts = { ...(c !== undefined ? { code: c } : {}), cause: e };
  switch (c) {
    case "ECONNREFUSED":
      return new ConnectionError(
        `cannot connect to ${where}: connection refused (is the server running?)`,
        opts,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ConnectionError(`cannot connect to ${where}: host not found`, opts);
    case "ETIMEDOUT":
    case "ESOCKETTIMEDOUT":
      return new ConnectionError(`no answer from ${where} in time`, opts);
    case "ECONNRESET":
    case "EPIPE":
      return new ConnectionError(`the connection to ${where} was closed unexpectedly`, opts);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new ConnectionError(`cannot connect to ${where}: host unreachable`, opts);
  }
  if (c !== undefined && (TLS_CODES.has(c) || c.startsWith("ERR_TLS") || c.startsWith("ERR_SSL"))) {
    return new ConnectionError(
      `TLS verification of ${where} failed (${detail}); pass --ca-file <pem>, or --insecure (WPS_SSL_VERIFY=false) if you trust the network`,
      opts,
    );
  }
  return new ConnectionError(`cannot talk to ${where}: ${detail}`, opts);
}

/** HTTP(S) requests against one WPS service. */
export class HttpTransport {
  readonly #origin: string;
  readonly #opts: TransportOptions;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  /** `serviceUrl` decides which origin receives the credentials. */
  constructor(serviceUrl: string, options: TransportOptions = {}) {
    this.#origin = new URL(serviceUrl).origin;
    this.#opts = options;
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    this.#httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: options.tlsVerify !== false,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.cert !== undefined ? { cert: options.cert, key: options.cert } : {}),
    });
  }

  /** Headers for a request to `url`: credentials only for the service's origin. */
  headersFor(url: URL): Record<string, string> {
    const h: Record<string, string> = {
      "User-Agent": this.#opts.userAgent ?? `roost-client (Node ${process.versions.node})`,
    };
    if (url.origin === this.#origin) {
      for (const [k, v] of Object.entries(this.#opts.headers ?? {})) h[k] = v;
      const token = this.#opts.token;
      if (token !== undefined && token !== "") h.Authorization = `Bearer ${token}`;
    }
    return h;
  }

  /** Send one request and collect the whole body; GET and HEAD follow redirects. */
  async request(method: string, url: string, o: RequestOptions = {}): Promise<HttpResponse> {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const res = await this.#open(method, current, o);
      const loc = res.headers.location;
      if (
        (method === "GET" || method === "HEAD") &&
        res.statusCode !== undefined &&
        [301, 302, 303, 307, 308].includes(res.statusCode) &&
        loc !== undefined
      ) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new ServerError(`too many redirects from ${url}`);
        current = new URL(loc, current);
        continue;
      }
      const body = await this.#collect(res, current, o);
      return { status: res.statusCode ?? 0, headers: res.headers, body, url: current.href };
    }
  }

  /**
   * Download `url` to `dest` (through a temporary file, so a failed download never leaves a partial file behind).
   * `file:` URLs are copied. Returns the size and the announced media type.
   */
  async download(
    url: string,
    dest: string,
    o: { readonly onProgress?: DownloadProgress; readonly signal?: AbortSignal } = {},
  ): Promise<{ readonly bytes: number; readonly contentType?: string }> {
    let current = new URL(url);
    if (current.protocol === "file:") {
      await copyFile(fileURLToPath(current), dest);
      const { size } = await stat(dest);
      o.onProgress?.(size, size);
      return { bytes: size };
    }
    for (let hop = 0; ; hop++) {
      const res = await this.#open("GET", current, { ...(o.signal ? { signal: o.signal } : {}) });
      const status = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && res.headers.location !== undefined) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new ServerError(`too many redirects from ${url}`);
        current = new URL(res.headers.location, current);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw new ServerError(`downloading ${current.href} failed: HTTP ${status}`, { status });
      }
      const lengthHeader = Number(res.headers["content-length"]);
      const total = Number.isFinite(lengthHeader) && lengthHeader >= 0 ? lengthHeader : undefined;
      const tmp = `${dest}.part-${process.pid}`;
      let received = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          const out = createWriteStream(tmp);
          res.on("data", (chunk: Buffer) => {
            received += chunk.length;
            o.onProgress?.(received, total);
          });
          res.on("error", (e) => {
            out.destroy();
            reject(connectionError(current, e));
          });
          res.on("aborted", () => reject(new ConnectionError(`the download of ${current.href} was cut off`)));
          out.on("error", reject);
          out.on("finish", () => resolve());
          res.pipe(out);
        });
        if (total !== undefined && received !== total)
          throw new ConnectionError(
            `the download of ${current.href} was cut off (${received} of ${total} bytes)`,
          );
        await rename(tmp, dest);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      const ct = res.headers["content-type"];
      return { bytes: received, ...(ct !== undefined ? { contentType: ct } : {}) };
    }
  }

  /** Release pooled connections (lets the process exit at once). */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  #open(method: string, url: URL, o: RequestOptions): Promise<IncomingMessage> {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return Promise.reject(new ServerError(`unsupported URL scheme in ${url.href}`));
    if (o.signal?.aborted) return Promise.reject(new AbortedError());
    const mod = url.protocol === "https:" ? https : http;
    const headers: Record<string, string> = {
      ...this.headersFor(url),
      ...o.headers,
      Accept: o.accept ?? "text/xml, application/xml;q=0.9, */*;q=0.1",
    };
    let body: Buffer | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === "string" ? Buffer.from(o.body, "utf8") : o.body;
      headers["Content-Type"] = o.contentType ?? "text/xml; charset=utf-8";
      headers["Content-Length"] = String(body.length);
    }
    const timeout = o.timeoutMs ?? this.#opts.timeoutMs ?? 60_000;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = mod.request(url, {
        method,
        headers,
        agent: url.protocol === "https:" ? this.#httpsAgent : this.#httpAgent,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      if (timeout > 0) {
        req.setTimeout(timeout, () => {
          req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
        });
      }
      req.on("response", resolve);
      req.on("error", (e) => {
        if ((e as { name?: string }).name === "AbortError" || o.signal?.aborted) reject(new AbortedError());
        else reject(connectionError(url, e));
      });
      req.end(body);
    });
  }

  #collect(res: IncomingMessage, url: URL, o: RequestOptions): Promise<Buffer> {
    const max = o.maxBytes ?? 256 * 1024 * 1024;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > max) {
          res.destroy();
          reject(new ServerError(`the response from ${url.host} is larger than ${max} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", (e) => reject(o.signal?.aborted ? new AbortedError() : connectionError(url, e)));
      res.on("aborted", () => reject(new ConnectionError(`the response from ${url.host} was cut off`)));
    });
  }
}
