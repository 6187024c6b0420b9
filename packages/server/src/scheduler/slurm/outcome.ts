/**
 * The outcome rules of a poll-based backend's attempt (the Slurm notes §3.3), as a pure function of one observation,
 * the attempt's files and the job: success needs the scheduler's COMPLETED (or, once it has forgotten the job, the
 * wrapper's exit status 0) **and** the worker's result for this attempt; every other end is a failure carrying the
 * scheduler's reason, except a cancellation the user asked for. The monitor (`monitor.ts`) applies the decisions (`polling.ts`).
 */
import { attemptName, type Observation, type WorkerFailure, type WorkerResult } from "@roost/core/internal";
import type { AttemptEvidence } from "../../worker/attempt-files.js";

/** What {@link decide} needs to know about a job. */
export interface DecideInput {
  readonly jobId: string;
  readonly attempt: number;
  /** The backend reference (Slurm job id), if any. */
  readonly ref: string | undefined;
  readonly dismiss: boolean;
  readonly obs: Observation;
  readonly files: AttemptEvidence;
  /** Tail of the job's output (Slurm: `slurm-<id>.out`), for failures without a result. */
  readonly outputTail?: string;
  readonly now: number;
  /** When the job was first seen unknown (without an exit status) / completed without a result. */
  readonly unknownSince?: number | undefined;
  readonly noResultSince?: number | undefined;
  readonly lostGraceMs: number;
  /** How messages name the backend (default "Slurm"). */
  readonly backendLabel?: string;
}

/** What to do with a job after one observation. */
export type Decision =
  | { readonly kind: "queued"; readonly reason?: string }
  | { readonly kind: "running" }
  | { readonly kind: "finish"; readonly result: WorkerResult }
  | { readonly kind: "wait"; readonly unknownSince?: number; readonly noResultSince?: number };

const OOM = /exceeded memory limit|out of memory|oom[-_ ]?kill/i;

function signalName(n: number): string {
  const names: Record<number, string> = {
    1: "SIGHUP",
    2: "SIGINT",
    6: "SIGABRT",
    9: "SIGKILL",
    11: "SIGSEGV",
    15: "SIGTERM",
  };
  return names[n] ?? `signal ${n}`;
}

/** "Slurm job 123 FAILED on n1" — how messages name the scheduler's view. */
function jobLabel(i: DecideInput): string {
  const n = i.obs.native ? ` ${i.obs.native.split(/\s/)[0]}` : "";
  const on = i.obs.node ? ` on ${i.obs.node}` : "";
  return `${i.backendLabel ?? "Slurm"} job ${i.ref ?? "?"}${n}${on}`;
}

/** Why a worker's exit status is what it is, in words. */
function exitWords(code: number | undefined, signal: number | undefined): string {
  if (signal !== undefined && signal > 0) return `the job was killed by ${signalName(signal)}`;
  if (code === undefined) return "the worker ended without an exit status";
  if (code === 75)
    return "the worker refused to run: this attempt had already been started (requeued or duplicated)";
  if (code > 128) return `the worker was killed by ${signalName(code - 128)} (exit status ${code})`;
  return `the worker exited with code ${code}`;
}

/**
 * The outcome rules (Slurm notes §3.3), as a pure function. Success needs the scheduler's COMPLETED (or, once it
 * has forgotten the job, the wrapper's exit status 0) **and** the worker's result for this attempt; every other end
 * is a failure carrying the scheduler's reason, except a cancellation the user asked for.
 */
export function decide(i: DecideInput): Decision {
  const { files, jobId, attempt } = i;
  // A job id slurmctld reused after losing its state is not this attempt.
  const obs: Observation =
    i.obs.name !== undefined && i.obs.name !== attemptName(jobId, attempt) ? { state: "unknown" } : i.obs;
  const fail = (kind: WorkerFailure["kind"], message: string): Decision => ({
    kind: "finish",
    result: { jobId, attempt, ok: false, failure: { kind, message } },
  });
  const label = jobLabel({ ...i, obs });
  const result = files.result;
  // The worker's own account of a failure (a process error, its own time limit) is the most precise message. A
  // "cancelled" result only says the worker got TERM: who sent it (scancel, the time limit, someone's kill) is
  // the scheduler's to say.
  const own = result && !result.ok && result.failure.kind !== "cancelled" ? result : undefined;
  switch (obs.state) {
    case "queued":
      return obs.reason !== undefined ? { kind: "queued", reason: obs.reason } : { kind: "queued" };
    case "running":
      return { kind: "running" };
    case "completed": {
      if (result?.ok) return { kind: "finish", result };
      if (own) return { kind: "finish", result: own };
      if (result) return fail("crashed", `${label}, but the worker was stopped by a signal`);
      const since = i.noResultSince ?? i.now;
      if (i.now - since >= i.lostGraceMs)
        return fail(
          "crashed",
          `${label}, but the worker left no result (${exitWords(files.exitCode, undefined)})`,
        );
      return { kind: "wait", noResultSince: since };
    }
    case "failed":
    case "out_of_memory": {
      if (own) return { kind: "finish", result: own };
      if (obs.state === "out_of_memory" || OOM.test(i.outputTail ?? ""))
        return fail("crashed", `${label}: out of memory (the job exceeded its memory limit)`);
      const code = obs.exitCode ?? files.exitCode;
      return fail("crashed", `${label}: ${exitWords(code, obs.signal)}`);
    }
    case "cancelled":
      if (i.dismiss) return fail("cancelled", "Job dismissed");
      return fail("scheduler", `${label}: cancelled outside Roost (by an administrator or the scheduler)`);
    case "timeout": {
      const warned = files.signals.includes("USR1") ? "; the worker was warned before" : "";
      return fail("timeout", `${label}: the Slurm time limit was exceeded${warned}`);
    }
    case "node_fail":
      return fail(
        "lost",
        `${label}: the node failed or the job was preempted (not the process's fault; submit it again)`,
      );
    default: {
      // The backend no longer knows the job: the attempt files decide.
      if (own) return { kind: "finish", result: own };
      if (result?.ok && files.exitCode === 0) return { kind: "finish", result };
      if (files.exitCode !== undefined && files.exitCode !== 0)
        return fail("crashed", `${label}: ${exitWords(files.exitCode, undefined)}`);
      if (i.dismiss && !files.started) return fail("cancelled", "Job dismissed");
      const since = i.unknownSince ?? i.now;
      if (i.now - since >= i.lostGraceMs) {
        if (i.dismiss) return fail("cancelled", "Job dismissed");
        return fail(
          "lost",
          `${i.backendLabel ?? "Slurm"} job ${i.ref ?? "?"} is no longer known to ${i.backendLabel ?? "Slurm"} and its worker left no exit status: the job was lost`,
        );
      }
      return { kind: "wait", unknownSince: since };
    }
  }
}
