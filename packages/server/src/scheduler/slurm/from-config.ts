/**
 * Building the Slurm backend from `[slurm]`: the CLI runner, per-process options (checked at start-up so a typo
 * stops the server with a message instead of failing jobs later), the worker command and the job environment.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JobStore, MonitoredBackendFactory, Scheduler } from "@roost/core/internal";
import { type Config, ConfigError } from "../../config/load.js";
import type { JobDirs } from "../../storage/job-dirs.js";
import type { JobLog } from "../../storage/job-log.js";
import { mergeOptions, type SlurmJobOptions, validateOptions } from "./batch-script.js";
import { SlurmCli } from "./cli.js";
import { JobMonitor, type MonitorLogger } from "./monitor.js";
import { SlurmScheduler } from "./slurm-scheduler.js";

/**
 * The default worker command: this Node binary running the bundled worker (`dist/worker.mjs`), or the built
 * `roost.js` when no bundle exists. Not `npx`, `npm` or `tsx`: each job pays the worker's start-up, and those add
 * 150 ms–1 s per job. When the server itself runs from the TypeScript sources (tests), the built files next to them
 * are used (`npm test` builds first).
 */
export function defaultWorkerCommand(): string[] {
  // The bundled worker (one file, built by scripts/bundle-worker.mjs) starts in about half the time of roost.js.
  let dist = fileURLToPath(new URL("../../", import.meta.url));
  if (import.meta.url.endsWith(".ts")) dist = dist.replace(/([/\\])src([/\\])$/, "$1dist$2");
  const bundle = join(dist, "worker.mjs");
  return [process.execPath, existsSync(bundle) ? bundle : join(dist, "bin", "roost.js")];
}

type SlurmConfig = Config["slurm"];

/**
 * The environment a job gets — and sbatch runs with (`--export=ALL` exports sbatch's own): a sane PATH with this
 * Node first, LANG, HOME, SLURM_CONF when the server has it, and `[slurm] env`. Nothing else of the server's
 * environment (which may hold database credentials) reaches the jobs.
 */
export function jobEnvironment(
  slurm: SlurmConfig,
  serverEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: "C.UTF-8",
  };
  for (const k of ["HOME", "SLURM_CONF"]) {
    const v = serverEnv[k];
    if (v) env[k] = v;
  }
  for (const [k, v] of Object.entries(slurm.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new ConfigError(`slurm.env: '${k}' is not a variable name`);
    env[k] = v;
  }
  return env;
}

/** Slurm options per process, merged with `[slurm.defaults]` and validated; throws {@link ConfigError}. */
export function slurmOptions(
  slurm: SlurmConfig,
  processIds: readonly string[],
): (processId: string) => SlurmJobOptions {
  const defaults = slurm.defaults as SlurmJobOptions | undefined;
  const merged = new Map<string, SlurmJobOptions>();
  try {
    if (defaults) validateOptions(mergeOptions(defaults, undefined), "slurm.defaults");
    for (const [pid, own] of Object.entries(slurm.processes)) {
      if (!processIds.includes(pid))
        throw new TypeError(`slurm.processes.${pid}: no process '${pid}' is registered`);
      const o = mergeOptions(defaults, own as SlurmJobOptions);
      validateOptions(o, `slurm.processes.${pid}`);
      merged.set(pid, o);
    }
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const fallback = mergeOptions(defaults, undefined);
  return (pid) => merged.get(pid) ?? fallback;
}

/** The Slurm backend for a configuration. */
export function slurmSchedulerFromConfig(
  config: Config,
  processIds: readonly string[],
  logger: SlurmSchedulerLogger,
  serverEnv: Readonly<Record<string, string | undefined>>,
  observe?: (cmd: string, seconds: number, ok: boolean) => void,
): SlurmScheduler {
  const s = config.slurm;
  const workerCommand = s.worker_command.length > 0 ? [...s.worker_command] : defaultWorkerCommand();
  if (!isAbsolute(workerCommand[0]!))
    throw new ConfigError(
      `slurm.worker_command: '${workerCommand[0]}' must be an absolute path (compute nodes have their own PATH)`,
    );
  if (s.worker_command.length === 0 && !existsSync(workerCommand[1]!))
    logger.warn(
      { path: workerCommand[1] },
      "the worker is not built (run npm run build): Slurm jobs will fail",
    );
  if (s.bin_dir !== "" && !isAbsolute(s.bin_dir))
    throw new ConfigError(`slurm.bin_dir: '${s.bin_dir}' must be absolute`);
  return new SlurmScheduler({
    cli: new SlurmCli({
      binDir: s.bin_dir,
      maxConcurrent: s.max_concurrent_commands,
      ...(observe ? { observe } : {}),
    }),
    workerCommand,
    optionsFor: slurmOptions(s, processIds),
    env: jobEnvironment(s, serverEnv),
    logger,
    scriptDir: join(config.server.data_dir, "slurm"),
  });
}

/** Logger subset the Slurm backend uses. */
export interface SlurmSchedulerLogger {
  warn(o: object, m: string): void;
  info(o: object, m: string): void;
}

/**
 * The Slurm backend as the job API drives it: the adapter wrapped in its job monitor, polling with the `[slurm]`
 * intervals. The job API calls the factory with its event listener at start.
 */
export function monitoredSlurmBackend(
  config: Config,
  o: {
    readonly scheduler: Scheduler;
    readonly store: JobStore;
    readonly dirs: JobDirs;
    readonly jobLog: JobLog;
    readonly logger: MonitorLogger;
  },
): MonitoredBackendFactory {
  const c = config.slurm;
  return (events, owner) => {
    const monitor = new JobMonitor({
      owner,
      scheduler: o.scheduler,
      store: o.store,
      dirs: o.dirs,
      jobLog: o.jobLog,
      events,
      logger: o.logger,
      minPollMs: c.min_poll_interval * 1000,
      maxPollMs: Math.max(c.poll_interval, c.min_poll_interval) * 1000,
      lostGraceMs: c.lost_grace * 1000,
      submitDeadlineMs: c.submit_deadline * 1000,
      backendLabel: "Slurm",
    });
    return {
      kind: monitor.kind,
      start: () => monitor.start(),
      submit: (req) => monitor.submit(req),
      dismiss: (job) => monitor.dismiss(job),
      reconcile: () => monitor.reconcile(),
      health: () => monitor.health(),
      async stop() {
        await monitor.stop();
        // Slurm jobs outlive the server on purpose: the next start reconciles them.
        await o.scheduler.close();
      },
    };
  };
}
