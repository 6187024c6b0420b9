/**
 * Running one attempt of a job: build the handler's inputs from the job spec, give it a context (progress,
 * abortable sleep, lazily created work and output directories, a log file), enforce the time limit through the
 * abort signal, and turn the outcome into a {@link WorkerResult}. Never throws: every failure becomes a result.
 * The same function serves local pool workers and Slurm workers.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ComplexInputValue,
  clientFailureMessage,
  GENERIC_FAILURE_MESSAGE,
  isProcessError,
  type JobSpec,
  type OutputRequest,
  type ProcessContext,
  type ProcessDefinition,
  type SpecValue,
  type WorkerResult,
} from "@roost/core/internal";
import { attemptDir } from "../storage/job-dirs.js";
import { isNoSpace, NO_SPACE_MESSAGE } from "../storage/no-space.js";
import { fileLogger } from "./job-logger.js";
import { storeOutputs } from "./outputs.js";

/** Why the run's abort signal fired. */
export type AbortReason = "dismissed" | "timeout";

/** Inputs of {@link runJob}. */
export interface RunJobOptions {
  readonly spec: JobSpec;
  readonly jobDir: string;
  readonly attempt: number;
  readonly process: ProcessDefinition;
  /** Fires with reason `dismissed` (or `timeout` from a supervisor) to stop the handler. */
  readonly signal?: AbortSignal;
  readonly onProgress: (percent: number, message: string) => void;
  /** Receives unexpected errors with their stack (the handler's own log gets them too). */
  readonly onError?: (err: Error) => void;
}

function complexValue(jobDir: string, v: SpecValue & { kind: "complex" }): ComplexInputValue {
  const path = join(jobDir, v.file);
  return {
    path,
    mimeType: v.mimeType,
    ...(v.encoding !== undefined ? { encoding: v.encoding } : {}),
    ...(v.schema !== undefined ? { schema: v.schema } : {}),
    ...(v.href !== undefined ? { href: v.href } : {}),
    size: v.size,
    text: async () => readFileSync(path, "utf8"),
    bytes: async () => readFileSync(path),
    json: async () => JSON.parse(readFileSync(path, "utf8")) as unknown,
  };
}

/** The handler's inputs: one value or an array per input, according to its maxOccurs. */
export function handlerInputs(
  p: ProcessDefinition,
  spec: JobSpec,
  jobDir: string,
): { inputs: Record<string, unknown>; uoms: Map<string, string> } {
  const inputs: Record<string, unknown> = Object.create(null);
  const uoms = new Map<string, string>();
  for (const def of p.inputs) {
    const values = (spec.inputs[def.identifier] ?? []).map((v) => {
      if (v.kind === "complex") return complexValue(jobDir, v);
      if (v.kind === "literal" && v.uom !== undefined) uoms.set(def.identifier, v.uom);
      return v.value;
    });
    inputs[def.identifier] = def.maxOccurs > 1 ? values : values[0];
  }
  return { inputs, uoms };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    // setTimeout has a 1 ms floor (1.2 ms measured): `sleep` with delay=0 sleeps five times, which cost ~5 ms of the
    // submit → ProcessSucceeded latency. A zero wait only yields to the event loop.
    const t = ms <= 0 ? setImmediate(done) : setTimeout(done, ms);
    const onAbort = () => {
      if (ms <= 0) clearImmediate(t as NodeJS.Immediate);
      else clearTimeout(t as NodeJS.Timeout);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Run one attempt; see the module comment. */
export async function runJob(o: RunJobOptions): Promise<WorkerResult> {
  const { spec, attempt, process: p } = o;
  const jobId = spec.jobId;
  const dir = attemptDir(o.jobDir, attempt);
  const workdir = join(dir, "work");
  const outDir = join(dir, "out");
  // A sync job without a job directory has no log file: its lines go to the worker's stderr, which the local pool
  // forwards into the server log tagged with the job id.
  const logger = fileLogger(join(dir, "worker.log"), undefined, (_level, text) => process.stderr.write(text));
  const ensure = (d: string) => {
    mkdirSync(d, { recursive: true });
    return d;
  };
  const controller = new AbortController();
  const limitMs = spec.timeLimitSec * 1000;
  const timer = setTimeout(() => controller.abort("timeout" satisfies AbortReason), limitMs);
  timer.unref?.();
  const onExternal = () => controller.abort(o.signal?.reason ?? ("dismissed" satisfies AbortReason));
  if (o.signal?.aborted) onExternal();
  else o.signal?.addEventListener("abort", onExternal, { once: true });

  const requests = new Map<string, OutputRequest>(spec.outputRequests.map((r) => [r.id, r]));
  const fail = (kind: "process" | "internal" | "cancelled" | "timeout", message: string): WorkerResult => ({
    jobId,
    attempt,
    ok: false,
    failure: { kind, message },
  });
  const aborted = (): WorkerResult | undefined => {
    if (!controller.signal.aborted) return undefined;
    return controller.signal.reason === "timeout"
      ? fail("timeout", `Process exceeded its time limit of ${spec.timeLimitSec} s`)
      : fail("cancelled", "Job dismissed");
  };
  try {
    const { inputs, uoms } = handlerInputs(p, spec, o.jobDir);
    let created = false;
    const ctx: ProcessContext = {
      jobId,
      get workdir() {
        if (!created) {
          ensure(workdir);
          created = true;
        }
        return workdir;
      },
      get outputDir() {
        return ensure(outDir);
      },
      outputUrl: (rel: string) => spec.outputsUrl + rel.split("/").map(encodeURIComponent).join("/"),
      signal: controller.signal,
      logger,
      language: spec.language,
      outputRequests: requests,
      uoms,
      progress: (percent: number, message?: string) => {
        const pct = Number.isFinite(percent) ? Math.max(0, Math.min(100, Math.round(percent))) : 0;
        o.onProgress(pct, message === undefined ? "" : String(message));
      },
      sleep: (ms: number) => abortableSleep(ms, controller.signal),
    };
    const returned = await p.handler(inputs, ctx);
    // A handler that ignored the signal and finished anyway must not turn a dismissed or timed-out job into a success.
    const stop = aborted();
    if (stop) return stop;
    const outputs = storeOutputs(p, returned, requests, outDir, (m) => logger.warn(m));
    return { jobId, attempt, ok: true, outputs };
  } catch (e) {
    const stop = aborted();
    if (stop) return stop;
    if (isProcessError(e)) {
      logger.warn(`process error: ${e.message}`);
      return fail("process", clientFailureMessage(e));
    }
    const err = e instanceof Error ? e : new Error(String(e));
    if (isNoSpace(e)) {
      // The handler's own writes or the outputs hit a full disk: say so (the log write may fail too).
      logger.error(`no space left on device: ${err.message}`);
      return fail("internal", NO_SPACE_MESSAGE);
    }
    logger.error(`unexpected error: ${err.message}`, { stack: err.stack });
    o.onError?.(err);
    return fail("internal", GENERIC_FAILURE_MESSAGE);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onExternal);
  }
}
