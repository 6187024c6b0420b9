/**
 * The job commands: `status`, `jobs` and `jobs cancel`, over any protocol. A job is named by its id or by the URL
 * `run --detach` printed, and that URL says the protocol: a WPS 2.0.0 GetStatus URL (`…?request=GetStatus&JobID=…`),
 * an OGC API job (`…/jobs/<id>`), or anything else a WPS 1.0.0 status document. A job id is looked up in the local
 * history, which knows its service and protocol; an id it does not know goes to the current service.
 */
import { DEFAULT_SERVICE_URL } from "../env.js";
import { NotSupportedError } from "../errors.js";
import { type HistoryEntry, JobHistory } from "../history.js";
import type { Job } from "../job.js";
import { isProtocol, type JobSummary, type Protocol } from "../protocol-client.js";
import { jobIdFromStatusLocation } from "../wps1-job.js";
import { jobIdFromGetStatusUrl } from "../wps2-client.js";
import { ExitCode, UsageError } from "./exit.js";
import { finish, follow, record } from "./follow.js";
import { fail, type Io, print, printJson, warnInsecure } from "./io.js";
import { type CommonOptions, openSession, protocolOf, type Session, serviceUrlOf } from "./options.js";
import { Progress } from "./progress.js";
import { statusLine, table } from "./render.js";

/** What a job URL says about the job: its protocol, its service (when the URL shows it) and its id. */
export interface JobUrl {
  readonly protocol: Protocol;
  readonly service?: string;
  readonly id?: string;
}

/** Read a job URL (see the module comment). */
export function parseJobUrl(url: string): JobUrl {
  const u = new URL(url);
  const wps2Id = jobIdFromGetStatusUrl(url);
  if (wps2Id !== undefined) {
    u.search = "";
    u.hash = "";
    return { protocol: "wps2", service: u.href, id: wps2Id };
  }
  const m = /^(.*\/)jobs\/([^/]+)\/?$/.exec(u.pathname);
  if (m && !/\.xml$/i.test(m[2] ?? "")) {
    return { protocol: "ogcapi", service: `${u.origin}${m[1]}`, id: decodeURIComponent(m[2] ?? "") };
  }
  const id = jobIdFromStatusLocation(url);
  return { protocol: "wps1", ...(id !== undefined ? { id } : {}) };
}

/** Where to reach a job and how to name it to its client. */
interface JobTarget {
  readonly service: string;
  readonly protocol?: Protocol;
  /** What the client's `job()` takes: the job URL or the id. */
  readonly ref: string;
  readonly id?: string;
  readonly known?: HistoryEntry;
}

function recordedProtocol(e: HistoryEntry): Protocol {
  return e.protocol !== undefined && isProtocol(e.protocol) ? e.protocol : "wps1";
}

async function targetOf(io: Io, ref: string, o: CommonOptions): Promise<JobTarget> {
  const history = new JobHistory(io.env.stateDir);
  if (/^https?:\/\//i.test(ref)) {
    const u = parseJobUrl(ref);
    const known = u.id !== undefined ? await history.find(u.id) : undefined;
    // A WPS 1.0.0 status URL does not show its service: the one given, the recorded one, or the URL's origin.
    const service = u.service ?? o.url ?? known?.service ?? io.env.serviceUrl ?? new URL(ref).origin;
    return {
      service,
      protocol: u.protocol,
      ref,
      ...(u.id !== undefined ? { id: u.id } : {}),
      ...(known !== undefined ? { known } : {}),
    };
  }
  const known = await history.find(ref);
  const pinned = o.protocol !== undefined ? protocolOf(o, io.env) : undefined;
  if (known !== undefined && pinned === undefined) {
    return {
      service: o.url ?? known.service,
      protocol: recordedProtocol(known),
      ref: known.statusLocation ?? known.id,
      id: known.id,
      known,
    };
  }
  return {
    service: serviceUrlOf(o, io.env),
    ...(pinned !== undefined ? { protocol: pinned } : {}),
    ref: known?.id ?? ref,
    id: known?.id ?? ref,
    ...(known !== undefined ? { known } : {}),
  };
}

/** Options of `roost status`. */
export interface StatusOptions extends CommonOptions {
  wait?: boolean;
  outputDir?: string;
  timeout?: string;
}

/**
 * `roost status <job-url|job-id>`: where the job stands, its outputs once it succeeded (exit 0), its failure (exit
 * 1). A job id unknown to the history is asked of the current service (WPS 1.0.0: Roost's status document layout,
 * `<base>/outputs/<id>.xml`; WPS 2.0.0: GetStatus; OGC API: `/jobs/<id>`).
 */
export async function statusCommand(io: Io, ref: string, o: StatusOptions): Promise<number> {
  let job: Job | undefined;
  try {
    const timeout = o.timeout !== undefined ? Number(o.timeout) : undefined;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0))
      throw new UsageError("--timeout must be a positive number of seconds");
    const t = await targetOf(io, ref, o);
    const s = await openSession(o, io.env, t.service, t.protocol);
    warnInsecure(io, o, s);
    try {
      job = await s.client.job(t.ref, undefined, t.known?.process);
      const progress = new Progress(io.stderr, { enabled: o.quiet !== true });
      const started = Date.now();
      if (o.wait === true && !job.done) {
        try {
          await follow(io, job, progress, timeout);
        } finally {
          await record(s, job);
        }
      }
      await record(
        s,
        job,
        t.known === undefined
          ? { submitted: job.status.time ?? new Date().toISOString(), process: job.processId }
          : {},
      );
      const process = job.processId !== "" ? job.processId : (t.known?.process ?? "");
      if (!job.done && o.json !== true) {
        print(io, `${job.id ?? t.ref}: ${process !== "" ? `${process} ` : ""}${statusLine(job.status)}`);
        return ExitCode.ok;
      }
      return await finish(io, s.client, job, o, o.outputDir, progress, started);
    } finally {
      s.client.close();
    }
  } catch (e) {
    const snapshot = job?.snapshot();
    return fail(io, e, o, snapshot !== undefined ? { job: snapshot, mode: "async" } : {});
  }
}

/** Options of `roost jobs`. */
export interface JobsOptions extends CommonOptions {
  all?: boolean;
  limit?: string;
}

/** A job of the server's list in the shape of a history entry (one `--json` shape for both lists). */
function entryOf(j: JobSummary, service: string, protocol: Protocol): HistoryEntry {
  return {
    id: j.id,
    service,
    protocol,
    process: j.processId ?? "",
    ...(j.statusLocation !== undefined ? { statusLocation: j.statusLocation } : {}),
    submitted: j.created ?? "",
    state: j.status.state,
    ...(j.status.percent !== undefined ? { percent: j.status.percent } : {}),
    ...(j.status.message !== "" ? { message: j.status.message } : {}),
    updated: j.status.time ?? j.created ?? "",
  };
}

function printJobs(io: Io, o: JobsOptions, list: readonly HistoryEntry[], note: string): void {
  if (o.json === true) {
    printJson(io, list);
    return;
  }
  const rows = list.map((j) => [
    j.id,
    j.process,
    `${j.state}${j.percent !== undefined && j.state === "running" ? ` ${Math.floor(j.percent)}%` : ""}`,
    j.submitted.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    ...(o.all === true ? [j.service] : []),
  ]);
  print(
    io,
    table([["JOB", "PROCESS", "STATE", "SUBMITTED", ...(o.all === true ? ["SERVICE"] : [])], ...rows]),
  );
  io.stderr.write(`${note}\n`);
}

/**
 * `roost jobs`: the server's own job list where the protocol has one (OGC API `/jobs`), otherwise the jobs this
 * computer submitted to the service (WPS cannot list jobs); `--all`: the local history of every service.
 */
export async function jobsCommand(io: Io, o: JobsOptions): Promise<number> {
  try {
    const limit = o.limit !== undefined ? Number(o.limit) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new UsageError("--limit must be a whole number from 1 to 10000");
    const history = new JobHistory(io.env.stateDir);
    let service = o.all === true ? undefined : serviceUrlOf(o, io.env);
    if (service !== undefined) {
      let s: Session | undefined;
      try {
        s = await openSession(o, io.env, service);
      } catch (e) {
        // Without the server, its protocol is unknown: the local history still answers.
        if (o.quiet !== true)
          io.stderr.write(
            `roost: ${e instanceof Error ? e.message : String(e)}; showing the local history\n`,
          );
      }
      if (s !== undefined) {
        try {
          service = s.serviceUrl;
          if (s.client.features.jobList) {
            const list = await s.client.jobs({ limit });
            const client = s.client;
            printJobs(
              io,
              o,
              list.map((j) => entryOf(j, client.url, client.protocol)),
              `(the server's job list${list.length >= limit ? `, the first ${limit} (--limit)` : ""}; \`roost status <job>\` follows one)`,
            );
            return ExitCode.ok;
          }
        } catch (e) {
          if (!(e instanceof NotSupportedError)) throw e;
        } finally {
          s.client.close();
        }
      }
    }
    let list = await history.list();
    if (service !== undefined) {
      const here = service;
      list = list.filter((j) => j.service === here);
    }
    if (list.length === 0 && o.json !== true) {
      io.stderr.write(
        `roost: no jobs submitted to ${service ?? "any service"} from here${o.all === true ? "" : " (--all shows every service)"}\n`,
      );
      return ExitCode.ok;
    }
    printJobs(io, o, list, "(states as last seen by this client; `roost status <job>` checks again)");
    return ExitCode.ok;
  } catch (e) {
    return fail(io, e, o);
  }
}

/**
 * `roost jobs cancel <job>`: dismiss a job — OGC API `DELETE /jobs/<id>`, WPS 2.0.0 Dismiss, WPS 1.0.0 through the
 * server's job resource (Roost advertises one; plain WPS 1.0.0 servers have none: exit 2). The service is the one
 * the job was submitted to when the local history knows it.
 */
export async function cancelCommand(io: Io, ref: string, o: CommonOptions): Promise<number> {
  try {
    const t = await targetOf(io, ref, o);
    const id = t.id;
    if (id === undefined || id === "") throw new UsageError(`'${ref.slice(0, 80)}' names no job`);
    // A WPS 1.0.0 status URL names the job, not the protocol to dismiss it with: the service decides.
    const protocol = t.protocol === "wps1" && t.known === undefined ? protocolOf(o, io.env) : t.protocol;
    const s = await openSession(o, io.env, t.service ?? DEFAULT_SERVICE_URL, protocol);
    warnInsecure(io, o, s);
    try {
      const state = await s.client.dismiss(id);
      if (t.known !== undefined) await s.history.record({ id, state });
      if (o.json === true) printJson(io, { job: id, state });
      else if (state === "dismissed") print(io, `${id}: dismissed`);
      else if (state === "accepted" || state === "running")
        // A Slurm job is dismissed once Slurm confirms the scancel, which can outlast the server's wait.
        print(io, `${id}: dismissal requested; the job is still ${state} (roost status ${id} follows it)`);
      else print(io, `${id}: had already ended: ${state}`);
      return ExitCode.ok;
    } finally {
      s.client.close();
    }
  } catch (e) {
    return fail(io, e, o);
  }
}
