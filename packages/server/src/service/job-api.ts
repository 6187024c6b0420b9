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
import { rm } from "node:fs/promises";
import {
  type ExecuteRequest,
  isJobId,
  isTerminal,
  type JobListQuery,
  type JobRecord,
  type JobRequestInfo,
  type JobView,
  type MonitoredBackend,
  newJobId,
  type ProcessDefinition,
  RoostError,
  validateOutputRequests,
} from "@roost/core/internal";
import type { Logger } from "pino";
import type { ReferencePolicy } from "../fetch/index.js";
import { acceptAsync } from "./accept.js";
import { Admission, chooseMode } from "./admission.js";
import { READ_BUDGET_MS, within } from "./deadline.js";
import { DiskGuard } from "./disk.js";
import { Dismissals } from "./dismissal.js";
import { Housekeeping } from "./housekeeping.js";
import { checkReferences, readInputs } from "./inputs.js";
import type { ExecuteOptions, ExecuteOutcome, JobApiOptions, ViewOptions } from "./job-api-types.js";
import { type JobChange, JobEvents } from "./job-events.js";
import { publishedFile, readLineage, removeAllButLog } from "./job-files.js";
import { supportedLanguages } from "./languages.js";
import type { LocalRuns } from "./local-runs.js";
import { Ownership } from "./ownership.js";
import { needsDirectory, type PrepareContext, prepareJob } from "./prepare.js";
import { checkReadiness, type Readiness } from "./readiness.js";
import { type RecoveryOptions, recoverJobs, recoverLocalJobs } from "./recovery.js";
import { purgeRejected, RejectedJobs } from "./rejected.js";
import { recordRequest } from "./request-record.js";
import { SyncJournal } from "./sync-journal.js";
import { runSync } from "./sync-runner.js";
import { jobView, outputHref } from "./views.js";

export type { ExecuteOptions, ExecuteOutcome, JobApiOptions, ViewOptions } from "./job-api-types.js";

/** How long {@link JobApi.dismiss} waits for a job to really stop, by default (local jobs stop within the grace). */
const DISMISS_WAIT_MS = 3000;

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
  /** Observers of recorded job changes ({@link JobApi.onJobChange}). */
  readonly #changeListeners = new Set<(change: JobChange) => void>();
  readonly #housekeeping: Housekeeping;
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
      journal: this.#journal,
      dirs: o.dirs,
      logger: o.logger,
      owner: () => this.#owner.id,
    });
    this.#housekeeping = new Housekeeping({
      owner: this.#owner,
      dismissals: this.#dismissals,
      store: o.store,
      dirs: o.dirs,
      retention: o.config.jobs.retention,
      leaseMs: o.config.server.lease * 1000,
      logger: o.logger,
      serving: () => this.#started,
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
    this.#housekeeping.start();
    this.#started = true;
  }

  /**
   * Readiness: the store answers, the data directory takes a file, every backend answers. Each check is bounded
   * (the store by the read budget), so a hung database makes the server "not ready", not a hung probe.
   */
  readiness(): Promise<Readiness> {
    return checkReadiness({
      started: this.#started,
      store: this.#o.store,
      dataDir: this.#o.config.server.data_dir,
      remotes: this.#remotes,
    });
  }

  /** Jobs taken over from a stopped server: recovered as this server's own. */
  async #adopt(jobs: readonly JobRecord[], why: "restart" | "takeover"): Promise<void> {
    await recoverJobs(this.#recovery, jobs, why);
    for (const b of this.#remotes.values()) b.reconcile();
  }

  /** Stop: running local jobs get `graceMs` to finish; pending writes and progress are flushed. */
  async stop(graceMs = 0): Promise<void> {
    this.#housekeeping.stop();
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
    let accepting = false;
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
      accepting = true;
      const job = await acceptAsync(
        {
          store: this.#o.store,
          pool: this.#o.pool,
          remotes: this.#remotes,
          runs: this.#runs,
          jobLog: this.#o.jobLog,
          rejected: this.#rejected,
          owner: this.#owner.id,
        },
        { jobId, jobDir, process: p, backend, request, spec },
      );
      release();
      return { job, process: p };
    } catch (e) {
      release();
      // Before the insert (preparing, a sync run): nothing is recorded, the directory goes. The async path cleans up
      // after its own insert (`accept.ts`).
      if (needDir && !accepting) await rm(jobDir, { recursive: true, force: true }).catch(() => {});
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
    const lineage = await readLineage(this.#o.dirs, job);
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
   * resolves with the job as it is then. A job that has already ended — or ends while we wait — is withdrawn: it
   * becomes dismissed and its files go but for `job.log` (OGC API – Processes: dismiss "removes the artefacts of a
   * finished one"; reliability P5: "terminal → results and workdir deleted"). A dismissed job is returned as it is;
   * unknown ids are NoSuchJob.
   */
  async dismiss(id: string, opts: { readonly waitMs?: number } = {}): Promise<JobRecord> {
    const job = await this.getJob(id);
    if (job.status === "dismissed") return job;
    if (isTerminal(job.status)) return this.#dismissals.withdraw(job);
    await this.#dismissals.request(job);
    let now = (await this.#o.store.get(id)) ?? job;
    const deadline = Date.now() + (opts.waitMs ?? 0);
    while (!isTerminal(now.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = (await this.job(id)) ?? now;
    }
    // Ended on its own while being dismissed (it won the race to its final write): the client still asked for it
    // to go, so it goes.
    return now.status === "succeeded" || now.status === "failed" ? this.#dismissals.withdraw(now) : now;
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
   * `job.log` as the trail of what happened. Anything but a dismissed job is left alone. Returns whether the job was
   * dismissed.
   */
  async removeDismissedFiles(jobId: string): Promise<boolean> {
    const job = await this.job(jobId);
    if (job?.status !== "dismissed") return false;
    await removeAllButLog(this.#o.dirs, jobId);
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
  outputFile(jobId: string, rel: string): Promise<string | undefined> {
    return publishedFile(this.#o.dirs, jobId, rel);
  }
}
