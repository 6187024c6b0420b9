/**
 * `runProcess(def, inputs, opts?)`: run a process definition the way a Roost worker runs a job, without a server,
 * for authors' tests. The inputs go through the server's own checks (types, allowed values, occurrences, formats,
 * defaults), complex values become files in a temporary job directory, and the handler gets the worker's real
 * {@link ProcessContext} (`runJob`): progress, an abortable `sleep`, the time limit, lazily created `workdir` and
 * `outputDir`, the job log in `a1/worker.log`. What it returns is stored exactly as a job's outputs are, so an
 * output that does not fit its declaration fails here as it would on the server.
 *
 * @example
 * import { runProcess } from "@roost/server/testing";
 * import flood from "./flood.js";
 *
 * const run = await runProcess(flood, { level: 3, dem: { file: "dem.asc" } });
 * assert.equal(run.value("km2"), 0.02);
 * assert.equal((await run.file("extent").json()).type, "FeatureCollection");
 * run.cleanup();
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BoundingBox,
  errorList,
  isRoostError,
  type JobSpec,
  type LiteralValue,
  type OutputRequest,
  type ProcessDefinition,
  type RawInput,
  type SpecValue,
  type StoredOutput,
  validateInputs,
  validateOutputRequests,
} from "@roost/core/internal";
import { attemptDir } from "../storage/job-dirs.js";
import { runJob } from "../worker/run-job.js";
import { hrefOf, rawValue, type TestInputs, type TestInputValue } from "./test-inputs.js";

export type { TestBoundingBox, TestComplexValue, TestInputs, TestInputValue } from "./test-inputs.js";

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** What the client asks for each output (format, by reference), keyed by output identifier. */
  readonly outputs?: Readonly<Record<string, Omit<OutputRequest, "id">>>;
  /** Negotiated language the handler sees as `ctx.language`. */
  readonly language?: string;
  /** Time limit in seconds. Default: the process's `jobControl.timeLimit`, else 60. */
  readonly timeLimit?: number;
  /** Aborting it dismisses the run (the handler's `ctx.signal` fires). */
  readonly signal?: AbortSignal;
  /** Directory to create the job directory in. Default: the system's temporary directory. */
  readonly dir?: string;
  /** Base of the URLs `ctx.outputUrl` returns. Default `http://localhost:5000/outputs/<jobId>/`. */
  readonly outputsUrl?: string;
}

/** A complex output the handler produced, stored as a file. */
export interface TestOutputFile {
  readonly kind: "file";
  /** Absolute path of the stored file. */
  readonly path: string;
  /** The URL it would be published at. */
  readonly url: string;
  readonly mimeType: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly size: number;
  text(): Promise<string>;
  bytes(): Promise<Buffer>;
  json(): Promise<unknown>;
}

/** One output of a run. */
export type TestOutput =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly uom?: string }
  | TestOutputFile
  | { readonly kind: "href"; readonly href: string; readonly mimeType: string }
  | { readonly kind: "bbox"; readonly value: BoundingBox };

/** One line of the job's log (`ctx.logger`, and what the handler printed): `time`, `level`, `msg` and fields. */
export type TestLogLine = Readonly<Record<string, unknown>> & {
  readonly time: string;
  readonly level: string;
  readonly msg: string;
};

/** The outcome of a successful {@link runProcess}. */
export interface RunProcessResult {
  readonly jobId: string;
  /** The temporary job directory (inputs, `a1/work`, `a1/out`, `a1/worker.log`); removed by `cleanup()`. */
  readonly jobDir: string;
  /** Outputs the handler returned, by identifier (outputs it did not return are absent). */
  readonly outputs: Readonly<Record<string, TestOutput>>;
  /** Every `ctx.progress` call, in order (percent clamped to 0–100 as the server does). */
  readonly progress: readonly { readonly percent: number; readonly message: string }[];
  /** The job log, in order. */
  readonly logs: readonly TestLogLine[];
  /** The value of a literal output; throws when the output is missing or not a literal. */
  value(id: string): LiteralValue;
  /** A complex output stored as a file; throws when the output is missing or not a file. */
  file(id: string): TestOutputFile;
  /** Remove the job directory. */
  cleanup(): void;
}

/** Why a run did not succeed; `clientMessage` is exactly what a WPS client would see. */
export class RunProcessError extends Error {
  /**
   * `inputs`: the server would refuse the request (nothing ran); `process`: the handler threw a ProcessError;
   * `internal`: any other error, or outputs that do not fit the declaration; `cancelled` / `timeout`: the run was
   * aborted through `signal` or hit its time limit.
   */
  readonly kind: "inputs" | "process" | "internal" | "cancelled" | "timeout";
  /** What a client would see (for `internal`, only the generic text; the real error is `cause`). */
  readonly clientMessage: string;
  /** Progress and log of the run up to the failure. */
  readonly logs: readonly TestLogLine[];

  constructor(
    kind: RunProcessError["kind"],
    clientMessage: string,
    options: { cause?: unknown; detail?: string; logs?: readonly TestLogLine[] } = {},
  ) {
    super(
      options.detail !== undefined ? `${clientMessage} (${options.detail})` : clientMessage,
      options.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = "RunProcessError";
    this.kind = kind;
    this.clientMessage = clientMessage;
    this.logs = options.logs ?? [];
  }
}

function logLines(file: string): TestLogLine[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as TestLogLine);
}

function testOutput(o: StoredOutput, outDir: string, baseUrl: string): TestOutput {
  if (o.kind !== "file") return o;
  const path = join(outDir, o.file);
  return {
    kind: "file",
    path,
    url: baseUrl + o.file.split("/").map(encodeURIComponent).join("/"),
    mimeType: o.mimeType,
    ...(o.encoding !== undefined ? { encoding: o.encoding } : {}),
    ...(o.schema !== undefined ? { schema: o.schema } : {}),
    size: o.size,
    text: () => readFile(path, "utf8"),
    bytes: () => readFile(path),
    json: async () => JSON.parse(await readFile(path, "utf8")) as unknown,
  };
}

/**
 * Run `def`'s handler with `inputs` as a Roost worker would; resolves with its outputs, progress and log, rejects
 * with a {@link RunProcessError}. See the module comment.
 */
export async function runProcess(
  def: ProcessDefinition,
  inputs: TestInputs = {},
  opts: RunProcessOptions = {},
): Promise<RunProcessResult> {
  const raw: RawInput[] = [];
  for (const [id, v] of Object.entries(inputs)) {
    const list: readonly TestInputValue[] = Array.isArray(v) ? v : [v as TestInputValue];
    for (const x of list) raw.push({ id, value: rawValue(def, id, x) });
  }
  const requests: OutputRequest[] = Object.entries(opts.outputs ?? {}).map(([id, r]) => ({ ...r, id }));
  // Both checks run, so every problem of the "request" is reported at once, as the server does.
  const problems: unknown[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (e) {
      if (!isRoostError(e)) throw e;
      problems.push(e);
      return undefined;
    }
  };
  const checked = attempt(() => validateInputs(def, raw));
  attempt(() => validateOutputRequests(def, requests));
  if (checked === undefined || problems.length > 0) {
    const all = problems.flatMap((e) =>
      errorList(e as Parameters<typeof errorList>[0]).map((x) => x.message),
    );
    throw new RunProcessError("inputs", all.join("; "), { cause: problems[0] });
  }

  const jobId = randomUUID();
  const jobDir = join(mkdtempSync(join(opts.dir ?? tmpdir(), "roost-run-")), jobId);
  mkdirSync(join(jobDir, "inputs"), { recursive: true });
  const specInputs: Record<string, SpecValue[]> = {};
  let n = 0;
  for (const [id, values] of checked) {
    specInputs[id] = values.map((v, i): SpecValue => {
      if (v.kind !== "complex") return v;
      if (v.source.kind !== "inline")
        throw new TypeError(`runProcess: input '${id}': references are not fetched`);
      const file = `inputs/${++n}${v.format.extension ?? ""}`;
      const data =
        v.encoding === "base64" ? Buffer.from(v.source.data, "base64") : Buffer.from(v.source.data, "utf8");
      writeFileSync(join(jobDir, file), data);
      // Checked values keep the order they were given in (any refusal has thrown above).
      const href = hrefOf(inputs[id], i);
      return {
        kind: "complex",
        file,
        mimeType: v.format.mimeType,
        ...(v.format.schema !== undefined ? { schema: v.format.schema } : {}),
        ...(href !== undefined ? { href } : {}),
        size: statSync(join(jobDir, file)).size,
      };
    });
  }
  const outputsUrl = opts.outputsUrl ?? `http://localhost:5000/outputs/${jobId}/`;
  const spec: JobSpec = {
    version: 1,
    jobId,
    process: { id: def.identifier, source: { kind: "module", path: "(runProcess)" } },
    inputs: specInputs,
    outputRequests: requests,
    ...(opts.language !== undefined ? { language: opts.language } : {}),
    outputsUrl,
    timeLimitSec: opts.timeLimit ?? def.jobControl.timeLimit ?? 60,
  };
  writeFileSync(join(jobDir, "job.json"), JSON.stringify(spec));

  // The handler is wrapped to keep what it threw: the worker reports only the client's text.
  let thrown: unknown;
  const wrapped: ProcessDefinition = {
    ...def,
    handler: async (i, ctx) => {
      try {
        return await def.handler(i, ctx);
      } catch (e) {
        thrown = e;
        throw e;
      }
    },
  };
  const progress: { percent: number; message: string }[] = [];
  let unexpected: Error | undefined;
  const result = await runJob({
    spec,
    jobDir,
    attempt: 1,
    process: wrapped,
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    onProgress: (percent, message) => progress.push({ percent, message }),
    onError: (err) => {
      unexpected = err;
    },
  });
  const attemptPath = attemptDir(jobDir, 1);
  const logs = logLines(join(attemptPath, "worker.log"));
  const root = join(jobDir, "..");
  if (!result.ok) {
    const cause = unexpected ?? thrown;
    const detail =
      result.failure.kind === "internal" && cause instanceof Error
        ? `${cause.name}: ${cause.message}`
        : undefined;
    rmSync(root, { recursive: true, force: true });
    throw new RunProcessError(result.failure.kind as RunProcessError["kind"], result.failure.message, {
      ...(cause !== undefined ? { cause } : {}),
      ...(detail !== undefined ? { detail } : {}),
      logs,
    });
  }
  const outDir = join(attemptPath, "out");
  const outputs: Record<string, TestOutput> = {};
  for (const [id, o] of Object.entries(result.outputs)) outputs[id] = testOutput(o, outDir, outputsUrl);
  const get = (id: string): TestOutput => {
    const o = outputs[id];
    if (!o)
      throw new Error(
        `runProcess: output '${id}' was not returned (returned: ${Object.keys(outputs).join(", ") || "none"})`,
      );
    return o;
  };
  return {
    jobId,
    jobDir,
    outputs,
    progress,
    logs,
    value(id) {
      const o = get(id);
      if (o.kind !== "literal") throw new Error(`runProcess: output '${id}' is a ${o.kind}, not a literal`);
      return o.value;
    },
    file(id) {
      const o = get(id);
      if (o.kind !== "file") throw new Error(`runProcess: output '${id}' is a ${o.kind}, not a file`);
      return o;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
