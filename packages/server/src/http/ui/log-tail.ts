/**
 * The tail of a job's logs for the UI: the server-side lifecycle log (`job.log`) and the handler's log of the
 * latest attempt (`a<n>/worker.log`). Only the last {@link TAIL_BYTES} of each are read; the job id is validated
 * before it reaches the filesystem (`JobDirs.job` refuses anything else), and the text is sent as plain text or
 * inserted as text, never as markup.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { isJobId, type JobRecord } from "@roost/core";
import type { JobDirs } from "../../storage/job-dirs.js";

/** Bytes read from the end of each log. */
export const TAIL_BYTES = 16 * 1024;

/** The end of a text file (from a line start when it was cut), or undefined when it does not exist. */
export async function tailOf(path: string, max = TAIL_BYTES): Promise<string | undefined> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return undefined;
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    let text = buf.toString("utf8");
    if (len < size) {
      const nl = text.indexOf("\n");
      text = `…\n${nl >= 0 ? text.slice(nl + 1) : text}`;
    }
    return text;
  } finally {
    await fh.close();
  }
}

/** Both logs' tails. */
export interface LogTail {
  readonly job?: string;
  readonly worker?: string;
}

/** The log tails of a job. */
export async function jobLogTail(dirs: JobDirs, job: JobRecord): Promise<LogTail> {
  if (!isJobId(job.id)) return {};
  const jobLog = await tailOf(dirs.log(job.id));
  const worker =
    job.attempt > 0 ? await tailOf(join(dirs.attempt(job.id, job.attempt), "worker.log")) : undefined;
  return { ...(jobLog !== undefined ? { job: jobLog } : {}), ...(worker !== undefined ? { worker } : {}) };
}
