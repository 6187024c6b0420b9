/**
 * Migration 0002: job ownership (several servers on one database). `servers` holds one row per running server
 * instance with its lease; `jobs.owner` names the instance that runs or monitors a job. Frozen once released.
 */
import type { Kysely } from "kysely";
import type { DialectProfile } from "../profile.js";

/** Create the servers table and the owner column. Runs inside the migration transaction. */
export async function up(db: Kysely<unknown>, profile: DialectProfile): Promise<void> {
  const ms = profile.epochMsType;
  await db.schema
    .createTable("servers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("started_at", ms, (c) => c.notNull())
    .addColumn("lease_until", ms, (c) => c.notNull())
    .execute();
  // Null for jobs recorded before ownership existed: any server may recover them.
  await db.schema.alterTable("jobs").addColumn("owner", "text").execute();
}
