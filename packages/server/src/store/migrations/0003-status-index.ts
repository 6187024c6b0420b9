/**
 * Migration 0003: the job list filtered by one final status (OGC API `GET /jobs?status=failed`) walks an index of
 * finished jobs in creation order instead of scanning a million rows for a rare (or absent) status. Partial, so it
 * never competes with the active-jobs index for the queue's queries. Frozen once released.
 */
import { type Kysely, type SqlBool, sql } from "kysely";

/** Create `jobs_finished_idx`. Runs inside the migration transaction. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("jobs_finished_idx")
    .on("jobs")
    .columns(["status", "created_at", "id"])
    .where(sql<SqlBool>`status in ('succeeded', 'failed', 'dismissed')`)
    .execute();
}
