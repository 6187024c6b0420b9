/**
 * OGC API – Processes jobs, for `OgcApiClient`: reading a server's JSON answers (documents, or their problems as the
 * client's errors), following a job (`statusInfo`, then its results or its failure's problem), the job list and
 * `DELETE`. The peers' differences these absorb are listed in `ogcapi-client.ts`.
 */
import { parseJson } from "@roost/core/internal";
import { mapLimit } from "./client-base.js";
import { NotSupportedError, ServerError, ServiceExceptionError } from "./errors.js";
import type { HttpResponse, HttpTransport } from "./http.js";
import type { JobException, JobReading, JobTracker, OutputResult } from "./job.js";
import {
  exceptionsFromProblem,
  jobIdOf,
  linksOf,
  outputFromOgc,
  outputsFromResults,
  parseLinkHeader,
  processIdOf,
  relIs,
  statusFromOgc,
} from "./ogcapi-documents.js";
import type { JobListOptions, JobSummary, ProcessDescription } from "./protocol-client.js";

/** What the client sends as `Accept` for JSON documents (problems are JSON too). */
export const ACCEPT_JSON = "application/json, application/problem+json;q=0.9, */*;q=0.1";
/** Largest JSON document read (a results document with inline outputs can be big; the transport caps at 256 MiB). */
const MAX_JSON = 256 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What the job functions need from the client. */
export interface OgcJobHost {
  readonly transport: HttpTransport;
  /** The job list's URL. */
  readonly jobsUrl: string;
  /** A job's status URL. */
  jobUrl(jobId: string): string;
  getJson(url: string, signal?: AbortSignal): Promise<unknown>;
  describe(processId: string, signal?: AbortSignal): Promise<ProcessDescription>;
  dismiss(jobId: string, signal?: AbortSignal): Promise<string>;
}

/** True when an answer is (or may be) JSON. */
export function isJsonAnswer(res: HttpResponse): boolean {
  const t = String(res.headers["content-type"] ?? "").toLowerCase();
  return t === "" || /json/.test(t);
}

/**
 * A JSON answer read with the core's strict parser: the document, or for an error status the client's error — a
 * ServiceExceptionError with the problem's exceptions, or a ServerError when it states none.
 */
export function jsonAnswer(res: HttpResponse): unknown {
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

/** The exceptions an error answer states (none when it is not a problem document). */
function exceptionsOf(res: HttpResponse): JobException[] {
  try {
    return exceptionsFromProblem(parseJson(res.body, { maxBytes: MAX_JSON }));
  } catch {
    return [];
  }
}

/**
 * The outputs of a results answer (a document; 204 with the outputs as `Link` headers; a raw single output), typed
 * by the process's description when it can be read.
 */
export async function outputsOfAnswer(
  host: OgcJobHost,
  res: HttpResponse,
  processId: string,
  signal?: AbortSignal,
): Promise<OutputResult[]> {
  let desc: ProcessDescription | undefined;
  try {
    if (processId !== "") desc = await host.describe(processId, signal);
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
  if (isJsonAnswer(res)) return outputsFromResults(jsonAnswer(res), outputs);
  // A raw answer: the one output's own content.
  const only = outputs[0];
  const mimeType = String(res.headers["content-type"] ?? "application/octet-stream");
  const text = /^text\/|xml|json/i.test(mimeType);
  if (only?.kind === "literal" && text)
    return [outputFromOgc(only.identifier, res.body.toString("utf8"), only)];
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
export async function readJob(
  host: OgcJobHost,
  statusUrl: string,
  processId: string,
  signal?: AbortSignal,
): Promise<JobReading & { processId: string }> {
  let doc: unknown;
  try {
    doc = await host.getJson(statusUrl, signal);
  } catch (e) {
    // "No such job" in whatever form: the client's own (a 404 ServerError), which polling retries a few times.
    if (e instanceof ServiceExceptionError && e.status === 404)
      throw new ServerError(`no job at ${statusUrl}`, { status: 404, cause: e });
    throw e;
  }
  const status = statusFromOgc(doc);
  if (status === undefined) throw new ServerError(`${statusUrl} is not a job status (statusInfo)`);
  const pid = processId !== "" ? processId : ((isObj(doc) ? processIdOf(doc) : undefined) ?? "");
  if (status.state !== "succeeded" && status.state !== "failed") return { status, processId: pid };
  const links = linksOf(doc);
  const results =
    links.find((l) => relIs(l.rel, "results"))?.href ??
    links.find((l) => relIs(l.rel, "exceptions"))?.href ??
    `${statusUrl.replace(/\/+$/, "")}/results`;
  const res = await host.transport.request("GET", new URL(results, statusUrl).href, {
    accept: ACCEPT_JSON,
    ...(signal ? { signal } : {}),
  });
  if (status.state === "succeeded") {
    if (res.status >= 400) jsonAnswer(res);
    return { status, outputs: await outputsOfAnswer(host, res, pid, signal), processId: pid };
  }
  const exceptions = exceptionsOf(res);
  const message = status.message !== "" ? status.message : (exceptions[0]?.text ?? "");
  return { status: { ...status, message, ...(exceptions.length > 0 ? { exceptions } : {}) }, processId: pid };
}

/** The tracker of an asynchronous job at `statusUrl`. */
export function ogcJobTracker(
  host: OgcJobHost,
  id: string,
  statusUrl: string,
  processId: string,
  first: JobReading,
): JobTracker {
  return {
    processId,
    mode: "async",
    id,
    statusLocation: statusUrl,
    first,
    canDismiss: true,
    dismissUnsupportedReason: "",
    poll: (signal) => readJob(host, statusUrl, processId, signal),
    dismiss: async () => {
      await host.dismiss(id);
    },
  };
}

/** The server's job list (`GET /jobs?limit=…`), in the server's order. */
export async function listJobs(host: OgcJobHost, o: JobListOptions = {}): Promise<JobSummary[]> {
  const u = new URL(host.jobsUrl);
  if (o.limit !== undefined) u.searchParams.set("limit", String(o.limit));
  let doc: unknown;
  try {
    doc = await host.getJson(u.href, o.signal);
  } catch (e) {
    if (
      (e instanceof ServiceExceptionError || e instanceof ServerError) &&
      [404, 405, 501].includes(e.status ?? 0)
    )
      throw new NotSupportedError(`this server has no job list (${host.jobsUrl} answered HTTP ${e.status})`);
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
          const s = statusFromOgc(await host.getJson(host.jobUrl(j), o.signal));
          return s ? { id: j, status: s, statusLocation: host.jobUrl(j) } : undefined;
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
        statusLocation: host.jobUrl(id),
      };
    },
  );
  return summaries.filter((s): s is JobSummary => s !== undefined);
}

/**
 * `DELETE /jobs/{id}`: the job's state afterwards. A refused `DELETE` of a job that had already ended answers that end
 * state (ZOO-Project#92); 405/501 mean the server cannot dismiss jobs; an answer without a statusInfo is completed by
 * reading the job (still running where the work was not stopped, pygeoapi#2236; gone counts as dismissed).
 */
export async function dismissJob(host: OgcJobHost, jobId: string, signal?: AbortSignal): Promise<string> {
  const url = host.jobUrl(jobId);
  const res = await host.transport.request("DELETE", url, {
    accept: ACCEPT_JSON,
    ...(signal ? { signal } : {}),
  });
  if (res.status === 404) throw new ServerError(`no job '${jobId}' on this server`, { status: 404 });
  if (res.status === 405 || res.status === 501)
    throw new NotSupportedError(`this server does not dismiss jobs (DELETE answered HTTP ${res.status})`);
  if (res.status >= 400) {
    const r = await readJob(host, url, "", signal).catch(() => undefined);
    if (r !== undefined && (r.status.state === "succeeded" || r.status.state === "failed"))
      return r.status.state;
    jsonAnswer(res);
  }
  const status = res.body.length > 0 && isJsonAnswer(res) ? statusFromOgc(jsonAnswer(res)) : undefined;
  if (status !== undefined) return status.state;
  const r = await readJob(host, url, "", signal).catch(() => undefined);
  return r?.status.state ?? "dismissed";
}
