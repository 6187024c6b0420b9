/**
 * Prometheus metrics (prom-client), one registry per server (several servers in one test process do not share
 * counters). What an operator needs to see a Roost deployment work or fail:
 *
 * - HTTP: requests by protocol, route and status, with a latency histogram;
 * - jobs: active jobs by state, process and backend (read from the store at scrape time — the partial index on
 *   active jobs keeps that O(active)), finished jobs by process, backend and final status, and their run time;
 * - the local pool: queue depth by priority, workers busy and in all;
 * - Slurm: command latency and failures by command;
 * - the store: call latency and failures by operation.
 */
import type { JobRecord, JobStore, WorkerPool } from "@roost/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Latency buckets in seconds: sub-millisecond cached documents up to minute-long sync executions. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
/** Job run-time buckets in seconds: from a sync `hello` to a day-long Slurm job. */
const RUN_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/** What the metrics read at scrape time. */
export interface MetricsSources {
  readonly store: JobStore;
  readonly pool: WorkerPool;
}

/** See the module comment. */
export class Metrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  readonly #http: Counter<"protocol" | "route" | "method" | "status">;
  readonly #httpTime: Histogram<"protocol" | "route" | "method">;
  readonly #finished: Counter<"process" | "backend" | "status">;
  readonly #runTime: Histogram<"process" | "backend">;
  readonly #slurmTime: Histogram<"command">;
  readonly #slurmFailures: Counter<"command">;
  readonly #storeTime: Histogram<"operation">;
  readonly #storeFailures: Counter<"operation">;
  #sources: MetricsSources | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "roost_" });
    this.#http = new Counter({
      name: "roost_http_requests_total",
      help: "HTTP requests by protocol front end, route pattern, method and status",
      labelNames: ["protocol", "route", "method", "status"],
      registers,
    });
    this.#httpTime = new Histogram({
      name: "roost_http_request_duration_seconds",
      help: "HTTP request latency by protocol front end, route pattern and method",
      labelNames: ["protocol", "route", "method"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#finished = new Counter({
      name: "roost_jobs_finished_total",
      help: "Jobs that reached a final status on this server, by process, backend and status",
      labelNames: ["process", "backend", "status"],
      registers,
    });
    this.#runTime = new Histogram({
      name: "roost_job_run_seconds",
      help: "Run time of finished jobs (start to end), by process and backend",
      labelNames: ["process", "backend"],
      buckets: RUN_BUCKETS,
      registers,
    });
    this.#slurmTime = new Histogram({
      name: "roost_slurm_command_duration_seconds",
      help: "Latency of Slurm commands (sbatch, squeue, scancel, …)",
      labelNames: ["command"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#slurmFailures = new Counter({
      name: "roost_slurm_command_failures_total",
      help: "Slurm commands that failed (non-zero exit, timeout, not found)",
      labelNames: ["command"],
      registers,
    });
    this.#storeTime = new Histogram({
      name: "roost_store_duration_seconds",
      help: "Latency of job store calls by operation",
      labelNames: ["operation"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#storeFailures = new Counter({
      name: "roost_store_failures_total",
      help: "Job store calls that failed, by operation",
      labelNames: ["operation"],
      registers,
    });
    const self = this;
    new Gauge({
      name: "roost_jobs_active",
      help: "Jobs accepted or running (all servers on this store), by status, process and backend",
      labelNames: ["status", "process", "backend"],
      registers,
      async collect() {
        this.reset();
        const src = self.#sources;
        if (!src) return;
        const counts = new Map<string, number>();
        for (const j of await src.store.listActive().catch(() => [] as JobRecord[])) {
          const key = JSON.stringify([j.status, j.processId, j.backend]);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const [key, n] of counts) {
          const [status, process, backend] = JSON.parse(key) as [string, string, string];
          this.set({ status, process, backend }, n);
        }
      },
    });
    new Gauge({
      name: "roost_local_queue_depth",
      help: "Attempts waiting for a local worker, by priority",
      labelNames: ["priority"],
      registers,
      collect() {
        const q = self.#sources?.pool.queued();
        if (!q) return;
        this.set({ priority: "sync" }, q.sync);
        this.set({ priority: "async" }, q.async);
      },
    });
    new Gauge({
      name: "roost_local_workers_busy",
      help: "Local workers running an attempt",
      registers,
      collect() {
        if (self.#sources) this.set(self.#sources.pool.busy());
      },
    });
    new Gauge({
      name: "roost_local_workers",
      help: "Local worker processes",
      registers,
      collect() {
        if (self.#sources) this.set(self.#sources.pool.size);
      },
    });
  }

  /** Where the scrape-time gauges read from (set once the store and pool exist). */
  bind(sources: MetricsSources): void {
    this.#sources = sources;
  }

  /** One HTTP request. */
  request(protocol: string, route: string, method: string, status: number, seconds: number): void {
    this.#http.inc({ protocol, route, method, status: String(status) });
    this.#httpTime.observe({ protocol, route, method }, seconds);
  }

  /** A job reached a final status on this server. */
  jobFinished(job: JobRecord): void {
    this.#finished.inc({ process: job.processId, backend: job.backend, status: job.status });
    if (job.startedAt !== null && job.finishedAt !== null)
      this.#runTime.observe(
        { process: job.processId, backend: job.backend },
        Math.max(0, job.finishedAt - job.startedAt) / 1000,
      );
  }

  /** One Slurm command. */
  slurmCommand(command: string, seconds: number, ok: boolean): void {
    this.#slurmTime.observe({ command }, seconds);
    if (!ok) this.#slurmFailures.inc({ command });
  }

  /** One store call. */
  storeCall(operation: string, seconds: number, ok: boolean): void {
    this.#storeTime.observe({ operation }, seconds);
    if (!ok) this.#storeFailures.inc({ operation });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ readonly type: string; readonly body: string }> {
    return { type: this.registry.contentType, body: await this.registry.metrics() };
  }
}
