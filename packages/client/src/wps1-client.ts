/**
 * The WPS 1.0.0 client: GetCapabilities, DescribeProcess (`identifier=all`, or one request per process where a server
 * refuses `all`), Execute by XML POST (sync, or async with a stored status document to poll). Works against any WPS
 * 1.0.0 server; what a server can do beyond WPS 1.0.0 (Roost's job resource, which dismisses jobs) is a
 * {@link ServerFeatures} flag, never an assumption.
 *
 * @example
 * const wps = new Wps1Client("http://localhost:5000/wps");
 * const job = await wps.execute("sleep", { delay: 1 });
 * job.on("progress", (s) => console.log(s.percent, s.message));
 * const { outputs } = await job.result();
 */
import { wps1 } from "@roost/core/internal";
import { ClientBase, kvp, mapLimit } from "./client-base.js";
import { NotSupportedError, ServerError, ServiceExceptionError } from "./errors.js";
import { encodeExecuteRequest } from "./execute-request.js";
import type { InputValues } from "./execute-values.js";
import type { HttpResponse } from "./http.js";
import { prepareInputs, prepareOutputs } from "./inputs.js";
import { Job } from "./job.js";
import {
  type ConnectOptions,
  type ExecuteOptions,
  type ProcessDescription,
  runsAsync,
  type ServiceCapabilities,
} from "./protocol-client.js";
import type { JobHost } from "./wps1-job.js";

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

/** The states Roost's job resource (`DELETE <jobs>/<id>`, OGC API words) answers with, in the client's words. */
const OGC_STATES: Readonly<Record<string, string>> = { successful: "succeeded" };

/** A connection to one WPS 1.0.0 server. */
export class Wps1Client extends ClientBase {
  /** Always `wps1`. */
  readonly protocol = "wps1" as const;

  /** Use `connect()`, or this constructor to pin WPS 1.0.0; the constructor does no I/O. */
  constructor(url: string, options: ConnectOptions = {}) {
    super(url, options, { protocol: "wps-1.0.0", dismiss: false, jobList: false });
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

  protected override onCapabilities(c: ServiceCapabilities): void {
    // WPS 1.0.0 has no Dismiss and no job list; Roost advertises its job resource (DELETE <jobs>/<id>) in
    // ows:ExtendedCapabilities, other servers do not.
    this.setFeatures({ dismiss: c.jobsUrl !== undefined, jobList: false });
  }

  protected async fetchCapabilities(signal?: AbortSignal): Promise<ServiceCapabilities> {
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
    return doc.capabilities;
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

  /** One `DescribeProcess identifier=all`, or one request per process when the server refuses `all`. */
  protected async fetchAll(caps: ServiceCapabilities, signal?: AbortSignal): Promise<ProcessDescription[]> {
    try {
      const all = await this.#describe(["all"], signal);
      // A server that treats "all" as a process name answers with nothing useful.
      if (all.length === 0 && caps.processes.length > 0) throw new ServerError("empty description list");
      this.setFeatures({ describeAll: true });
      return all;
    } catch (e) {
      if (!(e instanceof ServiceExceptionError) && !(e instanceof ServerError)) throw e;
      this.setFeatures({ describeAll: false });
      return mapLimit(caps.processes, 4, async (p) => {
        const d = await this.#describe([p.identifier], signal);
        const one = d.find((x) => x.identifier === p.identifier) ?? d[0];
        if (!one) throw new ServerError(`DescribeProcess ${p.identifier} returned no description`);
        return one;
      });
    }
  }

  protected async fetchOne(id: string, signal?: AbortSignal): Promise<ProcessDescription | undefined> {
    try {
      return (await this.#describe([id], signal)).find((p) => p.identifier === id);
    } catch (e) {
      if (!(e instanceof ServiceExceptionError)) throw e;
      // An exception about a process the server does list is a real error, not "no such process".
      if ((await this.processes(signal)).some((p) => p.identifier === id)) throw e;
      return undefined;
    }
  }

  /**
   * Dismiss a job by id (Roost's job resource): resolves with the job's state afterwards (`dismissed`, or its end
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
    return OGC_STATES[doc.status] ?? doc.status;
  }

  /** The JobHost a job uses to talk back to this client. */
  #host(): JobHost {
    return {
      fetchDocument: (url, signal) => this.fetchDocument(url, signal),
      canDismiss: this.features.dismiss,
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
    const async = runsAsync(desc, processId, o.mode);
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

  /**
   * Attach to an existing job by its status location (any WPS 1.0.0 server), or by its id on Roost (whose status
   * documents are at `<base>/outputs/<id>.xml`).
   */
  async job(ref: string, signal?: AbortSignal, processId = ""): Promise<Job> {
    const statusLocation = /^https?:\/\//i.test(ref) ? ref : roostStatusLocation(this.url, ref);
    const doc = await this.fetchDocument(statusLocation, signal);
    if (doc.kind !== "execute") throw new ServerError(`${statusLocation} does not hold an ExecuteResponse`);
    // Some servers omit statusLocation in the stored document itself: keep the URL we were given.
    const r = doc.execute.statusLocation !== undefined ? doc.execute : { ...doc.execute, statusLocation };
    return new Job(this.#host(), r, processId);
  }

  /** Jobs on the server; WPS 1.0.0 servers cannot list them ({@link NotSupportedError}). */
  async jobs(): Promise<never> {
    throw new NotSupportedError(
      "this server speaks WPS 1.0.0, which cannot list jobs; `roost jobs` shows the jobs this computer submitted",
    );
  }

  /** Same as {@link jobs} (the name of the 1.0.0-only client). */
  async listJobs(): Promise<never> {
    return this.jobs();
  }
}

/** The WPS 1.0.0 client under its original name. */
export const WpsClient = Wps1Client;
/** The WPS 1.0.0 client under its original name. */
export type WpsClient = Wps1Client;
