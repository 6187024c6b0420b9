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
  /** Jobs of any of these processes (OGC API `processID` list). */
  readonly processIds?: readonly string[];
  /** Created at or after (epoch ms). */
  readonly createdFrom?: number;
  /** Created at or before (epoch ms). */
  readonly createdTo?: number;
  /**
   * Run time bounds in ms: `finished − started`, or `now − started` while running (OGC API `minDuration`,
   * `maxDuration`); jobs that never started are excluded when either is given.
   */
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  /** "Now" for the run time of running jobs (default the current time). */
  readonly now?: number;
  /** Newest first; default 100, at most 1000. */
  readonly limit?: number;
  /** Only jobs created strictly before this job (keyset pagination by (createdAt, id)). */
  readonly before?: { readonly createdAt: number; readonly id: string };
}

/** A running server instance and its lease, as the store records it (several servers on one database). */
export interface ServerLease {
  /** Random per process start. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** The server's public URL, for messages. */
  readonly url: string;
  readonly startedAt: number;
  /** Epoch ms until which the instance counts as alive. */
  readonly leaseUntil: number;
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
  /**
   * Non-terminal jobs, oldest first, optionally of one backend and of one owner (with `owner`, jobs without an
   * owner are included: nobody else takes care of them). Uses the partial index on active jobs.
   */
  listActive(backend?: string, owner?: string): Promise<JobRecord[]>;
  /** Oldest `limit` accepted jobs of a backend (the dispatch queue), FIFO by creation. */
  nextAccepted(backend: string, limit: number): Promise<JobRecord[]>;
  /** Number of jobs per status among `statuses`, optionally for one backend. */
  count(statuses: readonly JobStatus[], backend?: string): Promise<number>;
  /** Jobs, newest first, filtered and paged. */
  list(query?: JobListQuery): Promise<JobRecord[]>;
  /** Delete a job row; returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Ids of jobs in final status `status` that finished before `cutoff` (epoch ms), oldest first, at most `limit`
   * (the retention sweep). Uses the partial index on finished jobs.
   */
  listExpired(status: JobStatus, cutoff: number, limit: number): Promise<string[]>;
  /** Record a server instance (or refresh its row). */
  registerServer(s: ServerLease): Promise<void>;
  /** Extend an instance's lease; false when its row is gone (another server declared it dead). */
  renewLease(id: string, leaseUntil: number): Promise<boolean>;
  /** Every recorded instance. */
  listServers(): Promise<ServerLease[]>;
  /** Forget an instance (it stopped, or it is dead and its jobs were taken over). */
  removeServer(id: string): Promise<void>;
  /**
   * Move every active job owned by `from` (a dead instance) to `to`, in one compare-and-set statement: two servers
   * taking over at once get disjoint sets. Returns the jobs moved.
   */
  takeOver(from: string, to: string): Promise<JobRecord[]>;
  /** Release connections. */
  close(): Promise<void>;
}
