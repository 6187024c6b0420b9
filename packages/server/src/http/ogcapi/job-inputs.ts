/**
 * `GET /jobs/{id}/inputs` (as in Weaver): what a job was asked to do, as an execute request body, for every job
 * whatever protocol submitted it. The record the job API keeps with each job is the source
 * (`JobRequestInfo.inputs`); a WPS 1.0.0 job recorded before records existed falls back to its lineage copy
 * (`request.json`, kept when it asked for `lineage=true`), and a job with neither says so in `message`.
 */
import {
  type JobRecord,
  type OutputRequest,
  ogcapi,
  type ProcessDefinition,
  type RawInput,
  type RawValue,
} from "@roost/core";
import type { JobApi } from "../../service/job-api.js";
import { JSON_TYPE, type OgcContext } from "./context.js";

/** The document of `GET /jobs/{id}/inputs`. */
export interface JobInputs {
  readonly jobID: string;
  readonly processID: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly response?: "raw" | "document";
  /** Inputs whose values were too large to keep. */
  readonly omitted?: readonly string[];
  /** Why the inputs are missing or incomplete. */
  readonly message?: string;
  readonly links: readonly { href: string; rel: string; type?: string; title?: string }[];
}

function rawJson(v: RawValue): unknown {
  switch (v.kind) {
    case "literal":
      return v.uom !== undefined ? { value: v.value, uom: v.uom } : v.value;
    case "text":
      return v.value;
    case "bbox":
      return { bbox: [...v.lowerCorner, ...v.upperCorner], ...(v.crs !== undefined ? { crs: v.crs } : {}) };
    case "reference":
      return { href: v.href, ...(v.mimeType !== undefined ? { type: v.mimeType } : {}) };
    case "complex":
      return {
        value: v.data,
        ...(v.mimeType !== undefined ? { mediaType: v.mimeType } : {}),
        ...(v.encoding !== undefined ? { encoding: v.encoding } : {}),
      };
  }
}

/** The execute-body shape of a lineage copy (WPS 1.0.0 `request.json`). */
function fromLineage(
  p: ProcessDefinition | undefined,
  inputs: readonly RawInput[],
  outputs: readonly OutputRequest[],
): { inputs: Record<string, unknown>; outputs?: Record<string, unknown> } {
  const grouped = new Map<string, unknown[]>();
  for (const i of inputs) {
    const list = grouped.get(i.id) ?? [];
    list.push(rawJson(i.value));
    grouped.set(i.id, list);
  }
  const ins: Record<string, unknown> = Object.create(null);
  for (const [id, list] of grouped) {
    const many = (p?.inputMap.get(id)?.maxOccurs ?? 1) > 1;
    ins[id] = many ? list : list[0];
  }
  if (outputs.length === 0) return { inputs: ins };
  const outs: Record<string, unknown> = Object.create(null);
  for (const o of outputs)
    outs[o.id] = {
      ...(o.asReference !== undefined ? { transmissionMode: o.asReference ? "reference" : "value" } : {}),
      ...(o.mimeType !== undefined ? { format: { mediaType: o.mimeType } } : {}),
    };
  return { inputs: ins, outputs: outs };
}

/** The inputs document of a job. */
export async function jobInputs(ctx: OgcContext, service: JobApi, job: JobRecord): Promise<JobInputs> {
  const links = [
    { href: ctx.urls.inputs(job.id), rel: "self", type: JSON_TYPE, title: "This document" },
    { href: ctx.urls.job(job.id), rel: "up", type: JSON_TYPE, title: "The job" },
    {
      href: ctx.urls.execution(job.processId),
      rel: ogcapi.OGC_REL.execute,
      title: "Run the process again with these inputs",
    },
  ];
  const head = { jobID: job.id, processID: job.processId };
  const rec = job.request.inputs;
  if (rec)
    return {
      ...head,
      inputs: rec.inputs,
      ...(rec.outputs !== undefined ? { outputs: rec.outputs } : {}),
      response: rec.response,
      ...(rec.omitted !== undefined && rec.omitted.length > 0
        ? {
            omitted: rec.omitted,
            message: `Inputs too large to keep with the job were left out: ${rec.omitted.join(", ")}`,
          }
        : {}),
      links,
    };
  if (job.request.lineage) {
    const view = await service.view(job, { exceptionCode: (c) => c }).catch(() => undefined);
    if (view?.lineage && view.lineage.inputs.length > 0) {
      let p: ProcessDefinition | undefined;
      try {
        p = service.process(job.processId);
      } catch {
        p = undefined;
      }
      return {
        ...head,
        ...fromLineage(p, view.lineage.inputs, view.lineage.outputs),
        response: job.request.response,
        links,
      };
    }
  }
  return {
    ...head,
    inputs: {},
    response: job.request.response,
    message: "The inputs of this job were not recorded (it was submitted before Roost kept them)",
    links,
  };
}
