/**
 * Preparing a job before it is recorded: its directory, its complex inputs as files (references fetched under the
 * reference policy), `job.json` (the spec a worker needs) and, when asked, `request.json` (the request's inputs, for
 * a later echo). Sync jobs without complex inputs skip the disk entirely (the fast path of sync `hello`).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  type ExecuteRequest,
  interpretInputs,
  type JobSpec,
  type OutputRequest,
  type ProcessDefinition,
  type ValidatedInputs,
} from "@roost/core/internal";
import type { ReferencePolicy } from "../fetch/index.js";
import type { ProcessRegistry } from "../registry/registry.js";
import { writeFileAtomic } from "../storage/atomic.js";
import { materializeInputs, needsInputFiles } from "./inputs.js";

/** What {@link prepareJob} needs besides the request. */
export interface PrepareContext {
  readonly registry: ProcessRegistry;
  readonly policy: ReferencePolicy;
  readonly maxInputSize: number;
  /** fsync job files (`database.durability = "full"`). */
  readonly durable: boolean;
  /** `<public_url>/outputs`. */
  readonly outputsUrl: string;
  /** `jobs.time_limit`, seconds (a process's own limit wins). */
  readonly defaultTimeLimitSec: number;
}

/** One job to prepare. */
export interface PrepareRequest {
  readonly jobId: string;
  readonly jobDir: string;
  readonly process: ProcessDefinition;
  readonly request: ExecuteRequest;
  readonly values: ValidatedInputs;
  readonly outputs: readonly OutputRequest[];
  readonly mode: "sync" | "async";
  readonly language: string;
  /** Keep the request's inputs in `request.json`. */
  readonly lineage: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** True when the job needs its directory before it runs (the caller removes it if the job is not recorded). */
export function needsDirectory(r: Pick<PrepareRequest, "mode" | "values" | "lineage">): boolean {
  return r.mode === "async" || needsInputFiles(r.values) || r.lineage;
}

/** Write what the job needs and return its spec. */
export async function prepareJob(ctx: PrepareContext, r: PrepareRequest): Promise<JobSpec> {
  const p = r.process;
  if (needsDirectory(r)) await mkdir(r.jobDir, { recursive: true, mode: 0o750 });
  const inputs = await materializeInputs(
    p,
    r.values,
    r.jobDir,
    { maxInputSize: ctx.maxInputSize, policy: ctx.policy },
    r.signal,
  );
  const spec: JobSpec = {
    version: 1,
    jobId: r.jobId,
    process: { id: p.identifier, source: ctx.registry.source(p.identifier)! },
    inputs,
    outputRequests: r.outputs,
    language: r.language,
    outputsUrl: `${ctx.outputsUrl}/${r.jobId}/`,
    timeLimitSec: p.jobControl.timeLimit ?? ctx.defaultTimeLimitSec,
  };
  if (r.mode === "async") writeFileAtomic(join(r.jobDir, "job.json"), JSON.stringify(spec), ctx.durable);
  if (r.lineage) {
    const echo = { inputs: interpretInputs(p, r.request.inputs), outputs: r.request.outputs };
    writeFileAtomic(join(r.jobDir, "request.json"), JSON.stringify(echo), ctx.durable);
  }
  return spec;
}
