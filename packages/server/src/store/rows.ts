/**
 * Job records ↔ table rows. JSON-valued fields are stored as `JSON.stringify` text and parsed on read; flags go
 * through the dialect profile. Patch values are checked here so that both databases refuse the same bad input the
 * same way (SQLite would silently store 42.5 in an INTEGER column, PostgreSQL would reject it with its own message).
 */
import type {
  FinishedJob,
  JobErrorInfo,
  JobOutputs,
  JobPatch,
  JobRecord,
  JobRequestInfo,
  NewJob,
} from "@roost/core/internal";
import type { Insertable, Selectable, Updateable } from "kysely";
import type { DialectProfile } from "./profile.js";
import type { JobsTable } from "./schema.js";

/** A `jobs` row as read. */
export type JobRow = Selectable<JobsTable>;

function checkInteger(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new RangeError(`job ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
}

function checkTime(name: string, v: number | null | undefined): void {
  if (v !== null && v !== undefined) checkInteger(name, v, 0);
}

/** The row inserted for a new job; `now` becomes `updated_at`. */
export function newJobRow(job: NewJob, now: number): Insertable<JobsTable> {
  checkTime("createdAt", job.createdAt);
  checkTime("startedAt", job.startedAt);
  return {
    id: job.id,
    process_id: job.processId,
    status: job.status,
    mode: job.mode,
    backend: job.backend,
    progress: null,
    message: job.message ?? null,
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    finished_at: null,
    updated_at: now,
    scheduler_ref: null,
    request: JSON.stringify(job.request),
    outputs: null,
    error: null,
    owner: job.owner ?? null,
  };
}

/** The row of a job recorded after it ended; `updated_at` is its end. */
export function finishedJobRow(job: FinishedJob): Insertable<JobsTable> {
  checkTime("finishedAt", job.finishedAt);
  if (job.progress !== null) checkInteger("progress", job.progress, 0, 100);
  return {
    ...newJobRow({ ...job, status: "running" }, job.finishedAt),
    status: job.status,
    progress: job.progress,
    finished_at: job.finishedAt,
    outputs: job.outputs === null ? null : JSON.stringify(job.outputs),
    error: job.error === null ? null : JSON.stringify(job.error),
  };
}

/** The columns a patch sets; fields absent from the patch (or `undefined`) are left as they are. */
export function patchColumns(patch: JobPatch, profile: DialectProfile): Updateable<JobsTable> {
  const set: Updateable<JobsTable> = {};
  if (patch.progress !== undefined) {
    if (patch.progress !== null) checkInteger("progress", patch.progress, 0, 100);
    set.progress = patch.progress;
  }
  if (patch.message !== undefined) set.message = patch.message;
  if (patch.startedAt !== undefined) {
    checkTime("startedAt", patch.startedAt);
    set.started_at = patch.startedAt;
  }
  if (patch.finishedAt !== undefined) {
    checkTime("finishedAt", patch.finishedAt);
    set.finished_at = patch.finishedAt;
  }
  if (patch.attempt !== undefined) {
    checkInteger("attempt", patch.attempt, 0, 2 ** 31 - 1);
    set.attempt = patch.attempt;
  }
  if (patch.schedulerRef !== undefined) set.scheduler_ref = patch.schedulerRef;
  if (patch.dismissRequested !== undefined) set.dismiss_requested = profile.toDbFlag(patch.dismissRequested);
  if (patch.outputs !== undefined)
    set.outputs = patch.outputs === null ? null : JSON.stringify(patch.outputs);
  if (patch.error !== undefined) set.error = patch.error === null ? null : JSON.stringify(patch.error);
  if (patch.node !== undefined) set.node = patch.node;
  return set;
}

/** A row as the core's {@link JobRecord}. */
export function rowToJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    processId: row.process_id,
    status: row.status,
    mode: row.mode,
    backend: row.backend,
    progress: row.progress,
    message: row.message,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    attempt: row.attempt,
    schedulerRef: row.scheduler_ref,
    // 0/1 from SQLite, true/false from PostgreSQL.
    dismissRequested: Boolean(row.dismiss_requested),
    request: JSON.parse(row.request) as JobRequestInfo,
    outputs: row.outputs === null ? null : (JSON.parse(row.outputs) as JobOutputs),
    error: row.error === null ? null : (JSON.parse(row.error) as JobErrorInfo),
    owner: row.owner,
    node: row.node,
  };
}
