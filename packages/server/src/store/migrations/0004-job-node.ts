/**
 * Migration 0004: where a job's attempt runs (`jobs.node`, Slurm's node list), so the job page shows "running on
 * node2" whichever server the browser asks. Frozen once released.
 */
import type { Kysely } from "kysely";

/** Add the column. Runs inside the migration transaction. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs").addColumn("node", "text").execute();
}
