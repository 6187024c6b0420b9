/**
 * The client commands: `processes`, `describe`, `run`, `status`, `jobs`. Each returns its exit code; printing goes
 * through {@link Io} so the commands never touch `process` directly (the entry point in `index.ts` does).
 *
 * stdout carries results only (tables, outputs, the `--json` document); progress, notes and errors go to stderr.
 */
import { createInterface } from "node:readline";
import type { wps1 } from "@roost/core/internal";
import { roostStatusLocation, type WpsClient } from "../client.js";
import type { ClientEnvironment } from "../env.js";
import { AbortedError, NotSupportedError, ProcessFailedError } from "../errors.js";
import type { HistoryEntry } from "../history.js";
import type { InputValues } from "../inputs.js";
import type { Job, JobResult } from "../job.js";
import {
  parseOutputSpecs,
  parseProcessArgs,
  parseRunCommandLine,
  prescanCommonOptions,
  type RunOptions,
  toInputValues,
} from "./args.js";
import { ExitCode, exitCodeFor, UsageError } from "./exit.js";
import { type CommonOptions, openSession, type Session, serviceUrlOf } from "./options.js";
import { Progress, type ProgressStream } from "./progress.js";
import {
  renderDescription,
  renderProcesses,
  renderRunHelp,
  renderRunUsage,
  statusLine,
  table,
} from "./render.js";
import {
  errorDocument,
  jobDocument,
  type PresentedOutput,
  renderError,
  renderOutputs,
  saveOutputs,
} from "./results.js";

/** The outside world of a command. */
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: ProgressStream;
  /** Standard input, for `--<input> -` and the dismiss prompt. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: ClientEnvironment;
  /** Register a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

function print(io: Io, text: string): void {
  if (text !== "") io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function printJson(io: Io, doc: unknown): void {
  io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Report an error the way the options ask (JSON on stdout, text on stderr) and return its exit code. */
function fail(
  io: Io,
  e: unknown,
  o: CommonOptions,
  context: Parameters<typeof errorDocument>[1] = {},
): number {
  if (o.json === true) printJson(io, errorDocument(e, context));
  io.stderr.write(`${renderError(e, context.process)}\n`);
  return exitCodeFor(e);
}

function warnInsecure(io: Io, o: CommonOptions, s: Session): void {
  if (o.quiet === true || !s.serviceUrl.startsWith("https:")) return;
  if (o.insecure === true || !io.env.tlsVerify)
    io.stderr.write("roost: warning: TLS certificate verification is off\n");
}

async function withSession<T>(io: Io, o: CommonOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const s = openSession(o, io.env);
  warnInsecure(io, o, s);
  try {
    return await fn(s);
  } finally {
    s.client.close();
  }
}

/** `roost processes`. */
export async function processesCommand(io: Io, o: CommonOptions): Promise<number> {
  try {
    return await withSession(io, o, async (s) => {
      const all = await s.client.describeAll();
      if (o.json === true) {
        printJson(
          io,
          all.map((p) => ({
            identifier: p.identifier,
            title: p.title,
            abstract: p.abstract ?? null,
            version: p.version ?? null,
            sync: true,
            async: p.storeSupported,
          })),
        );
      } else print(io, renderProcesses(all));
      return ExitCode.ok;
    });
  } catch (e) {
    return fail(io, e, o);
  }
}

/** `roost describe <process>`. */
export async function describeCommand(io: Io, processId: string, o: CommonOptions): Promise<number> {
  try {
    return await withSession(io, o, async (s) => {
      const d = await s.client.describe(processId);
      if (o.json === true) printJson(io, d);
      else print(io, renderDescription(d));
      return ExitCode.ok;
    });
  } catch (e) {
    return fail(io, e, o, { process: processId });
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer | string) => chunks.push(typeof c === "string" ? Buffer.from(c) : c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

function ask(io: Io, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
    rl.on("SIGINT", () => {
      rl.close();
      resolve(false);
    });
  });
}

/**
 * Follow an async job until it ends, showing progress. Ctrl-C stops following: where the server can dismiss jobs the
 * user is asked whether to; otherwise the CLI says the job keeps running and how to follow it again.
 */
async function follow(
  io: Io,
  job: Job,
  progress: Progress,
  timeoutSeconds: number | undefined,
): Promise<void> {
  const ac = new AbortController();
  let interrupted = false;
  const remove = io.onInterrupt(() => {
    if (interrupted) {
      // A second Ctrl-C while asking or cleaning up: leave at once.
      progress.clear();
      io.stderr.write("\n");
      process.exit(ExitCode.interrupted);
    }
    interrupted = true;
    ac.abort();
  });
  // Terminal states are reported by `finish` (outputs or the failure), not as one more progress line.
  const onProgress = (st: { state: string; percent?: number; message: string }) => {
    if (st.state !== "succeeded" && st.state !== "failed") progress.status(st.state, st.percent, st.message);
  };
  job.on("progress", onProgress);
  job.announce();
  try {
    await job.wait({
      signal: ac.signal,
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    });
  } catch (e) {
    if (!(e instanceof AbortedError) || !interrupted) throw e;
    progress.clear();
    const again = `roost status ${job.statusLocation ?? job.id ?? ""}`.trim();
    if (!job.done) {
      let dismissed = false;
      if (!job.canDismiss) {
        io.stderr.write(`roost: ${new NotSupportedError(job.dismissUnsupportedReason).message}.\n`);
      } else if (
        io.stdin.isTTY === true &&
        (await ask(io, `Dismiss job ${job.id ?? ""} on the server? [y/N] `))
      ) {
        try {
          await job.dismiss();
          dismissed = true;
          io.stderr.write(`roost: job ${job.id ?? ""} dismissed\n`);
        } catch (x) {
          io.stderr.write(`${renderError(x)}\n`);
        }
      }
      if (dismissed) throw new AbortedError("interrupted; the job was dismissed");
    }
    // The caller reports it (as text or in the --json document) with exit code 130.
    throw new AbortedError(`interrupted; follow the job again with: ${again}`);
  } finally {
    remove();
    job.off("progress", onProgress);
  }
}

/** Print a finished job (outputs or failure) and return the exit code. */
async function finish(
  io: Io,
  client: WpsClient,
  job: Job,
  o: CommonOptions,
  outputDir: string | undefined,
  progress: Progress,
  started: number,
): Promise<number> {
  const r: JobResult = job.snapshot();
  if (r.status.state === "failed") {
    const err = new ProcessFailedError(r.status.exceptions ?? [], r.status.message, r.jobId);
    progress.clear();
    if (o.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.processFailed));
    io.stderr.write(`${renderError(err, r.processId)}\n`);
    return ExitCode.processFailed;
  }
  if (r.status.state !== "succeeded") {
    progress.clear();
    if (o.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.ok));
    else print(io, `${r.jobId ?? r.processId}: ${statusLine(r.status)}`);
    return ExitCode.ok;
  }
  let outputs: PresentedOutput[] = [...r.outputs];
  if (outputDir !== undefined) outputs = await saveOutputs(client, r.outputs, outputDir, progress);
  progress.clear();
  if (o.quiet !== true) {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(
      `${r.processId} succeeded${r.jobId !== undefined ? ` (job ${r.jobId})` : ""} in ${secs} s\n`,
    );
  }
  if (o.json === true) printJson(io, jobDocument(r, job.mode, outputs, ExitCode.ok));
  else print(io, renderOutputs(outputs));
  return ExitCode.ok;
}

async function record(s: Session, job: Job, extra: Partial<HistoryEntry> = {}): Promise<void> {
  if (job.id === undefined || job.statusLocation === undefined) return;
  await s.history.record({
    id: job.id,
    service: s.serviceUrl,
    process: job.processId,
    statusLocation: job.statusLocation,
    state: job.status.state,
    ...(job.status.percent !== undefined ? { percent: job.status.percent } : {}),
    message: job.status.message,
    ...extra,
  });
}

const CONNECTION_KEYS: readonly (keyof CommonOptions)[] = [
  "url",
  "token",
  "header",
  "insecure",
  "caFile",
  "cert",
  "language",
  "refresh",
];

function connectionKey(o: CommonOptions): string {
  return JSON.stringify(CONNECTION_KEYS.map((k) => o[k] ?? null));
}

/**
 * Open the session and parse the process arguments. Client options may follow the process identifier, and some of
 * them (`--url`, `--language`, `--token`…) decide where the description comes from — while only the description
 * says which tokens are inputs. So: guess the connection options without the description, describe, parse for real,
 * and describe again in the rare case the guess was wrong (an input named like a client option).
 */
async function resolveRun(
  io: Io,
  cl: ReturnType<typeof parseRunCommandLine>,
  pid: string,
): Promise<{
  session: Session;
  desc: wps1.Wps1ProcessDescription;
  raw: ReturnType<typeof parseProcessArgs>;
  run: RunOptions;
  common: CommonOptions;
}> {
  let effective = prescanCommonOptions(cl.common, cl.rest);
  for (let round = 0; ; round++) {
    const session = openSession(effective, io.env);
    try {
      warnInsecure(io, effective, session);
      const desc = await session.client.describe(pid);
      const common: CommonOptions = {
        ...cl.common,
        ...(cl.common.header ? { header: [...cl.common.header] } : {}),
      };
      const run: RunOptions = { ...cl.run, ...(cl.run.output ? { output: [...cl.run.output] } : {}) };
      const raw = parseProcessArgs(cl.rest, desc.inputs, { common, run });
      if (connectionKey(common) === connectionKey(effective) || round > 0)
        return { session, desc, raw, run, common };
      effective = common;
    } catch (e) {
      session.client.close();
      throw e;
    }
    session.client.close();
  }
}

/** `roost run [options] <process> --<input> <value> …` (arguments parsed by hand, see `args.ts`). */
export async function runCommand(io: Io, argv: readonly string[]): Promise<number> {
  let common: CommonOptions = {};
  let processId: string | undefined;
  let mode: "sync" | "async" | undefined;
  let job: Job | undefined;
  try {
    const cl = parseRunCommandLine(argv);
    common = cl.common;
    processId = cl.processId;
    if (processId === undefined) {
      if (cl.run.help === true) {
        let ids: string[] | undefined;
        try {
          const s = openSession(common, io.env);
          s.client.close();
          const cached = await s.cache.load(s.serviceUrl, common.language);
          ids = cached?.processes?.map((p) => p.identifier);
        } catch {
          ids = undefined;
        }
        print(io, renderRunUsage(ids));
        return ExitCode.ok;
      }
      throw new UsageError(
        "which process? roost run <process> --<input> <value> …",
        "list them with: roost processes",
      );
    }
    const pid = processId;
    // Until the description says otherwise, options after the process count too (so `--json` shapes early errors).
    common = prescanCommonOptions(cl.common, cl.rest);
    const resolved = await resolveRun(io, cl, pid);
    common = resolved.common;
    const { session: s, desc, raw, run } = resolved;
    try {
      if (run.help === true) {
        print(io, renderRunHelp(desc));
        return ExitCode.ok;
      }
      if (run.sync === true && (run.async === true || run.detach === true))
        throw new UsageError("--sync cannot be combined with --async or --detach");
      if ((run.async === true || run.detach === true) && !desc.storeSupported)
        throw new UsageError(
          `process '${pid}' can only run synchronously (it does not support stored responses); drop --async/--detach`,
        );
      const values: InputValues = await toInputValues(raw, desc.inputs, () => readAll(io.stdin));
      const outputs = parseOutputSpecs(
        run.output ?? [],
        desc.outputs.map((x) => x.identifier),
      );
      mode = run.sync === true || !desc.storeSupported ? "sync" : "async";
      const progress = new Progress(io.stderr, { enabled: common.quiet !== true });
      const started = Date.now();
      const ac = new AbortController();
      let removeInterrupt = () => {};
      if (mode === "sync") {
        progress.spin(`${pid}: running (synchronous request)`);
        removeInterrupt = io.onInterrupt(() => ac.abort());
      }
      try {
        job = await s.client.execute(pid, values, {
          mode,
          outputs,
          signal: ac.signal,
          ...(mode === "sync" && run.timeout !== undefined ? { requestTimeoutMs: run.timeout * 1000 } : {}),
        });
      } catch (e) {
        progress.clear();
        if (e instanceof AbortedError) {
          io.stderr.write("roost: interrupted; the server may still run the synchronous request\n");
        }
        throw e;
      } finally {
        removeInterrupt();
      }
      await record(s, job, { submitted: new Date(started).toISOString() });
      if (run.detach === true) {
        progress.clear();
        const r = job.snapshot();
        if (common.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.ok));
        else print(io, `${job.id ?? ""}\t${job.statusLocation ?? ""}`);
        return ExitCode.ok;
      }
      if (!job.done) {
        try {
          await follow(io, job, progress, run.timeout);
        } finally {
          await record(s, job);
        }
      }
      await record(s, job);
      return await finish(io, s.client, job, common, run.outputDir, progress, started);
    } finally {
      s.client.close();
    }
  } catch (e) {
    const snapshot = job?.snapshot();
    return fail(io, e, common, {
      ...(processId !== undefined ? { process: processId } : {}),
      ...(snapshot !== undefined ? { job: snapshot } : {}),
      ...(mode !== undefined ? { mode } : {}),
    });
  }
}

/** Options of `roost status`. */
export interface StatusOptions extends CommonOptions {
  wait?: boolean;
  outputDir?: string;
  timeout?: string;
}

/**
 * `roost status <status-url|job-id>`. A full status URL works with any WPS 1.0.0 server. A job id is looked up in the
 * local history first (which knows its status URL, whatever the server); failing that, Roost's layout is assumed:
 * `<service base>/outputs/<job-id>.xml`.
 */
export async function statusCommand(io: Io, ref: string, o: StatusOptions): Promise<number> {
  let job: Job | undefined;
  try {
    const timeout = o.timeout !== undefined ? Number(o.timeout) : undefined;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0))
      throw new UsageError("--timeout must be a positive number of seconds");
    const isUrl = /^https?:\/\//i.test(ref);
    const history = openSession(o, io.env, o.url ?? io.env.serviceUrl ?? (isUrl ? ref : undefined)).history;
    const known = isUrl ? undefined : await history.find(ref);
    let location: string;
    let service: string;
    if (isUrl) {
      location = ref;
      service = o.url ?? io.env.serviceUrl ?? new URL(ref).origin;
    } else if (known?.statusLocation !== undefined) {
      location = known.statusLocation;
      service = o.url ?? known.service;
    } else {
      service = serviceUrlOf(o, io.env);
      location = roostStatusLocation(service, ref);
    }
    const s = openSession(o, io.env, service);
    warnInsecure(io, o, s);
    try {
      job = await s.client.job(location);
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
        known === undefined ? { submitted: job.status.time ?? new Date().toISOString() } : {},
      );
      if (!job.done && o.json !== true) {
        print(
          io,
          `${job.id ?? location}: ${job.processId !== "" ? `${job.processId} ` : ""}${statusLine(job.status)}`,
        );
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
}

/**
 * `roost jobs`: the jobs this computer submitted (WPS 1.0.0 servers cannot list jobs). Only the current service's
 * jobs unless `--all`.
 */
export async function jobsCommand(io: Io, o: JobsOptions): Promise<number> {
  try {
    const s = openSession(o, io.env);
    s.client.close();
    let list = await s.history.list();
    if (o.all !== true) list = list.filter((j) => j.service === s.serviceUrl);
    if (o.json === true) {
      printJson(io, list);
      return ExitCode.ok;
    }
    if (list.length === 0) {
      io.stderr.write(
        `roost: no jobs submitted to ${s.serviceUrl} from here${o.all === true ? "" : " (--all shows every service)"}\n`,
      );
      return ExitCode.ok;
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
    io.stderr.write("(states as last seen by this client; `roost status <job>` checks again)\n");
    return ExitCode.ok;
  } catch (e) {
    return fail(io, e, o);
  }
}

/** The states `DELETE <jobs>/<id>` answers with, in the words the rest of the CLI uses. */
const OGC_STATES: Readonly<Record<string, string>> = { successful: "succeeded" };

/**
 * `roost jobs cancel <job>`: dismiss a job through the server's job resource (Roost advertises one; plain WPS 1.0.0
 * servers have none: exit 2). The service is the one the job was submitted to when the local history knows it.
 */
export async function cancelCommand(io: Io, ref: string, o: CommonOptions): Promise<number> {
  try {
    const isUrl = /^https?:\/\//i.test(ref);
    // A status URL of Roost ends in /<job-id>.xml; the id is what the job resource knows.
    const id = isUrl ? (new URL(ref).pathname.split("/").pop() ?? "").replace(/\.xml$/, "") : ref;
    if (id === "") throw new UsageError(`'${ref.slice(0, 80)}' names no job`);
    const history = openSession(o, io.env, o.url ?? io.env.serviceUrl ?? (isUrl ? ref : undefined)).history;
    const known = await history.find(id);
    const service = o.url ?? known?.service ?? serviceUrlOf(o, io.env);
    const s = openSession(o, io.env, service);
    warnInsecure(io, o, s);
    try {
      const raw = await s.client.dismiss(id);
      const state = OGC_STATES[raw] ?? raw;
      if (known !== undefined) await s.history.record({ id, state });
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

/** The process descriptions cached for a service (no network): for completion and quick help. */
export async function cachedDescriptions(
  io: Io,
  o: CommonOptions,
): Promise<readonly wps1.Wps1ProcessDescription[] | undefined> {
  try {
    const s = openSession(o, io.env);
    s.client.close();
    return (await s.cache.load(s.serviceUrl, o.language))?.processes;
  } catch {
    return undefined;
  }
}
