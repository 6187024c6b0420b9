/**
 * The job store port. Two adapters implement it (SQLite and PostgreSQL, through kysely) with the same numbered
 * migrations; every store test runs on both. The server is the only writer: workers on compute nodes never touch
 * the database.
 */
import type { FinishedJob, JobPatch, JobRecord, NewJob } from "../job/record.js";
import type { JobStatus } from "../job/status.js";

/** Filter and page of {@link JobStore.list}. */
export interface JobListQuery {
  readonly status?: readonly JobStatus[];
  readonly processId?: string;
  /** Newest first; default 100, at most 1000. */
  readonly limit?: number;
  /** Only jobs created strictly before this job (keyset pagination by (createdAt, id)). */
  readonly before?: { readonly createdAt: number; readonly id: string };
}

/** Where jobs are recorded. */
export interface JobStore {
  /** Which adapter (`sqlite`, `postgres`). */
  readonly kind: string;
  /** Insert a new job; resolves once the row is committed. */
  insert(job: NewJob): Promise<void>;
  /** Record jobs that have already ended (synchronous executions), all in one transaction. */
  insertFinished(jobs: readonly FinishedJob[]): Promise<void>;
  /** One job by id, or undefined. */
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Compare-and-set status change: moves the job to `to` only if its current status is in `from` (which must be
   * allowed sources per the lifecycle), applying `patch` and bumping `updatedAt`. Returns the updated job, or
   * undefined when the job is missing or in another status.
   */
  transition(
    id: string,
    from: readonly JobStatus[],
    to: JobStatus,
    patch?: JobPatch,
  ): Promise<JobRecord | undefined>;
  /** Change non-status fields while the job's status is in `whileIn`. Returns whether a row changed. */
  update(id: string, whileIn: readonly JobStatus[], patch: JobPatch): Promise<boolean>;
  /** Non-terminal jobs, oldest first, optionally of one backend. Uses the partial index on active jobs. */
  listActive(backend?: string): Promise<JobRecord[]>;
  /** Oldest `limit` accepted jobs of a backend (the dispatch queue), FIFO by creation. */
  nextAccepted(backend: string, limit: number): Promise<JobRecord[]>;
  /** Number of jobs per status among `statuses`, optionally for one backend. */
  count(statuses: readonly JobStatus[], backend?: string): Promise<number>;
  /** Jobs, newest first, filtered and paged. */
  list(query?: JobListQuery): Promise<JobRecord[]>;
  /** Delete a job row; returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /** Release connections. */
  close(): Promise<void>;
}
