/**
 * The Slurm backend, through the CLI (Debian bookworm ships 22.05 and Node has no maintained DRMAA binding). It only
 * talks to Slurm: the job monitor (`monitor.ts`) decides outcomes from its observations and the attempt
 * files, retries transient submission errors and reconciles after a restart.
 *
 * - submit: the batch script (a constant, see `batch-script.ts`) is written into the attempt directory, then
 *   `sbatch --parsable --no-requeue --job-name=roost-<job>-a<n> …`. Errors carry `transient` (controller
 *   unreachable: retry) or not (invalid partition, impossible memory: fail the job with Slurm's reason).
 * - poll: one `squeue -h -t all -j <ids>` per call for every job asked about (chunks of 500 ids), then
 *   `scontrol show job -o` only for jobs that just FAILED (their exit code) or left `squeue`, then one batched
 *   `sacct -X` for jobs slurmctld has forgotten (MinJobAge), where the cluster keeps accounting (slurmdbd).
 * - cancel: `scancel <id>` — its exit status proves nothing on 22.05 (0 for unknown jobs); the poll confirms.
 * - findByName: `squeue -h -t all --name=<names>`, then `sacct --name` for names slurmctld no longer knows, for a
 *   crash between `sbatch` and storing the id.
 *
 * Accounting is feature-detected: a cluster without slurmdbd answers `sacct` with "accounting storage is disabled",
 * and Roost stops asking (for 10 minutes: an operator may add slurmdbd). Without it, the monitor decides from the
 * attempt files, as the Slurm notes recommend.
 *
 * The reference of an attempt is the Slurm job id; observations carry the job's name so the monitor can refuse a
 * job id that slurmctld reused after losing its state.
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Observation, Scheduler, SchedulerListener, SubmitRequest } from "@roost/core/internal";
import { writeFileAtomic } from "../../storage/atomic.js";
import { attemptDir } from "../../storage/job-dirs.js";
import { BATCH_SCRIPT, type SlurmJobOptions, sbatchArgs } from "./batch-script.js";
import type { CliResult, SlurmCli } from "./cli.js";
import {
  accountingDisabled,
  backendState,
  classifyError,
  errorMessage,
  parseNameLookup,
  parseSacct,
  parseSbatch,
  parseScontrolJob,
  parseSqueue,
  SACCT_FORMAT,
  SQUEUE_FORMAT,
} from "./parse.js";

/** A failed submission. `transient` errors are retried by the monitor until `slurm.submit_deadline`. */
export class SlurmSubmitError extends Error {
  /** True when slurmctld could not be reached (retry), false when Slurm refused the job (fail it). */
  readonly transient: boolean;
  constructor(message: string, transient: boolean) {
    super(message);
    this.name = "SlurmSubmitError";
    this.transient = transient;
  }
}

/** A poll that could not reach slurmctld: the monitor changes nothing and backs off. */
export class SlurmUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlurmUnavailableError";
  }
}

/** Options of {@link SlurmScheduler}. */
export interface SlurmSchedulerOptions {
  /** The CLI runner (bounded concurrency). */
  readonly cli: SlurmCli;
  /** Argv prefix of the worker on compute nodes (`node …/dist/bin/roost.js`). */
  readonly workerCommand: readonly string[];
  /** Slurm options of a process (operator configuration; never request data). */
  readonly optionsFor: (processId: string) => SlurmJobOptions;
  /**
   * The job's environment: sbatch runs with exactly this environment and exports it (`--export=ALL`). Keep
   * SLURM_CONF in it when the cluster's configuration is not at the default path.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly logger: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /**
   * Directory of the batch script, on the server's side (sbatch sends the script's content to slurmctld, so nodes
   * never read it). The script is the same for every job: written once, not once per attempt.
   */
  readonly scriptDir: string;
}

/** Ids per `squeue -j` call: ~4 KB of arguments, 5–20 ms per call (Slurm notes §4). */
const POLL_CHUNK = 500;
/** Names per `squeue --name` call. */
const NAME_CHUNK = 100;
/** Ids per `sacct -j` call (≈ 95 ms per call whatever the count, Slurm notes §4). */
const SACCT_CHUNK = 200;
/** How long "this cluster keeps no accounting" is believed before `sacct` is tried again. */
const ACCOUNTING_RECHECK_MS = 10 * 60_000;
/**
 * The window `sacct --name` searches. sacct's default is today only; an attempt whose id was never stored is at
 * most as old as the server's downtime. The window's end must lie far ahead: sacct matches jobs *eligible* in it,
 * and a job that never started (a `--begin` in the future, then cancelled) is eligible only at its begin time.
 */
const NAME_WINDOW = ["-S", "now-30days", "-E", "now+3650days"] as const;
/** Slurm states that end a job: only these are taken from accounting (see {@link SlurmScheduler.poll}). */
const FINAL = new Set(["completed", "failed", "cancelled", "timeout", "out_of_memory", "node_fail"]);

/** See the module comment. */
export class SlurmScheduler implements Scheduler {
  readonly kind = "slurm";
  readonly #o: SlurmSchedulerOptions;
  readonly #script: string;
  #scriptWritten = false;
  #closed = false;
  /** Until when `sacct` is not asked (the cluster said it keeps no accounting). */
  #noAccountingUntil = 0;
  #accountingLogged = false;

  constructor(o: SlurmSchedulerOptions) {
    this.#o = o;
    this.#script = join(o.scriptDir, "roost-job.sbatch");
  }

  /** Write the batch script unless it is already there with the right content. */
  async #ensureScript(force = false): Promise<void> {
    if (this.#scriptWritten && !force) return;
    let current: string | undefined;
    try {
      current = readFileSync(this.#script, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== BATCH_SCRIPT) {
      await mkdir(this.#o.scriptDir, { recursive: true });
      writeFileAtomic(this.#script, BATCH_SCRIPT, true);
    }
    this.#scriptWritten = true;
  }

  /** The CLI runner (call counters for tests and benchmarks). */
  get cli(): SlurmCli {
    return this.#o.cli;
  }

  async start(_listener: SchedulerListener): Promise<void> {
    // Never refuse to start because slurmctld is down: accepted jobs wait and are submitted when it returns.
    const r = await this.#o.cli.run("sinfo", ["--version"], 10_000);
    if (r.spawnError) this.#o.logger.warn({ error: r.spawnError }, "the Slurm commands are not available");
  }

  async submit(req: SubmitRequest): Promise<{ ref: string }> {
    if (this.#closed) throw new SlurmSubmitError("the server is stopping", true);
    const dir = attemptDir(req.jobDir, req.attempt);
    // The attempt directory must exist before the job starts: slurmstepd opens --output in it.
    await Promise.all([mkdir(dir, { recursive: true, mode: 0o755 }), this.#ensureScript()]);
    const args = sbatchArgs({
      jobId: req.jobId,
      attempt: req.attempt,
      jobDir: req.jobDir,
      attemptDir: dir,
      scriptPath: this.#script,
      workerCommand: this.#o.workerCommand,
      timeLimitSec: req.timeLimitSec,
      options: this.#o.optionsFor(req.processId),
    });
    // sbatch's environment is the job's (--export=ALL): explicit, never the server's own (which may hold secrets).
    const r = await this.#o.cli.run("sbatch", args, 60_000, this.#o.env);
    if (r.code === 0) {
      const id = parseSbatch(r.stdout);
      if (id !== undefined) return { ref: id };
      throw new SlurmSubmitError(`sbatch answered '${r.stdout.trim().slice(0, 200)}'`, false);
    }
    if (r.spawnError) throw new SlurmSubmitError(`cannot run sbatch (${r.spawnError})`, true);
    const out = `${r.stderr}\n${r.stdout}`;
    if (/unable to open file/i.test(out)) {
      // Someone removed the script: write it again, and let the monitor retry.
      await this.#ensureScript(true);
      throw new SlurmSubmitError(errorMessage(out), true);
    }
    const kind = classifyError(out, r.killed);
    const msg = r.killed ? "sbatch timed out" : errorMessage(out) || `sbatch exited with ${r.code}`;
    throw new SlurmSubmitError(msg, kind !== "permanent");
  }

  async poll(refs: readonly string[]): Promise<ReadonlyMap<string, Observation>> {
    const out = new Map<string, Observation>();
    const ids = refs.filter((r) => /^\d+$/.test(r));
    for (const r of refs) if (!/^\d+$/.test(r)) out.set(r, { state: "unknown" });
    const needDetail: string[] = [];
    for (let i = 0; i < ids.length; i += POLL_CHUNK) {
      const chunk = ids.slice(i, i + POLL_CHUNK);
      const r = await this.#o.cli.run("squeue", [
        "-h",
        "-t",
        "all",
        "-j",
        chunk.join(","),
        "-o",
        SQUEUE_FORMAT,
      ]);
      const rows = this.#rowsOrThrow(r);
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        const { state, known } = backendState(row.state);
        if (!known) this.#o.logger.warn({ slurmJobId: row.id, state: row.state }, "unknown Slurm job state");
        // A FAILED job's exit code is only in scontrol (squeue has no exit-code field on 22.05).
        if (state === "failed") needDetail.push(row.id);
        out.set(row.id, {
          state,
          native: row.state,
          ...(row.reason && row.reason !== "None" ? { reason: row.reason } : {}),
          name: row.name,
          ...(row.nodes ? { node: row.nodes } : {}),
        });
      }
      for (const id of chunk) if (!seen.has(id)) needDetail.push(id);
    }
    // Jobs that left squeue, and failures: scontrol knows them until MinJobAge; after that, `unknown` (the
    // monitor falls back to the attempt files, then to the lost-job grace period).
    await Promise.all(
      needDetail.map(async (id) => {
        const r = await this.#o.cli.run("scontrol", ["show", "job", "-o", id]);
        if (r.code !== 0) {
          const kind = classifyError(`${r.stderr}\n${r.stdout}`, r.killed);
          if (kind === "transient" || r.spawnError) {
            if (!out.has(id)) throw new SlurmUnavailableError(errorMessage(r.stderr) || "scontrol failed");
            return; // keep squeue's answer without the exit code
          }
          if (!out.has(id)) out.set(id, { state: "unknown" });
          return;
        }
        const job = parseScontrolJob(r.stdout.trim());
        if (!job) {
          if (!out.has(id)) out.set(id, { state: "unknown" });
          return;
        }
        const { state } = backendState(job.state);
        out.set(id, {
          state,
          native: job.state,
          ...(job.reason && job.reason !== "None" ? { reason: job.reason } : {}),
          exitCode: job.exitCode,
          signal: job.signal,
          name: job.name,
          ...(job.nodes ? { node: job.nodes } : {}),
        });
      }),
    );
    // Jobs slurmctld has forgotten (MinJobAge passed, e.g. while the server was down): accounting knows how they
    // ended. Only final states are taken from it: a job that slurmdbd still shows as running but slurmctld has
    // forgotten was lost with the controller's state (or the record lags), and stays `unknown` for the monitor.
    const gone = ids.filter((id) => out.get(id)?.state === "unknown");
    for (let i = 0; i < gone.length; i += SACCT_CHUNK) {
      const stdout = await this.#sacct(["-j", gone.slice(i, i + SACCT_CHUNK).join(","), "-o", SACCT_FORMAT]);
      if (stdout === undefined) break;
      for (const row of parseSacct(stdout).values()) {
        const { state } = backendState(row.state);
        if (!FINAL.has(state) || out.get(row.id)?.state !== "unknown") continue;
        out.set(row.id, {
          state,
          native: row.state.split(" ")[0]!,
          ...(row.reason && row.reason !== "None" ? { reason: row.reason } : {}),
          exitCode: row.exitCode,
          signal: row.signal,
          name: row.name,
          ...(row.nodes ? { node: row.nodes } : {}),
        });
      }
    }
    return out;
  }

  /**
   * `sacct -X -n -P <args>`; undefined when the cluster keeps no accounting or slurmdbd did not answer (the
   * monitor then decides from the attempt files, or waits).
   */
  async #sacct(args: readonly string[]): Promise<string | undefined> {
    if (Date.now() < this.#noAccountingUntil) return undefined;
    const r = await this.#o.cli.run("sacct", ["-X", "-n", "-P", ...args]);
    if (r.code === 0) return r.stdout;
    const out = `${r.stderr}\n${r.stdout}`;
    if (r.spawnError || accountingDisabled(out)) {
      this.#noAccountingUntil = Date.now() + ACCOUNTING_RECHECK_MS;
      if (!this.#accountingLogged) {
        this.#accountingLogged = true;
        this.#o.logger.info(
          { reason: r.spawnError ?? errorMessage(out) },
          "no Slurm accounting: jobs that slurmctld has forgotten are resolved from their attempt files",
        );
      }
      return undefined;
    }
    this.#o.logger.warn({ error: errorMessage(out) || `sacct exited with ${r.code}` }, "sacct failed");
    return undefined;
  }

  #rowsOrThrow(r: CliResult): ReturnType<typeof parseSqueue> {
    if (r.code === 0) return parseSqueue(r.stdout);
    const out = `${r.stderr}\n${r.stdout}`;
    // `squeue -j <one unknown id>` exits 1 with "Invalid job id specified" (a list of unknown ids exits 0).
    if (!r.spawnError && classifyError(out, r.killed) === "not_found") return [];
    throw new SlurmUnavailableError(r.spawnError ?? (errorMessage(out) || `squeue exited with ${r.code}`));
  }

  async cancel(ref: string): Promise<void> {
    if (!/^\d+$/.test(ref)) return;
    const r = await this.#o.cli.run("scancel", [ref]);
    if (r.code !== 0) {
      const out = `${r.stderr}\n${r.stdout}`;
      if (r.spawnError || classifyError(out, r.killed) === "transient")
        throw new SlurmUnavailableError(r.spawnError ?? (errorMessage(out) || "scancel failed"));
    }
  }

  async findByName(names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < names.length; i += NAME_CHUNK) {
      const chunk = names.slice(i, i + NAME_CHUNK);
      const r = await this.#o.cli.run("squeue", [
        "-h",
        "-t",
        "all",
        `--name=${chunk.join(",")}`,
        "-o",
        "%i|%j",
      ]);
      if (r.code !== 0) {
        const out = `${r.stderr}\n${r.stdout}`;
        throw new SlurmUnavailableError(
          r.spawnError ?? (errorMessage(out) || `squeue exited with ${r.code}`),
        );
      }
      for (const [name, id] of parseNameLookup(r.stdout)) if (chunk.includes(name)) found.set(name, id);
    }
    // Names slurmctld no longer knows (the attempt ended more than MinJobAge ago): accounting may.
    const missing = names.filter((n) => !found.has(n));
    for (let i = 0; i < missing.length; i += NAME_CHUNK) {
      const chunk = missing.slice(i, i + NAME_CHUNK);
      const stdout = await this.#sacct([
        `--name=${chunk.join(",")}`,
        ...NAME_WINDOW,
        "-o",
        "JobIDRaw,JobName",
      ]);
      if (stdout === undefined) break;
      for (const [name, id] of parseNameLookup(stdout)) if (chunk.includes(name)) found.set(name, id);
    }
    return found;
  }

  async close(): Promise<void> {
    // Slurm jobs outlive the server on purpose: the next start reconciles them.
    this.#closed = true;
  }
}
