/**
 * A job's files as the job API reads and removes them: the lineage echo (`request.json`), published output files
 * (never outside the job's outputs directory), and removal of a deleted or dismissed job's files. Job ids are
 * validated before they become paths.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { isJobId, type JobRecord, type OutputRequest, type RawInput } from "@roost/core/internal";
import type { JobDirs } from "../storage/job-dirs.js";

/** The inputs and output requests echoed by WPS 1.0.0 lineage. */
export interface Lineage {
  readonly inputs: readonly RawInput[];
  readonly outputs: readonly OutputRequest[];
}

/** The lineage echo kept for a job (`request.json`), or undefined when it asked for none. */
export async function readLineage(dirs: JobDirs, job: JobRecord): Promise<Lineage | undefined> {
  if (!job.request.lineage) return undefined;
  try {
    const raw = JSON.parse(await readFile(join(dirs.job(job.id), "request.json"), "utf8")) as Lineage;
    return { inputs: raw.inputs, outputs: raw.outputs };
  } catch {
    return { inputs: [], outputs: job.request.outputs };
  }
}

/** Absolute path of a published output file, or undefined (never outside the job's outputs directory). */
export async function publishedFile(dirs: JobDirs, jobId: string, rel: string): Promise<string | undefined> {
  if (!isJobId(jobId) || rel === "" || rel.includes("\0")) return undefined;
  const root = dirs.outputs(jobId);
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) return undefined;
  const st = await stat(path).catch(() => undefined);
  return st?.isFile() ? path : undefined;
}

/**
 * Remove every file of a job but its `job.log` (the trail of what happened): inputs, attempts, outputs, spec — what
 * a dismissed job leaves behind.
 */
export async function removeAllButLog(dirs: JobDirs, jobId: string): Promise<void> {
  const dir = dirs.job(jobId);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => n !== "job.log").map((n) => rm(join(dir, n), { recursive: true, force: true })),
  );
}
