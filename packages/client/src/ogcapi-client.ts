/**
 * The OGC API – Processes client (Part 1: Core 1.0.0): the landing page's links lead to the process list and the job
 * list; descriptions come from `/processes/{id}` (JSON Schema per input, `ogcapi-describe.ts`); execution is a JSON
 * POST to the process's execute endpoint asking for a results document, asynchronously with `Prefer: respond-async`;
 * jobs are `statusInfo` resources followed by GET, their results read once they succeeded, `DELETE` dismisses them,
 * and `/jobs` is the server's own job list. Every JSON answer is read with the core's strict `parseJson`.
 *
 * Peers' documented differences this client absorbs (see also `ogcapi-documents.ts` and `ogcapi-describe.ts`):
 * - declared conformance classes are not relied on (ZOO-Project's default URIs are wrong; pygeoapi serves `/jobs`
 *   and `DELETE` without declaring job-list or dismiss): `/jobs` and `DELETE` are tried, and a 404/405/501 answer
 *   says the server does not offer them;
 * - a server may answer either way whatever `Prefer` asked (`/rec/core/process-execute-handle-prefer`): a 201 or a
 *   statusInfo is followed as a job, a 200 with results is a finished job;
 * - a job that is not found right after its 201 (pygeoapi#1672, ZOO-Project#72) is polled again (see `job.ts`);
 * - a `DELETE` refused for a finished job (ZOO-Project#92) reports the job's end state; a `DELETE` that leaves the
 *   job running (pygeoapi#2236) reports it as still running;
 * - a sync-only process is never asked to run async and an async-only one never sync (pygeoapi#2232), from
 *   `jobControlOptions` (both modes when a server leaves them out);
 * - the job list may hold bare job ids (Weaver without `detail`): their statuses are read one by one.
 */
import { parseJson } from "@roost/core";
import { ClientBase, mapLimit } from "./client-base.js";
import { NotSupportedError, ServerError, ServiceExceptionError } from "./errors.js";
import type { HttpResponse } from "./http.js";
import { type InputValues, prepareInputs, prepareOutputs } from "./inputs.js";
import {
  Job,
  type JobReading,
  type JobStatus,
  type JobTracker,
  type OutputResult,
  syncTracker,
} from "./job.js";
import { briefFromOgc, descriptionFromOgc } from "./ogcapi-describe.js";
import {
  exceptionsFromProblem,
  jobIdOf,
  linksOf,
  outputsFromResults,
  parseLinkHeader,
  processIdOf,
  relIs,
  statusFromOgc,
} from "./ogcapi-documents.js";
import { encodeOgcExecute } from "./ogcapi-execute.js";
import {
  type ConnectOptions,
  type ExecuteOptions,
  type JobListOptions,
  type JobSummary,
  type ProcessDescription,
  type ServiceCapabilities,
  syncSupported,
} from "./protocol-client.js";

const ACCEPT_JSON = "application/json, application/problem+json;q=0.9, */*;q=0.1";
/** Largest JSON document read (a results document with inline outputs can be big; the transport caps at 256 MiB). */
const MAX_JSON = 256 * 1024 * 1024;
/** Pages of the process list followed at most (a `next` link loop must end). */
const MAX_PAGES = 100;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isJsonType(res: HttpResponse): boolean {
  const t = String(res.headers["content-type"] ?? "").toLowerCase();
  return t === "" || /json/.test(t);
}

/** `child` resolved against `base` as a directory (`http://h/api` + `processes` → `http://h/api/processes`). */
function under(base: string, child: string): string {
  return new URL(child, base.endsWith("/") ? base : `${base}/`).href;
}

/** A connection to one OGC API – Processes server (`url`: its landing page). */
export class OgcApiClient extends ClientBase {
  /** Always `ogcapi`. */
  readonly protocol = "ogcapi" as const;
  #processesUrl: string;
  #jobsUrl: string;
  #landing: unknown;

  /** Use `connect()`, or this constructor to pin OGC API – Processes; the constructor does no I/O. */
  constructor(url: string, options: ConnectOptions = {}) {
    const language = options.language !== undefined ? { "Accept-Language": options.language } : {};
    super(
      url,
      { ...options, headers: { ...options.headers, ...language } },
      {
        protocol: "ogcapi-processes-1.0",
        dismiss: true,
        jobList: true,
        describeAll: false,
      },
    );
    this.#processesUrl = under(this.url, "processes");
    this.#jobsUrl = under(this.url, "jobs");
  }

  /** Use a landing page already read (by the protocol detection of `connect()`) instead of fetching it again. */
  useLanding(doc: unknown): void {
    this.#landing = doc;
  }

  /** The process list's URL (from the landing page once read). */
  get processesUrl(): string {
    return this.#processesUrl;
  }

  /** The job list's URL; a job is `<jobsUrl>/<id>`. */
  get jobsUrl(): string {
    return this.#jobsUrl;
  }

  /** A job's status URL. */
  jobUrl(jobId: string): string {
    return `${this.#jobsUrl.replace(/\/+$/, "")}/${encodeURIComponent(jobId)}`;
  }

  /** Read a JSON answer: the parsed document, or a ServiceExceptionError / ServerError for an error answer. */
  #json(res: HttpResponse): unknown {
    const host = new URL(res.url).host;
    let doc: unknown;
    let parseError: unknown;
    try {
      doc = res.body.length === 0 ? undefined : parseJson(res.body, { maxBytes: MAX_JSON });
    } catch (e) {
      parseError = e;
    }
    if (res.status >= 400) {
      const exceptions = exceptionsFromProblem(doc);
      if (exceptions.length > 0) throw new ServiceExceptionError(exceptions, res.status);
      throw new ServerError(`HTTP ${res.status} from ${host}`, { status: res.status });
    }
    if (parseError !== undefined || doc === undefined)
      throw new ServerError(
        `the response from ${host} is not JSON${parseError instanceof Error ? ` (${parseError.message})` : ""}`,
        { cause: parseError },
      );
    return doc;
  }

  /** GET a JSON document. */
  async getJson(url: string, signal?: AbortSignal): Promise<unknown> {
    return this.#json(
      await this.transport.request("GET", url, { accept: ACCEPT_JSON, ...(signal ? { signal } : {}) }),
    );
  }

  protected override onCapabilities(c: ServiceCapabilities): void {
    const get = (name: string) => c.operations[name]?.get;
    this.#processesUrl = get("processes") ?? this.#processesUrl;
    this.#jobsUrl = c.jobsUrl ?? this.#jobsUrl;
  }

  /** The landing page, then the process list (following `next` links). */
  protected async fetchCapabilities(signal?: AbortSignal): Promise<ServiceCapabilities> {
    const host = new URL(this.url).host;
    let landing: unknown = this.#landing;
    try {
      if (landing === undefined) landing = await this.getJson(this.url, signal);
    } catch (e) {
      if (e instanceof ServerError && e.status === undefined)
        throw new ServerError(
          `${this.url} is not an OGC API – Processes landing page (its answer is not JSON)`,
          {
            cause: e,
          },
        );
      throw e;
    }
    const links = linksOf(landing);
    if (!isObj(landing) || links.length === 0)
      throw new ServerError(`${this.url} is not an OGC API – Processes landing page (no links)`);
    const processes = links.find((l) => relIs(l.rel, "processes"))?.href ?? this.#processesUrl;
    const jobs = links.find((l) => relIs(l.rel, "job-list") || relIs(l.rel, "jobs"))?.href ?? this.#jobsUrl;
    const briefs = [];
    const seen = new Set<string>();
    let page: string | undefined = new URL(processes, this.url).href;
    for (let n = 0; page !== undefined && n < MAX_PAGES; n++) {
      const doc = await this.getJson(page, signal);
      const list = isObj(doc) ? doc.processes : doc;
      if (!Array.isArray(list)) throw new ServerError(`the process list of ${host} has no "processes" array`);
      for (const p of list.filter(isObj)) {
        const b = briefFromOgc(p);
        if (b && !seen.has(b.identifier)) {
          seen.add(b.identifier);
          briefs.push(b);
        }
      }
      const next: string | undefined = linksOf(doc).find((l) => l.rel === "next")?.href;
      page = next !== undefined && next !== page ? new URL(next, page).href : undefined;
    }
    const title = typeof landing.title === "string" ? landing.title : "";
    const abstract = typeof landing.description === "string" ? landing.description : undefined;
    return {
      version: "1.0.0",
      title,
      ...(abstract !== undefined ? { abstract } : {}),
      processes: briefs,
      languages: [],
      operations: { processes: { get: new URL(processes, this.url).href } },
      jobsUrl: new URL(jobs, this.url).href,
    };
  }

  protected async fetchAll(caps: ServiceCapabilities, signal?: AbortSignal): Promise<ProcessDescription[]> {
    return mapLimit(caps.processes, 4, async (p) => {
      const d = await this.fetchOne(p.identifier, signal);
      if (!d) throw new ServerError(`the description of process '${p.identifier}' is missing`);
      return d;
    });
  }

  protected async fetchOne(id: string, signal?: AbortSignal): Promise<ProcessDescription | undefined> {
    await this.capabilities(signal);
    const url = `${this.#processesUrl.replace(/\/+$/, "")}/${encodeURIComponent(id)}`;
    let doc: unknown;
    try {
      doc = await this.getJson(url, signal);
    } catch (e) {
      if ((e instanceof ServiceExceptionError || e instanceof ServerError) && e.status === 404)
        return undefined;
      throw e;
    }
    const d = isObj(doc) ? descriptionFromOgc(doc) : undefined;
    if (!d) throw new ServerError(`the description of process '${id}' names no process`);
    return d;
  }

  /** The outputs of a finished job's results answer (a document; 204 with Link headers; a raw single output). */
  async #outputsOf(res: HttpResponse, processId: string, signal?: AbortSignal): Promise<OutputResult[]> {
    let desc: ProcessDescription | undefined;
    try {
      if (processId !== "") desc = await this.describe(processId, signal);
    } catch {
      // Without a description the outputs are still read, only less precisely typed.
    }
    const outputs = desc?.outputs ?? [];
    if (res.status === 204) {
      return parseLinkHeader(res.headers.link).flatMap((l) => {
        const id = outputs.length === 1 ? outputs[0]!.identifier : l.rel;
        return id !== undefined
          ? [
              {
                id,
                kind: "reference" as const,
                href: new URL(l.href, res.url).href,
                ...(l.type ? { mimeType: l.type } : {}),
              },
            ]
          : [];
      });
    }
    if (isJsonType(res)) return outputsFromResults(this.#json(res), outputs);
    // A raw answer: the one output's own content.
    const only = outputs[0];
    const mimeType = String(res.headers["content-type"] ?? "application/octet-stream");
    const text = /^text\/|xml|json/i.test(mimeType);
    return [
      {
        id: only?.identifier ?? "output",
        kind: "complex",
        value: text ? res.body.toString("utf8") : res.body.toString("base64"),
        mimeType,
        ...(text ? {} : { encoding: "base64" }),
      },
    ];
  }

  /** Read a job: its statusInfo and, once it ended, its results or its failure's problem. */
  async read(
    statusUrl: string,
    processId: string,
    signal?: AbortSignal,
  ): Promise<JobReading & { processId: string }> {
    let doc: unknown;
    try {
      doc = await this.getJson(statusUrl, signal);
    } catch (e) {
      // "No such job" in whatever form: the client's own (a 404 ServerError), which polling retries a few times.
      if (e instanceof ServiceExceptionError && e.status === 404)
        throw new ServerError(`no job at ${statusUrl}`, { status: 404, cause: e });
      throw e;
    }
    const status = statusFromOgc(doc);
    if (status === undefined) throw new ServerError(`${statusUrl} is not a job status (statusInfo)`);
    const pid = processId !== "" ? processId : ((isObj(doc) ? processIdOf(doc) : undefined) ?? "");
    const links = linksOf(doc);
    const results =
      links.find((l) => relIs(l.rel, "results"))?.href ??
      links.find((l) => relIs(l.rel, "exceptions"))?.href ??
      `${statusUrl.replace(/\/+$/, "")}/results`;
    const resultsUrl = new URL(results, statusUrl).href;
    if (status.state === "succeeded") {
      const res = await this.transport.request("GET", resultsUrl, {
        accept: ACCEPT_JSON,
        ...(signal ? { signal } : {}),
      });
      if (res.status >= 400) this.#json(res);
      return { status, outputs: await this.#outputsOf(res, pid, signal), processId: pid };
    }
    if (status.state === "failed") {
      const res = await this.transport.request("GET", resultsUrl, {
        accept: ACCEPT_JSON,
        ...(signal ? { signal } : {}),
      });
      let exceptions: ReturnType<typeof exceptionsFromProblem> = [];
      try {
        exceptions = exceptionsFromProblem(parseJson(res.body, { maxBytes: MAX_JSON }));
      } catch {
        exceptions = [];
      }
      const message = status.message !== "" ? status.message : (exceptions[0]?.text ?? "");
      return {
        status: { ...status, message, ...(exceptions.length > 0 ? { exceptions } : {}) },
        processId: pid,
      };
    }
    return { status, processId: pid };
  }

  #tracker(id: string, statusUrl: string, processId: string, first: JobReading): JobTracker {
    return {
      processId,
      mode: "async",
      id,
      statusLocation: statusUrl,
      first,
      canDismiss: true,
      dismissUnsupportedReason: "",
      poll: (signal) => this.read(statusUrl, processId, signal),
      dismiss: async () => {
        await this.dismiss(id);
      },
    };
  }

  /**
   * Check the inputs, POST the execute request (`Prefer: respond-async` for an asynchronous run) and return the job:
   * finished when the server answered with results, followed through its statusInfo otherwise.
   */
  async execute(processId: string, inputs: InputValues = {}, o: ExecuteOptions = {}): Promise<Job> {
    const desc = await this.describe(processId, o.signal);
    const mode = o.mode ?? "auto";
    const canAsync = desc.storeSupported;
    if (mode === "async" && !canAsync)
      throw new NotSupportedError(`the process '${processId}' can only run synchronously`);
    const async = mode === "async" || (mode === "auto" && canAsync);
    if (!async && !syncSupported(desc))
      throw new NotSupportedError(`the process '${processId}' can only run asynchronously`);
    const prepared = await prepareInputs(desc, inputs);
    const outputs = prepareOutputs(desc, o.outputs ?? []);
    const body = JSON.stringify(encodeOgcExecute(desc, prepared, outputs));
    const url = `${this.#processesUrl.replace(/\/+$/, "")}/${encodeURIComponent(processId)}/execution`;
    const res = await this.transport.request("POST", url, {
      body,
      contentType: "application/json",
      accept: ACCEPT_JSON,
      ...(async ? { headers: { Prefer: "respond-async" } } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      timeoutMs: o.requestTimeoutMs ?? (async ? 60_000 : 0),
    });
    if (res.status >= 400) return this.#executeFailed(res, processId, async, o.signal);
    const location = res.headers.location;
    const doc = res.status === 204 || !isJsonType(res) ? undefined : this.#json(res);
    const status = doc !== undefined && res.status !== 200 ? statusFromOgc(doc) : statusLike(doc);
    if (res.status === 201 || (status !== undefined && isObj(doc) && jobIdOf(doc) !== undefined)) {
      const id = isObj(doc) ? jobIdOf(doc) : undefined;
      const statusUrl =
        location !== undefined ? new URL(location, url).href : id !== undefined ? this.jobUrl(id) : undefined;
      if (statusUrl === undefined)
        throw new ServerError(
          "the server accepted an asynchronous job but gave no Location or job id to follow",
        );
      const jobId =
        id ?? decodeURIComponent(new URL(statusUrl).pathname.split("/").filter(Boolean).pop() ?? "");
      return new Job(this.#tracker(jobId, statusUrl, processId, { status: status ?? accepted() }));
    }
    const outputs2 = await this.#outputsOf(res, processId, o.signal);
    return new Job(
      syncTracker(processId, {
        status: { state: "succeeded", percent: 100, message: "" },
        outputs: outputs2,
      }),
    );
  }

  /**
   * An execute answered with an error. A synchronous job that ran and failed still has a job resource when the
   * server recorded one (`Link: <…>; rel=monitor`, `/req/core/job-results-success-sync`): its statusInfo tells a
   * failed process (a finished job, exit 1) from a refused request.
   */
  async #executeFailed(
    res: HttpResponse,
    processId: string,
    async: boolean,
    signal?: AbortSignal,
  ): Promise<Job> {
    let refusal: unknown;
    try {
      this.#json(res);
    } catch (e) {
      refusal = e;
    }
    const monitor = parseLinkHeader(res.headers.link).find((l) => l.rel === "monitor");
    if (!async && monitor !== undefined && res.status >= 500) {
      try {
        const r = await this.read(new URL(monitor.href, res.url).href, processId, signal);
        if (r.status.state === "failed") {
          const exceptions =
            r.status.exceptions ?? (refusal instanceof ServiceExceptionError ? refusal.exceptions : []);
          const message = r.status.message !== "" ? r.status.message : (exceptions[0]?.text ?? "");
          return new Job(syncTracker(processId, { status: { ...r.status, message, exceptions } }));
        }
      } catch {
        // The job resource could not tell: report the error answer itself.
      }
    }
    throw refusal;
  }

  /** Attach to a job by id or job URL (`…/jobs/{id}`). */
  async job(ref: string, signal?: AbortSignal, processId = ""): Promise<Job> {
    await this.capabilities(signal);
    const isUrl = /^https?:\/\//i.test(ref);
    const statusUrl = isUrl ? ref : this.jobUrl(ref);
    let r: Awaited<ReturnType<OgcApiClient["read"]>>;
    try {
      r = await this.read(statusUrl, processId, signal);
    } catch (e) {
      if ((e instanceof ServiceExceptionError || e instanceof ServerError) && e.status === 404)
        throw new ServerError(`no job '${isUrl ? statusUrl : ref}' on this server`, {
          status: 404,
          cause: e,
        });
      throw e;
    }
    const id = isUrl
      ? decodeURIComponent(new URL(ref).pathname.split("/").filter(Boolean).pop() ?? ref)
      : ref;
    const { processId: pid, ...first } = r;
    return new Job(this.#tracker(id, statusUrl, pid, first));
  }

  /** The server's job list (`GET /jobs?limit=…`), newest first as the server orders it. */
  async jobs(o: JobListOptions = {}): Promise<readonly JobSummary[]> {
    await this.capabilities(o.signal);
    const u = new URL(this.#jobsUrl);
    if (o.limit !== undefined) u.searchParams.set("limit", String(o.limit));
    let doc: unknown;
    try {
      doc = await this.getJson(u.href, o.signal);
    } catch (e) {
      if (
        (e instanceof ServiceExceptionError || e instanceof ServerError) &&
        [404, 405, 501].includes(e.status ?? 0)
      )
        throw new NotSupportedError(
          `this server has no job list (${this.#jobsUrl} answered HTTP ${e.status})`,
        );
      throw e;
    }
    const list = isObj(doc) && Array.isArray(doc.jobs) ? doc.jobs : [];
    const summaries = await mapLimit(
      list.slice(0, o.limit ?? list.length),
      4,
      async (j): Promise<JobSummary | undefined> => {
        if (typeof j === "string") {
          // Weaver lists bare ids unless asked for details: read each status.
          try {
            const s = statusFromOgc(await this.getJson(this.jobUrl(j), o.signal));
            return s ? { id: j, status: s, statusLocation: this.jobUrl(j) } : undefined;
          } catch {
            return undefined;
          }
        }
        if (!isObj(j)) return undefined;
        const id = jobIdOf(j);
        const status = statusFromOgc(j);
        if (id === undefined || status === undefined) return undefined;
        const pid = processIdOf(j);
        const created = typeof j.created === "string" ? j.created : undefined;
        return {
          id,
          ...(pid !== undefined ? { processId: pid } : {}),
          status,
          ...(created !== undefined ? { created } : {}),
          statusLocation: this.jobUrl(id),
        };
      },
    );
    return summaries.filter((s): s is JobSummary => s !== undefined);
  }

  /**
   * Dismiss a job (`DELETE /jobs/{id}`): its state afterwards. A refused `DELETE` of a job that had already ended
   * answers that end state; 405/501 mean the server cannot dismiss jobs.
   */
  async dismiss(jobId: string, signal?: AbortSignal): Promise<string> {
    await this.capabilities(signal);
    const url = this.jobUrl(jobId);
    const res = await this.transport.request("DELETE", url, {
      accept: ACCEPT_JSON,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) throw new ServerError(`no job '${jobId}' on this server`, { status: 404 });
    if (res.status === 405 || res.status === 501)
      throw new NotSupportedError(`this server does not dismiss jobs (DELETE answered HTTP ${res.status})`);
    if (res.status >= 400) {
      const r = await this.read(url, "", signal).catch(() => undefined);
      if (r !== undefined && (r.status.state === "succeeded" || r.status.state === "failed"))
        return r.status.state;
      this.#json(res);
    }
    const status = res.body.length > 0 && isJsonType(res) ? statusFromOgc(this.#json(res)) : undefined;
    if (status !== undefined) return status.state;
    // No statusInfo in the answer: what the job resource says now.
    const r = await this.read(url, "", signal).catch(() => undefined);
    return r?.status.state ?? "dismissed";
  }
}

function accepted(): JobStatus {
  return { state: "accepted", message: "" };
}

/** A 200 answer that is a statusInfo rather than results (a server that ran the job asynchronously anyway). */
function statusLike(doc: unknown): JobStatus | undefined {
  if (!isObj(doc) || jobIdOf(doc) === undefined || typeof doc.status !== "string") return undefined;
  return statusFromOgc(doc);
}
