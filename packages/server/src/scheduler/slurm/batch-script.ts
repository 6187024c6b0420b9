/**
 * The batch script of an attempt and the `sbatch` command line. The script text is a constant: everything
 * job-specific (the attempt directory, the worker command, the job directory, the attempt number) is passed as
 * script arguments through `execFile`, so no request value — and no path either — is ever parsed by a shell.
 *
 * The script is a small wrapper around the worker (shared-filesystem contract, Slurm notes §3.7): it runs the worker
 * as a child, records TERM/INT/USR1 in `signals` and forwards them (`--signal=B:USR1@…` reaches only the batch
 * shell), waits for the worker even when a trapped signal interrupts `wait`, and writes the worker's exit status to
 * `exitcode` by write-then-rename. `exitcode` is absent only when the whole job was killed hard or the node was
 * lost — which is how a job that Slurm has already forgotten is told apart from one that ended.
 */
import { attemptName } from "@roost/core/internal";
import { formatSlurmTime, parseSlurmTime } from "./parse.js";

/** The wrapper (bash; `printf %(…)T` avoids a `date` fork per signal). Arguments: attempt dir, worker argv…. */
export const BATCH_SCRIPT = `#!/bin/bash
# Roost attempt wrapper. Written by the Roost server from a fixed template: job data arrives as arguments
# ($1 = attempt directory, then the worker command), never as shell text.
dir=$1
shift
child=
record() {
  printf '%(%s)T %s\\n' -1 "$1" >> "$dir/signals"
  if [ -n "$child" ]; then kill -s "$1" "$child" 2>/dev/null; fi
}
trap 'record TERM' TERM
trap 'record INT' INT
trap 'record USR1' USR1
"$@" &
child=$!
while :; do
  wait "$child"
  rc=$?
  # wait returns 128+n when a trapped signal interrupts it: wait again until the worker itself has ended.
  if [ "$rc" -gt 128 ] && kill -0 "$child" 2>/dev/null; then continue; fi
  break
done
printf '%s\\n' "$rc" > "$dir/.exitcode.tmp" && mv -f "$dir/.exitcode.tmp" "$dir/exitcode"
exit "$rc"
`;

/** Slurm options of one process, from the operator's configuration (`[slurm.defaults]`, `[slurm.processes.<id>]`). */
export interface SlurmJobOptions {
  readonly partition?: string | undefined;
  /** sbatch `--time` (e.g. `10`, `1:00:00`, `1-00:00:00`). */
  readonly time_limit?: string | undefined;
  readonly cpus?: number | undefined;
  /** sbatch `--mem` (e.g. `512M`). */
  readonly memory?: string | undefined;
  readonly account?: string | undefined;
  readonly qos?: string | undefined;
  /** Further sbatch options, long form (`--constraint=fast`, `--gres=gpu:1`). */
  readonly extra_args?: readonly string[] | undefined;
}

/** sbatch options Roost sets itself; `extra_args` may not change them. */
const RESERVED = new Set([
  "--job-name",
  "--output",
  "--error",
  "--input",
  "--chdir",
  "--export",
  "--export-file",
  "--requeue",
  "--no-requeue",
  "--parsable",
  "--wrap",
  "--comment",
  "--array",
  "--signal",
  "--hold",
  "--wait",
  "--test-only",
  "--get-user-env",
  "--open-mode",
  "--kill-on-invalid-dep",
]);

const NAME = /^[A-Za-z0-9_.,+-]+$/;

/** Merge `[slurm.defaults]` with a process's own options (its fields win; `extra_args` are appended). */
export function mergeOptions(
  defaults: SlurmJobOptions | undefined,
  own: SlurmJobOptions | undefined,
): SlurmJobOptions {
  const d = defaults ?? {};
  const o = own ?? {};
  const pick = <K extends keyof SlurmJobOptions>(k: K) => (o[k] !== undefined ? o[k] : d[k]);
  return {
    partition: pick("partition"),
    time_limit: pick("time_limit"),
    cpus: pick("cpus"),
    memory: pick("memory"),
    account: pick("account"),
    qos: pick("qos"),
    extra_args: [...(d.extra_args ?? []), ...(o.extra_args ?? [])],
  };
}

/** Check options; throws with a message naming `where` (e.g. `slurm.processes.sleep`). */
export function validateOptions(o: SlurmJobOptions, where: string): void {
  for (const k of ["partition", "account", "qos"] as const) {
    const v = o[k];
    if (v !== undefined && !NAME.test(v)) throw new TypeError(`${where}.${k}: '${v}' is not a Slurm name`);
  }
  if (o.memory !== undefined && !/^\d+[KMGT]?$/i.test(o.memory))
    throw new TypeError(`${where}.memory: '${o.memory}' is not an sbatch --mem value (e.g. 512M, 4G)`);
  if (o.time_limit !== undefined) {
    try {
      parseSlurmTime(o.time_limit);
    } catch (e) {
      throw new TypeError(`${where}.time_limit: ${(e as Error).message}`);
    }
  }
  for (const a of o.extra_args ?? []) {
    if (!/^--[a-z][a-z0-9-]*(=.*)?$/.test(a))
      throw new TypeError(`${where}.extra_args: '${a}' must be a long option (--name or --name=value)`);
    const name = a.split("=", 1)[0]!;
    if (RESERVED.has(name))
      throw new TypeError(`${where}.extra_args: ${name} is set by Roost and cannot be changed`);
  }
}

/** What one submission needs. */
export interface SbatchInput {
  readonly jobId: string;
  readonly attempt: number;
  readonly jobDir: string;
  readonly attemptDir: string;
  /** Path of the written batch script. */
  readonly scriptPath: string;
  /** Worker command (argv prefix); `worker run <jobDir> --attempt <n>` is appended. */
  readonly workerCommand: readonly string[];
  /** The job's own wall-time limit (the worker enforces it gracefully). */
  readonly timeLimitSec: number;
  readonly options: SlurmJobOptions;
}

/**
 * Slurm's limit of an attempt: the operator's `time_limit`, else the job's own limit plus one minute, so the
 * worker's graceful limit (abort, result "time limit exceeded") fires before Slurm's hard kill (TIMEOUT).
 */
export function slurmTimeLimitSec(timeLimitSec: number, o: SlurmJobOptions): number | undefined {
  if (o.time_limit !== undefined) return parseSlurmTime(o.time_limit);
  return Math.ceil(timeLimitSec / 60) * 60 + 60;
}

/** The sbatch arguments of an attempt (see the module comment). */
export function sbatchArgs(i: SbatchInput): string[] {
  const o = i.options;
  const limit = slurmTimeLimitSec(i.timeLimitSec, o);
  const args = [
    "--parsable",
    "--no-requeue",
    `--job-name=${attemptName(i.jobId, i.attempt)}`,
    `--comment=roost:${i.jobId}:${i.attempt}`,
    `--chdir=${i.attemptDir}`,
    `--output=${i.attemptDir}/slurm-%j.out`,
    // The job gets exactly sbatch's environment, which Roost sets explicitly for the call (see SlurmScheduler). On
    // 22.05 a variable list, NONE or NIL makes slurmd first load the user's login environment (--get-user-env):
    // +1.1 s per job measured here (p50 2.0 s against 0.85 s, paired), for nothing Roost wants.
    "--export=ALL",
  ];
  if (limit !== undefined) {
    args.push(o.time_limit !== undefined ? `--time=${o.time_limit}` : `--time=${formatSlurmTime(limit)}`);
    // Warn the worker before the hard limit (recorded in `signals`); at most a minute, half the limit when short.
    args.push(`--signal=B:USR1@${Math.max(10, Math.min(60, Math.floor(limit / 2)))}`);
  }
  if (o.partition !== undefined) args.push(`--partition=${o.partition}`);
  if (o.cpus !== undefined) args.push(`--cpus-per-task=${o.cpus}`);
  if (o.memory !== undefined) args.push(`--mem=${o.memory}`);
  if (o.account !== undefined) args.push(`--account=${o.account}`);
  if (o.qos !== undefined) args.push(`--qos=${o.qos}`);
  args.push(...(o.extra_args ?? []));
  args.push(
    i.scriptPath,
    i.attemptDir,
    ...i.workerCommand,
    "worker",
    "run",
    i.jobDir,
    "--attempt",
    String(i.attempt),
  );
  return args;
}
