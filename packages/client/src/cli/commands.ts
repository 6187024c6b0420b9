/**
 * The process commands: `processes`, `describe`, `run`. Each returns its exit code; printing goes through {@link Io}
 * so the commands never touch `process` directly (the entry point in `index.ts` does). The job commands (`status`,
 * `jobs`, `jobs cancel`) are in `job-commands.ts`. Every command works the same over WPS 1.0.0, WPS 2.0.0 and OGC API
 * – Processes: the session's client is whichever the service speaks.
 *
 * stdout carries results only (tables, outputs, the `--json` document); progress, notes and errors go to stderr.
 */
import { AbortedError } from "../errors.js";
import type { InputValues } from "../execute-values.js";
import type { Job } from "../job.js";
import { type ProcessDescription, syncSupported } from "../protocol-client.js";
import { parseProcessArgs, parseRunCommandLine, prescanCommonOptions } from "./args.js";
import { ExitCode, UsageError } from "./exit.js";
import { finish, follow, record } from "./follow.js";
import { toInputValues } from "./input-values.js";
import { fail, type Io, print, printJson, warnInsecure, withSession } from "./io.js";
import { type CommonOptions, openSession, type Session, sessionContext } from "./options.js";
import { parseOutputSpecs } from "./output-specs.js";
import { Progress } from "./progress.js";
import { renderDescription, renderProcesses, renderRunHelp, renderRunUsage } from "./render.js";
import { jobDocument } from "./results.js";
import type { RunOptions } from "./run-options.js";

export type { Io } from "./io.js";

/** The execution modes of a process as `jobControlOptions` words (WPS 1.0.0: always sync, async when stored). */
export function jobControlOptions(d: ProcessDescription): string[] {
  if (d.jobControlOptions !== undefined) return [...d.jobControlOptions];
  return ["sync-execute", ...(d.storeSupported ? ["async-execute"] : [])];
}

/** A description for `--json`: the shared model's members, the same whatever the protocol. */
function descriptionJson(d: ProcessDescription): Record<string, unknown> {
  return {
    identifier: d.identifier,
    title: d.title,
    ...(d.abstract !== undefined ? { abstract: d.abstract } : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
    metadata: d.metadata,
    storeSupported: d.storeSupported,
    statusSupported: d.statusSupported,
    jobControlOptions: jobControlOptions(d),
    inputs: d.inputs,
    outputs: d.outputs,
  };
}

/** `roost processes`. */
export async function processesCommand(io: Io, o: CommonOptions): Promise<number> {
  try {
    return await withSession(
      io,
      o,
      () => openSession(o, io.env),
      async (s) => {
        const all = await s.client.describeAll();
        if (o.json === true) {
          printJson(
            io,
            all.map((p) => ({
              identifier: p.identifier,
              title: p.title,
              abstract: p.abstract ?? null,
              version: p.version ?? null,
              sync: syncSupported(p),
              async: p.storeSupported,
            })),
          );
        } else print(io, renderProcesses(all));
        return ExitCode.ok;
      },
    );
  } catch (e) {
    return fail(io, e, o);
  }
}

/** `roost describe <process>`. */
export async function describeCommand(io: Io, processId: string, o: CommonOptions): Promise<number> {
  try {
    return await withSession(
      io,
      o,
      () => openSession(o, io.env),
      async (s) => {
        const d = await s.client.describe(processId);
        if (o.json === true) printJson(io, descriptionJson(d));
        else print(io, renderDescription(d));
        return ExitCode.ok;
      },
    );
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

const CONNECTION_KEYS: readonly (keyof CommonOptions)[] = [
  "url",
  "protocol",
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
 * them (`--url`, `--protocol`, `--language`, `--token`…) decide where the description comes from — while only the
 * description says which tokens are inputs. So: guess the connection options without the description, describe,
 * parse for real, and describe again in the rare case the guess was wrong (an input named like a client option).
 */
async function resolveRun(
  io: Io,
  cl: ReturnType<typeof parseRunCommandLine>,
  pid: string,
): Promise<{
  session: Session;
  desc: ProcessDescription;
  raw: ReturnType<typeof parseProcessArgs>;
  run: RunOptions;
  common: CommonOptions;
}> {
  let effective = prescanCommonOptions(cl.common, cl.rest);
  for (let round = 0; ; round++) {
    const session = await openSession(effective, io.env);
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
          const s = sessionContext(common, io.env);
          const cached = await s.cache.load(s.serviceUrl, common.language, s.protocol);
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
      if (run.sync === true && !syncSupported(desc))
        throw new UsageError(`process '${pid}' can only run asynchronously; drop --sync`);
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

/** The process descriptions cached for a service (no network): for completion and quick help. */
export async function cachedDescriptions(
  io: Io,
  o: CommonOptions,
): Promise<readonly ProcessDescription[] | undefined> {
  try {
    const s = sessionContext(o, io.env);
    return (await s.cache.load(s.serviceUrl, o.language, s.protocol))?.processes;
  } catch {
    return undefined;
  }
}
