/**
 * Request headers a client asks Roost to send with a reference (WPS `Header key/value`). They are checked (a CR/LF
 * in a name or value would let the client write its own request lines) and filtered: headers that frame the
 * message or steer the connection are Roost's to set, so a client cannot change the Host a pinned connection
 * claims, smuggle a second request through Content-Length/Transfer-Encoding, or send proxy credentials.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { RoostError } from "@roost/core/internal";

/**
 * Headers dropped (silently: clients such as OWSLib copy whole header sets, and these carry no meaning for the
 * remote data). Hop-by-hop headers (RFC 9110 §7.6.1), message framing, the Host, proxy headers, and the forwarding
 * headers a remote server might trust. `Accept-Encoding` is Roost's: it asks for `identity`, so the file holds the
 * data itself and no decompression bomb is inflated on the server.
 */
export const DROPPED_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "accept-encoding",
  "http2-settings",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

/**
 * Headers sent only to the origin the client named: on a redirect to another origin they are dropped, as browsers
 * and `fetch` do, so a redirect cannot carry the client's credentials to a third party.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "cookie"]);

/** Limits on client-supplied headers; generous for real use, small enough to keep a request from being a payload. */
export const MAX_HEADERS = 50;
export const MAX_HEADER_BYTES = 16 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, space, tab and obs-text (Latin-1), the set Node itself accepts; so no CR, LF, NUL
// or other control characters.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A header as it will be sent: original name, lower-cased key. */
export interface ClientHeader {
  readonly key: string;
  readonly name: string;
  readonly value: string;
}

/**
 * Check and filter client-supplied headers. Throws `InvalidParameter` for a malformed name or value or too many or
 * too large headers; drops {@link DROPPED_HEADERS} and every `Proxy-*` header.
 */
export function clientHeaders(
  headers: readonly (readonly [string, string])[] | undefined,
  locator: string,
): ClientHeader[] {
  if (!headers) return [];
  if (headers.length > MAX_HEADERS)
    throw new RoostError(
      "InvalidParameter",
      `reference has ${headers.length} headers; at most ${MAX_HEADERS} allowed`,
      {
        locator,
      },
    );
  let bytes = 0;
  const out: ClientHeader[] = [];
  for (const [name, rawValue] of headers) {
    if (!TOKEN.test(name))
      throw new RoostError(
        "InvalidParameter",
        `reference header name '${printable(name)}' is not a valid HTTP header name`,
        {
          locator,
        },
      );
    // Checked before trimming: String#trim would quietly remove a trailing CR/LF instead of refusing it.
    if (!FIELD_VALUE.test(rawValue))
      throw new RoostError(
        "InvalidParameter",
        `reference header '${name}' has a value with characters not allowed in HTTP headers (line breaks, control or non-Latin-1 characters)`,
        { locator },
      );
    const value = rawValue.replace(/^[ \t]+|[ \t]+$/g, "");
    bytes += name.length + value.length + 4;
    if (bytes > MAX_HEADER_BYTES)
      throw new RoostError("InvalidParameter", `reference headers exceed ${MAX_HEADER_BYTES} bytes`, {
        locator,
      });
    const key = name.toLowerCase();
    if (DROPPED_HEADERS.has(key) || key.startsWith("proxy-")) continue;
    out.push({ key, name, value });
  }
  return out;
}

function printable(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return cut.replace(/[^\x20-\x7e]/g, "?");
}

/**
 * Build the outgoing header object: Roost's defaults, then the client's headers (repeated names become repeated
 * lines), then the headers only Roost sets. `crossOrigin` drops {@link CREDENTIAL_HEADERS}; `withBody` false drops
 * the client's `Content-Type`, since a body that is no longer sent has no type (303 turns POST into GET).
 */
export function outgoingHeaders(
  client: readonly ClientHeader[],
  opts: {
    readonly hostHeader: string;
    readonly crossOrigin: boolean;
    readonly withBody: boolean;
    readonly contentType?: string;
  },
): OutgoingHttpHeaders {
  const h: Record<string, string | string[]> = Object.create(null);
  const names = new Map<string, string>();
  const set = (name: string, value: string) => {
    const key = name.toLowerCase();
    const prev = names.get(key);
    if (prev === undefined) {
      names.set(key, name);
      h[name] = value;
    } else {
      const cur = h[prev];
      h[prev] = Array.isArray(cur) ? [...cur, value] : cur === undefined ? value : [cur, value];
    }
  };
  const replace = (name: string, value: string) => {
    const prev = names.get(name.toLowerCase());
    if (prev !== undefined) delete h[prev];
    names.delete(name.toLowerCase());
    set(name, value);
  };
  for (const c of client) {
    if (opts.crossOrigin && CREDENTIAL_HEADERS.has(c.key)) continue;
    if (!opts.withBody && c.key === "content-type") continue;
    set(c.name, c.value);
  }
  if (!names.has("user-agent")) set("User-Agent", "Roost-WPS (reference fetcher)");
  if (!names.has("accept")) set("Accept", "*/*");
  if (opts.withBody && opts.contentType !== undefined && !names.has("content-type"))
    set("Content-Type", opts.contentType);
  replace("Host", opts.hostHeader);
  replace("Accept-Encoding", "identity");
  replace("Connection", "close");
  return h;
}
