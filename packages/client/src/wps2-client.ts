/**
 * The WPS 2.0.0 client (OGC 14-065r2 with the Dismiss extension): GetCapabilities by KVP (`AcceptVersions=2.0.0`),
 * then every operation by XML POST — the one binding all of them have — with the core's WPS 2.0.0 encoders and
 * decoders (the server's own codec, so the two cannot drift). Jobs are followed by id: GetStatus while they run,
 * GetResult for the outputs (or the failure's exception report), Dismiss to cancel.
 *
 * A WPS 2.0.0 StatusInfo carries no message, so progress is a percentage alone; `NextPoll` paces the polling.
 * A synchronous Execute that fails answers an ExceptionReport, as a refused request does: an answer with HTTP status
 * 500 and only `NoApplicableCode` exceptions is read as the process's failure (Roost answers a failed synchronous
 * job so; a refused request is a 4xx with a specific code).
 */
import { wps2 } from "@roost/core/internal";
import { ClientBase, kvp, mapLimit } from "./client-base.js";
import { NotSupportedError, ServerError, ServiceExceptionError } from "./errors.js";
import { rawInput } from "./execute-request.js";
import type { InputValues } from "./execute-values.js";
import type { HttpResponse } from "./http.js";
import { prepareInputs, prepareOutputs } from "./inputs.js";
import {
  Job,
  type JobReading,
  type JobStatus,
  type JobTracker,
  type OutputResult,
  syncTracker,
} from "./job.js";
import {
  type ConnectOptions,
  type ExecuteOptions,
  type ProcessDescription,
  runsAsync,
  type ServiceCapabilities,
} from "./protocol-client.js";
import { outputResult } from "./wps1-job.js";

const XML = "text/xml; charset=utf-8";
const ACCEPT_XML = "text/xml, application/xml;q=0.9, */*;q=0.1";

/** A StatusInfo as a {@link JobStatus} (an extension's own status counts as running, named in the message). */
export function statusFromWps2(s: wps2.Wps2StatusInfo): JobStatus {
  const pct = s.percentCompleted !== undefined ? { percent: s.percentCompleted } : {};
  switch (s.kind) {
    case "accepted":
      return { state: "accepted", message: "" };
    case "running":
      return { state: "running", message: "", ...pct };
    case "succeeded":
      return { state: "succeeded", percent: 100, message: "" };
    case "failed":
      return { state: "failed", message: "" };
    case "dismissed":
      return { state: "dismissed", message: "" };
    case "unknown":
      return { state: "running", message: s.status, ...pct };
  }
}

function nextPollMs(s: wps2.Wps2StatusInfo): number | undefined {
  if (s.nextPoll === undefined) return undefined;
  const t = Date.parse(s.nextPoll);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** The JobID a WPS 2.0.0 GetStatus/GetResult URL names (`…?request=GetStatus&JobID=…`), if it is one. */
export function jobIdFromGetStatusUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  let request: string | undefined;
  let id: string | undefined;
  for (const [k, v] of u.searchParams) {
    if (k.toLowerCase() === "request") request = v;
    if (k.toLowerCase() === "jobid") id = v;
  }
  return request !== undefined && /^get(status|result)$/i.test(request) && id !== "" ? id : undefined;
}

/** A connection to one WPS 2.0.0 server. */
export class Wps2Client extends ClientBase {
  /** Always `wps2`. */
  readonly protocol = "wps2" as const;

  /** Use `connect()`, or this constructor to pin WPS 2.0.0; the constructor does no I/O. */
  constructor(url: string, options: ConnectOptions = {}) {
    super(url, options, { protocol: "wps-2.0.0", dismiss: false, jobList: false });
  }

  #decode(res: HttpResponse): wps2.Wps2Response {
    const text = res.body.toString("utf8");
    const host = new URL(res.url).host;
    let doc: wps2.Wps2Response;
    try {
      doc = wps2.decodeResponse(text);
    } catch (e) {
      if (res.status >= 400)
        throw new ServerError(`HTTP ${res.status} from ${host}`, { status: res.status, cause: e });
      if (text.trim() === "") throw new ServerError(`empty response from ${host}`, { cause: e });
      const v1 = text.includes("http://www.opengis.net/wps/1.0.0")
        ? " (it speaks WPS 1.0.0: --protocol wps1)"
        : "";
      throw new ServerError(
        `the response from ${host} is not a WPS 2.0.0 document${v1} (${e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
    }
    if (doc.kind === "exception") throw new ServiceExceptionError(doc.exceptions, res.status);
    if (res.status >= 400) throw new ServerError(`HTTP ${res.status} from ${host}`, { status: res.status });
    return doc;
  }

  /**
   * POST a job operation (GetStatus, GetResult, Dismiss): `NoSuchJob` becomes the client's "no job" error (a
   * ServerError with status 404, as for the other protocols).
   */
  async #jobOperation(jobId: string, body: string, signal?: AbortSignal): Promise<wps2.Wps2Response> {
    try {
      return await this.post(body, signal ? { signal } : {});
    } catch (e) {
      if (e instanceof ServiceExceptionError && e.exceptions.some((x) => x.code === "NoSuchJob"))
        throw new ServerError(`no job '${jobId}' on this server`, { status: 404, cause: e });
      throw e;
    }
  }

  /** POST one WPS 2.0.0 request document and decode the answer. */
  async post(body: string, o: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<wps2.Wps2Response> {
    const res = await this.transport.request("POST", this.url, {
      body,
      contentType: XML,
      accept: ACCEPT_XML,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
    return this.#decode(res);
  }

  protected override onCapabilities(c: ServiceCapabilities): void {
    // Dismiss is an extension: offered when the capabilities list the operation or a process advertises it.
    const offers =
      Object.hasOwn(c.operations, "Dismiss") ||
      c.processes.some(
        (p) => "jobControlOptions" in p && (p.jobControlOptions as readonly string[]).includes("dismiss"),
      );
    this.setFeatures({ dismiss: offers, jobList: false });
  }

  protected async fetchCapabilities(signal?: AbortSignal): Promise<ServiceCapabilities> {
    const url = kvp(this.url, {
      service: "WPS",
      request: "GetCapabilities",
      AcceptVersions: "2.0.0",
      AcceptLanguages: this.language,
    });
    const doc = this.#decode(
      await this.transport.request("GET", url, { accept: ACCEPT_XML, ...(signal ? { signal } : {}) }),
    );
    if (doc.kind !== "capabilities")
      throw new ServerError(
        `GetCapabilities on ${new URL(this.url).host} did not return a Capabilities document`,
      );
    return doc.capabilities;
  }

  async #describe(ids: readonly string[], signal?: AbortSignal): Promise<ProcessDescription[]> {
    const doc = await this.post(
      wps2.encodeDescribeProcessRequest(ids, this.language),
      signal ? { signal } : {},
    );
    if (doc.kind !== "offerings")
      throw new ServerError(`DescribeProcess on ${new URL(this.url).host} did not return ProcessOfferings`);
    return [...doc.processes];
  }

  /** One `DescribeProcess ALL`, or one request per process when the server refuses it. */
  protected async fetchAll(caps: ServiceCapabilities, signal?: AbortSignal): Promise<ProcessDescription[]> {
    try {
      const all = await this.#describe(["ALL"], signal);
      if (all.length === 0 && caps.processes.length > 0) throw new ServerError("empty description list");
      this.setFeatures({ describeAll: true });
      return all;
    } catch (e) {
      if (!(e instanceof ServiceExceptionError) && !(e instanceof ServerError)) throw e;
      this.setFeatures({ describeAll: false });
      return mapLimit(caps.processes, 4, async (p) => {
        const one = (await this.#describe([p.identifier], signal)).find((x) => x.identifier === p.identifier);
        if (!one) throw new ServerError(`DescribeProcess ${p.identifier} returned no description`);
        return one;
      });
    }
  }

  protected async fetchOne(id: string, signal?: AbortSignal): Promise<ProcessDescription | undefined> {
    try {
      return (await this.#describe([id], signal)).find((p) => p.identifier === id);
    } catch (e) {
      if (e instanceof ServiceExceptionError && e.exceptions.some((x) => x.code === "NoSuchProcess"))
        return undefined;
      throw e;
    }
  }

  /** The GetStatus URL of a job (KVP): what `roost status` takes to follow it again. */
  statusUrl(jobId: string): string {
    return kvp(this.url, { service: "WPS", version: "2.0.0", request: "GetStatus", JobID: jobId });
  }

  /** GetStatus. */
  async getStatus(jobId: string, signal?: AbortSignal): Promise<wps2.Wps2StatusInfo> {
    const doc = await this.#jobOperation(jobId, wps2.encodeGetStatus(jobId), signal);
    if (doc.kind !== "status")
      throw new ServerError(`GetStatus of job '${jobId}' did not return a StatusInfo`);
    return doc.status;
  }

  /** GetResult: the outputs (titled from the description when it is known). */
  async getResult(jobId: string, processId: string, signal?: AbortSignal): Promise<OutputResult[]> {
    const doc = await this.#jobOperation(jobId, wps2.encodeGetResult(jobId), signal);
    if (doc.kind !== "result") throw new ServerError(`GetResult of job '${jobId}' did not return a Result`);
    return this.#outputs(doc.result, processId, signal);
  }

  async #outputs(r: wps2.Wps2Result, processId: string, signal?: AbortSignal): Promise<OutputResult[]> {
    let titles = new Map<string, string>();
    try {
      titles = new Map((await this.describe(processId, signal)).outputs.map((o) => [o.identifier, o.title]));
    } catch {
      // Titles are a nicety: an unknown or undescribable process still has its outputs.
    }
    return r.outputs.map((o) => outputResult(o.identifier, o.value, titles.get(o.identifier)));
  }

  /** A job's reading: its status, plus the outputs (GetResult) or the failure's exceptions once it ended. */
  async read(jobId: string, processId: string, signal?: AbortSignal): Promise<JobReading> {
    const info = await this.getStatus(jobId, signal);
    const status = statusFromWps2(info);
    const hint = nextPollMs(info);
    const next = hint !== undefined ? { nextPollMs: hint } : {};
    if (status.state === "succeeded")
      return { status, outputs: await this.getResult(jobId, processId, signal) };
    if (status.state === "failed") {
      try {
        await this.post(wps2.encodeGetResult(jobId), signal ? { signal } : {});
      } catch (e) {
        if (e instanceof ServiceExceptionError)
          return { status: { ...status, message: e.exceptions[0]?.text ?? "", exceptions: e.exceptions } };
        throw e;
      }
    }
    return { status, ...next };
  }

  #tracker(jobId: string, processId: string, first: JobReading): JobTracker {
    return {
      processId,
      mode: "async",
      id: jobId,
      statusLocation: this.statusUrl(jobId),
      first,
      canDismiss: this.features.dismiss,
      dismissUnsupportedReason:
        "this WPS 2.0.0 server does not offer the Dismiss operation; the job keeps running on the server",
      poll: (signal) => this.read(jobId, processId, signal),
      dismiss: async () => {
        await this.dismiss(jobId);
      },
    };
  }

  /**
   * Check the inputs, send the Execute request (`mode` sync or async, `response` document) and return the job:
   * finished for synchronous runs (outputs, or the failure), followed by GetStatus for asynchronous ones.
   */
  async execute(processId: string, inputs: InputValues = {}, o: ExecuteOptions = {}): Promise<Job> {
    const desc = await this.describe(processId, o.signal);
    await this.capabilities(o.signal);
    const async = runsAsync(desc, processId, o.mode);
    const prepared = await prepareInputs(desc, inputs);
    const chosen = prepareOutputs(desc, o.outputs ?? []);
    // When some outputs are chosen, name the others too: an Execute naming outputs returns only those.
    const outputs =
      chosen.length === 0
        ? []
        : desc.outputs.map((d) => chosen.find((c) => c.id === d.identifier) ?? { id: d.identifier });
    const body = wps2.encodeExecuteRequest({
      processId,
      inputs: prepared.map(rawInput),
      mode: async ? "async" : "sync",
      response: "document",
      outputs,
    });
    let doc: wps2.Wps2Response;
    try {
      doc = await this.post(body, {
        ...(o.signal ? { signal: o.signal } : {}),
        timeoutMs: o.requestTimeoutMs ?? (async ? 60_000 : 0),
      });
    } catch (e) {
      if (!async && e instanceof ServiceExceptionError && processFailure(e)) {
        const status: JobStatus = {
          state: "failed",
          message: e.exceptions[0]?.text ?? "",
          exceptions: e.exceptions,
        };
        return new Job(syncTracker(processId, { status }));
      }
      throw e;
    }
    if (doc.kind === "status")
      return new Job(this.#tracker(doc.status.jobId, processId, { status: statusFromWps2(doc.status) }));
    if (doc.kind === "result") {
      const outputs = await this.#outputs(doc.result, processId, o.signal);
      return new Job(
        syncTracker(processId, { status: { state: "succeeded", percent: 100, message: "" }, outputs }),
      );
    }
    throw new ServerError(`Execute on ${new URL(this.url).host} returned neither a StatusInfo nor a Result`);
  }

  /** Attach to a job by id or GetStatus URL (GetStatus, then GetResult once it ended). */
  async job(ref: string, signal?: AbortSignal, processId = ""): Promise<Job> {
    const id = /^https?:\/\//i.test(ref) ? jobIdFromGetStatusUrl(ref) : ref;
    if (id === undefined || id === "")
      throw new NotSupportedError(`'${ref.slice(0, 120)}' is not a WPS 2.0.0 GetStatus URL or a job id`);
    await this.capabilities(signal);
    const first = await this.read(id, processId, signal);
    return new Job(this.#tracker(id, processId, first));
  }

  /** WPS 2.0.0 cannot list jobs ({@link NotSupportedError}). */
  async jobs(): Promise<never> {
    throw new NotSupportedError(
      "WPS 2.0.0 cannot list jobs; `roost jobs` shows the jobs this computer submitted",
    );
  }

  /** Dismiss a job (the Dismiss extension): its state afterwards (`dismissed`, or its end state if it had ended). */
  async dismiss(jobId: string, signal?: AbortSignal): Promise<string> {
    const doc = await this.#jobOperation(jobId, wps2.encodeDismiss(jobId), signal);
    if (doc.kind !== "status") throw new ServerError(`Dismiss of job '${jobId}' did not return a StatusInfo`);
    return statusFromWps2(doc.status).state;
  }
}

/** A refusal of a synchronous Execute that is the process's own failure (see the module comment). */
function processFailure(e: ServiceExceptionError): boolean {
  return (
    e.status === 500 && e.exceptions.length > 0 && e.exceptions.every((x) => x.code === "NoApplicableCode")
  );
}
