/**
 * The job lifecycle as data. A job moves accepted → running → succeeded | failed | dismissed; a queued job can also
 * fail (its inputs could not be prepared, the scheduler refused it) or be dismissed before it starts. One edge leaves
 * a final status: dismissing a finished job withdraws it (succeeded | failed → dismissed, its results removed: OGC API
 * – Processes' dismiss "removes the artefacts of a finished one"); only the job API takes that edge, never a worker or
 * a scheduler, whose writes name `accepted`/`running` as their sources. Nothing else: every store write is a
 * compare-and-set against the allowed sources.
 */

/** Job statuses. */
export const JobStatus = Object.freeze({
  accepted: "accepted",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  dismissed: "dismissed",
} as const);

/** One of {@link JobStatus}. */
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** Allowed transitions: target status → the statuses it may be reached from. */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = Object.freeze({
  accepted: [],
  running: ["accepted"],
  succeeded: ["running"],
  failed: ["accepted", "running"],
  dismissed: ["accepted", "running", "succeeded", "failed"],
});

/** Terminal statuses: the job no longer runs (only the withdrawal of a finished job, → dismissed, leaves one). */
export const TERMINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(["succeeded", "failed", "dismissed"]);

/** Non-terminal statuses. */
export const ACTIVE: readonly JobStatus[] = ["accepted", "running"];

/** True when `from → to` is an allowed transition. */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[to].includes(from);
}

/** True for succeeded, failed and dismissed. */
export function isTerminal(s: JobStatus): boolean {
  return TERMINAL.has(s);
}
