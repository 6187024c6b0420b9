/**
 * Running the Slurm CLI: `execFile` (never a shell: no argument is ever parsed by one), a cap on concurrent calls
 * and a timeout per call. `sbatch` costs ~4 ms of which ~1.4 ms is spawning any process, and on a 2-vCPU host the
 * gain stops at ~4 parallel calls (Slurm notes §4), so a burst of requests queues here instead of fork-bombing the
 * host or flooding slurmctld. Calls are counted per command so tests and benchmarks can check that a poll tick
 * costs one `squeue`, not one per job.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

/** The commands Roost runs. */
export type SlurmCommand = "sbatch" | "squeue" | "scontrol" | "scancel" | "sinfo" | "sacct";

/** Outcome of one call; `code` is -1 when the command could not be spawned or was killed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the timeout killed it. */
  readonly killed: boolean;
  /** Spawn error (`ENOENT`: the command is not installed). */
  readonly spawnError?: string;
}

/** Options of {@link SlurmCli}. */
export interface SlurmCliOptions {
  /** Directory of the commands; empty: found on PATH. */
  readonly binDir: string;
  /** Calls running at once. */
  readonly maxConcurrent: number;
  /** Per-call timeout, ms. slurmctld answers in 5–20 ms; a call hanging for 30 s means it is stuck. */
  readonly timeoutMs?: number;
  /** Environment of the calls (default: the server's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told of every call's latency and outcome (metrics). */
  readonly observe?: (cmd: SlurmCommand, seconds: number, ok: boolean) => void;
}

/** A bounded runner of Slurm commands. */
export class SlurmCli {
  readonly #o: SlurmCliOptions;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  /** Calls made, per command (including failed ones). */
  readonly calls: Record<SlurmCommand, number> = {
    sbatch: 0,
    squeue: 0,
    scontrol: 0,
    scancel: 0,
    sinfo: 0,
    sacct: 0,
  };

  constructor(o: SlurmCliOptions) {
    this.#o = o;
  }

  /** Path of a command. */
  path(cmd: SlurmCommand): string {
    return this.#o.binDir ? join(this.#o.binDir, cmd) : cmd;
  }

  /**
   * Run a command; never rejects. `env` replaces the environment of this call (sbatch: the job's environment).
   * Waiting calls other than `sbatch` go first: during a burst of 60 submissions a poll queued behind them took
   * 0.4–0.75 s on the test VM, and a late poll delays every job's outcome, while a submission can wait.
   */
  async run(
    cmd: SlurmCommand,
    args: readonly string[],
    timeoutMs?: number,
    env?: NodeJS.ProcessEnv,
  ): Promise<CliResult> {
    if (this.#running >= this.#o.maxConcurrent)
      await new Promise<void>((r) => (cmd === "sbatch" ? this.#waiting.push(r) : this.#waiting.unshift(r)));
    this.#running++;
    this.calls[cmd]++;
    const t0 = process.hrtime.bigint();
    let ok = false;
    try {
      const result = await new Promise<CliResult>((resolve) => {
        execFile(
          this.path(cmd),
          args,
          {
            timeout: timeoutMs ?? this.#o.timeoutMs ?? 30_000,
            killSignal: "SIGKILL",
            maxBuffer: 64 * 1024 * 1024,
            encoding: "utf8",
            ...(env ? { env } : this.#o.env ? { env: this.#o.env } : {}),
          },
          (err, stdout, stderr) => {
            if (!err) return resolve({ code: 0, stdout, stderr, killed: false });
            const e = err as { code?: number | string | null; killed?: boolean; signal?: string | null };
            if (typeof e.code === "string")
              return resolve({ code: -1, stdout, stderr, killed: false, spawnError: `${cmd}: ${e.code}` });
            const killed = e.killed === true || e.signal != null;
            resolve({ code: typeof e.code === "number" ? e.code : -1, stdout, stderr, killed });
          },
        );
      });
      ok = result.code === 0;
      return result;
    } finally {
      this.#o.observe?.(cmd, Number(process.hrtime.bigint() - t0) / 1e9, ok);
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
