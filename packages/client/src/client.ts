/**
 * The client library: connect to a WPS server, list and describe its processes, execute them (sync or async), follow
 * jobs and download their outputs. Works against any WPS 1.0.0 server; what a server can do beyond WPS 1.0.0
 * (dismissing jobs, listing them) is a per-server {@link ServerFeatures} flag, never an assumption.
 *
 * @example
 * const wps = await connect("http://localhost:5000/wps");
 * const job = await wps.execute("sleep", { delay: 1 });
 * job.on("progress", (s) => console.log(s.percent, s.message));
 * const { outputs } = await job.result();
 */
import { basename, join } from "node:path";
import { wps1 } from "@roost/core/internal";
import type { CachedService, DescriptionCache } from "./cache.js";
import {
  NotSupportedError,
  ServerError,
  ServiceExceptionError,
  UnknownProcessError,
  WpsClientError,
} from "./errors.js";
import { encodeExecuteRequest } from "./execute-request.js";
import { type DownloadProgress, type HttpResponse, HttpTransport, type TransportOptions } from "./http.js";
import { type InputValues, type OutputChoice, prepareInputs, prepareOutputs } from "./inputs.js";
import { Job, type JobHost } from "./job.js";
import { extensionForMimeType } from "./mime.js";

/** What one server can do, detected when connecting. */
export interface ServerFeatures {
  /** The protocol spoken (only WPS 1.0.0 so far). */
  readonly protocol: "wps-1.0.0";
  /** Jobs can be dismissed (cancelled) through the protocol. */
  readonly dismiss: boolean;
  /** The server can list jobs. */
  readonly jobList: boolean;
  /** `DescribeProcess identifier=all` works (undefined until tried). */
  readonly describeAll?: boolean;
}

/** Options of {@link connect}. */
export interface ConnectOptions extends TransportOptions {
  /** Language asked for on every request (`fr-CA`); the server's default otherwise. */
  readonly language?: string;
  /** Cache capabilities and descriptions on disk (the CLI does); none by default. */
  readonly cache?: DescriptionCache;
  /** Ignore fresh cache entries (they are still rewritten). */
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
}

/** Options of {@link WpsClient.execute}. */
export interface ExecuteOptions {
  /**
   * `async`: store the response and follow the job (needs `storeSupported`); `sync`: wait for the response;
   * `auto` (default): async when the process allows it.
   */
  readonly mode?: "auto" | "sync" | "async";
  /** Formats and by-value/by-reference per output. Outputs not named are still returned, in their default form. */
  readonly outputs?: readonly OutputChoice[];
  /** Ask the server to echo inputs and output definitions. */
  readonly lineage?: boolean;
  readonly signal?: AbortSignal;
  /** Idle timeout of the Execute request itself (a synchronous Execute waits this long for an answer; 0 = forever). */
  readonly requestTimeoutMs?: number;
}

/**
 * Where Roost publishes the status document of a job: `<base>/outputs/<jobId>.xml`, the base being the service URL
 * without its final `/wps`. Only Roost (and PyWPS with Roost-like settings) uses this layout; for other servers, use
 * the full status location.
 */
export function roostStatusLocation(serviceUrl: string, jobId: string): string {
  const u = new URL(serviceUrl);
  u.search = "";
  u.hash = "";
  u.pathname = u.pathname.replace(/\/+$/, "").replace(/\/[^/]*$/, "");
  return `${u.href.replace(/\/+$/, "")}/outputs/${encodeURIComponent(jobId)}.xml`;
}

function kvp(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

/** Run `fn` over `items` with at most `limit` at a time, keeping the order of results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
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

/** A connection to one WPS server. */
export class WpsClient {
  /** The service endpoint (without query). */
  readonly url: string;
  /** Language asked for on every request. */
  readonly language?: string;
  /** The HTTP layer (credentials, TLS, downloads). */
  readonly transport: HttpTransport;
  #features: ServerFeatures;
  #caps: wps1.Wps1Capabilities | undefined;
  #all: readonly wps1.Wps1ProcessDescription[] | undefined;
  readonly #single = new Map<string, wps1.Wps1ProcessDescription>();
  readonly #cache: DescriptionCache | undefined;
  #refresh: boolean;
  #fromCache = false;

  /** Use {@link connect}; the constructor does no I/O. */
  constructor(url: string, options: ConnectOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:")
      throw new WpsClientError(`the service URL must be http or https: ${url}`);
    u.search = "";
    u.hash = "";
    this.url = u.href;
    if (options.language !== undefined) this.language = options.language;
    this.transport = new HttpTransport(this.url, options);
    this.#cache = options.cache;
    this.#refresh = options.refresh === true;
    this.#features = { protocol: "wps-1.0.0", dismiss: false, jobList: false };
  }

  /** What this server can do. */
  get features(): ServerFeatures {
    return this.#features;
  }

  /** Release pooled connections. */
  close(): void {
    this.transport.close();
  }

  /** Send a request and decode a WPS document; ExceptionReports become {@link ServiceExceptionError}. */
  async fetchDocument(url: string, signal?: AbortSignal): Promise<wps1.Wps1Response> {
    const res = await this.transport.request("GET", url, signal ? { signal } : {});
    return this.#decode(res);
  }

  #decode(res: HttpResponse): wps1.Wps1Response {
    const text = res.body.toString("utf8");
    let doc: wps1.Wps1Response;
    try {
      doc = wps1.decodeResponse(text);
    } catch (e) {
      const host = new URL(res.url).host;
      if (res.status >= 400) {
        const type = String(res.headers["content-type"] ?? "");
        const snippet = /^text\/plain/i.test(type) ? `: ${text.trim().slice(0, 200)}` : "";
        throw new ServerError(`HTTP ${res.status} from ${host}${snippet}`, { status: res.status, cause: e });
      }
      if (text.trim() === "") throw new ServerError(`empty response from ${host}`, { cause: e });
      throw new ServerError(
        `the response from ${host} is not a WPS 1.0.0 document (${e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
    }
    if (doc.kind === "exception") throw new ServiceExceptionError(doc.exceptions, res.status);
    if (res.status >= 400)
      throw new ServerError(`HTTP ${res.status} from ${new URL(res.url).host}`, { status: res.status });
    return doc;
  }

  async #loadCache(): Promise<CachedService | undefined> {
    if (!this.#cache || this.#refresh) return undefined;
    const e = await this.#cache.load(this.url, this.language);
    return e && this.#cache.isFresh(e) ? e : undefined;
  }

  async #saveCache(): Promise<void> {
    if (!this.#cache || !this.#caps) return;
    await this.#cache.save({
      url: this.url,
      ...(this.language !== undefined ? { language: this.language } : {}),
      fetchedAt: Date.now(),
      capabilities: this.#caps,
      ...(this.#all ? { processes: this.#all } : {}),
    });
  }

  #setCapabilities(c: wps1.Wps1Capabilities): void {
    this.#caps = c;
    // WPS 1.0.0 has no Dismiss and no job list; Roost advertises its job resource (DELETE <jobs>/<id>) in
    // ows:ExtendedCapabilities, other servers do not.
    this.#features = { ...this.#features, dismiss: c.jobsUrl !== undefined, jobList: false };
  }

  /**
   * Dismiss a job by id (Roost's job resource): resolves with the job's status afterwards (`dismissed`, or its end
   * state when it had already ended). {@link NotSupportedError} on servers without it.
   */
  async dismiss(jobId: string, signal?: AbortSignal): Promise<string> {
    const jobs = (await this.capabilities(signal)).jobsUrl;
    if (jobs === undefined)
      throw new NotSupportedError(
        "this server speaks WPS 1.0.0 without a job resource: it cannot dismiss jobs",
      );
    const res = await this.transport.request("DELETE", `${jobs}/${encodeURIComponent(jobId)}`, {
      accept: "application/json",
      ...(signal ? { signal } : {}),
    });
    let doc: { status?: unknown; detail?: unknown } = {};
    try {
      doc = JSON.parse(res.body.toString("utf8")) as typeof doc;
    } catch {
      // reported below by status
    }
    if (res.status === 404) throw new ServerError(`no job '${jobId}' on this server`, { status: 404 });
    if (res.status !== 200 || typeof doc.status !== "string") {
      throw new ServerError(`dismissing job '${jobId}' failed (HTTP ${res.status})`, { status: res.status });
    }
    return doc.status;
  }

  /** The server's capabilities (GetCapabilities, or the cache). */
  async capabilities(signal?: AbortSignal): Promise<wps1.Wps1Capabilities> {
    if (this.#caps) return this.#caps;
    const cached = await this.#loadCache();
    if (cached) {
      this.#setCapabilities(cached.capabilities);
      if (cached.processes) this.#all = cached.processes;
      this.#fromCache = true;
      return cached.capabilities;
    }
    const doc = await this.fetchDocument(
      kvp(this.url, {
        service: "WPS",
        request: "GetCapabilities",
        AcceptVersions: "1.0.0",
        language: this.language,
      }),
      signal,
    );
    if (doc.kind !== "capabilities")
      throw new ServerError(
        `GetCapabilities on ${new URL(this.url).host} did not return a Capabilities document`,
      );
    this.#setCapabilities(doc.capabilities);
    await this.#saveCache();
    return doc.capabilities;
  }

  /** The processes the server offers (from the capabilities). */
  async processes(signal?: AbortSignal): Promise<readonly wps1.Wps1ProcessBrief[]> {
    return (await this.capabilities(signal)).processes;
  }

  async #describe(ids: readonly string[], signal?: AbortSignal): Promise<wps1.Wps1ProcessDescription[]> {
    const doc = await this.fetchDocument(
      kvp(this.url, {
        service: "WPS",
        version: "1.0.0",
        request: "DescribeProcess",
        identifier: ids.join(","),
        language: this.language,
      }),
      signal,
    );
    if (doc.kind !== "descriptions")
      throw new ServerError(
        `DescribeProcess on ${new URL(this.url).host} did not return ProcessDescriptions`,
      );
    return [...doc.processes];
  }

  /**
   * Every process description: one `DescribeProcess identifier=all`, or one request per process when the server
   * refuses `all`. Cached when the client has a cache.
   */
  async describeAll(signal?: AbortSignal): Promise<readonly wps1.Wps1ProcessDescription[]> {
    const caps = await this.capabilities(signal);
    if (this.#all) return this.#all;
    let all: wps1.Wps1ProcessDescription[];
    try {
      all = await this.#describe(["all"], signal);
      // A server that treats "all" as a process name answers with nothing useful.
      if (all.length === 0 && caps.processes.length > 0) throw new ServerError("empty description list");
      this.#features = { ...this.#features, describeAll: true };
    } catch (e) {
      if (!(e instanceof ServiceExceptionError) && !(e instanceof ServerError)) throw e;
      this.#features = { ...this.#features, describeAll: false };
      all = await mapLimit(caps.processes, 4, async (p) => {
        const d = await this.#describe([p.identifier], signal);
        const one = d.find((x) => x.identifier === p.identifier) ?? d[0];
        if (!one) throw new ServerError(`DescribeProcess ${p.identifier} returned no description`);
        return one;
      });
    }
    this.#all = all;
    await this.#saveCache();
    return all;
  }

  /**
   * One process description. With a cache, it comes from {@link describeAll} (so the next `--help` is instant);
   * without one, a single DescribeProcess. Unknown identifiers raise {@link UnknownProcessError}.
   */
  async describe(id: string, signal?: AbortSignal): Promise<wps1.Wps1ProcessDescription> {
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
    try {
      const d = (await this.#describe([id], signal)).find((p) => p.identifier === id);
      if (d) {
        this.#single.set(id, d);
        return d;
      }
    } catch (e) {
      if (!(e instanceof ServiceExceptionError)) throw e;
      const procs = await this.processes(signal);
      if (procs.some((p) => p.identifier === id)) throw e;
    }
    throw new UnknownProcessError(
      id,
      (await this.processes(signal)).map((p) => p.identifier),
    );
  }

  /** The JobHost a job uses to talk back to this client. */
  #host(): JobHost {
    return {
      fetchDocument: (url, signal) => this.fetchDocument(url, signal),
      canDismiss: this.#features.dismiss,
      dismiss: async (job) => {
        if (job.id === undefined) throw new NotSupportedError("a synchronous job cannot be dismissed");
        await this.dismiss(job.id);
      },
    };
  }

  /**
   * Check the inputs against the description, send the Execute request (XML POST) and return the job: finished for
   * synchronous runs, to be followed with `wait()`/`result()` for asynchronous ones. Invalid inputs raise an
   * InputValidationError before anything is sent.
   */
  async execute(processId: string, inputs: InputValues = {}, o: ExecuteOptions = {}): Promise<Job> {
    const desc = await this.describe(processId, o.signal);
    const mode = o.mode ?? "auto";
    const canAsync = desc.storeSupported;
    if (mode === "async" && !canAsync)
      throw new NotSupportedError(`the process '${processId}' can only run synchronously`);
    const async = mode === "async" || (mode === "auto" && canAsync);
    const prepared = await prepareInputs(desc, inputs);
    const chosen = prepareOutputs(desc, o.outputs ?? []);
    // When some outputs are chosen, name the others too: a ResponseDocument with outputs returns only those listed.
    const outputs =
      chosen.length === 0
        ? []
        : desc.outputs.map((d) => chosen.find((c) => c.id === d.identifier) ?? { id: d.identifier });
    const body = encodeExecuteRequest(
      processId,
      prepared,
      { store: async, status: async && desc.statusSupported, lineage: o.lineage === true, outputs },
      this.language,
    );
    const res = await this.transport.request("POST", this.url, {
      body,
      contentType: "text/xml; charset=utf-8",
      ...(o.signal ? { signal: o.signal } : {}),
      // An asynchronous Execute answers at once; a synchronous one takes as long as the process.
      timeoutMs: o.requestTimeoutMs ?? (async ? 60_000 : 0),
    });
    const doc = this.#decode(res);
    if (doc.kind !== "execute")
      throw new ServerError(`Execute on ${new URL(this.url).host} did not return an ExecuteResponse`);
    const job = new Job(this.#host(), doc.execute, processId);
    if (async && job.statusLocation === undefined && !job.done)
      throw new ServerError("the server accepted an asynchronous job but gave no statusLocation to follow");
    return job;
  }

  /** Attach to an existing job by its status location (any WPS 1.0.0 server). */
  async job(statusLocation: string, signal?: AbortSignal): Promise<Job> {
    const doc = await this.fetchDocument(statusLocation, signal);
    if (doc.kind !== "execute") throw new ServerError(`${statusLocation} does not hold an ExecuteResponse`);
    // Some servers omit statusLocation in the stored document itself: keep the URL we were given.
    const r = doc.execute.statusLocation !== undefined ? doc.execute : { ...doc.execute, statusLocation };
    return new Job(this.#host(), r);
  }

  /** Jobs on the server; WPS 1.0.0 servers cannot list them ({@link NotSupportedError}). */
  async listJobs(): Promise<never> {
    throw new NotSupportedError(
      "this server speaks WPS 1.0.0, which cannot list jobs; `roost jobs` shows the jobs this computer submitted",
    );
  }

  /**
   * Download a referenced output into `dir` (the file name comes from the URL, or from the output id and media type)
   * and return the path.
   */
  async download(
    href: string,
    dir: string,
    o: {
      readonly name?: string;
      readonly mimeType?: string;
      readonly onProgress?: DownloadProgress;
      readonly signal?: AbortSignal;
    } = {},
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

/** Connect to a WPS server: reads its capabilities (or the fresh cache entry) and returns a client. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<WpsClient> {
  const c = new WpsClient(url, options);
  try {
    await c.capabilities(options.signal);
  } catch (e) {
    c.close();
    throw e;
  }
  return c;
}
