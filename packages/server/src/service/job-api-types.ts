/**
 * The shapes of the job API (`job-api.ts`): what the composition root gives it, and what front ends pass and get
 * back.
 */
import type {
  JobRecord,
  JobStore,
  MonitoredBackendFactory,
  ProcessDefinition,
  Protocol,
  WorkerPool,
} from "@roost/core/internal";
import type { Logger } from "pino";
import type { Config } from "../config/load.js";
import type { ReferencePolicy } from "../fetch/index.js";
import type { ProcessRegistry } from "../registry/registry.js";
import type { JobDirs } from "../storage/job-dirs.js";
import type { JobLog } from "../storage/job-log.js";

/** Collaborators of the job API (built by the composition root). */
export interface JobApiOptions {
  readonly config: Config;
  readonly registry: ProcessRegistry;
  readonly store: JobStore;
  readonly dirs: JobDirs;
  /** The local worker pool: sync jobs, and async jobs routed to `local`. */
  readonly pool: WorkerPool;
  /** Poll-based backends by name (`slurm`), built with the job API's event listener at start. */
  readonly remotes?: ReadonlyMap<string, MonitoredBackendFactory>;
  readonly jobLog: JobLog;
  readonly logger: Logger;
  readonly policy: ReferencePolicy;
  /** Absolute URL prefix of published outputs (`<public_url>/outputs`): output references and `ctx.outputUrl`. */
  readonly outputsUrl: string;
  /** Called when another server has taken this one's jobs over (it was frozen or cut off too long): stop it. */
  readonly onFenced?: () => void;
  /** Told of every job that reached its final status on this server (metrics). */
  readonly onFinished?: (job: JobRecord) => void;
}

/** How a front end asks for an execution. */
export interface ExecuteOptions {
  /** The front end, recorded with the job. */
  readonly protocol: Protocol;
  /** The negotiated language. */
  readonly language: string;
  /** Aborted when the client goes away (a sync job is then stopped). */
  readonly signal?: AbortSignal;
  /** Keep the request's inputs for a later echo (WPS 1.0.0 lineage). */
  readonly lineage?: boolean;
  /** False: the job's status shows no progress while it runs (WPS 1.0.0 `status=false`). */
  readonly statusUpdates?: boolean;
  /** The protocol's name of the sync/async switch, for errors (`storeExecuteResponse`, `mode`); default `mode`. */
  readonly modeLocator?: string;
}

/** Outcome of {@link JobApi.execute}. */
export interface ExecuteOutcome {
  /** The job: accepted (async) or terminal (sync). */
  readonly job: JobRecord;
  readonly process: ProcessDefinition;
}

/** How a front end wants a job rendered. */
export interface ViewOptions {
  /** The protocol's exception code for a catalogue code (errors of failed jobs). */
  readonly exceptionCode: (code: string) => string;
  /** The status document URL to show (WPS 1.0.0 `statusLocation`). */
  readonly statusLocation?: string;
}
