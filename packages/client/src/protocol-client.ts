/**
 * The one interface every protocol's client implements — WPS 1.0.0 (`wps1-client.ts`), WPS 2.0.0
 * (`wps2-client.ts`) and OGC API – Processes (`ogcapi-client.ts`) — so callers (the `roost` CLI among them) list,
 * describe, execute and follow jobs without knowing which protocol the server speaks. `connect()` (`connect.ts`)
 * picks the implementation.
 *
 * Process descriptions use one model for every protocol: the WPS 1.0.0 description the client has always rendered
 * and checked inputs against (`wps1.Wps1ProcessDescription`: literal inputs with data types, allowed values, ranges,
 * defaults; complex inputs with formats; bounding boxes with CRSs; occurrences), plus the execution modes the newer
 * protocols state explicitly.
 */
import type { wps1 } from "@roost/core/internal";
import type { DescriptionCache } from "./cache.js";
import { NotSupportedError } from "./errors.js";
import type { InputValues, OutputChoice } from "./execute-values.js";
import type { DownloadProgress, HttpTransport, TransportOptions } from "./http.js";
import type { Job, JobStatus } from "./job.js";

/** The protocols the client speaks, as `--protocol` names them. */
export type Protocol = "wps1" | "wps2" | "ogcapi";

/** Every {@link Protocol}, in the order `--protocol` lists them. */
export const PROTOCOLS: readonly Protocol[] = Object.freeze(["wps2", "wps1", "ogcapi"]);

/** True when `s` names a protocol. */
export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/** What one server can do, detected when connecting. */
export interface ServerFeatures {
  /** The protocol spoken. */
  readonly protocol: "wps-1.0.0" | "wps-2.0.0" | "ogcapi-processes-1.0";
  /** Jobs can be dismissed (cancelled) through the protocol. */
  readonly dismiss: boolean;
  /** The server can list jobs. */
  readonly jobList: boolean;
  /** Every description can be fetched at once (undefined until tried). */
  readonly describeAll?: boolean;
}

/** Options of `connect()` and of each protocol client. */
export interface ConnectOptions extends TransportOptions {
  /** Language asked for on every request (`fr-CA`); the server's default otherwise. */
  readonly language?: string;
  /** Cache capabilities and descriptions on disk (the CLI does); none by default. */
  readonly cache?: DescriptionCache;
  /** Ignore fresh cache entries (they are still rewritten). */
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
  /**
   * The protocol to speak; detected from the URL and the server's answers when absent (WPS 2.0.0 preferred when a
   * WPS server offers it).
   */
  readonly protocol?: Protocol;
}

/** Options of {@link ProcessingClient.execute}. */
export interface ExecuteOptions {
  /**
   * `async`: follow the job (needs a process that runs asynchronously); `sync`: wait for the answer; `auto`
   * (default): async when the process allows it.
   */
  readonly mode?: "auto" | "sync" | "async";
  /** Formats and by-value/by-reference per output. Outputs not named are still returned, in their default form. */
  readonly outputs?: readonly OutputChoice[];
  /** Ask the server to echo inputs and output definitions (WPS 1.0.0 only; ignored elsewhere). */
  readonly lineage?: boolean;
  readonly signal?: AbortSignal;
  /** Idle timeout of the Execute request itself (a synchronous Execute waits this long for an answer; 0 = forever). */
  readonly requestTimeoutMs?: number;
}

/** What the server says about itself: the WPS capabilities, or what an OGC API landing page and process list say. */
export type ServiceCapabilities = wps1.Wps1Capabilities;

/**
 * A process description in the shared model. `jobControlOptions` (WPS 2.0.0, OGC API: `sync-execute`,
 * `async-execute`, `dismiss`) is absent for WPS 1.0.0, whose processes always run synchronously and run
 * asynchronously when `storeSupported`.
 */
export interface ProcessDescription extends wps1.Wps1ProcessDescription {
  readonly jobControlOptions?: readonly string[];
}

/** True when the process may run synchronously (WPS 1.0.0: always; otherwise `sync-execute` is offered). */
export function syncSupported(d: ProcessDescription): boolean {
  return d.jobControlOptions === undefined || d.jobControlOptions.includes("sync-execute");
}

/**
 * Whether an execution runs asynchronously: `async` needs a process that can (`storeSupported`), `sync` one that may
 * run synchronously, and `auto` runs asynchronously where the process allows it. A mode the process does not offer
 * is a NotSupportedError naming the process, raised before anything is sent.
 */
export function runsAsync(
  desc: ProcessDescription,
  processId: string,
  mode: ExecuteOptions["mode"] = "auto",
): boolean {
  const canAsync = desc.storeSupported;
  if (mode === "async" && !canAsync)
    throw new NotSupportedError(`the process '${processId}' can only run synchronously`);
  const async = mode === "async" || (mode === "auto" && canAsync);
  if (!async && !syncSupported(desc))
    throw new NotSupportedError(`the process '${processId}' can only run asynchronously`);
  return async;
}

/** One job of a server's job list. */
export interface JobSummary {
  readonly id: string;
  readonly processId?: string;
  readonly status: JobStatus;
  /** When the job was created (RFC 3339), when the server says. */
  readonly created?: string;
  /** Where to follow it. */
  readonly statusLocation?: string;
}

/** Options of {@link ProcessingClient.jobs}. */
export interface JobListOptions {
  /** At most this many jobs (the server may return fewer). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link ProcessingClient.download}. */
export interface DownloadOptions {
  readonly name?: string;
  readonly mimeType?: string;
  readonly onProgress?: DownloadProgress;
  readonly signal?: AbortSignal;
}

/** A connection to one processing server, whatever its protocol. */
export interface ProcessingClient {
  /** The service URL: the WPS endpoint, or the OGC API landing page. */
  readonly url: string;
  readonly protocol: Protocol;
  /** Language asked for on every request. */
  readonly language?: string;
  /** The HTTP layer (credentials, TLS, downloads). */
  readonly transport: HttpTransport;
  /** What this server can do. */
  readonly features: ServerFeatures;
  /** Release pooled connections. */
  close(): void;
  /** What the server says about itself (from the cache when fresh). */
  capabilities(signal?: AbortSignal): Promise<ServiceCapabilities>;
  /** The processes offered. */
  processes(signal?: AbortSignal): Promise<readonly wps1.Wps1ProcessBrief[]>;
  /** Every process description (cached when the client has a cache). */
  describeAll(signal?: AbortSignal): Promise<readonly ProcessDescription[]>;
  /** One process description; `UnknownProcessError` for an identifier the server does not offer. */
  describe(id: string, signal?: AbortSignal): Promise<ProcessDescription>;
  /**
   * Check the inputs against the description (`InputValidationError` before anything is sent), execute, and return
   * the job: finished for synchronous runs, to be followed with `wait()`/`result()` for asynchronous ones.
   */
  execute(processId: string, inputs?: InputValues, o?: ExecuteOptions): Promise<Job>;
  /**
   * Attach to an existing job: a job id, or the URL `Job.statusLocation` gave (a WPS 1.0.0 status document, an OGC
   * API job, a WPS 2.0.0 GetStatus URL). `processId`: the job's process when the caller knows it (a WPS 2.0.0
   * StatusInfo does not say), for output titles and messages.
   */
  job(ref: string, signal?: AbortSignal, processId?: string): Promise<Job>;
  /** The server's own job list (OGC API `/jobs`); `NotSupportedError` where the protocol has none. */
  jobs(o?: JobListOptions): Promise<readonly JobSummary[]>;
  /**
   * Dismiss (cancel) a job by id; resolves with its state afterwards (`dismissed`, its end state when it had already
   * ended, or still `running` when the server only asked the work to stop). `NotSupportedError` where impossible.
   */
  dismiss(jobId: string, signal?: AbortSignal): Promise<string>;
  /** Download a referenced output into `dir` and return the path. */
  download(
    href: string,
    dir: string,
    o?: DownloadOptions,
  ): Promise<{ readonly path: string; readonly bytes: number }>;
}
