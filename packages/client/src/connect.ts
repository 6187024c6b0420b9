/**
 * `connect(url)`: one protocol-neutral client for any server the client speaks to, the protocol detected from the
 * URL and the server's answers unless the caller pins it (`protocol` option, `--protocol` in the CLI):
 *
 * 1. the cache remembers which protocol the URL was found to speak, for a few minutes (no request at all);
 * 2. a URL ending in `/processes` is an OGC API – Processes server (its landing page is the parent);
 * 3. a URL ending in `/wps` (or with `service=WPS`) is a WPS endpoint: GetCapabilities with
 *    `AcceptVersions=2.0.0,1.0.0` — a server offering WPS 2.0.0 answers in 2.0.0 (OWS Common: the first version it
 *    supports), a 1.0.0-only one in 1.0.0 (PyWPS 4.5 picks the *last* listed version it supports, so it answers
 *    1.0.0 too); a server refusing the list is asked again with `AcceptVersions=1.0.0`, exactly as before;
 * 4. anything else is asked for JSON first: a landing page (`links` with a `processes` or `conformance` relation) is
 *    OGC API, and otherwise the URL is tried as a WPS endpoint as in 3.
 *
 * The document read while detecting is handed to the client, so detection costs no extra request.
 */
import { parseJson, wps1, wps2 } from "@roost/core/internal";
import { kvp, serviceUrl } from "./client-base.js";
import { ConnectionError, ServerError, ServiceExceptionError, WpsClientError } from "./errors.js";
import { HttpTransport } from "./http.js";
import { OgcApiClient } from "./ogcapi-client.js";
import { linksOf, relIs } from "./ogcapi-documents.js";
import type { ConnectOptions, ProcessingClient, Protocol, ServiceCapabilities } from "./protocol-client.js";
import { Wps1Client } from "./wps1-client.js";
import { Wps2Client } from "./wps2-client.js";

/** What detection found: the protocol, the service URL to use, and the document it read. */
export interface Detected {
  readonly protocol: Protocol;
  readonly url: string;
  /** WPS capabilities read while detecting. */
  readonly capabilities?: ServiceCapabilities;
  /** The OGC API landing page read while detecting. */
  readonly landing?: unknown;
}

/**
 * The service URL as the client for `protocol` (or, unpinned, the likely one) wants it: without query and fragment,
 * and for OGC API the landing page (`…/processes` → its parent).
 */
export function canonicalUrl(url: string, protocol?: Protocol): string {
  const u = new URL(serviceUrl(url));
  if ((protocol === undefined || protocol === "ogcapi") && /\/processes\/?$/.test(u.pathname)) {
    u.pathname = u.pathname.replace(/\/processes\/?$/, "/");
  }
  return u.href;
}

/** True for a URL that names a WPS endpoint by its look (`…/wps`, `service=WPS`). */
export function looksLikeWps(url: string): boolean {
  const u = new URL(url);
  if (/\/wps\/?$/i.test(u.pathname)) return true;
  for (const [k, v] of u.searchParams)
    if (k.toLowerCase() === "service" && v.toUpperCase() === "WPS") return true;
  return false;
}

function make(
  protocol: Protocol,
  url: string,
  options: ConnectOptions,
): ProcessingClient & {
  adoptCapabilities(c: ServiceCapabilities): Promise<void>;
} {
  switch (protocol) {
    case "wps1":
      return new Wps1Client(url, options);
    case "wps2":
      return new Wps2Client(url, options);
    case "ogcapi":
      return new OgcApiClient(url, options);
  }
}

/** GetCapabilities with `AcceptVersions`; the decoded document of either version. */
async function wpsCapabilities(
  t: HttpTransport,
  url: string,
  versions: string,
  language: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Detected> {
  const res = await t.request(
    "GET",
    kvp(url, {
      service: "WPS",
      request: "GetCapabilities",
      AcceptVersions: versions,
      // WPS 2.0.0 names it AcceptLanguages, but servers of both versions read `language` (Roost, PyWPS).
      language,
    }),
    signal ? { signal } : {},
  );
  const text = res.body.toString("utf8");
  const host = new URL(res.url).host;
  if (text.includes("http://www.opengis.net/wps/2.0")) {
    let doc: wps2.Wps2Response | undefined;
    try {
      doc = wps2.decodeResponse(text);
    } catch {
      doc = undefined;
    }
    if (doc?.kind === "capabilities" && res.status < 400)
      return { protocol: "wps2", url, capabilities: doc.capabilities };
    if (doc?.kind === "exception") throw new ServiceExceptionError(doc.exceptions, res.status);
  }
  let doc: wps1.Wps1Response;
  try {
    doc = wps1.decodeResponse(text);
  } catch (e) {
    if (res.status >= 400)
      throw new ServerError(`HTTP ${res.status} from ${host}`, { status: res.status, cause: e });
    throw new ServerError(
      `the response from ${host} is not a WPS document (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  if (doc.kind === "exception") throw new ServiceExceptionError(doc.exceptions, res.status);
  if (doc.kind !== "capabilities")
    throw new ServerError(`GetCapabilities on ${host} did not return a Capabilities document`);
  return { protocol: "wps1", url, capabilities: doc.capabilities };
}

async function detectWps(t: HttpTransport, url: string, o: ConnectOptions): Promise<Detected> {
  try {
    return await wpsCapabilities(t, url, "2.0.0,1.0.0", o.language, o.signal);
  } catch (e) {
    // A 1.0.0-only server may refuse a version list it cannot read: ask the way 1.0.0 clients always have.
    if (!(e instanceof ServiceExceptionError)) throw e;
    return wpsCapabilities(t, url, "1.0.0", o.language, o.signal);
  }
}

/** Find out which protocol the server at `url` speaks (see the module comment; no cache, always a request). */
export async function detectProtocol(url: string, o: ConnectOptions = {}): Promise<Detected> {
  const canonical = canonicalUrl(url);
  const t = new HttpTransport(canonical, o);
  try {
    if (/\/processes\/?$/.test(new URL(serviceUrl(url)).pathname))
      return { protocol: "ogcapi", url: canonical };
    if (looksLikeWps(url)) return await detectWps(t, serviceUrl(url), o);
    const res = await t.request("GET", canonical, {
      accept: "application/json, text/xml;q=0.5, */*;q=0.1",
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (res.status < 400 && /json/i.test(String(res.headers["content-type"] ?? ""))) {
      let doc: unknown;
      try {
        doc = parseJson(res.body, { maxBytes: 16 * 1024 * 1024 });
      } catch {
        doc = undefined;
      }
      if (linksOf(doc).some((l) => relIs(l.rel, "processes") || relIs(l.rel, "conformance")))
        return { protocol: "ogcapi", url: canonical, landing: doc };
    }
    try {
      return await detectWps(t, canonical, o);
    } catch (e) {
      if (e instanceof ConnectionError || !(e instanceof WpsClientError)) throw e;
      throw new ServerError(
        `${canonical} is neither an OGC API – Processes landing page nor a WPS endpoint (${e.message}); pass the WPS endpoint (…/wps) or the landing page, or --protocol`,
        { cause: e },
      );
    }
  } finally {
    t.close();
  }
}

/**
 * The client for `url` without contacting the server when that can be avoided: a pinned protocol, or a fresh cache
 * entry naming the protocol; otherwise the protocol is detected (one request, whose document the client keeps).
 */
export async function openClient(url: string, o: ConnectOptions = {}): Promise<ProcessingClient> {
  if (o.protocol !== undefined) return make(o.protocol, canonicalUrl(url, o.protocol), o);
  const canonical = canonicalUrl(url);
  if (o.cache && o.refresh !== true) {
    const d = await o.cache.detectedProtocol(canonical);
    if (d && o.cache.isFresh(d)) return make(d.protocol, canonical, o);
  }
  const d = await detectProtocol(url, o);
  await o.cache?.rememberProtocol(canonical, d.protocol);
  const c = make(d.protocol, d.url, o);
  if (d.capabilities !== undefined) await c.adoptCapabilities(d.capabilities);
  if (d.landing !== undefined && c instanceof OgcApiClient) c.useLanding(d.landing);
  return c;
}

/**
 * Connect to a processing server — WPS 1.0.0, WPS 2.0.0 or OGC API – Processes — and return one protocol-neutral
 * client with its capabilities read (from the fresh cache entry when there is one).
 *
 * @example
 * const c = await connect("http://localhost:5000/wps");   // WPS 2.0.0 when offered, else 1.0.0
 * const job = await c.execute("sleep", { delay: 1 });
 * job.on("progress", (s) => console.log(s.percent, s.message));
 * const { outputs } = await job.result();
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<ProcessingClient> {
  const c = await openClient(url, options);
  try {
    await c.capabilities(options.signal);
  } catch (e) {
    c.close();
    throw e;
  }
  return c;
}
