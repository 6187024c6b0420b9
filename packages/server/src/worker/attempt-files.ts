/**
 * The shared-filesystem contract between a worker on a compute node and the server (Slurm notes §3.7). Each
 * attempt owns `jobs/<id>/a<attempt>/`; the worker writes only there, every file by write-then-rename (readers see
 * the old or the new content, never a partial file), and the server is the only one that reads them into the job
 * store — compute nodes need the shared filesystem, never database credentials.
 *
 * ```
 * a<n>/started.json    {host, pid, slurmJobId, restartCount, at}   the attempt's claim, created exclusively (link)
 * a<n>/heartbeat       epoch ms, rewritten every HEARTBEAT_INTERVAL_MS
 * a<n>/progress.json   WorkerProgress, throttled
 * a<n>/result.json     WorkerResult, written once at the end (fsync'd)
 * a<n>/exitcode        the worker's exit status, written by the batch wrapper after the worker ended
 * a<n>/signals         "<epoch s> <SIG>" lines appended by the wrapper (TERM on cancel/time limit, USR1 warning)
 * a<n>/slurm-<id>.out  the job's stdout/stderr (slurmstepd's own messages, e.g. the OOM kill, land here too)
 * ```
 */
import { closeSync, linkSync, openSync, unlinkSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { WorkerProgress, WorkerResult } from "@roost/core/internal";
import { writeFileAtomic } from "../storage/atomic.js";
import { isNoSpace } from "../storage/no-space.js";

/** File names inside an attempt directory. */
export const ATTEMPT_FILES = Object.freeze({
  started: "started.json",
  heartbeat: "heartbeat",
  progress: "progress.json",
  result: "result.json",
  exitcode: "exitcode",
  signals: "signals",
});

/** How often a worker rewrites its heartbeat: 10 s, a third of Slurm's default KillWait-scale intervals. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** The claim a worker writes when it starts an attempt. */
export interface StartedInfo {
  readonly host: string;
  readonly pid: number;
  readonly slurmJobId?: string;
  readonly restartCount: number;
  /** Epoch ms. */
  readonly at: number;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** What an attempt directory says; every field is optional (files appear over time). */
export interface AttemptEvidence {
  readonly started?: StartedInfo;
  readonly heartbeat?: number;
  readonly progress?: WorkerProgress;
  readonly result?: WorkerResult;
  readonly exitCode?: number;
  readonly signals: readonly string[];
}

/**
 * Which files to read: a running job needs its progress and whether the worker has exited (`progress`; plus the
 * heartbeat with `progress+heartbeat`), a finished one its outcome (`outcome`). Every file read costs: ~1 ms on the
 * test VM, times every running job, every tick.
 */
export type EvidenceNeed = "progress" | "progress+heartbeat" | "outcome" | "all";

/**
 * Read an attempt directory. Files are opened afresh on every call (NFS close-to-open consistency; no cached
 * descriptors, no mtime checks). Results and progress are fenced: a document naming another job or attempt is
 * ignored.
 */
export async function readAttempt(
  dir: string,
  jobId: string,
  attempt: number,
  need: EvidenceNeed = "all",
): Promise<AttemptEvidence> {
  const want = (k: string) =>
    need === "all" ||
    (need === "outcome"
      ? k !== "progress" && k !== "heartbeat"
      : k === "progress" || k === "exitcode" || (k === "heartbeat" && need === "progress+heartbeat"));
  const [started, heartbeat, progress, result, exitcode, signals] = await Promise.all([
    want("started") ? readText(join(dir, ATTEMPT_FILES.started)) : undefined,
    want("heartbeat") ? readText(join(dir, ATTEMPT_FILES.heartbeat)) : undefined,
    want("progress") ? readText(join(dir, ATTEMPT_FILES.progress)) : undefined,
    want("result") ? readText(join(dir, ATTEMPT_FILES.result)) : undefined,
    want("exitcode") ? readText(join(dir, ATTEMPT_FILES.exitcode)) : undefined,
    want("signals") ? readText(join(dir, ATTEMPT_FILES.signals)) : undefined,
  ]);
  const p = parseJson<WorkerProgress>(progress);
  const r = parseJson<WorkerResult>(result);
  const code = exitcode !== undefined && /^\s*\d+\s*$/.test(exitcode) ? Number(exitcode) : undefined;
  const hb = heartbeat !== undefined && /^\s*\d+\s*$/.test(heartbeat) ? Number(heartbeat) : undefined;
  // An empty claim (made on a full disk, see claimAttempt) is a claim without details.
  const s =
    parseJson<StartedInfo>(started) ??
    (started !== undefined ? { host: "", pid: 0, restartCount: 0, at: 0 } : undefined);
  return {
    ...(s ? { started: s } : {}),
    ...(hb !== undefined ? { heartbeat: hb } : {}),
    ...(p && p.jobId === jobId && p.attempt === attempt ? { progress: p } : {}),
    ...(r && r.jobId === jobId && r.attempt === attempt ? { result: r } : {}),
    ...(code !== undefined ? { exitCode: code } : {}),
    signals: (signals ?? "")
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[1])
      .filter((x): x is string => x !== undefined && x !== ""),
  };
}

/** The last `maxBytes` of the job's Slurm output files (for OOM patterns and failure messages). */
export async function slurmOutputTail(dir: string, slurmJobId: string, maxBytes = 8192): Promise<string> {
  const text = await readText(join(dir, `slurm-${slurmJobId}.out`));
  if (text === undefined) return "";
  return text.length > maxBytes ? text.slice(-maxBytes) : text;
}

/**
 * Claim an attempt: create `started.json` exclusively (write a temporary file, then `link` it: atomic and
 * exclusive on NFS too, where O_EXCL is not). False when another run already claimed it — a duplicated or
 * requeued run must not run the process again.
 */
export function claimAttempt(dir: string, info: StartedInfo): boolean {
  const tmp = join(dir, `.started.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(info));
  } catch (e) {
    if (!isNoSpace(e)) throw e;
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    // A full disk still lets an empty file be created: claim with an exclusive create (O_EXCL; atomic on local
    // filesystems and NFSv3+). The claim then carries no details, and readers treat an empty claim as a claim.
    try {
      closeSync(openSync(join(dir, ATTEMPT_FILES.started), "wx"));
      return true;
    } catch (x) {
      if ((x as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw x;
    }
  }
  try {
    linkSync(tmp, join(dir, ATTEMPT_FILES.started));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/**
 * Write the attempt's outcome (`result.json`, atomically). It is what lets the server apply an outcome it could not
 * record in time (database down, server restarted) instead of declaring the job interrupted.
 */
export function writeResult(dir: string, result: WorkerResult, durable: boolean): void {
  writeFileAtomic(join(dir, ATTEMPT_FILES.result), JSON.stringify(result), durable);
}

/** Attempt numbers that have a directory in a job directory, ascending. */
export async function attemptNumbers(jobDir: string): Promise<number[]> {
  const names = await readdir(jobDir).catch(() => [] as string[]);
  return names
    .map((n) => /^a([1-9]\d{0,8})$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
