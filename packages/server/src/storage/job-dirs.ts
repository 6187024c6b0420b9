/**
 * The job directory layout on the data dir (shared with Slurm compute nodes):
 *
 * ```
 * <data_dir>/jobs/<jobId>/
 *   job.json          the JobSpec (written by the server before the job is accepted)
 *   request.json      the raw request, kept for lineage
 *   inputs/           complex input values (inline data decoded, references fetched)
 *   job.log           server-side lifecycle log of the job
 *   a<attempt>/       one directory per attempt (fencing: attempts never share files)
 *     work/           the handler's working directory
 *     out/            outputs being produced
 *     worker.log      the handler's log
 *     progress.json, heartbeat, result.json, exitcode, slurm-*.out   (Slurm attempts)
 *   outputs/          the winning attempt's out/, renamed here when the job succeeds
 * ```
 * Job ids are validated UUIDs, so no path component ever comes from request text.
 */
import { join } from "node:path";
import { isJobId } from "@roost/core/internal";

/** Paths of one data directory. */
export class JobDirs {
  /** Root holding every job directory. */
  readonly jobsRoot: string;
  /** The data directory. */
  readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.jobsRoot = join(dataDir, "jobs");
  }

  /** The job's directory. Throws on a malformed id: ids reach the filesystem only after validation. */
  job(jobId: string): string {
    if (!isJobId(jobId)) throw new TypeError(`not a job id: ${JSON.stringify(jobId)}`);
    return join(this.jobsRoot, jobId);
  }

  /** `job.json`. */
  spec(jobId: string): string {
    return join(this.job(jobId), "job.json");
  }

  /** Directory of complex input files. */
  inputs(jobId: string): string {
    return join(this.job(jobId), "inputs");
  }

  /** An attempt's directory. */
  attempt(jobId: string, attempt: number): string {
    return attemptDir(this.job(jobId), attempt);
  }

  /** The published outputs directory. */
  outputs(jobId: string): string {
    return join(this.job(jobId), "outputs");
  }

  /** Server-side lifecycle log. */
  log(jobId: string): string {
    return join(this.job(jobId), "job.log");
  }
}

/** An attempt directory inside a job directory. */
export function attemptDir(jobDir: string, attempt: number): string {
  return join(jobDir, `a${attempt}`);
}
