/**
 * What the job page shows live about a job beyond its statusInfo: where it runs (local workers or the scheduler's
 * job id) and, while it waits in a Slurm queue, the reason Slurm gives. One function, used for the first render and
 * for every event of the live stream, so both say the same.
 */
import { type JobRecord, ogcapi } from "@roost/core/internal";

/** A job as the live page shows it. */
export interface LiveJob {
  readonly status: ogcapi.OgcStatus;
  readonly message?: string;
  readonly progress?: number;
  readonly created?: string;
  readonly started?: string;
  readonly finished?: string;
  readonly updated?: string;
  /** "local workers", "Slurm job 123", "Slurm job 123 on node2". */
  readonly where: string;
  /** "pending (Resources)" while queued in the scheduler, else undefined. */
  readonly queue?: string;
}

const QUEUED = /queued in [^(]*\(([^)]+)\)\s*$/;

/** The live view of a job (`live` is the in-memory progress, newer than the store's). */
export function liveJob(
  job: JobRecord,
  live?: { readonly percent: number; readonly message: string },
): LiveJob {
  const shown =
    job.status === "running" && live
      ? { ...job, progress: live.percent, message: live.message || job.message }
      : job;
  const s = ogcapi.encodeStatusInfo(shown, {
    landing: "",
    api: "",
    conformance: "",
    processes: "",
    jobs: "",
    process: () => "",
    execution: () => "",
    job: () => "",
    results: () => "",
  });
  const local = job.backend === "local";
  const where = local
    ? "local workers"
    : `${job.backend === "slurm" ? "Slurm" : job.backend}${job.schedulerRef !== null ? ` job ${job.schedulerRef}` : " (not submitted yet)"}${job.node ? ` on ${job.node}` : ""}`;
  const reason = job.status === "accepted" ? QUEUED.exec(job.message ?? "")?.[1] : undefined;
  return {
    status: s.status,
    ...(s.message !== undefined ? { message: s.message } : {}),
    ...(s.progress !== undefined ? { progress: s.progress } : {}),
    ...(s.created !== undefined ? { created: s.created } : {}),
    ...(s.started !== undefined ? { started: s.started } : {}),
    ...(s.finished !== undefined ? { finished: s.finished } : {}),
    ...(s.updated !== undefined ? { updated: s.updated } : {}),
    where,
    ...(reason !== undefined
      ? { queue: `pending (${reason})` }
      : job.status === "accepted"
        ? { queue: "queued" }
        : {}),
  };
}
