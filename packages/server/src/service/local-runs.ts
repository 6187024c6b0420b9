/**
 * Attempts this server handed to its local worker pool, until they end. Their attempt, mode and dismiss flag are known
 * here, so finishing them needs no store read (the profile of sync `hello` showed each SQLite round trip at ~10 % of
 * the request); sync jobs are not in the store at all until they end (see `sync-journal.ts`).
 */
import type { JobRecord } from "@roost/core/internal";

/** What a sync job's record holds while it runs (it is written only once it has ended). */
export type SyncBase = Pick<JobRecord, "id" | "processId" | "mode" | "backend" | "createdAt" | "request"> & {
  readonly owner: string;
};

/** One attempt in the local pool. */
export interface LocalRun {
  readonly attempt: number;
  /** The pool's reference of the attempt (what `cancel` takes). */
  readonly ref: string;
  readonly mode: "sync" | "async";
  /** Dismissal was asked for (by a client, or because a sync client went away). */
  dismiss: boolean;
  /** Sync jobs only: the record kept in memory until the job ends. */
  readonly base?: SyncBase;
}

/** Local attempts by job id. */
export type LocalRuns = Map<string, LocalRun>;
