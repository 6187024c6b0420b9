/**
 * `roost worker run <job-dir> --attempt <n>`: one attempt of a job on a compute node (what the Slurm batch script
 * runs). It needs Node, Roost and the shared filesystem — no database: it reads `job.json`, loads just the job's
 * process module, runs it with {@link runJob} and writes progress (throttled), a heartbeat, outputs and the final
 * result into its own attempt directory, each file by write-then-rename (`attempt-files.ts`). The server imports
 * them; it is the only writer of the job store.
 *
 * Fencing: the attempt is claimed by creating `started.json` exclusively (a hard link of a complete temporary file,
 * atomic on local filesystems and NFS). A second run of the same attempt — Slurm requeueing it, or a duplicate
 * submission — finds the claim and exits 75 without touching anything, so it can never overwrite the first run's
 * files; runs of other attempts write to other directories, and the server publishes only the attempt it records.
 *
 * Exit status: 0 succeeded; 1 the process failed (the reason is in `result.json`); 143 stopped by SIGTERM/SIGINT
 * (scancel, Slurm's time limit); 75 refused (attempt already claimed); 2 usage.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";
import {
  isProcessDefinition,
  type JobSpec,
  type ProcessDefinition,
  type ProcessSource,
  type WorkerProgress,
  type WorkerResult,
} from "@roost/core/internal";
import { writeFileAtomic } from "../storage/atomic.js";
import { attemptDir } from "../storage/job-dirs.js";
import {
  ATTEMPT_FILES,
  claimAttempt,
  HEARTBEAT_INTERVAL_MS,
  type StartedInfo,
  writeResult,
} from "./attempt-files.js";
import { fileLogger } from "./job-logger.js";
import { runJob } from "./run-job.js";

/** Exit status of a run that found its attempt already claimed. */
export const EXIT_REFUSED = 75;

/** Minimum milliseconds between two `progress.json` writes (the monitor reads it every 100 ms–2 s). */
const PROGRESS_INTERVAL_MS = 200;

function note(msg: string): void {
  // Goes to the job's Slurm output file (slurm-<id>.out), next to slurmstepd's own messages.
  process.stderr.write(`roost worker: ${msg}\n`);
}

/**
 * The job's process. A demo process whose module is named after it (`sleep` → `demo/sleep.js`) is imported alone:
 * the demo index pulls in all 23 demo modules, ~16 ms of the worker's start-up on the test VM (every file open costs
 * there). Anything else goes through the registry's `loadProcess`.
 */
async function workerProcess(id: string, source: ProcessSource): Promise<ProcessDefinition> {
  if (source.kind === "demo" && /^[a-z][a-z0-9_]*$/.test(id)) {
    try {
      const mod = (await import(`../demo/${id.replace(/_/g, "-")}.js`)) as { default?: unknown };
      if (isProcessDefinition(mod.default) && mod.default.identifier === id) return mod.default;
    } catch {
      // no module of that name: the index below
    }
  }
  const { loadProcess } = await import("../registry/registry.js");
  return loadProcess(id, source);
}

/** Run one attempt; resolves with the exit status (the caller exits with it). */
export async function runWorker(jobDir: string, attempt: number): Promise<number> {
  if (!Number.isInteger(attempt) || attempt < 1) {
    note(`invalid attempt '${attempt}'`);
    return 2;
  }
  const dir = attemptDir(jobDir, attempt);
  try {
    // The server creates it before sbatch; never create a missing job directory (a wrong path, an unmounted share).
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
      note(`cannot use ${dir}: ${(e as Error).message}`);
      return 2;
    }
  }
  const env = process.env;
  const started: StartedInfo = {
    host: hostname(),
    pid: process.pid,
    ...(env.SLURM_JOB_ID ? { slurmJobId: env.SLURM_JOB_ID } : {}),
    restartCount: Number(env.SLURM_RESTART_COUNT ?? 0) || 0,
    at: Date.now(),
  };
  if (!claimAttempt(dir, started)) {
    note(
      `attempt ${attempt} of ${basename(jobDir)} was already started by another run; refusing to run it again`,
    );
    return EXIT_REFUSED;
  }
  const logger = fileLogger(join(dir, "worker.log"));
  const finish = (result: WorkerResult): number => {
    writeResult(dir, result, true);
    if (result.ok) return 0;
    return result.failure.kind === "cancelled" ? 143 : 1;
  };

  let spec: JobSpec;
  try {
    spec = JSON.parse(readFileSync(join(jobDir, "job.json"), "utf8")) as JobSpec;
  } catch (e) {
    note(`cannot read job.json: ${(e as Error).message}`);
    return finish({
      jobId: basename(jobDir),
      attempt,
      ok: false,
      failure: { kind: "internal", message: "The worker could not read the job's specification (job.json)" },
    });
  }
  const jobId = spec.jobId;
  if (jobId !== basename(jobDir)) {
    note(`job.json names job ${jobId}, not ${basename(jobDir)}`);
    return 2;
  }

  const heartbeatPath = join(dir, ATTEMPT_FILES.heartbeat);
  const beat = () => {
    try {
      writeFileAtomic(heartbeatPath, String(Date.now()));
    } catch {
      // a full or unreachable filesystem shows up as a stale heartbeat on the server
    }
  };
  // started.json holds the start time: the first heartbeat is due one interval later.
  const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  const controller = new AbortController();
  const stop = (sig: string) => () => {
    // The wrapper forwards the TERM slurmstepd also sends directly: only the first one counts.
    if (controller.signal.aborted) return;
    note(`${sig} received: stopping the process`);
    logger.warn(`${sig} received (job cancelled or Slurm time limit reached): stopping`);
    controller.abort("dismissed");
  };
  process.on("SIGTERM", stop("SIGTERM"));
  process.on("SIGINT", stop("SIGINT"));
  process.on("SIGUSR1", () => logger.warn("SIGUSR1: the Slurm time limit is near"));

  const progressPath = join(dir, ATTEMPT_FILES.progress);
  let pending: WorkerProgress | undefined;
  let lastWrite = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    try {
      writeFileAtomic(progressPath, JSON.stringify(pending));
    } catch {
      // progress is best effort
    }
    pending = undefined;
    lastWrite = Date.now();
  };
  const onProgress = (percent: number, message: string) => {
    pending = { jobId, attempt, percent, message, at: Date.now() };
    if (timer) return;
    const wait = lastWrite + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };

  let result: WorkerResult;
  try {
    const p = await workerProcess(spec.process.id, spec.process.source);
    result = await runJob({
      spec,
      jobDir,
      attempt,
      process: p,
      signal: controller.signal,
      onProgress,
      onError: (err) => note(`unexpected error: ${err.stack ?? err.message}`),
    });
  } catch (e) {
    note(`cannot load process '${spec.process.id}': ${(e as Error).message}`);
    logger.error(`cannot load process '${spec.process.id}': ${(e as Error).message}`);
    result = {
      jobId,
      attempt,
      ok: false,
      failure: {
        kind: "internal",
        message: `Process '${spec.process.id}' could not be loaded on the compute node`,
      },
    };
  }
  flush();
  clearInterval(heartbeat);
  return finish(result);
}
