/**
 * Migration 0001: the `jobs` table and its indexes. Frozen once released: a change to the schema is a new numbered
 * migration, never an edit here (servers that already applied 0001 would not see it).
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectProfile } from "../profile.js";

/** Create the jobs table. Runs inside the migration transaction. */
export async function up(db: Kysely<unknown>, profile: DialectProfile): Promise<void> {
  const ms = profile.epochMsType;
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('accepted', 'running', 'succeeded', 'failed', 'dismissed')`),
    )
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode in ('sync', 'async')`))
    .addColumn("backend", "text", (c) => c.notNull())
    .addColumn("progress", "integer", (c) => c.check(sql`progress between 0 and 100`))
    .addColumn("message", "text")
    .addColumn("created_at", ms, (c) => c.notNull())
    .addColumn("started_at", ms)
    .addColumn("finished_at", ms)
    .addColumn("updated_at", ms, (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("scheduler_ref", "text")
    .addColumn("dismiss_requested", profile.flagType, (c) => c.notNull().defaultTo(profile.toDbFlag(false)))
    .addColumn("request", "text", (c) => c.notNull())
    .addColumn("outputs", "text")
    .addColumn("error", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  // Active jobs only (a few hundred among millions of finished ones): the dispatch queue, recovery at start-up and
  // queue-length checks stay O(active). `id` last gives a total FIFO order without a sort step.
  await db.schema
    .createIndex("jobs_active_idx")
    .on("jobs")
    .columns(["backend", "status", "created_at", "id"])
    .where(sql<SqlBool>`status in ('accepted', 'running')`)
    .execute();
  // `list`, newest first, keyset-paginated by (created_at, id).
  await db.schema.createIndex("jobs_created_idx").on("jobs").columns(["created_at", "id"]).execute();
  // `list` of one process.
  await db.schema
    .createIndex("jobs_process_idx")
    .on("jobs")
    .columns(["process_id", "created_at", "id"])
    .execute();
}
