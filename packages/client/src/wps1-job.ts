/**
 * Following a WPS 1.0.0 job: the job *is* its stored status document (`statusLocation`), and reading it gives the
 * status and, once the job succeeded, its outputs. Also the mapping of WPS 1.0.0 statuses and output values onto the
 * client's protocol-neutral ones, which the WPS 2.0.0 client shares (its decoders return the same value shapes).
 */
import type { BoundingBox, wps1 } from "@roost/core/internal";
import { NotSupportedError, ServerError, ServiceExceptionError } from "./errors.js";
import type { JobReading, JobStatus, JobTracker, OutputResult } from "./job.js";

/** What a WPS 1.0.0 job needs from the client that created it. */
export interface JobHost {
  /** GET a WPS document and decode it (throws the client's errors). */
  fetchDocument(url: string, signal?: AbortSignal): Promise<wps1.Wps1Response>;
  /** Whether the server can dismiss jobs, and how. */
  readonly canDismiss: boolean;
  dismiss(job: { readonly id?: string }): Promise<void>;
}

/** Map a decoded WPS 1.0.0 status onto a {@link JobStatus}. */
export function statusFromWps1(s: wps1.Wps1Status, time?: string): JobStatus {
  const t = time !== undefined ? { time } : {};
  switch (s.kind) {
    case "accepted":
      return { state: "accepted", message: s.message, ...t };
    case "started":
    case "paused":
      return {
        state: s.kind === "started" ? "running" : "paused",
        message: s.message,
        ...(s.percent !== undefined ? { percent: s.percent } : {}),
        ...t,
      };
    case "succeeded":
      return { state: "succeeded", percent: 100, message: s.message, ...t };
    case "failed":
      return { state: "failed", message: s.message, exceptions: s.exceptions, ...t };
  }
}

/** One output value (as the WPS 1.0.0 and 2.0.0 decoders return it) as an {@link OutputResult}. */
export function outputResult(id: string, v: wps1.Wps1OutputValue, title?: string): OutputResult {
  const base = { id, ...(title !== undefined ? { title } : {}) };
  const fmt = (x: { mimeType?: string; encoding?: string; schema?: string }) => ({
    ...(x.mimeType !== undefined ? { mimeType: x.mimeType } : {}),
    ...(x.encoding !== undefined ? { encoding: x.encoding } : {}),
    ...(x.schema !== undefined ? { schema: x.schema } : {}),
  });
  switch (v.kind) {
    case "literal":
      return {
        ...base,
        kind: "literal",
        value: v.value,
        ...(v.dataType !== undefined ? { dataType: v.dataType } : {}),
        ...(v.uom !== undefined ? { uom: v.uom } : {}),
      };
    case "complex":
      return { ...base, kind: "complex", value: v.data, ...fmt(v) };
    case "reference":
      return { ...base, kind: "reference", href: v.href, ...fmt(v) };
    case "bbox": {
      const bbox: Omit<BoundingBox, "dimensions"> = {
        ...(v.crs !== undefined ? { crs: v.crs } : {}),
        lowerCorner: v.lowerCorner,
        upperCorner: v.upperCorner,
      };
      return { ...base, kind: "bbox", bbox };
    }
  }
}

/** Flatten the outputs of an ExecuteResponse. */
export function outputsFromWps1(r: wps1.Wps1ExecuteResponse): OutputResult[] {
  return r.outputs.map((o) => outputResult(o.identifier, o.value, o.title));
}

/**
 * The job id a WPS 1.0.0 status location stands for: an `id`-like query parameter (`RetrieveResultServlet?id=…`),
 * else the last path segment without `.xml` (PyWPS and Roost: `…/outputs/<id>.xml`).
 */
export function jobIdFromStatusLocation(location: string): string | undefined {
  let u: URL;
  try {
    u = new URL(location);
  } catch {
    return undefined;
  }
  for (const k of ["id", "jobid", "job_id", "executionid", "uuid"]) {
    for (const [name, value] of u.searchParams) if (name.toLowerCase() === k && value !== "") return value;
  }
  const last = u.pathname
    .split("/")
    .filter((s) => s !== "")
    .pop();
  if (last === undefined) return undefined;
  const id = decodeURIComponent(last).replace(/\.xml$/i, "");
  return id === "" ? undefined : id;
}

function reading(r: wps1.Wps1ExecuteResponse): JobReading {
  const status = statusFromWps1(r.status, r.creationTime);
  return { status, ...(status.state === "succeeded" ? { outputs: outputsFromWps1(r) } : {}) };
}

/** A WPS 1.0.0 job: an ExecuteResponse (sync answer, async acknowledgement or status document) and its URL. */
export class Wps1JobTracker implements JobTracker {
  readonly processId: string;
  readonly mode: "sync" | "async";
  readonly statusLocation?: string;
  readonly id?: string;
  readonly first: JobReading;
  readonly #host: JobHost;
  #response: wps1.Wps1ExecuteResponse;

  constructor(host: JobHost, response: wps1.Wps1ExecuteResponse, fallbackProcessId = "") {
    this.#host = host;
    this.#response = response;
    this.processId = response.process.identifier || fallbackProcessId;
    this.first = reading(response);
    if (response.statusLocation !== undefined && response.statusLocation !== "") {
      this.statusLocation = response.statusLocation;
      this.mode = "async";
      const id = jobIdFromStatusLocation(response.statusLocation);
      if (id !== undefined) this.id = id;
    } else {
      this.mode = "sync";
    }
  }

  /** The latest ExecuteResponse read. */
  get response(): wps1.Wps1ExecuteResponse {
    return this.#response;
  }

  get canDismiss(): boolean {
    return this.#host.canDismiss;
  }

  get dismissUnsupportedReason(): string {
    return "this server speaks WPS 1.0.0 and advertises no job resource, so it has no way to dismiss a job; the job keeps running on the server";
  }

  async poll(signal?: AbortSignal): Promise<JobReading> {
    if (this.statusLocation === undefined) return reading(this.#response);
    const doc = await this.#host.fetchDocument(this.statusLocation, signal);
    if (doc.kind === "exception") throw new ServiceExceptionError(doc.exceptions, 200);
    if (doc.kind !== "execute")
      throw new ServerError(`the status location ${this.statusLocation} does not hold an ExecuteResponse`);
    this.#response = doc.execute;
    return reading(doc.execute);
  }

  async dismiss(): Promise<void> {
    if (!this.#host.canDismiss) throw new NotSupportedError(this.dismissUnsupportedReason);
    await this.#host.dismiss(this);
  }
}
