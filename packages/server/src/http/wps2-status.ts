/**
 * What a WPS 2.0.0 StatusInfo says about a job besides its status: PercentCompleted from the freshest progress
 * (the live value of a running local job is newer than the store's throttled copy), a NextPoll hint and, when the
 * job's own progress allows it, an EstimatedCompletion. Built from the job record alone: rendering a StatusInfo never
 * reads output files (GetStatus is the call clients repeat).
 */
import {
  ERRORS,
  type ErrorCode,
  isTerminal,
  type JobRecord,
  RoostError,
  type StatusView,
  type wps2,
} from "@roost/core/internal";

/** The shortest NextPoll hint: polling a fresh job more often than every 100 ms only loads the server. */
export const MIN_POLL_MS = 100;
/** The longest NextPoll hint: a client is never told to stay away longer than 30 s. */
export const MAX_POLL_MS = 30_000;
/**
 * An estimate needs this much progress (%) and running time (ms): the first reports of a job (often 0 % at start,
 * e.g. Emu's `sleep`) say nothing about its pace.
 */
const MIN_PERCENT = 1;
const MIN_RUNNING_MS = 200;

/** The status of `job` for a StatusInfo (`percent`: the live progress of a running job, when known). */
export function statusView(job: JobRecord, percent?: number): StatusView {
  switch (job.status) {
    case "accepted":
      return { kind: "accepted", message: job.message ?? "" };
    case "running":
      return { kind: "running", message: job.message ?? "", percent: percent ?? job.progress ?? 0 };
    case "succeeded":
      return { kind: "succeeded", message: job.message ?? "" };
    case "dismissed":
      return { kind: "dismissed", message: job.message ?? "" };
    case "failed":
      return { kind: "failed", errors: [] };
  }
}

/**
 * NextPoll and EstimatedCompletion of an active job at `now` (nothing for an ended one).
 *
 * - EstimatedCompletion: a running job that has reported at least 1 % after 200 ms of running is extrapolated
 *   linearly: `started + elapsed × 100 / percent` — the only estimate the job's own data supports; omitted
 *   otherwise (an accepted job's queue wait is unknown: Slurm decides it).
 * - NextPoll: half the job's age, between 100 ms and 30 s (a client polling on the hint backs off as a job proves
 *   long, without ever waiting more than half of what it has already waited), but no later than the estimated
 *   completion.
 */
export function statusTimes(job: JobRecord, percent: number | undefined, now: number): wps2.JobTimes {
  if (isTerminal(job.status)) return {};
  let estimated: number | undefined;
  const p = percent ?? job.progress ?? 0;
  if (job.status === "running" && job.startedAt !== null && p >= MIN_PERCENT && p < 100) {
    const elapsed = now - job.startedAt;
    if (elapsed >= MIN_RUNNING_MS) estimated = job.startedAt + (elapsed * 100) / p;
  }
  const age = Math.max(0, now - job.createdAt);
  let next = now + Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, age / 2));
  if (estimated !== undefined && estimated > now)
    next = Math.max(now + MIN_POLL_MS, Math.min(next, estimated));
  return {
    nextPoll: new Date(next),
    ...(estimated !== undefined && estimated > now ? { estimatedCompletion: new Date(estimated) } : {}),
  };
}

/**
 * The error a failed job reports (GetResult, a failed sync Execute): its recorded catalogue code, message and
 * locator, so the status is the catalogue's for WPS 2.0.0 (a process failure, ProcessFailed, is NoApplicableCode
 * with HTTP 500: the request was fine, the computation failed on the server).
 */
export function jobError(job: JobRecord): RoostError {
  const e = job.error;
  const code: ErrorCode =
    e !== null && Object.hasOwn(ERRORS, e.code) ? (e.code as ErrorCode) : "ProcessFailed";
  return new RoostError(code, e?.message ?? "Process failed", { locator: e?.locator });
}
