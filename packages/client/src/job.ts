/**
 * A job on a processing server, whatever the protocol: its status, progress events while it runs, and its result.
 * What differs per protocol — how to read the status, fetch the outputs, dismiss — is a {@link JobTracker}
 * (`wps1-job.ts`, `wps2-client.ts`, `ogcapi-jobs.ts`); following, back-off, timeouts and retries are here, once.
 *
 * Polling backs off from 0.5 s to 5 s while nothing changes and speeds up again when the status moves, so short jobs
 * finish promptly and long ones do not hammer the server. A server's own hint (WPS 2.0.0 `NextPoll`) is honoured
 * within those bounds.
 */
import { EventEmitter } from "node:events";
import { type BoundingBox, wps1, wps2 } from "@roost/core/internal";
import {
  AbortedError,
  ConnectionError,
  JobTimeoutError,
  NotSupportedError,
  ProcessFailedError,
  ServerError,
  WpsClientError,
} from "./errors.js";
import { type JobHost, Wps1JobTracker } from "./wps1-job.js";

export {
  type JobHost,
  jobIdFromStatusLocation,
  outputResult,
  outputsFromWps1,
  statusFromWps1,
} from "./wps1-job.js";

/** Where a job stands. `dismissed`: cancelled on the server (WPS 2.0.0 Dismiss, OGC API `DELETE`). */
export type JobState = "accepted" | "running" | "paused" | "succeeded" | "failed" | "dismissed";

/** One reason a job failed: code, locator and text (an OWS exception, or an OGC API problem mapped onto one). */
export interface JobException {
  readonly code: string;
  readonly locator?: string;
  readonly text: string;
}

/** A job's status at one moment. */
export interface JobStatus {
  readonly state: JobState;
  /** Percent completed when the server says (100 once succeeded). */
  readonly percent?: number;
  /** The server's status message (or, for a failure, the first exception text). */
  readonly message: string;
  /** Why it failed. */
  readonly exceptions?: readonly JobException[];
  /** When the server last changed or created the status, as it wrote it. */
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

/** One reading of a job: its status, and its outputs once it succeeded. */
export interface JobReading {
  readonly status: JobStatus;
  /** Present when the status is `succeeded` (the tracker fetched them). */
  readonly outputs?: readonly OutputResult[];
  /** The server's hint for the next poll, in milliseconds from now. */
  readonly nextPollMs?: number;
}

/** How a job talks to its server: one implementation per protocol. */
export interface JobTracker {
  readonly processId: string;
  /** `async` when there is a status to follow, `sync` for a job that ended with its request. */
  readonly mode: "sync" | "async";
  /** The job id on the server (async jobs). */
  readonly id?: string;
  /** A URL to follow the job again (`roost status <url>`): a status document, a job resource, a GetStatus URL. */
  readonly statusLocation?: string;
  /** The reading the job starts from (the Execute answer). */
  readonly first: JobReading;
  readonly canDismiss: boolean;
  /** Why {@link dismiss} cannot work (meaningful when {@link canDismiss} is false). */
  readonly dismissUnsupportedReason: string;
  /** Read the status once (and the outputs or the failure's reasons once it ended). */
  poll(signal?: AbortSignal): Promise<JobReading>;
  dismiss(): Promise<void>;
}

/** The tracker of a job that ended with its synchronous request: nothing to poll, nothing to dismiss. */
export function syncTracker(processId: string, first: JobReading): JobTracker {
  return {
    processId,
    mode: "sync",
    first,
    canDismiss: false,
    dismissUnsupportedReason: "a synchronous job cannot be dismissed",
    poll: async () => first,
    dismiss: async () => {
      throw new NotSupportedError("a synchronous job cannot be dismissed");
    },
  };
}

/** Events a {@link Job} emits. */
export interface JobEvents {
  /** The state, percent or message changed. */
  progress: [JobStatus];
  /** A status was read (every poll). */
  status: [JobStatus];
}

const TERMINAL: ReadonlySet<JobState> = new Set(["succeeded", "failed", "dismissed"]);

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

/**
 * Status documents are sometimes read while the server rewrites them (PyWPS writes in place), and some OGC API
 * servers answer 404 to a poll right after the 201 (pygeoapi#1672, ZOO-Project#72): retry a few times.
 */
const TRANSIENT_LIMIT = 5;

function isTransient(e: unknown): boolean {
  if (e instanceof wps1.Wps1DecodeError || e instanceof wps2.Wps2DecodeError) return true;
  if (e instanceof ServerError) return e.status === undefined || e.status === 404 || e.status >= 500;
  if (e instanceof ConnectionError)
    return e.code === "ECONNRESET" || e.code === "ETIMEDOUT" || e.code === "EPIPE";
  return false;
}

function progressKey(s: JobStatus): string {
  return `${s.state}\u0000${s.percent ?? ""}\u0000${s.message}`;
}

/** A job: created by a client's `execute` or attached to by its `job`. */
export class Job extends EventEmitter<JobEvents> {
  /** The process that runs. */
  readonly processId: string;
  /** `async` when there is a status to follow (a stored response, a job resource), else `sync`. */
  readonly mode: "sync" | "async";
  /** Where to follow the job again (async jobs). */
  readonly statusLocation?: string;
  /** The job id on the server (undefined for synchronous jobs). */
  readonly id?: string;
  readonly #tracker: JobTracker;
  #status: JobStatus;
  #outputs: readonly OutputResult[];
  #nextPollMs: number | undefined;
  #lastProgressKey = "";

  /** A job followed through `tracker` (the protocol clients create these). */
  constructor(tracker: JobTracker);
  /** A WPS 1.0.0 job from an ExecuteResponse (the sync answer, the async acknowledgement or a status document). */
  constructor(host: JobHost, response: wps1.Wps1ExecuteResponse, fallbackProcessId?: string);
  constructor(source: JobTracker | JobHost, response?: wps1.Wps1ExecuteResponse, fallbackProcessId = "") {
    super();
    const tracker =
      response !== undefined
        ? new Wps1JobTracker(source as JobHost, response, fallbackProcessId)
        : (source as JobTracker);
    this.#tracker = tracker;
    this.processId = tracker.processId;
    this.mode = tracker.mode;
    if (tracker.statusLocation !== undefined) this.statusLocation = tracker.statusLocation;
    if (tracker.id !== undefined) this.id = tracker.id;
    this.#status = tracker.first.status;
    this.#outputs = tracker.first.outputs ?? [];
    this.#nextPollMs = tracker.first.nextPollMs;
  }

  /** The latest known status. */
  get status(): JobStatus {
    return this.#status;
  }

  /** The latest WPS 1.0.0 ExecuteResponse read (undefined for jobs of other protocols). */
  get response(): wps1.Wps1ExecuteResponse | undefined {
    return this.#tracker instanceof Wps1JobTracker ? this.#tracker.response : undefined;
  }

  /** True once the job succeeded, failed or was dismissed. */
  get done(): boolean {
    return TERMINAL.has(this.#status.state);
  }

  /** Read the status once and emit `status` (and `progress` when something changed). */
  async refresh(signal?: AbortSignal): Promise<JobStatus> {
    if (this.mode === "sync" || this.done) return this.#status;
    this.#update(await this.#tracker.poll(signal));
    return this.#status;
  }

  #update(r: JobReading): void {
    this.#status = r.status;
    this.#outputs = r.outputs ?? [];
    this.#nextPollMs = r.nextPollMs;
    this.emit("status", this.#status);
    const key = progressKey(this.#status);
    if (key !== this.#lastProgressKey) {
      this.#lastProgressKey = key;
      this.emit("progress", this.#status);
    }
  }

  /** Emit the current status as a first `progress` event (for listeners attached after creation). */
  announce(): void {
    this.#lastProgressKey = progressKey(this.#status);
    this.emit("progress", this.#status);
  }

  /** Poll until the job ends; resolves with the final status (a failure is not an exception here). */
  async wait(o: WaitOptions = {}): Promise<JobStatus> {
    const base = o.pollMs ?? 500;
    const max = o.maxPollMs ?? 5000;
    const deadline = o.timeoutMs !== undefined ? Date.now() + o.timeoutMs : undefined;
    let interval = base;
    let transient = 0;
    let lastKey = this.#lastProgressKey;
    while (!this.done) {
      if (this.mode === "sync") throw new WpsClientError("a synchronous job has no status to follow");
      // The server's hint, when it gives one, replaces the back-off (still within the caller's bounds).
      let wait =
        this.#nextPollMs !== undefined ? Math.min(max, Math.max(base / 5, this.#nextPollMs)) : interval;
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

  /**
   * Wait for the job and return its outputs; throws {@link ProcessFailedError} when it failed and
   * {@link WpsClientError} when it was dismissed (a dismissed job has no outputs).
   */
  async result(o: WaitOptions = {}): Promise<JobResult> {
    const status = await this.wait(o);
    if (status.state === "failed")
      throw new ProcessFailedError(status.exceptions ?? [], status.message, this.id);
    if (status.state === "dismissed") throw new WpsClientError(`job ${this.id ?? ""} was dismissed`.trim());
    return this.snapshot();
  }

  /** The job as it stands, outputs included when it succeeded (never throws). */
  snapshot(): JobResult {
    return {
      ...(this.id !== undefined ? { jobId: this.id } : {}),
      processId: this.processId,
      status: this.#status,
      ...(this.statusLocation !== undefined ? { statusLocation: this.statusLocation } : {}),
      outputs: this.#status.state === "succeeded" ? this.#outputs : [],
    };
  }

  /** True when the server can dismiss (cancel) jobs. */
  get canDismiss(): boolean {
    return this.#tracker.canDismiss;
  }

  /** Why {@link dismiss} cannot work here (meaningful when {@link canDismiss} is false). */
  get dismissUnsupportedReason(): string {
    return this.#tracker.dismissUnsupportedReason;
  }

  /** Ask the server to dismiss (cancel) the job; {@link NotSupportedError} when it cannot. */
  async dismiss(): Promise<void> {
    if (!this.#tracker.canDismiss) throw new NotSupportedError(this.#tracker.dismissUnsupportedReason);
    await this.#tracker.dismiss();
  }
}
