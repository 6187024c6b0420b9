/**
 * What the three protocol clients share: the service URL and its HTTP transport, the on-disk description cache, the
 * "describe one / describe all" logic around it, and downloads. A subclass says how to fetch the capabilities, every
 * description and one description; the rules about when to use the cache live here, once:
 *
 * - with a cache, `describe(id)` goes through `describeAll()` (so the next `--help` and completion are instant);
 *   an identifier missing from a cached list is looked up again before it is called unknown;
 * - without one, `describe(id)` asks for that one process.
 */
import { basename, join } from "node:path";
import type { wps1 } from "@roost/core/internal";
import type { CachedService, DescriptionCache } from "./cache.js";
import { UnknownProcessError, WpsClientError } from "./errors.js";
import type { InputValues } from "./execute-values.js";
import { HttpTransport } from "./http.js";
import type { Job } from "./job.js";
import { extensionForMimeType } from "./mime.js";
import type {
  ConnectOptions,
  DownloadOptions,
  ExecuteOptions,
  JobListOptions,
  JobSummary,
  ProcessDescription,
  ProcessingClient,
  Protocol,
  ServerFeatures,
  ServiceCapabilities,
} from "./protocol-client.js";

/** Run `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** `base` with query parameters set (undefined values left out). */
export function kvp(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

/** The service URL without query and fragment; only http(s). */
export function serviceUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WpsClientError(`the service URL is not a URL: ${url}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new WpsClientError(`the service URL must be http or https: ${url}`);
  u.search = "";
  u.hash = "";
  return u.href;
}

/** The base class of the protocol clients (see the module comment). */
export abstract class ClientBase implements ProcessingClient {
  /** The service endpoint (without query). */
  readonly url: string;
  /** Language asked for on every request. */
  readonly language?: string;
  /** The HTTP layer (credentials, TLS, downloads). */
  readonly transport: HttpTransport;
  /** The protocol this client speaks. */
  abstract readonly protocol: Protocol;
  #features: ServerFeatures;
  #caps: ServiceCapabilities | undefined;
  #all: readonly ProcessDescription[] | undefined;
  readonly #single = new Map<string, ProcessDescription>();
  readonly #cache: DescriptionCache | undefined;
  #refresh: boolean;
  #fromCache = false;

  /** The constructor does no I/O. */
  constructor(url: string, options: ConnectOptions, features: ServerFeatures) {
    this.url = serviceUrl(url);
    if (options.language !== undefined) this.language = options.language;
    this.transport = new HttpTransport(this.url, options);
    this.#cache = options.cache;
    this.#refresh = options.refresh === true;
    this.#features = features;
  }

  /** What this server can do. */
  get features(): ServerFeatures {
    return this.#features;
  }

  /** Update what is known about the server. */
  protected setFeatures(f: Partial<ServerFeatures>): void {
    this.#features = { ...this.#features, ...f };
  }

  /** Release pooled connections. */
  close(): void {
    this.transport.close();
  }

  /** Fetch what the server says about itself (the cache has been consulted already). */
  protected abstract fetchCapabilities(signal?: AbortSignal): Promise<ServiceCapabilities>;
  /** Fetch every description (the subclass falls back to one request per process where needed). */
  protected abstract fetchAll(caps: ServiceCapabilities, signal?: AbortSignal): Promise<ProcessDescription[]>;
  /** Fetch one description; undefined when the server has no such process. */
  protected abstract fetchOne(id: string, signal?: AbortSignal): Promise<ProcessDescription | undefined>;
  /** Called whenever capabilities are set (from the server, the cache or the protocol detection). */
  protected onCapabilities(_caps: ServiceCapabilities): void {}

  /**
   * Take capabilities already fetched (by the protocol detection of `connect()`, which read them anyway) instead of
   * fetching them again; they are cached like fetched ones.
   */
  async adoptCapabilities(caps: ServiceCapabilities): Promise<void> {
    this.#setCapabilities(caps);
    await this.#saveCache();
  }

  #setCapabilities(c: ServiceCapabilities): void {
    this.#caps = c;
    this.onCapabilities(c);
  }

  async #loadCache(): Promise<CachedService | undefined> {
    if (!this.#cache || this.#refresh) return undefined;
    const e = await this.#cache.load(this.url, this.language, this.protocol);
    return e && this.#cache.isFresh(e) ? e : undefined;
  }

  async #saveCache(): Promise<void> {
    if (!this.#cache || !this.#caps) return;
    await this.#cache.save({
      url: this.url,
      ...(this.language !== undefined ? { language: this.language } : {}),
      protocol: this.protocol,
      fetchedAt: Date.now(),
      capabilities: this.#caps,
      ...(this.#all ? { processes: this.#all } : {}),
    });
  }

  /** The server's capabilities (fetched once, or from the fresh cache entry). */
  async capabilities(signal?: AbortSignal): Promise<ServiceCapabilities> {
    if (this.#caps) return this.#caps;
    const cached = await this.#loadCache();
    if (cached) {
      this.#setCapabilities(cached.capabilities);
      if (cached.processes) this.#all = cached.processes;
      this.#fromCache = true;
      return cached.capabilities;
    }
    const caps = await this.fetchCapabilities(signal);
    this.#setCapabilities(caps);
    await this.#saveCache();
    return caps;
  }

  /** The processes the server offers. */
  async processes(signal?: AbortSignal): Promise<readonly wps1.Wps1ProcessBrief[]> {
    return (await this.capabilities(signal)).processes;
  }

  /** Every process description, fetched once; cached when the client has a cache. */
  async describeAll(signal?: AbortSignal): Promise<readonly ProcessDescription[]> {
    const caps = await this.capabilities(signal);
    if (this.#all) return this.#all;
    const all = await this.fetchAll(caps, signal);
    this.#all = all;
    await this.#saveCache();
    return all;
  }

  /**
   * One process description. With a cache, it comes from {@link describeAll} (so the next `--help` is instant);
   * without one, a single request. Unknown identifiers raise {@link UnknownProcessError}.
   */
  async describe(id: string, signal?: AbortSignal): Promise<ProcessDescription> {
    if (this.#cache) {
      let found = (await this.describeAll(signal)).find((p) => p.identifier === id);
      if (!found && this.#fromCache) {
        // The cached list may predate the process: look again before saying it does not exist.
        this.#refresh = true;
        this.#caps = undefined;
        this.#all = undefined;
        this.#fromCache = false;
        found = (await this.describeAll(signal)).find((p) => p.identifier === id);
      }
      if (!found)
        throw new UnknownProcessError(
          id,
          (this.#all ?? []).map((p) => p.identifier),
        );
      return found;
    }
    const known = this.#single.get(id) ?? this.#all?.find((p) => p.identifier === id);
    if (known) return known;
    const d = await this.fetchOne(id, signal);
    if (d) {
      this.#single.set(id, d);
      return d;
    }
    throw new UnknownProcessError(
      id,
      (await this.processes(signal)).map((p) => p.identifier),
    );
  }

  /** Execute a process (see {@link ProcessingClient.execute}). */
  abstract execute(processId: string, inputs?: InputValues, o?: ExecuteOptions): Promise<Job>;
  /** Attach to a job by id or URL. */
  abstract job(ref: string, signal?: AbortSignal, processId?: string): Promise<Job>;
  /** The server's job list. */
  abstract jobs(o?: JobListOptions): Promise<readonly JobSummary[]>;
  /** Dismiss a job by id. */
  abstract dismiss(jobId: string, signal?: AbortSignal): Promise<string>;

  /**
   * Download a referenced output into `dir` (the file name comes from the URL, or from the output id and media type)
   * and return the path.
   */
  async download(
    href: string,
    dir: string,
    o: DownloadOptions = {},
  ): Promise<{ readonly path: string; readonly bytes: number }> {
    let name = o.name;
    if (name === undefined) {
      let last = "";
      try {
        last = decodeURIComponent(basename(new URL(href).pathname));
      } catch {
        last = "";
      }
      name = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$/.test(last)
        ? last
        : `output${extensionForMimeType(o.mimeType)}`;
    }
    const path = join(dir, name);
    const r = await this.transport.download(href, path, {
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { path, bytes: r.bytes };
  }
}
