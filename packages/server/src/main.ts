/**
 * The composition root: configuration → logger → registry → job store → backends → job API → HTTP. Everything is
 * created here and passed down; nothing below reads the environment or builds its own collaborators.
 */
import { mkdirSync } from "node:fs";
import type { MonitoredBackendFactory } from "@roost/core";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { type Config, ConfigError } from "./config/load.js";
import { assertValidPolicy, type ReferencePolicy } from "./fetch/index.js";
import { buildApp } from "./http/app.js";
import type { CallbackOptions, OgcHtmlRenderer } from "./http/ogcapi/index.js";
import { PublicUrls } from "./http/urls.js";
import { Metrics } from "./ops/metrics.js";
import { loadRegistry } from "./registry/registry.js";
import { LocalScheduler } from "./scheduler/local/local-scheduler.js";
import { monitoredSlurmBackend, slurmSchedulerFromConfig } from "./scheduler/slurm/from-config.js";
import { JobApi } from "./service/job-api.js";
import { JobDirs } from "./storage/job-dirs.js";
import { JobLog } from "./storage/job-log.js";
import { openStore } from "./store/index.js";

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** The job API every front end uses. */
  readonly service: JobApi;
  /** The server's Prometheus metrics (also served at `/metrics`). */
  readonly metrics: Metrics;
  readonly config: Config;
  /** The address actually bound (useful with port 0). */
  readonly url: string;
  /** Graceful stop: no new connections, in-flight requests finish, running local jobs get `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** The reference policy derived from `[inputs]` and `[jobs]`. */
export function referencePolicy(config: Config): ReferencePolicy {
  return {
    allowedHosts: config.inputs.allowed_hosts,
    allowedPaths: config.inputs.allowed_paths,
    connectTimeoutMs: config.inputs.connect_timeout * 1000,
    totalTimeoutMs: config.inputs.fetch_timeout * 1000,
    maxBytes: config.jobs.max_input_size,
    maxRedirects: config.inputs.max_redirects,
  };
}

/** Start Roost with a resolved configuration. */
export async function startServer(
  config: Config,
  opts: {
    readonly logger?: Logger;
    readonly env?: Readonly<Record<string, string | undefined>>;
    /**
     * Called when another server took this one's jobs over (it was frozen or cut off longer than its lease): it must
     * stop. Default: close the server (`roost serve` then exits).
     */
    readonly onFenced?: () => void;
    /** An HTML renderer for the OGC API documents instead of the web UI's (tests). */
    readonly html?: OgcHtmlRenderer;
    /**
     * Serve the web UI (the HTML encodings of the OGC API resources and the UI's routes), when it was built. Default
     * true; false: the API speaks JSON only.
     */
    readonly webUi?: boolean;
    /** OGC API callback tuning (tests shorten the retry waits). */
    readonly callbacks?: CallbackOptions;
  } = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.server.log_level, base: { service: "roost" } });
  mkdirSync(config.server.data_dir, { recursive: true });
  const policy = referencePolicy(config);
  try {
    assertValidPolicy(policy);
  } catch (e) {
    throw new ConfigError(`[inputs]: ${(e as Error).message}`);
  }
  const registry = await loadRegistry(config.processes);
  const backendsUsed = new Set([config.scheduler.backend, ...Object.values(config.scheduler.routes)]);
  for (const pid of Object.keys(config.scheduler.routes)) {
    if (!registry.get(pid)) throw new ConfigError(`scheduler.routes: no process '${pid}' is registered`);
  }
  const metrics = new Metrics();
  const store = await openStore({
    observe: (op, seconds, ok) => metrics.storeCall(op, seconds, ok),
    url: config.database.url,
    schema: config.database.schema || undefined,
    durability: config.database.durability,
    logger,
  });
  const dirs = new JobDirs(config.server.data_dir);
  const jobLog = new JobLog(dirs);
  const pool = new LocalScheduler({
    workers: config.jobs.workers,
    demo: config.processes.demo,
    modules: config.processes.modules,
    killGraceMs: config.jobs.kill_grace * 1000,
    durable: config.database.durability === "full",
    logger,
  });
  const remotes = new Map<string, MonitoredBackendFactory>();
  if (backendsUsed.has("slurm")) {
    try {
      const ids = registry.list().map((p) => p.identifier);
      // The composition root hands the server's environment (PATH, SLURM_CONF) to sbatch; nothing below reads it.
      const scheduler = slurmSchedulerFromConfig(config, ids, logger, opts.env ?? process.env, (c, s, ok) =>
        metrics.slurmCommand(c, s, ok),
      );
      remotes.set("slurm", monitoredSlurmBackend(config, { scheduler, store, dirs, jobLog, logger }));
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const urls = new PublicUrls(config.server.public_url);
  let running: RunningServer | undefined;
  const service = new JobApi({
    config,
    registry,
    store,
    dirs,
    pool,
    remotes,
    jobLog,
    logger,
    policy,
    outputsUrl: urls.outputs,
    onFinished: (job) => metrics.jobFinished(job),
    onFenced: () => (opts.onFenced ? opts.onFenced() : void running?.close()),
  });
  try {
    await service.start();
  } catch (e) {
    await service.stop().catch(() => {});
    await store.close();
    throw e;
  }
  metrics.bind({ store, pool });
  const app = await buildApp({
    config,
    service,
    logger,
    metrics,
    html: opts.html,
    callbacks: opts.callbacks,
    ...(opts.webUi !== undefined ? { webUi: opts.webUi } : {}),
  });
  let address: string;
  try {
    address = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (e) {
    await service.stop();
    await store.close();
    throw e;
  }
  logger.info(
    {
      url: address,
      public_url: config.server.public_url,
      processes: registry.list().length,
      store: store.kind,
    },
    "Roost is serving OGC API – Processes at / and WPS at /wps",
  );
  let closing: Promise<void> | undefined;
  running = {
    app,
    service,
    metrics,
    config,
    url: address,
    close(graceMs = 0) {
      closing ??= (async () => {
        await app.close();
        await service.stop(graceMs);
        await store.close();
      })();
      return closing;
    },
  };
  return running;
}
