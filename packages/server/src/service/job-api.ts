/**
 * The job API: the protocol-neutral core of the server that every front end (WPS 1.0.0, WPS 2.0.0, OGC API –
 * Processes, the web UI) calls. It validates and prepares Execute requests, records jobs (committed before anyone
 * hears of them), hands attempts to a backend, and reads, lists, dismisses and renders jobs. It answers in catalogue
 * codes ({@link RoostError}) and protocol-neutral views; URLs and encodings belong to the front ends.
 *
 * The work is split by concern: admission (`admission.ts`), the sync path (`sync-runner.ts`, `sync-journal.ts`),
 * backend reports → store (`job-events.ts`, `progress.ts`), recovery (`recovery.ts`), views (`views.ts`), inputs
 * (`inputs.ts`).
 */
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import {
  type ExecuteRequest,
  isJobId,
  isTerminal,
  type JobListQuery,
  type JobRecord,
  type JobRequestInfo,
  type JobStore,
  type JobView,
  type MonitoredBackend,
  type MonitoredBackendFactory,
  newJobId,
  type OutputRequest,
  type ProcessDefinition,
  type Protocol,
  type RawInput,
  RoostError,
  validateOutputRequests,
  type WorkerPool,
} from "@roost/core";
import type { Logger } from "pino";
import type { Config } from "../config/load.js";
import type { ReferencePolicy } from "../fetch/index.js";
import type { ProcessRegistry } from "../registry/registry.js";
import type { JobDirs } from "../storage/job-dirs.js";
import type { JobLog } from "../storage/job-log.js";
import { Admission, chooseMode } from "./admission.js";
import { READ_BUDGET_MS, WRITE_BUDGET_MS, within } from "./deadline.js";
import { DiskGuard } from "./disk.js";
import { Dismissals } from "./dismissal.js";
import { checkReferences, readInputs } from "./inputs.js";
import { type JobChange, JobEvents } from "./job-events.js";
import { supportedLanguages } from "./languages.js";
import type { LocalRuns } from "./local-runs.js";
import { Ownership } from "./ownership.js";
import { needsDirectory, type PrepareContext, prepareJob } from "./prepare.js";
import { type RecoveryOptions, recoverJobs, recoverLocalJobs } from "./recovery.js";
import { purgeRejected, RejectedJobs } from "./rejected.js";
import { recordRequest } from "./request-record.js";
import { sweepExpired } from "./retention.js";
import { SyncJournal } from "./sync-journal.js";
import { runSync } from "./sync-runner.js";
import { jobView, outputHref } from "./views.js";

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

/** How `p` has settled by the next turn of the event loop. */
function outcomeNow(p: Promise<unknown>): Promise<"resolved" | "rejected" | "pending"> {
  return Promise.race([
    p.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    new Promise<"pending">((res) => setImmediate(() => res("pending"))),
  ]);
}

/** How long {@link JobApi.dismiss} waits for a job to really stop, by default (local jobs stop within the grace). */
const DISMISS_WAIT_MS = 3000;
/**
 * Housekeeping tick, ms: lease renewal (every third of the lease), dismissals asked through another server, takeover
 * of stopped servers (every half lease).
 */
const TICK_MS = 1000;
/** How often finished jobs past their retention are removed, ms. */
const RETENTION_EVERY_MS = 60_000;

/** See the module comment. */
export class JobApi {
  readonly #o: JobApiOptions;
  readonly #log: Logger;
  /** Supported languages, default first. */
  readonly languages: readonly string[];
  readonly #runs: LocalRuns = new Map();
  readonly #journal: SyncJournal;
  readonly #events: JobEvents;
  readonly #admission: Admission;
  readonly #remotes = new Map<string, MonitoredBackend>();
  readonly #prepare: PrepareContext;
  readonly #disk: DiskGuard;
  readonly #rejected: RejectedJobs;
  readonly #owner: Ownership;
  readonly #dismissals: Dismissals;
  #lastRetention = 0;
  /** Observers of recorded job changes ({@link JobApi.onJobChange}). */
  readonly #changeListeners = new Set<(change: JobChange) => void>();
  #tick: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  #started = false;

  constructor(o: JobApiOptions) {
    this.#o = o;
    this.#log = o.logger;
    this.languages = supportedLanguages(o.config.server.languages, o.registry.list());
    this.#journal = new SyncJournal(o.store, o.logger);
    this.#events = new JobEvents({
      store: o.store,
      dirs: o.dirs,
      jobLog: o.jobLog,
      logger: o.logger,
      runs: this.#runs,
      journal: this.#journal,
      ...(o.onFinished ? { finished: o.onFinished } : {}),
      onChange: (change) => {
        for (const l of this.#changeListeners) l(change);
      },
    });
    this.#prepare = {
      registry: o.registry,
      policy: o.policy,
      maxInputSize: o.config.jobs.max_input_size,
      durable: o.config.database.durability === "full",
      outputsUrl: o.outputsUrl,
      defaultTimeLimitSec: o.config.jobs.time_limit,
    };
    this.#disk = new DiskGuard(o.config.server.data_dir, o.config.jobs.min_free_space);
    this.#rejected = new RejectedJobs(o.store, o.dirs, o.logger);
    this.#owner = new Ownership({
      store: o.store,
      logger: o.logger,
      url: o.config.server.public_url,
      leaseMs: o.config.server.lease * 1000,
      onTakeOver: (jobs, _from, why) => this.#adopt(jobs, why),
      onFenced: () => {
        this.#started = false;
        o.onFenced?.();
      },
    });
    this.#dismissals = new Dismissals({
      store: o.store,
      pool: o.pool,
      remotes: this.#remotes,
      runs: this.#runs,
      events: this.#events,
      jobLog: o.jobLog,
      logger: o.logger,
      owner: () => this.#owner.id,
    });
    this.#admission = new Admission(o.pool, {
      maxQueued: o.config.jobs.max_queued,
      maxSyncWaiting: o.config.jobs.max_sync_waiting,
    });
  }

  /** The registry's processes. */
  processes(): readonly ProcessDefinition[] {
    return this.#o.registry.list();
  }

  /** A process by identifier, or NoSuchProcess naming `locator`. */
  process(id: string, locator = "identifier"): ProcessDefinition {
    const p = this.#o.registry.get(id);
    if (!p) throw new RoostError("NoSuchProcess", `No process '${id.slice(0, 100)}'`, { locator });
    return p;
  }

  /**
   * Hear of every change of the jobs this server runs or monitors, once it is recorded (starts, progress writes,
   * ends). The listener is called synchronously on the job events' path: it must hand real work off (the OGC API
   * callbacks queue their POSTs). Returns the function that stops listening.
   */
  onJobChange(listener: (change: JobChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** The policy every outbound URL obeys (input references, OGC API callbacks). */
  get referencePolicy(): ReferencePolicy {
    return this.#o.policy;
  }

  /** Absolute URL prefix of published outputs. */
  get outputsUrl(): string {
    return this.#o.outputsUrl;
  }

  /** The backend async jobs of a process run on. */
  backendFor(processId: string): string {
    const s = this.#o.config.scheduler;
    return s.routes[processId] ?? s.backend;
  }

  /** This server instance's id (`jobs.owner` of the jobs it runs or monitors). */
  get instance(): string {
    return this.#owner.id;
  }

  get #recovery(): RecoveryOptions {
    return {
      store: this.#o.store,
      dirs: this.#o.dirs,
      registry: this.#o.registry,
      pool: this.#o.pool,
      events: this.#events,
      runs: this.#runs,
      logger: this.#log,
      owner: this.#owner.id,
    };
  }

  /**
   * Start: register this instance (SQLite: refused when another server uses the database), start the backends,
   * recover the jobs left by a previous run and by stopped servers, then keep the lease.
   */
  async start(): Promise<void> {
    await this.#owner.register();
    const listener = this.#events.listener;
    await this.#o.pool.start(listener);
    // Jobs whose client was told "not accepted" although their row may have been committed late: gone before any
    // backend could recover them.
    await purgeRejected(this.#o.store, this.#o.dirs, this.#log);
    for (const [kind, factory] of this.#o.remotes ?? []) {
      const backend = factory(listener, this.#owner.id);
      this.#remotes.set(kind, backend);
      await backend.start();
    }
    await recoverLocalJobs(this.#recovery);
    // A predecessor on this host (restart after a crash) is taken over at once; other stopped servers once their
    // lease has expired.
    await this.#owner.sweep();
    this.#lastSweep = Date.now();
    this.#tick = setInterval(() => void this.#housekeeping(), TICK_MS);
    this.#tick.unref();
    this.#started = true;
  }

  /**
   * Readiness: the store answers, the data directory takes a file, every backend answers. Each check is bounded
   * (the store by the read budget), so a hung database makes the server "not ready", not a hung probe.
   */
  async readiness(): Promise<{ readonly ready: boolean; readonly checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ready = this.#started;
    if (!this.#started) checks.server = "starting or stopping";
    try {
      await within(this.#o.store.listServers(), READ_BUDGET_MS);
      checks.store = "ok";
    } catch (e) {
      ready = false;
      checks.store = (e as Error).message;
    }
    try {
      const probe = join(this.#o.config.server.data_dir, `.ready.${process.pid}`);
      await writeFile(probe, "");
      await rm(probe, { force: true });
      checks.data_dir = "ok";
    } catch (e) {
      ready = false;
      checks.data_dir = `not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    checks.local = "ok";
    for (const [kind, b] of this.#remotes) {
      const h = b.health();
      if (!h.ok) ready = false;
      checks[kind] = h.ok ? "ok" : (h.detail ?? "unavailable");
    }
    return { ready, checks };
  }

  /** Jobs taken over from a stopped server: recovered as this server's own. */
  async #adopt(jobs: readonly JobRecord[], why: "restart" | "takeover"): Promise<void> {
    await recoverJobs(this.#recovery, jobs, why);
    for (const b of this.#remotes.values()) b.reconcile();
  }

  async #housekeeping(): Promise<void> {
    await this.#owner.heartbeat();
    if (!this.#started) return;
    if (Date.now() - this.#lastSweep >= (this.#o.config.server.lease * 1000) / 2) {
      this.#lastSweep = Date.now();
      await this.#owner.sweep();
    }
    await this.#dismissals.watch().catch(() => {});
    if (Date.now() - this.#lastRetention >= RETENTION_EVERY_MS) {
      this.#lastRetention = Date.now();
      const removed = await sweepExpired(this.#o.store, this.#o.dirs, this.#o.config.jobs.retention).catch(
        (e: unknown) => {
          this.#log.warn({ err: (e as Error).message }, "the retention sweep failed");
          return 0;
        },
      );
      if (removed > 0) this.#log.info({ removed }, "removed jobs past their retention");
    }
  }

  /** Stop: running local jobs get `graceMs` to finish; pending writes and progress are flushed. */
  async stop(graceMs = 0): Promise<void> {
    clearInterval(this.#tick);
    this.#rejected.stop();
    for (const b of this.#remotes.values()) await b.stop();
    await this.#o.pool.close(graceMs);
    await this.#events.drain();
    await this.#journal.flush();
    await this.#o.jobLog.flush();
    // Last: the jobs left (queued, or still running on Slurm) are taken over at once by another server.
    await this.#owner.release();
  }

  /**
   * Execute: validate, prepare inputs, record the job, run it. Async requests resolve as soon as the job is
   * committed and handed over (status `accepted`); sync requests resolve when the job has ended.
   */
  async execute(req: ExecuteRequest, opts: ExecuteOptions): Promise<ExecuteOutcome> {
    if (!this.#started)
      throw new RoostError("ServiceUnavailable", "The server is starting; try again shortly", {
        retryAfter: 1,
      });
    const p = this.process(req.processId);
    const outputs = validateOutputRequests(p, req.outputs);
    const values = readInputs(p, req.inputs);
    const cfg = this.#o.config;
    const mode = chooseMode(p, req, outputs, opts.modeLocator ?? "mode");
    const backend = mode === "sync" ? "local" : this.backendFor(p.identifier);
    if (backend !== "local" && !this.#remotes.has(backend))
      throw new RoostError("ServiceUnavailable", `The '${backend}' scheduler is not configured`);
    if (mode === "sync") this.#admission.checkSync();
    const release = mode === "async" && backend === "local" ? this.#admission.acquireAsync() : () => {};
    const lineage = opts.lineage === true;
    await checkReferences(p, values, this.#o.policy).catch((e: unknown) => {
      release();
      throw e;
    });

    const jobId = newJobId();
    const jobDir = this.#o.dirs.job(jobId);
    const prep = { jobId, jobDir, process: p, request: req, values, outputs, mode, lineage } as const;
    const needDir = needsDirectory(prep);
    let inserting: Promise<void> | undefined;
    let committed = false;
    try {
      if (needDir) await this.#disk.check();
      const spec = await prepareJob(this.#prepare, {
        ...prep,
        language: opts.language,
        signal: opts.signal,
      }).catch((e: unknown) => {
        throw this.#disk.translate(e);
      });
      const now = Date.now();
      const request: JobRequestInfo = {
        protocol: opts.protocol,
        response: req.response,
        outputs,
        lineage,
        statusUpdates: opts.statusUpdates ?? true,
        language: opts.language,
        ...(req.subscriber !== undefined ? { subscriber: req.subscriber } : {}),
        inputs: recordRequest(p, new Set(req.inputs.map((i) => i.id)), values, outputs, req.response),
      };
      if (mode === "sync") {
        const base = {
          id: jobId,
          processId: p.identifier,
          mode,
          backend,
          createdAt: now,
          request,
          owner: this.#owner.id,
        } as const;
        const job = await runSync(this.#o.pool, this.#events, this.#runs, {
          base,
          jobDir,
          spec,
          signal: opts.signal,
          limitSec: cfg.jobs.sync_timeout,
        });
        return { job, process: p };
      }
      inserting = this.#o.store.insert({
        id: jobId,
        processId: p.identifier,
        status: "accepted",
        mode,
        backend,
        createdAt: now,
        message: "Process accepted",
        request,
        owner: this.#owner.id,
      });
      const insert = inserting;
      await within(insert, WRITE_BUDGET_MS).catch(async (e: unknown) => {
        // The insert itself failed (connection refused, disk full): nothing was written — clean up at once below.
        // Only an insert still pending when the budget ran out may commit later.
        if ((await outcomeNow(insert)) === "rejected") inserting = undefined;
        throw e;
      });
      inserting = undefined;
      committed = true;
      this.#o.jobLog.write(jobId, "accepted", { process: p.identifier, backend });
      // The async answer is the job as committed (ProcessAccepted), not as it may be a moment later when a free
      // worker has started it; built from the inserted values (a read-back cost up to 1 ms of the answer).
      const accepted: JobRecord = {
        id: jobId,
        processId: p.identifier,
        status: "accepted",
        mode,
        backend,
        progress: null,
        message: "Process accepted",
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        updatedAt: now,
        attempt: 0,
        schedulerRef: null,
        dismissRequested: false,
        request,
        outputs: null,
        error: null,
        owner: this.#owner.id,
      };
      const submit = {
        jobId,
        attempt: 1,
        processId: p.identifier,
        jobDir,
        timeLimitSec: spec.timeLimitSec,
        priority: "async",
        spec,
      } as const;
      if (backend === "local") {
        this.#runs.set(jobId, { attempt: 1, ref: this.#o.pool.refOf(jobId, 1), mode, dismiss: false });
        await this.#o.pool.submit(submit);
      } else {
        // Remote backends may take a while (retries while the controller is down): the monitor hands the job over in
        // the background (the job stays accepted meanwhile), records the reference and follows the job.
        this.#remotes.get(backend)!.submit(submit);
      }
      release();
      return { job: accepted, process: p };
    } catch (e) {
      release();
      if (inserting) {
        // The client hears "not accepted", but a hung insert may still commit: the job is marked rejected and its row
        // removed once the insert has settled (no second store call on this request's budget).
        this.#rejected.add(jobId, inserting);
      } else if (needDir && !committed) {
        await rm(jobDir, { recursive: true, force: true }).catch(() => {});
      }
      throw e;
    }
  }

  /** A job by id; malformed ids are simply unknown (they never reach SQL or the filesystem). */
  async job(id: string): Promise<JobRecord | undefined> {
    if (!isJobId(id)) return undefined;
    return this.#journal.get(id) ?? within(this.#o.store.get(id), READ_BUDGET_MS);
  }

  /** A job by id, or NoSuchJob. */
  async getJob(id: string, locator = "jobId"): Promise<JobRecord> {
    const job = await this.job(id);
    if (!job) throw new RoostError("NoSuchJob", `No job '${id.slice(0, 40)}'`, { locator });
    return job;
  }

  /** Jobs, newest first, filtered and paged (see {@link JobListQuery}). */
  list(query: JobListQuery = {}): Promise<JobRecord[]> {
    return within(this.#o.store.list(query), READ_BUDGET_MS);
  }

  /** Latest progress reported for a running job, possibly newer than the store (writes are throttled). */
  liveProgress(jobId: string): { readonly percent: number; readonly message: string } | undefined {
    return this.#events.progress.live(jobId);
  }

  /** Render a job for a protocol encoder (the lineage echo is read from the job directory when it was kept). */
  async view(job: JobRecord, opts: ViewOptions): Promise<JobView> {
    const p = this.process(job.processId);
    let lineage: { inputs: readonly RawInput[]; outputs: readonly OutputRequest[] } | undefined;
    if (job.request.lineage) {
      try {
        const raw = JSON.parse(await readFile(join(this.#o.dirs.job(job.id), "request.json"), "utf8")) as {
          inputs: RawInput[];
          outputs: OutputRequest[];
        };
        lineage = { inputs: raw.inputs, outputs: raw.outputs };
      } catch {
        lineage = { inputs: [], outputs: job.request.outputs };
      }
    }
    let shown = job;
    if (job.status === "running") {
      const live = this.liveProgress(job.id);
      if (live) shown = { ...job, progress: live.percent, message: live.message || job.message };
    }
    return jobView(
      p,
      shown,
      {
        outputsUrl: this.#o.outputsUrl,
        outputsDir: this.#o.dirs.outputs(job.id),
        maxInline: this.#o.config.jobs.max_inline_output,
        exceptionCode: opts.exceptionCode,
        ...(opts.statusLocation !== undefined ? { statusLocation: opts.statusLocation } : {}),
        ...(lineage ? { lineage } : {}),
      },
      p.jobControl.async,
    );
  }

  /**
   * Dismiss a job: a queued job never starts, a running one is stopped (abort, then kill after the grace period;
   * `scancel` on Slurm). Waits up to `waitMs` (default 0: not at all) for the job to reach its terminal state and
   * resolves with the job as it is then. Terminal jobs are returned unchanged; unknown ids are NoSuchJob.
   */
  async dismiss(id: string, opts: { readonly waitMs?: number } = {}): Promise<JobRecord> {
    const job = await this.getJob(id);
    if (isTerminal(job.status)) return job;
    await this.#dismissals.request(job);
    let now = (await this.#o.store.get(id)) ?? job;
    const deadline = Date.now() + (opts.waitMs ?? 0);
    while (!isTerminal(now.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = (await this.job(id)) ?? now;
    }
    return now;
  }

  /** How long a front end's dismiss should wait by default, ms. */
  get dismissWaitMs(): number {
    return DISMISS_WAIT_MS;
  }

  /**
   * Delete a finished job for good: its directory (inputs, logs, outputs), then its row — files first, so an
   * interruption leaves a row to delete again, never an orphaned directory. Active jobs are refused (dismiss them
   * first). Resolves false for an unknown id.
   */
  async remove(id: string): Promise<boolean> {
    const job = await this.job(id);
    if (!job) return false;
    if (!isTerminal(job.status))
      throw new RoostError("InvalidParameter", "The job is still active: dismiss it before deleting it", {
        locator: "jobId",
      });
    await rm(this.#o.dirs.job(id), { recursive: true, force: true });
    await this.#o.store.delete(id);
    return true;
  }

  /**
   * Remove the files of a dismissed job — inputs, attempts (work directories), outputs, spec — keeping only its
   * `job.log` as the trail of what happened. Anything but a dismissed job is left alone (a finished job's results
   * stay until the operator's retention removes them). Returns whether the job was dismissed.
   */
  async removeDismissedFiles(jobId: string): Promise<boolean> {
    const job = await this.job(jobId);
    if (job?.status !== "dismissed") return false;
    const dir = this.#o.dirs.job(jobId);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => n !== "job.log").map((n) => rm(join(dir, n), { recursive: true, force: true })),
    );
    return true;
  }

  /** The published outputs directory of a job. */
  outputsDir(jobId: string): string {
    return this.#o.dirs.outputs(jobId);
  }

  /** Public URL of a published output file. */
  outputHref(jobId: string, file: string): string {
    return outputHref(this.#o.outputsUrl, jobId, file);
  }

  /** Absolute path of a published output file, or undefined (never outside the job's outputs directory). */
  async outputFile(jobId: string, rel: string): Promise<string | undefined> {
    if (!isJobId(jobId) || rel === "" || rel.includes("\0")) return undefined;
    const root = this.#o.dirs.outputs(jobId);
    const path = resolve(root, rel);
    if (!path.startsWith(root + sep)) return undefined;
    const st = await stat(path).catch(() => undefined);
    return st?.isFile() ? path : undefined;
  }
}
