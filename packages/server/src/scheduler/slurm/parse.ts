/**
 * Pure parsing and classification of the Slurm CLI's answers (22.05 behaviour, measured in the project's Slurm
 * notes §2, §6, §7). Delimited text only: `squeue --json` ignores `-j`/`-t` on 22.05 and `scontrol` has no
 * `--json`. Nothing here runs a command, so every rule is unit-testable with captured output.
 */
import type { BackendState } from "@roost/core/internal";

/**
 * `squeue -o` format of one poll: id, state, node list, reason, name. The name comes last because it is the only
 * free-text field (`%j` may contain `|` for jobs Roost did not name); Roost's own names never do.
 */
export const SQUEUE_FORMAT = "%i|%T|%N|%r|%j";

/** Slurm's job states (long names, as `squeue %T` and `scontrol JobState=` print them) → backend states. */
const STATES: Readonly<Record<string, BackendState>> = {
  PENDING: "queued",
  CONFIGURING: "queued",
  REQUEUED: "queued",
  REQUEUE_HOLD: "queued",
  REQUEUE_FED: "queued",
  RESV_DEL_HOLD: "queued",
  RUNNING: "running",
  COMPLETING: "running",
  SIGNALING: "running",
  STAGE_OUT: "running",
  STOPPED: "running",
  SUSPENDED: "running",
  RESIZING: "running",
  COMPLETED: "completed",
  FAILED: "failed",
  SPECIAL_EXIT: "failed",
  REVOKED: "failed",
  CANCELLED: "cancelled",
  TIMEOUT: "timeout",
  DEADLINE: "timeout",
  OUT_OF_MEMORY: "out_of_memory",
  NODE_FAIL: "node_fail",
  BOOT_FAIL: "node_fail",
  PREEMPTED: "node_fail",
};

/**
 * Map a Slurm state to a backend state. `CANCELLED by 0` suffixes are stripped; an unknown state counts as
 * running (logged by the caller): a state Roost does not know must never end a job.
 */
export function backendState(native: string): { state: BackendState; known: boolean } {
  const base = native.trim().split(/[\s+]/)[0]!.toUpperCase();
  const s = STATES[base];
  return s ? { state: s, known: true } : { state: "running", known: false };
}

/** One row of {@link SQUEUE_FORMAT}. */
export interface SqueueRow {
  readonly id: string;
  readonly state: string;
  readonly nodes: string;
  readonly reason: string;
  readonly name: string;
}

/** Parse `squeue -h -o SQUEUE_FORMAT` output; malformed lines are skipped. */
export function parseSqueue(stdout: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const parts = line.split("|");
    if (parts.length < 5 || !/^\d+$/.test(parts[0]!.trim())) continue;
    rows.push({
      id: parts[0]!.trim(),
      state: parts[1]!.trim(),
      nodes: parts[2]!.trim(),
      reason: parts[3]!.trim(),
      name: parts.slice(4).join("|").trim(),
    });
  }
  return rows;
}

/** What `scontrol show job -o <id>` says about a job. */
export interface ScontrolJob {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly reason: string;
  /** `ExitCode=<code>:<signal>` of the batch script. */
  readonly exitCode: number;
  readonly signal: number;
  readonly nodes: string;
  readonly restarts: number;
}

function field(line: string, key: string): string | undefined {
  // Keys are preceded by a space or the line start: `DerivedExitCode=` must not match `ExitCode=`.
  const m = new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line);
  return m?.[1];
}

/** Parse one `scontrol show job -o` line; undefined when it is not a job record. */
export function parseScontrolJob(line: string): ScontrolJob | undefined {
  const id = field(line, "JobId");
  const state = field(line, "JobState");
  if (id === undefined || state === undefined) return undefined;
  // JobName may contain spaces; it sits between `JobName=` and ` UserId=`.
  const name = /(?:^|\s)JobName=(.*?)\s+UserId=/.exec(line)?.[1] ?? field(line, "JobName") ?? "";
  const exit = /(?:^|\s)ExitCode=(\d+):(\d+)/.exec(line);
  const nodes = field(line, "NodeList") ?? "";
  return {
    id,
    name,
    state,
    reason: field(line, "Reason") ?? "",
    exitCode: exit ? Number(exit[1]) : 0,
    signal: exit ? Number(exit[2]) : 0,
    nodes: nodes === "(null)" ? "" : nodes,
    restarts: Number(field(line, "Restarts") ?? 0),
  };
}

/** `sacct` fields Roost asks for, in {@link parseSacct}'s order. */
export const SACCT_FORMAT = "JobIDRaw,JobName,State,ExitCode,NodeList,Reason";

/** One allocation record of `sacct -X -n -P -o SACCT_FORMAT`. */
export interface SacctRow {
  readonly id: string;
  readonly name: string;
  /** `CANCELLED by 0` keeps its suffix here; {@link backendState} strips it. */
  readonly state: string;
  readonly exitCode: number;
  readonly signal: number;
  readonly nodes: string;
  readonly reason: string;
}

/**
 * Parse `sacct -X -n -P -o SACCT_FORMAT` (`|`-separated). A job id that slurmctld reused after losing its state has
 * several records: the last one (newest submission) wins, and the monitor's name check refuses it if it is not the
 * attempt's. Malformed lines are skipped.
 */
export function parseSacct(stdout: string): Map<string, SacctRow> {
  const out = new Map<string, SacctRow>();
  for (const line of stdout.split("\n")) {
    const parts = line.split("|");
    if (parts.length < 6 || !/^\d+$/.test(parts[0]!.trim())) continue;
    // JobName is the only free-text field before the fixed ones: rejoin it if it holds a `|`.
    const tail = parts.slice(-4);
    const name = parts.slice(1, parts.length - 4).join("|");
    const exit = /^(\d+):(\d+)$/.exec(tail[1]!.trim());
    const nodes = tail[2]!.trim();
    out.set(parts[0]!.trim(), {
      id: parts[0]!.trim(),
      name,
      state: tail[0]!.trim(),
      exitCode: exit ? Number(exit[1]) : 0,
      signal: exit ? Number(exit[2]) : 0,
      nodes: nodes === "None assigned" || nodes === "(null)" ? "" : nodes,
      reason: tail[3]!.trim(),
    });
  }
  return out;
}

/** True when `sacct` failed because this cluster keeps no accounting (no slurmdbd): ask no more. */
export function accountingDisabled(output: string): boolean {
  return /accounting storage is disabled|accounting_storage\/none|not running a supported accounting_storage plugin/i.test(
    output,
  );
}

/** Parse `sbatch --parsable` output (`<id>` or `<id>;<cluster>`); undefined when it is something else. */
export function parseSbatch(stdout: string): string | undefined {
  const m = /^(\d+)(;\S+)?$/.exec(stdout.trim());
  return m?.[1];
}

/** Parse `squeue -h -o '%i|%j'` (name lookup) into name → id; the newest id wins if a name repeats. */
export function parseNameLookup(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const bar = line.indexOf("|");
    if (bar <= 0) continue;
    const id = line.slice(0, bar).trim();
    const name = line.slice(bar + 1).trim();
    if (!/^\d+$/.test(id)) continue;
    const prev = out.get(name);
    if (prev === undefined || Number(id) > Number(prev)) out.set(name, id);
  }
  return out;
}

/** How a failed CLI call should be treated. */
export type CliErrorKind =
  /** The controller cannot be reached or is overloaded: retry later, change nothing. */
  | "transient"
  /** Slurm refused for good (invalid partition, impossible memory, bad account…): fail the job with the reason. */
  | "permanent"
  /** `Invalid job id specified`: the job is unknown to slurmctld (purged after MinJobAge, or never existed). */
  | "not_found";

const TRANSIENT = [
  /unable to contact slurm controller/i,
  /socket timed out/i,
  /temporarily unable/i,
  /resource temporarily unavailable/i,
  /connection refused/i,
  /connection reset/i,
  /zero bytes were transmitted/i,
  /communication connection failure/i,
  /slurmctld.*(busy|not responding)/i,
  /too many pending rpcs/i,
  /transport endpoint is not connected/i,
  /protocol authentication error/i,
  /munge/i,
];

/**
 * Classify a failed CLI call from its output. Transient patterns are matched first (an outage must never fail a
 * job); `Invalid job id specified` means not found; a killed call (timeout) is transient; the rest is permanent.
 */
export function classifyError(output: string, killed = false): CliErrorKind {
  if (killed) return "transient";
  if (TRANSIENT.some((re) => re.test(output))) return "transient";
  if (/invalid job id specified/i.test(output)) return "not_found";
  if (output.trim() === "") return "transient";
  return "permanent";
}

/** The useful part of an sbatch error (`sbatch: error: Batch job submission failed: Invalid partition …`). */
export function errorMessage(output: string): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const last = lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1) ?? "";
  return last
    .replace(/^(sbatch|squeue|scontrol|scancel): error: /i, "")
    .replace(/^Batch job submission failed: /i, "")
    .replace(/^slurm_load_jobs error: /i, "")
    .slice(0, 300);
}

/**
 * Seconds of a Slurm time specification (`--time`): `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`; `UNLIMITED` or
 * `INFINITE` → undefined. Throws on anything else (operator configuration is checked at start-up).
 */
export function parseSlurmTime(spec: string): number | undefined {
  const s = spec.trim();
  if (/^(unlimited|infinite)$/i.test(s)) return undefined;
  let m = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (m) return Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  m = /^(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (m) {
    if (m[3] !== undefined) return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    return Number(m[1]) * 60 + Number(m[2] ?? 0);
  }
  throw new TypeError(`'${spec}' is not a Slurm time limit (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS)`);
}

/** Format seconds as a Slurm `--time` value (`D-HH:MM:SS`), rounded up to whole minutes. */
export function formatSlurmTime(seconds: number): string {
  const total = Math.max(60, Math.ceil(seconds / 60) * 60);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const mi = Math.floor((total % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d}-${two(h)}:${two(mi)}:00`;
}
