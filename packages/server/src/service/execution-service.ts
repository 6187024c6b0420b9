/**
 * The execution service: the protocol-neutral core of the server. It validates and prepares Execute requests,
 * records jobs (committed before anyone hears of them), hands attempts to a scheduler backend, folds the
 * backend's reports into the store (the only writer), publishes outputs atomically, dismisses, and recovers after
 * a restart. Front ends (WPS 1.0.0 now; WPS 2.0.0 and OGC API later) only decode requests and encode views.
 */
import { appendFile, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import {
  ACTIVE,
  type ExecuteRequest,
  type FinishedJob,
  interpretInputs,
  isJobId,
  isTerminal,
  type JobErrorInfo,
  type JobRecord,
  type JobSpec,
  type JobStore,
  type JobView,
  newJobId,
  type OutputRequest,
  type ProcessDefinition,
  type RawInput,
  RoostError,
  type Scheduler,
  type SchedulerListener,
  validateInputs,
  validateOutputRequests,
  type WorkerFailure,
  type WorkerProgress,
  type WorkerResult,
} from "@roost/core";
import type { Logger } from "pino";
import type { Config } from "../config/load.js";
import type { ReferencePolicy } from "../fetch/index.js";
import type { ProcessRegistry } from "../registry/registry.js";
import { localRef } from "../scheduler/local/local-scheduler.js";
import { writeFileAtomic } from "../storage/atomic.js";
import { attemptDir, type JobDirs } from "../storage/job-dirs.js";
import { checkReferences, materializeInputs, needsInputFiles } from "./inputs.js";
import { supportedLanguages } from "./languages.js";
import { JobMonitor } from "./monitor.js";
import { jobView } from "./views.js";

/** Collaborators of the service (built by the composition root). */
export interface ServiceOptions {
  readonly config: Config;
  readonly registry: ProcessRegistry;
  readonly store: JobStore;
  readonly dirs: JobDirs;
  /** Backends by name; `local` is always present. */
  readonly schedulers: ReadonlyMap<string, Scheduler>;
  readonly logger: Logger;
  readonly policy: ReferencePolicy;
}

/** Outcome of {@link ExecutionService.execute}. */
export interface ExecuteOutcome {
  /** The job: accepted (async) or terminal (sync). */
  readonly job: JobRecord;
  readonly process: ProcessDefinition;
}

/** Minimum milliseconds between two progress writes of one job (the latest report always wins). */
const PROGRESS_WRITE_INTERVAL_MS = 250;

/** Catalogue code recorded for every failed job: the message carries the reason (process error, crash, limit…). */
const FAILURE_CODE = "ProcessFailed";

/** See the module comment. */
export class ExecutionService {
  readonly #o: ServiceOptions;
  readonly #log: Logger;
  /** Supported languages, default first. */
  readonly languages: readonly string[];
  /** Per-job serialisation of store writes coming from backend events. */
  readonly #chains = new Map<string, Promise<void>>();
  /** Latest progress not yet written, per job. */
  readonly #pendingProgress = new Map<
    string,
    { p: WorkerProgress; timer: NodeJS.Timeout | undefined; lastWrite: number }
  >();
  /** Synchronous requests waiting for their job to end. */
  readonly #waiters = new Map<string, (job: JobRecord | undefined) => void>();
  /** Sync jobs stopped because they ran past `sync_timeout`. */
  readonly #syncTimedOut = new Set<string>();
  /**
   * Jobs this process handed to the local pool, until they end. Their attempt, mode and dismiss flag are known here,
   * so finishing them needs no store read (the profile of sync `hello` showed each SQLite round trip at ~10 % of the
   * request); sync jobs are not in the store at all until they end (see #runSync).
   */
  readonly #local = new Map<
    string,
    {
      readonly attempt: number;
      readonly mode: "sync" | "async";
      dismiss: boolean;
      /** Sync jobs only: the record kept in memory until the job ends. */
      readonly base?: Pick<JobRecord, "id" | "processId" | "mode" | "backend" | "createdAt" | "request">;
    }
  >();
  /** Finished sync jobs waiting to be written (see #record). */
  readonly #journal: FinishedJob[] = [];
  #journalTimer: NodeJS.Timeout | undefined;
  /**
   * Finished sync jobs until their batch is written: a client that follows an output href from the response at once
   * must get the recorded media type, not a guess from the file extension.
   */
  readonly #unrecorded = new Map<string, JobRecord>();
  /** The last pending append to each job's job.log (appends are chained to keep the lines in order). */
  readonly #logWrites = new Map<string, Promise<void>>();
  /** Async local Executes past the queue check but not yet handed to the pool (each holds a queue slot). */
  #admitting = 0;
  /** Job monitors of the poll-based backends (Slurm), by backend name. */
  readonly #monitors = new Map<string, JobMonitor>();
  #started = false;

  constructor(o: ServiceOptions) {
    this.#o = o;
    this.#log = o.logger;
    this.languages = supportedLanguages(o.config.server.languages, o.registry.list());
  }

  /** The registry's processes. */
  processes(): readonly ProcessDefinition[] {
    return this.#o.registry.list();
  }

  /** A process by identifier, or NoSuchProcess. */
  process(id: string, locator = "identifier"): ProcessDefinition {
    const p = this.#o.registry.get(id);
    if (!p) throw new RoostError("NoSuchProcess", `No process '${id.slice(0, 100)}'`, { locator });
    return p;
  }

  /** Public URL of published outputs (`<public_url>/outputs`). */
  get outputsUrl(): string {
    return `${this.#o.config.server.public_url}/outputs`;
  }

  /** The job resource (`<public_url>/jobs`, see `http/jobs.ts`). */
  get jobsUrl(): string {
    return `${this.#o.config.server.public_url}/jobs`;
  }

  /** Status document URL of an async job (WPS 1.0.0 `statusLocation`). */
  statusLocation(jobId: string): string {
    return `${this.outputsUrl}/${jobId}.xml`;
  }

  /** Start the backends and recover jobs left by a previous run. */
  async start(): Promise<void> {
    const listener: SchedulerListener = {
      started: (jobId, attempt) => this.#enqueue(jobId, () => this.#onStarted(jobId, attempt)),
      progress: (p) => this.#onProgress(p),
      finished: (r) => this.#enqueue(r.jobId, () => this.#onFinished(r)),
    };
    for (const s of this.#o.schedulers.values()) await s.start(listener);
    for (const s of this.#o.schedulers.values()) {
      if (s.kind === "local") continue;
      // Poll-based backends report nothing by themselves: a monitor polls them and reconciles their jobs.
      const c = this.#o.config.slurm;
      const monitor = new JobMonitor({
        scheduler: s,
        store: this.#o.store,
        dirs: this.#o.dirs,
        events: listener,
        logger: this.#log,
        minPollMs: c.min_poll_interval * 1000,
        maxPollMs: Math.max(c.poll_interval, c.min_poll_interval) * 1000,
        lostGraceMs: c.lost_grace * 1000,
        submitDeadlineMs: c.submit_deadline * 1000,
        backendLabel: s.kind === "slurm" ? "Slurm" : s.kind,
      });
      this.#monitors.set(s.kind, monitor);
      await monitor.start();
    }
    await this.#recover();
    this.#started = true;
  }

  /** Stop: running local jobs get `graceMs` to finish; pending progress is flushed. */
  async stop(graceMs = 0): Promise<void> {
    for (const m of this.#monitors.values()) await m.stop();
    for (const s of this.#o.schedulers.values()) {
      await (s as Scheduler & { close(graceMs?: number): Promise<void> }).close(graceMs);
    }
    await Promise.allSettled([...this.#chains.values()]);
    await this.#flushJournal();
    for (const [id, e] of this.#pendingProgress) {
      clearTimeout(e.timer);
      await this.#writeProgress(id).catch(() => {});
    }
  }

  #enqueue(jobId: string, fn: () => Promise<void>): void {
    const prev = this.#chains.get(jobId) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e: unknown) => this.#log.error({ jobId, err: e }, "job event handling failed"))
      .finally(() => {
        if (this.#chains.get(jobId) === next) this.#chains.delete(jobId);
      });
    this.#chains.set(jobId, next);
  }

  #jobLog(jobId: string, event: string, fields: Record<string, unknown> = {}): void {
    const line = `${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`;
    // One append at a time per job: concurrent appends may land out of order (seen: "started" before "accepted").
    const next = (this.#logWrites.get(jobId) ?? Promise.resolve())
      .then(() => appendFile(this.#o.dirs.log(jobId), line))
      .catch(() => {
        // Sync jobs without inputs have no directory: nothing to log into, by design.
      });
    this.#logWrites.set(jobId, next);
    void next.then(() => {
      if (this.#logWrites.get(jobId) === next) this.#logWrites.delete(jobId);
    });
  }

  /** The backend async jobs of a process run on. */
  backendFor(processId: string): string {
    const s = this.#o.config.scheduler;
    return s.routes[processId] ?? s.backend;
  }

  #timeLimit(p: ProcessDefinition): number {
    return p.jobControl.timeLimit ?? this.#o.config.jobs.time_limit;
  }

  /**
   * Execute: validate, prepare inputs, record the job, run it. Async requests resolve as soon as the job is
   * committed and handed over (status `accepted`); sync requests resolve when the job has ended.
   */
  async execute(
    req: ExecuteRequest,
    opts: { readonly language: string; readonly signal?: AbortSignal },
  ): Promise<ExecuteOutcome> {
    if (!this.#started)
      throw new RoostError("ServiceUnavailable", "The server is starting; try again shortly", {
        retryAfter: 1,
      });
    const p = this.process(req.processId);
    const outputs = validateOutputRequests(p, req.outputs);
    const values = validateInputs(p, req.inputs);
    const cfg = this.#o.config;
    let mode: "sync" | "async";
    if (req.mode === "auto") mode = p.jobControl.sync ? "sync" : "async";
    else mode = req.mode;
    if (mode === "async" && !p.jobControl.async) {
      throw new RoostError(
        "StorageNotSupported",
        `Process '${p.identifier}' does not support the storing of the execute response (asynchronous execution)`,
        {
          locator: "storeExecuteResponse",
        },
      );
    }
    if (mode === "sync" && !p.jobControl.sync) {
      throw new RoostError(
        "InvalidParameter",
        `Process '${p.identifier}' only supports asynchronous execution`,
        { locator: "storeExecuteResponse" },
      );
    }
    if (!p.jobControl.async) {
      const byRef = outputs.find((o) => o.asReference === true);
      if (byRef)
        throw new RoostError(
          "StorageNotSupported",
          `Process '${p.identifier}' cannot return outputs by reference`,
          { locator: byRef.id },
        );
    }
    const backend = mode === "sync" ? "local" : this.backendFor(p.identifier);
    const scheduler = this.#o.schedulers.get(backend);
    if (!scheduler)
      throw new RoostError("ServiceUnavailable", `The '${backend}' scheduler is not configured`);
    const local = this.#o.schedulers.get("local") as Scheduler & {
      queued(): { sync: number; async: number };
      busy(): number;
    };
    const q = local.queued();
    if (mode === "sync" && q.sync >= cfg.jobs.max_sync_waiting) {
      throw new RoostError("ServerBusy", "Too many synchronous requests are waiting; try again later", {
        retryAfter: 2,
      });
    }
    // Capacity = free workers + max_queued. Requests between this check and the hand-over to the pool (several
    // awaits later) hold a slot, so a burst cannot all pass the check before any of them is queued.
    const admit = mode === "async" && backend === "local";
    if (admit && local.busy() + q.async + this.#admitting >= cfg.jobs.workers + cfg.jobs.max_queued) {
      throw new RoostError(
        "ServerBusy",
        `The job queue is full (${cfg.jobs.max_queued} jobs waiting); try again later`,
        { retryAfter: 10 },
      );
    }
    let slot = admit;
    if (slot) this.#admitting++;
    const release = () => {
      if (slot) this.#admitting--;
      slot = false;
    };
    await checkReferences(p, values, this.#o.policy).catch((e: unknown) => {
      release();
      throw e;
    });

    const jobId = newJobId();
    const jobDir = this.#o.dirs.job(jobId);
    // Sync jobs without complex inputs never touch the disk before the handler needs a directory (fast path).
    const needDir = mode === "async" || needsInputFiles(values) || req.lineage;
    try {
      if (needDir) await mkdir(jobDir, { recursive: true, mode: 0o750 });
      const inputs = await materializeInputs(
        p,
        values,
        jobDir,
        { maxInputSize: cfg.jobs.max_input_size, policy: this.#o.policy },
        opts.signal,
      );
      const source = this.#o.registry.source(p.identifier)!;
      const spec: JobSpec = {
        version: 1,
        jobId,
        process: { id: p.identifier, source },
        inputs,
        outputRequests: outputs,
        language: opts.language,
        outputsUrl: `${this.outputsUrl}/${jobId}/`,
        timeLimitSec: this.#timeLimit(p),
      };
      const durable = cfg.database.durability === "full";
      if (mode === "async") writeFileAtomic(join(jobDir, "job.json"), JSON.stringify(spec), durable);
      if (req.lineage) {
        const echo = { inputs: interpretInputs(p, req.inputs), outputs: req.outputs };
        writeFileAtomic(join(jobDir, "request.json"), JSON.stringify(echo), durable);
      }
      const now = Date.now();
      const request = {
        protocol: "wps1",
        response: req.response,
        outputs,
        lineage: req.lineage,
        statusUpdates: req.statusUpdates,
        language: opts.language,
      } as const;
      if (mode === "sync") {
        const base = { id: jobId, processId: p.identifier, mode, backend, createdAt: now, request } as const;
        return { job: await this.#runSync(base, p, jobDir, spec, opts.signal), process: p };
      }
      await this.#o.store.insert({
        id: jobId,
        processId: p.identifier,
        status: "accepted",
        mode,
        backend,
        createdAt: now,
        message: "Process accepted",
        request,
      });
      this.#jobLog(jobId, "accepted", { process: p.identifier, backend });
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
      };
      await this.#submit(scheduler, jobId, 1, p, jobDir, spec, mode);
      release();
      return { job: accepted, process: p };
    } catch (e) {
      release();
      if (needDir && (mode === "sync" || !(await this.#o.store.get(jobId).catch(() => undefined)))) {
        await rm(jobDir, { recursive: true, force: true }).catch(() => {});
      }
      throw e;
    }
  }

  async #submit(
    s: Scheduler,
    jobId: string,
    attempt: number,
    p: ProcessDefinition,
    jobDir: string,
    spec: JobSpec,
    mode: "sync" | "async",
  ): Promise<void> {
    const req = {
      jobId,
      attempt,
      processId: p.identifier,
      jobDir,
      timeLimitSec: spec.timeLimitSec,
      priority: mode,
      spec,
    } as const;
    if (s.kind === "local") {
      this.#local.set(jobId, { attempt, mode, dismiss: false });
      await s.submit(req);
      return;
    }
    // Remote backends may take a while (retries while the controller is down): the monitor hands the job over in
    // the background (the job stays accepted meanwhile), records the reference and follows the job.
    const monitor = this.#monitors.get(s.kind);
    if (monitor) return monitor.submit(req);
    s.submit(req).then(
      ({ ref }) =>
        this.#enqueue(jobId, async () => {
          await this.#o.store.update(jobId, ACTIVE, { schedulerRef: ref });
          this.#jobLog(jobId, "submitted", { backend: s.kind, ref });
        }),
      (e: unknown) =>
        this.#enqueue(jobId, async () => {
          const msg = e instanceof RoostError ? e.message : "The scheduler refused the job";
          this.#log.warn({ jobId, err: e }, "submission failed");
          await this.#fail(jobId, { kind: "scheduler", message: msg });
        }),
    );
  }

  #waitFor(jobId: string): Promise<JobRecord | undefined> {
    return new Promise((resolve) => this.#waiters.set(jobId, resolve));
  }

  /**
   * A synchronous execution: the client waits on the connection, so the job is kept in memory while it runs and
   * recorded once it has ended (batched with others, see {@link ExecutionService.#record}). Nothing on this path
   * waits for a store write.
   */
  async #runSync(
    base: Pick<JobRecord, "id" | "processId" | "mode" | "backend" | "createdAt" | "request">,
    p: ProcessDefinition,
    jobDir: string,
    spec: JobSpec,
    signal?: AbortSignal,
  ): Promise<JobRecord> {
    const jobId = base.id;
    const limit = this.#o.config.jobs.sync_timeout;
    const local = this.#o.schedulers.get("local")!;
    const entry = { attempt: 1, mode: "sync" as const, dismiss: false, base };
    this.#local.set(jobId, entry);
    const done = this.#waitFor(jobId);
    const onAbort = () => {
      // The client went away: nobody will read the result, so the worker is stopped.
      entry.dismiss = true;
      void local.cancel(localRef(jobId, 1));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), limit * 1000);
    });
    try {
      await local.submit({
        jobId,
        attempt: 1,
        processId: p.identifier,
        jobDir,
        timeLimitSec: spec.timeLimitSec,
        priority: "sync",
        spec,
      });
      const first = await Promise.race([done, timeout]);
      if (first !== "timeout") return first!;
      // Answer now; the worker is stopped (abort, then kill after the grace period) and its late report ignored.
      this.#syncTimedOut.add(jobId);
      const failed = this.#finishSync(jobId, {
        jobId,
        attempt: 1,
        ok: false,
        failure: {
          kind: "timeout",
          message: `Synchronous execution exceeded the limit of ${limit} s; use asynchronous execution for long jobs`,
        },
      });
      await local.cancel(localRef(jobId, 1));
      return failed;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** End a sync job in memory (outputs already published by the caller) and queue its record. */
  #finishSync(jobId: string, r: WorkerResult, published = false): JobRecord {
    const entry = this.#local.get(jobId);
    if (!entry?.base) throw new Error(`not a running sync job: ${jobId}`);
    this.#local.delete(jobId);
    this.#dropProgress(jobId);
    const now = Date.now();
    const status: FinishedJob["status"] =
      r.ok && !entry.dismiss
        ? "succeeded"
        : entry.dismiss || (!r.ok && r.failure.kind === "cancelled")
          ? "dismissed"
          : "failed";
    const error: JobErrorInfo | null =
      !r.ok && status === "failed" ? { code: FAILURE_CODE, message: r.failure.message } : null;
    const finished: FinishedJob = {
      ...entry.base,
      status,
      startedAt: entry.base.createdAt,
      finishedAt: now,
      progress: status === "succeeded" ? 100 : null,
      outputs: r.ok && status === "succeeded" ? r.outputs : null,
      error,
      message:
        status === "succeeded"
          ? "Process succeeded"
          : status === "dismissed"
            ? "Job dismissed"
            : error!.message,
    };
    if (
      !published &&
      status === "succeeded" &&
      Object.values(finished.outputs ?? {}).some((o) => o.kind === "file")
    ) {
      throw new Error("sync outputs must be published before the job is finished");
    }
    this.#record(finished);
    const settle = this.#waiters.get(jobId);
    this.#waiters.delete(jobId);
    const job: JobRecord = {
      ...finished,
      message: finished.message ?? null,
      updatedAt: now,
      attempt: 1,
      schedulerRef: null,
      dismissRequested: entry.dismiss,
    };
    this.#unrecorded.set(jobId, job);
    settle?.(job);
    return job;
  }

  /**
   * Queue a finished sync job for the store. Records are written in one transaction per batch (every 20 ms or 200
   * jobs): under load this turns hundreds of single-row commits per second into a few multi-row ones.
   */
  #record(job: FinishedJob): void {
    this.#journal.push(job);
    if (this.#journal.length >= 200) void this.#flushJournal();
    else this.#journalTimer ??= setTimeout(() => void this.#flushJournal(), 20);
  }

  async #flushJournal(): Promise<void> {
    clearTimeout(this.#journalTimer);
    this.#journalTimer = undefined;
    const batch = this.#journal.splice(0);
    if (batch.length === 0) return;
    try {
      await this.#o.store.insertFinished(batch);
    } catch (e) {
      // The clients already have their results; only the history of these executions is lost.
      this.#log.error({ err: e, jobs: batch.length }, "recording finished synchronous jobs failed");
    }
    for (const j of batch) this.#unrecorded.delete(j.id);
  }

  async #onStarted(jobId: string, attempt: number): Promise<void> {
    if (this.#local.get(jobId)?.mode === "sync") return; // recorded as running when inserted
    const job = await this.#o.store.transition(jobId, ["accepted"], "running", {
      startedAt: Date.now(),
      attempt,
      progress: 0,
      message: "Process started",
    });
    if (job?.mode === "async") this.#jobLog(jobId, "started", { attempt });
  }

  #onProgress(p: WorkerProgress): void {
    const e = this.#pendingProgress.get(p.jobId);
    if (!e) {
      this.#pendingProgress.set(p.jobId, { p, timer: undefined, lastWrite: 0 });
    } else {
      e.p = p;
    }
    const entry = this.#pendingProgress.get(p.jobId)!;
    // A sync job is not in the store while it runs: its progress lives in memory only.
    if (entry.timer || this.#local.get(p.jobId)?.base) return;
    const wait = Math.max(0, entry.lastWrite + PROGRESS_WRITE_INTERVAL_MS - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.#enqueue(p.jobId, () => this.#writeProgress(p.jobId));
    }, wait);
  }

  async #writeProgress(jobId: string): Promise<void> {
    const e = this.#pendingProgress.get(jobId);
    if (!e) return;
    e.lastWrite = Date.now();
    await this.#o.store.update(jobId, ["running"], { progress: e.p.percent, message: e.p.message || null });
  }

  #dropProgress(jobId: string): void {
    const e = this.#pendingProgress.get(jobId);
    if (e) clearTimeout(e.timer);
    this.#pendingProgress.delete(jobId);
  }

  /** Latest progress reported for a running job, possibly newer than the store (writes are throttled). */
  liveProgress(jobId: string): WorkerProgress | undefined {
    return this.#pendingProgress.get(jobId)?.p;
  }

  async #onFinished(r: WorkerResult): Promise<void> {
    const store = this.#o.store;
    const settle = (j: JobRecord | undefined) => {
      const w = this.#waiters.get(r.jobId);
      if (w) {
        this.#waiters.delete(r.jobId);
        w(j);
      }
    };
    const local = this.#local.get(r.jobId);
    if (local?.base) {
      // A sync job: settled in memory, recorded afterwards.
      if (local.attempt !== r.attempt) return;
      let result = r;
      if (r.ok && !local.dismiss) {
        try {
          await this.#publish(r);
        } catch (e) {
          this.#log.error({ jobId: r.jobId, err: e }, "publishing outputs failed");
          result = {
            jobId: r.jobId,
            attempt: r.attempt,
            ok: false,
            failure: { kind: "internal", message: "Publishing the outputs failed" },
          };
        }
      }
      this.#dropProgress(r.jobId);
      this.#finishSync(r.jobId, result, true);
      return;
    }
    let job: JobRecord | undefined;
    let dismissRequested: boolean;
    if (local) {
      this.#local.delete(r.jobId);
      if (local.attempt !== r.attempt) return settle(await store.get(r.jobId));
      dismissRequested = local.dismiss;
    } else {
      // A sync job that timed out was answered already; this is its worker's late report.
      if (this.#syncTimedOut.delete(r.jobId)) return;
      job = await store.get(r.jobId);
      if (!job || isTerminal(job.status) || job.attempt !== r.attempt) {
        // Late or stale report (fencing by attempt): the job already has its outcome.
        settle(job);
        return;
      }
      dismissRequested = job.dismissRequested;
    }
    const now = Date.now();
    if (r.ok && !dismissRequested) {
      const published = this.#o.dirs.outputs(r.jobId);
      const hasFiles = Object.values(r.outputs).some((o) => o.kind === "file");
      try {
        // Publish first, then say "succeeded": an output is never visible half-written, and the status never
        // points at files that are not there.
        await this.#publish(r);
        job = await store.transition(r.jobId, ["running"], "succeeded", {
          outputs: r.outputs,
          finishedAt: now,
          progress: 100,
          message: "Process succeeded",
        });
        if (!job && hasFiles) await rm(published, { recursive: true, force: true });
      } catch (e) {
        this.#log.error({ jobId: r.jobId, err: e }, "publishing outputs failed");
        job = await this.#fail(r.jobId, { kind: "internal", message: "Publishing the outputs failed" });
      }
      if (job?.mode === "async") this.#jobLog(r.jobId, "succeeded");
    } else if (
      dismissRequested ||
      (!r.ok && r.failure.kind === "cancelled" && !this.#syncTimedOut.has(r.jobId))
    ) {
      job = await store.transition(r.jobId, ["accepted", "running"], "dismissed", {
        finishedAt: now,
        message: "Job dismissed",
      });
      await rm(this.#o.dirs.outputs(r.jobId), { recursive: true, force: true });
      if (job?.mode === "async") this.#jobLog(r.jobId, "dismissed");
    } else if (!r.ok) {
      job = await this.#fail(r.jobId, r.failure);
    }
    // Only now: until the terminal status is stored, readers render the live progress, never the older stored one.
    this.#dropProgress(r.jobId);
    this.#syncTimedOut.delete(r.jobId);
    settle(job ?? (await store.get(r.jobId)));
  }

  /** Move the attempt's `out/` to the job's `outputs/` (one rename: all outputs appear at once). */
  async #publish(r: WorkerResult & { ok: true }): Promise<void> {
    if (!Object.values(r.outputs).some((o) => o.kind === "file")) return;
    const published = this.#o.dirs.outputs(r.jobId);
    await rm(published, { recursive: true, force: true });
    await rename(join(attemptDir(this.#o.dirs.job(r.jobId), r.attempt), "out"), published);
  }

  async #fail(jobId: string, f: WorkerFailure): Promise<JobRecord | undefined> {
    const error: JobErrorInfo = { code: FAILURE_CODE, message: f.message };
    const job = await this.#o.store.transition(jobId, ["accepted", "running"], "failed", {
      finishedAt: Date.now(),
      error,
      message: f.message,
    });
    this.#dropProgress(jobId);
    if (job?.mode === "async") this.#jobLog(jobId, "failed", { kind: f.kind, message: f.message });
    return job;
  }

  /** A job by id; malformed ids are simply unknown (they never reach SQL or the filesystem). */
  async job(id: string): Promise<JobRecord | undefined> {
    if (!isJobId(id)) return undefined;
    return this.#unrecorded.get(id) ?? this.#o.store.get(id);
  }

  /** Render a job for the WPS 1.0.0 encoder (lineage read from the job directory when it was asked for). */
  async view(job: JobRecord, opts: { readonly statusLocation?: boolean } = {}): Promise<JobView> {
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
        outputsUrl: this.outputsUrl,
        outputsDir: this.#o.dirs.outputs(job.id),
        maxInline: this.#o.config.jobs.max_inline_output,
        codes: "wps1",
        ...(opts.statusLocation ? { statusLocation: this.statusLocation(job.id) } : {}),
        ...(lineage ? { lineage } : {}),
      },
      p.jobControl.async,
    );
  }

  /**
   * Dismiss a job: a queued job never starts, a running one is stopped (abort, then kill after the grace period;
   * `scancel` on Slurm). Resolves with the job as it is after the request (it becomes `dismissed` once the backend
   * confirms). Terminal jobs are returned unchanged.
   */
  async dismiss(id: string): Promise<JobRecord> {
    const job = await this.job(id);
    if (!job) throw new RoostError("NoSuchJob", `No job '${id.slice(0, 40)}'`, { locator: "jobId" });
    if (isTerminal(job.status)) return job;
    const local = this.#local.get(id);
    if (local) local.dismiss = true;
    await this.#o.store.update(id, ACTIVE, { dismissRequested: true });
    this.#jobLog(id, "dismiss-requested");
    const monitor = this.#monitors.get(job.backend);
    if (monitor) {
      // scancel (or no submission at all); the monitor confirms by polling and the job becomes dismissed.
      await monitor.dismiss(job);
      return (await this.#o.store.get(id))!;
    }
    const s = this.#o.schedulers.get(job.backend);
    // A queued local job has attempt 0 in the store; the pool knows it by the attempt it was handed.
    const ref = job.backend === "local" ? localRef(id, local?.attempt ?? job.attempt) : job.schedulerRef;
    if (s && ref) await s.cancel(ref);
    else if (job.status === "accepted") {
      await new Promise<void>((resolve) =>
        this.#enqueue(id, async () => {
          await this.#o.store.transition(id, ["accepted"], "dismissed", {
            finishedAt: Date.now(),
            message: "Job dismissed",
          });
          resolve();
        }),
      );
    }
    return (await this.#o.store.get(id))!;
  }

  /** The published outputs directory of a job. */
  outputsDir(jobId: string): string {
    return this.#o.dirs.outputs(jobId);
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

  /** Recover jobs a previous run left active (local backend; remote backends reconcile in their monitor). */
  async #recover(): Promise<void> {
    const active = await this.#o.store.listActive("local");
    const local = this.#o.schedulers.get("local")!;
    let resubmitted = 0;
    for (const job of active) {
      if (job.mode === "sync") {
        await this.#fail(job.id, {
          kind: "internal",
          message: "The server restarted during the synchronous execution",
        });
        continue;
      }
      if (job.status === "running") {
        await this.#fail(job.id, {
          kind: "crashed",
          message: "The server restarted while the job was running; submit it again",
        });
        continue;
      }
      if (job.dismissRequested) {
        await this.#o.store.transition(job.id, ["accepted"], "dismissed", {
          finishedAt: Date.now(),
          message: "Job dismissed",
        });
        continue;
      }
      const jobDir = this.#o.dirs.job(job.id);
      let spec: JobSpec;
      try {
        spec = JSON.parse(await readFile(join(jobDir, "job.json"), "utf8")) as JobSpec;
      } catch {
        await this.#fail(job.id, {
          kind: "lost",
          message: "The job's specification was lost (job.json unreadable)",
        });
        continue;
      }
      if (!this.#o.registry.get(spec.process.id)) {
        await this.#fail(job.id, {
          kind: "internal",
          message: `Process '${spec.process.id}' is no longer available`,
        });
        continue;
      }
      // A new attempt: accepted jobs have attempt 0 in the store ("never handed to a backend"), which must not
      // become a run's fencing token or attempt directory.
      const attempt = job.attempt + 1;
      this.#local.set(job.id, { attempt, mode: "async", dismiss: false });
      await local.submit({
        jobId: job.id,
        attempt,
        processId: spec.process.id,
        jobDir,
        timeLimitSec: spec.timeLimitSec,
        priority: "async",
        spec,
      });
      resubmitted++;
    }
    if (active.length > 0)
      this.#log.info({ active: active.length, resubmitted }, "recovered jobs from the previous run");
  }
}
