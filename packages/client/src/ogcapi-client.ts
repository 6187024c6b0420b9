/**
 * The OGC API – Processes client (Part 1: Core 1.0.0): the landing page's links lead to the process list and the job
 * list; descriptions come from `/processes/{id}` (JSON Schema per input, `ogcapi-describe.ts`); execution is a JSON
 * POST to the process's execute endpoint asking for a results document, asynchronously with `Prefer: respond-async`;
 * jobs are `statusInfo` resources followed by GET, their results read once they succeeded, `DELETE` dismisses them,
 * and `/jobs` is the server's own job list. Every JSON answer is read with the core's strict `parseJson`.
 *
 * Jobs (following, the job list, `DELETE`) are in `ogcapi-jobs.ts`. Peers' documented differences this client absorbs
 * (see also `ogcapi-documents.ts` and `ogcapi-describe.ts`):
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
import { ClientBase, mapLimit } from "./client-base.js";
import { ServerError, ServiceExceptionError } from "./errors.js";
import type { InputValues } from "./execute-values.js";
import type { HttpResponse } from "./http.js";
import { prepareInputs, prepareOutputs } from "./inputs.js";
import { Job, type JobStatus, syncTracker } from "./job.js";
import { briefFromOgc, descriptionFromOgc } from "./ogcapi-describe.js";
import { jobIdOf, linksOf, parseLinkHeader, relIs, statusFromOgc } from "./ogcapi-documents.js";
import { encodeOgcExecute } from "./ogcapi-execute.js";
import {
  ACCEPT_JSON,
  dismissJob,
  isJsonAnswer,
  jsonAnswer,
  listJobs,
  type OgcJobHost,
  ogcJobTracker,
  outputsOfAnswer,
  readJob,
} from "./ogcapi-jobs.js";
import {
  type ConnectOptions,
  type ExecuteOptions,
  type JobListOptions,
  type JobSummary,
  type ProcessDescription,
  runsAsync,
  type ServiceCapabilities,
} from "./protocol-client.js";

/** Pages of the process list followed at most (a `next` link loop must end). */
const MAX_PAGES = 100;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `child` resolved against `base` as a directory (`http://h/api` + `processes` → `http://h/api/processes`). */
function under(base: string, child: string): string {
  return new URL(child, base.endsWith("/") ? base : `${base}/`).href;
}

/** A connection to one OGC API – Processes server (`url`: its landing page). */
export class OgcApiClient extends ClientBase implements OgcJobHost {
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

  /** GET a JSON document. */
  async getJson(url: string, signal?: AbortSignal): Promise<unknown> {
    return jsonAnswer(
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

  /** Read a job: its statusInfo and, once it ended, its results or its failure's problem. */
  read(statusUrl: string, processId: string, signal?: AbortSignal): ReturnType<typeof readJob> {
    return readJob(this, statusUrl, processId, signal);
  }

  /**
   * Check the inputs, POST the execute request (`Prefer: respond-async` for an asynchronous run) and return the job:
   * finished when the server answered with results, followed through its statusInfo otherwise.
   */
  async execute(processId: string, inputs: InputValues = {}, o: ExecuteOptions = {}): Promise<Job> {
    const desc = await this.describe(processId, o.signal);
    const async = runsAsync(desc, processId, o.mode);
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
    const doc = res.status === 204 || !isJsonAnswer(res) ? undefined : jsonAnswer(res);
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
      return new Job(ogcJobTracker(this, jobId, statusUrl, processId, { status: status ?? accepted() }));
    }
    const outputs2 = await outputsOfAnswer(this, res, processId, o.signal);
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
      jsonAnswer(res);
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
    return new Job(ogcJobTracker(this, id, statusUrl, pid, first));
  }

  /** The server's job list (`GET /jobs?limit=…`), in the server's order. */
  async jobs(o: JobListOptions = {}): Promise<readonly JobSummary[]> {
    await this.capabilities(o.signal);
    return listJobs(this, o);
  }

  /** Dismiss a job (`DELETE /jobs/{id}`): its state afterwards (see `dismissJob`). */
  async dismiss(jobId: string, signal?: AbortSignal): Promise<string> {
    await this.capabilities(signal);
    return dismissJob(this, jobId, signal);
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
