/**
 * Every statement the job store runs, as kysely query objects (not yet executed). The store executes them; the
 * query-plan tests compile the same objects and run `EXPLAIN` on them, so what is tested is exactly what runs.
 * Values are always bound parameters; the only SQL text not produced by the builder is the constant index
 * predicate from `schema.ts`.
 *
 * Which index serves which query (asserted by `test/store/query-plans.test.ts` on both databases):
 * - `get`, `transition`, `update`, `delete`: the primary key.
 * - `listActive`, `nextAccepted`, `count` of active statuses (and `list` filtered to active statuses): the partial
 *   index `jobs_active_idx`, which only holds accepted/running rows, so their cost follows the number of active
 *   jobs (hundreds), not the table size (millions, mostly finished jobs).
 * - `list`: `jobs_created_idx` (created_at, id) walked backwards, keyset-paginated with a row-value comparison;
 *   with a process filter `jobs_process_idx`; filtered by one final status, the partial `jobs_finished_idx`.
 * - `count` over terminal statuses has no index of its own and scans; it is only used for reports.
 */
import type { FinishedJob, JobListQuery, JobPatch, JobStatus, NewJob } from "@roost/core";
import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type SqlBool,
  sql,
} from "kysely";
import type { DialectProfile } from "./profile.js";
import { finishedJobRow, newJobRow, patchColumns } from "./rows.js";
import {
  ACTIVE_INDEX_STATUSES,
  activeJobsPredicate,
  type Database,
  finishedJobsPredicate,
  type ServersTable,
} from "./schema.js";

/** `list` page size when the query gives none. */
export const LIST_DEFAULT_LIMIT = 100;
/** Largest `list` page. */
export const LIST_MAX_LIMIT = 1000;

type JobsEb = ExpressionBuilder<Database, "jobs">;

/** `status IN (…)`, or an always-false condition for an empty list (`IN ()` is not valid SQL). */
function statusIn(eb: JobsEb, statuses: readonly JobStatus[]): Expression<SqlBool> {
  return statuses.length === 0 ? sql<SqlBool>`1 = 0` : eb("status", "in", statuses);
}

/** True when every status is covered by the partial index, so the query may AND in its predicate. */
function onlyActive(statuses: readonly JobStatus[]): boolean {
  return statuses.length > 0 && statuses.every((s) => ACTIVE_INDEX_STATUSES.includes(s));
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

/**
 * The store's statements over one kysely instance. Each function returns a query builder; call `.execute()` (or
 * `.compile()` to inspect the SQL).
 * @internal
 */
export function jobQueries(db: Kysely<Database>, profile: DialectProfile) {
  return Object.freeze({
    /** Insert jobs (one multi-row statement). */
    insert(jobs: readonly NewJob[], now: number) {
      return db.insertInto("jobs").values(jobs.map((j) => newJobRow(j, now)));
    },

    /** Insert jobs that have already ended (one multi-row statement). */
    insertFinished(jobs: readonly FinishedJob[]) {
      return db.insertInto("jobs").values(jobs.map((j) => finishedJobRow(j)));
    },

    /** One job by primary key. */
    get(id: string) {
      return db.selectFrom("jobs").selectAll().where("id", "=", id);
    },

    /** Compare-and-set: move to `to` only while the status is one of `from`; returns the new row. */
    transition(id: string, from: readonly JobStatus[], to: JobStatus, patch: JobPatch, now: number) {
      return db
        .updateTable("jobs")
        .set({ ...patchColumns(patch, profile), status: to, updated_at: now })
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("id", "=", id)
        .where((eb) => statusIn(eb, from))
        .returningAll();
    },

    /** Change non-status fields while the status is one of `whileIn`. */
    update(id: string, whileIn: readonly JobStatus[], patch: JobPatch, now: number) {
      return db
        .updateTable("jobs")
        .set({ ...patchColumns(patch, profile), updated_at: now })
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("id", "=", id)
        .where((eb) => statusIn(eb, whileIn));
    },

    /**
     * Active jobs, optionally of one backend and one owner (ownerless jobs included), in no particular order: the
     * store sorts them (they are few). With `ORDER BY created_at` a SQLite database without statistics (Roost never
     * runs ANALYZE) walks the creation-order index through every row instead of the partial index: 500 ms at a
     * million finished jobs, measured, on the event loop once a second (the dismissal watch).
     */
    listActive(backend?: string, owner?: string) {
      let q = db.selectFrom("jobs").selectAll().where(activeJobsPredicate());
      if (backend !== undefined) q = q.where("backend", "=", backend);
      if (owner !== undefined) q = q.where((eb) => eb.or([eb("owner", "=", owner), eb("owner", "is", null)]));
      return q;
    },

    /** Move the active jobs of a dead instance to another (compare-and-set on the owner). */
    takeOver(from: string, to: string, now: number) {
      return db
        .updateTable("jobs")
        .set({ owner: to, updated_at: now })
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where(activeJobsPredicate())
        .where("owner", "=", from)
        .returningAll();
    },

    /** Insert or refresh a server instance's row. */
    registerServer(s: Insertable<ServersTable>) {
      return db
        .insertInto("servers")
        .values(s)
        .onConflict((oc) => oc.column("id").doUpdateSet({ lease_until: s.lease_until, url: s.url }));
    },

    /** Extend a lease. */
    renewLease(id: string, leaseUntil: number) {
      return db.updateTable("servers").set({ lease_until: leaseUntil }).where("id", "=", id);
    },

    /** Every instance. */
    listServers() {
      return db.selectFrom("servers").selectAll().orderBy("started_at");
    },

    /** Forget an instance. */
    removeServer(id: string) {
      return db.deleteFrom("servers").where("id", "=", id);
    },

    /** The dispatch queue of a backend: oldest accepted jobs first. */
    nextAccepted(backend: string, limit: number) {
      checkLimit(limit);
      return db
        .selectFrom("jobs")
        .selectAll()
        .where(activeJobsPredicate())
        .where("backend", "=", backend)
        .where("status", "=", "accepted")
        .orderBy("created_at")
        .orderBy("id")
        .limit(limit);
    },

    /** `select count(*) as n` over `statuses` (and a backend). */
    count(statuses: readonly JobStatus[], backend?: string) {
      let q = db
        .selectFrom("jobs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) => statusIn(eb, statuses));
      if (onlyActive(statuses)) q = q.where(activeJobsPredicate());
      if (backend !== undefined) q = q.where("backend", "=", backend);
      return q;
    },

    /** A page of jobs, newest first. */
    list(query: JobListQuery = {}) {
      const limit = query.limit ?? LIST_DEFAULT_LIMIT;
      checkLimit(limit);
      let q = db.selectFrom("jobs").selectAll();
      if (query.status !== undefined) {
        const statuses = query.status;
        q = q.where((eb) => statusIn(eb, statuses));
        if (onlyActive(statuses)) q = q.where(activeJobsPredicate());
        // One final status: the partial index of finished jobs gives that status's rows in creation order. Several
        // would need a sort of all their rows; the creation-order walk below serves them (most rows match anyway).
        else if (statuses.length === 1 && !ACTIVE_INDEX_STATUSES.includes(statuses[0]!))
          q = q.where(finishedJobsPredicate());
      }
      if (query.processId !== undefined) q = q.where("process_id", "=", query.processId);
      const ids = query.processIds;
      if (ids !== undefined)
        q = q.where((eb) => (ids.length === 0 ? sql<SqlBool>`1 = 0` : eb("process_id", "in", ids)));
      if (query.createdFrom !== undefined) q = q.where("created_at", ">=", query.createdFrom);
      if (query.createdTo !== undefined) q = q.where("created_at", "<=", query.createdTo);
      if (query.minDurationMs !== undefined || query.maxDurationMs !== undefined) {
        const now = query.now ?? Date.now();
        // Run time: finished − started, or now − started while running; jobs that never started have none.
        q = q.where("started_at", "is not", null);
        const runTime = sql<number>`coalesce(finished_at, ${now}) - started_at`;
        if (query.minDurationMs !== undefined) q = q.where(runTime, ">=", query.minDurationMs);
        if (query.maxDurationMs !== undefined) q = q.where(runTime, "<=", query.maxDurationMs);
      }
      const before = query.before;
      if (before !== undefined) {
        if (!Number.isSafeInteger(before.createdAt)) {
          throw new RangeError(`before.createdAt must be epoch milliseconds, got ${before.createdAt}`);
        }
        q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(before.createdAt, before.id)));
      }
      return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(Math.min(limit, LIST_MAX_LIMIT));
    },

    /**
     * Finished jobs of one status that ended before `cutoff`, oldest first: the finished-jobs index walked in creation
     * order for that status (jobs end roughly in the order they were created, so the expired ones come first and the
     * walk stops after `limit` of them).
     */
    listExpired(status: JobStatus, cutoff: number, limit: number) {
      checkLimit(limit);
      return db
        .selectFrom("jobs")
        .select("id")
        .where((eb) => statusIn(eb, [status]))
        .where(finishedJobsPredicate())
        .where("finished_at", "<", cutoff)
        .orderBy("created_at")
        .limit(limit);
    },

    /** Delete one job row. */
    delete(id: string) {
      return db.deleteFrom("jobs").where("id", "=", id);
    },
  });
}

/** The statements of one store. */
export type JobQueries = ReturnType<typeof jobQueries>;
