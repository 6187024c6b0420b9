/**
 * A job on a WPS server: its status, progress events while it runs, and its result. For WPS 1.0.0 a job *is* its
 * stored status document (`statusLocation`); following it means polling that URL. Polling backs off from 0.5 s to
 * 5 s while nothing changes and speeds up again when the status moves, so short jobs finish promptly and long ones do
 * not hammer the server.
 */
import { EventEmitter } from "node:events";
import { type BoundingBox, wps1 } from "@roost/core/internal";
import {
  AbortedError,
  ConnectionError,
  JobTimeoutError,
  NotSupportedError,
  ProcessFailedError,
  ServerError,
  ServiceExceptionError,
  WpsClientError,
} from "./errors.js";

/** Where a job stands. */
export type JobState = "accepted" | "running" | "paused" | "succeeded" | "failed";

/** A job's status at one moment. */
export interface JobStatus {
  readonly state: JobState;
  /** Percent completed when the server says (100 once succeeded). */
  readonly percent?: number;
  /** The server's status message (or, for a failure, the first exception text). */
  readonly message: string;
  /** Why it failed. */
  readonly exceptions?: readonly wps1.Wps1Exception[];
  /** The document's `creationTime`. */
  readonly time?: string;
}

/** One output of a finished job, flattened for printing and JSON. */
export interface OutputResult {
  readonly id: string;
  readonly title?: string;
  readonly kind: "literal" | "complex" | "reference" | "bbox";
  /** Literal text, or inline complex data (base64 text when `encoding` is base64). */
  readonly value?: string;
  /** URL of an output returned by reference. */
  readonly href?: string;
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly dataType?: string;
  readonly uom?: string;
  /** A bounding box output. */
  readonly bbox?: Omit<BoundingBox, "dimensions">;
}

/** What a job produced. */
export interface JobResult {
  readonly jobId?: string;
  readonly processId: string;
  readonly status: JobStatus;
  readonly statusLocation?: string;
  readonly outputs: readonly OutputResult[];
}

/** Options of {@link Job.wait}. */
export interface WaitOptions {
  /** Give up after this many milliseconds (the job keeps running on the server). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** First poll interval (default 500 ms). */
  readonly pollMs?: number;
  /** Longest poll interval (default 5000 ms). */
  readonly maxPollMs?: number;
}

/** What a job needs from the client that created it. */
export interface JobHost {
  /** GET a WPS document and decode it (throws the client's errors). */
  fetchDocument(url: string, signal?: AbortSignal): Promise<wps1.Wps1Response>;
  /** Whether the server can dismiss jobs, and how. */
  readonly canDismiss: boolean;
  dismiss(job: Job): Promise<void>;
}

/** Events a {@link Job} emits. */
export interface JobEvents {
  /** The percent or the message changed. */
  progress: [JobStatus];
  /** A status document was read (every poll). */
  status: [JobStatus];
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

/** One output of an ExecuteResponse as an {@link OutputResult}. */
function flatten(o: wps1.Wps1ResultOutput): OutputResult {
  const base = { id: o.identifier, ...(o.title !== undefined ? { title: o.title } : {}) };
  const v = o.value;
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
    case "bbox":
      return {
        ...base,
        kind: "bbox",
        bbox: {
          ...(v.crs !== undefined ? { crs: v.crs } : {}),
          lowerCorner: v.lowerCorner,
          upperCorner: v.upperCorner,
        },
      };
  }
}

/** Flatten the outputs of an ExecuteResponse. */
export function outputsFromWps1(r: wps1.Wps1ExecuteResponse): OutputResult[] {
  return r.outputs.map(flatten);
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

const TERMINAL: ReadonlySet<JobState> = new Set(["succeeded", "failed"]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Status documents are sometimes read while the server rewrites them (PyWPS writes in place): retry a few times. */
const TRANSIENT_LIMIT = 5;

function isTransient(e: unknown): boolean {
  if (e instanceof wps1.Wps1DecodeError) return true;
  if (e instanceof ServerError) return e.status === undefined || e.status === 404 || e.status >= 500;
  if (e instanceof ConnectionError)
    return e.code === "ECONNRESET" || e.code === "ETIMEDOUT" || e.code === "EPIPE";
  return false;
}

/** A job: created by `WpsClient.execute` or attached to by `WpsClient.job`. */
export class Job extends EventEmitter<JobEvents> {
  /** The process that runs. */
  readonly processId: string;
  /** `async` when the server stores the response (there is a status location to follow), else `sync`. */
  readonly mode: "sync" | "async";
  /** The stored status document's URL (async jobs). */
  readonly statusLocation?: string;
  /** The job id derived from the status location (undefined for synchronous jobs). */
  readonly id?: string;
  readonly #host: JobHost;
  #response: wps1.Wps1ExecuteResponse;
  #status: JobStatus;
  #lastProgressKey = "";

  /** Wrap an ExecuteResponse (the sync answer, the async acknowledgement or a status document). */
  constructor(host: JobHost, response: wps1.Wps1ExecuteResponse, fallbackProcessId = "") {
    super();
    this.#host = host;
    this.#response = response;
    this.processId = response.process.identifier || fallbackProcessId;
    this.#status = statusFromWps1(response.status, response.creationTime);
    if (response.statusLocation !== undefined && response.statusLocation !== "") {
      this.statusLocation = response.statusLocation;
      this.mode = "async";
      const id = jobIdFromStatusLocation(response.statusLocation);
      if (id !== undefined) this.id = id;
    } else {
      this.mode = "sync";
    }
  }

  /** The latest known status. */
  get status(): JobStatus {
    return this.#status;
  }

  /** The latest ExecuteResponse read. */
  get response(): wps1.Wps1ExecuteResponse {
    return this.#response;
  }

  /** True once the job succeeded or failed. */
  get done(): boolean {
    return TERMINAL.has(this.#status.state);
  }

  /** Read the status document once and emit `status` (and `progress` when something changed). */
  async refresh(signal?: AbortSignal): Promise<JobStatus> {
    if (this.statusLocation === undefined || this.done) return this.#status;
    const doc = await this.#host.fetchDocument(this.statusLocation, signal);
    if (doc.kind === "exception") throw new ServiceExceptionError(doc.exceptions, 200);
    if (doc.kind !== "execute")
      throw new ServerError(`the status location ${this.statusLocation} does not hold an ExecuteResponse`);
    this.#update(doc.execute);
    return this.#status;
  }

  #update(r: wps1.Wps1ExecuteResponse): void {
    this.#response = r;
    this.#status = statusFromWps1(r.status, r.creationTime);
    this.emit("status", this.#status);
    const key = `${this.#status.state}\u0000${this.#status.percent ?? ""}\u0000${this.#status.message}`;
    if (key !== this.#lastProgressKey) {
      this.#lastProgressKey = key;
      this.emit("progress", this.#status);
    }
  }

  /** Emit the current status as a first `progress` event (for listeners attached after creation). */
  announce(): void {
    this.#lastProgressKey = `${this.#status.state}\u0000${this.#status.percent ?? ""}\u0000${this.#status.message}`;
    this.emit("progress", this.#status);
  }

  /** Poll until the job succeeds or fails; resolves with the final status (a failure is not an exception here). */
  async wait(o: WaitOptions = {}): Promise<JobStatus> {
    const base = o.pollMs ?? 500;
    const max = o.maxPollMs ?? 5000;
    const deadline = o.timeoutMs !== undefined ? Date.now() + o.timeoutMs : undefined;
    let interval = base;
    let transient = 0;
    let lastKey = this.#lastProgressKey;
    while (!this.done) {
      if (this.statusLocation === undefined)
        throw new WpsClientError("a synchronous job has no status to follow");
      let wait = interval;
      if (deadline !== undefined) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new JobTimeoutError(
            `the job is still ${this.#status.state} after ${Math.round((o.timeoutMs ?? 0) / 1000)} s; it keeps running on the server`,
            this.statusLocation,
          );
        }
        wait = Math.min(wait, left);
      }
      await sleep(wait, o.signal);
      try {
        await this.refresh(o.signal);
        transient = 0;
      } catch (e) {
        if (e instanceof AbortedError || !isTransient(e) || ++transient >= TRANSIENT_LIMIT) throw e;
      }
      // Back off while nothing moves; poll briskly again as soon as the status changes.
      interval = this.#lastProgressKey !== lastKey ? base : Math.min(max, Math.round(interval * 1.5));
      lastKey = this.#lastProgressKey;
    }
    return this.#status;
  }

  /** Wait for the job and return its outputs; throws {@link ProcessFailedError} when it failed. */
  async result(o: WaitOptions = {}): Promise<JobResult> {
    const status = await this.wait(o);
    if (status.state === "failed")
      throw new ProcessFailedError(status.exceptions ?? [], status.message, this.id);
    return this.snapshot();
  }

  /** The job as it stands, outputs included when it succeeded (never throws). */
  snapshot(): JobResult {
    return {
      ...(this.id !== undefined ? { jobId: this.id } : {}),
      processId: this.processId,
      status: this.#status,
      ...(this.statusLocation !== undefined ? { statusLocation: this.statusLocation } : {}),
      outputs: this.#status.state === "succeeded" ? outputsFromWps1(this.#response) : [],
    };
  }

  /** True when the server can dismiss (cancel) jobs. */
  get canDismiss(): boolean {
    return this.#host.canDismiss;
  }

  /** Why {@link dismiss} cannot work here (meaningful when {@link canDismiss} is false). */
  get dismissUnsupportedReason(): string {
    return "this server speaks WPS 1.0.0 and advertises no job resource, so it has no way to dismiss a job; the job keeps running on the server";
  }

  /** Ask the server to dismiss (cancel) the job; {@link NotSupportedError} when it cannot. */
  async dismiss(): Promise<void> {
    if (!this.#host.canDismiss) throw new NotSupportedError(this.dismissUnsupportedReason);
    await this.#host.dismiss(this);
  }
}
