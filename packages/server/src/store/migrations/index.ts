/**
 * Numbered, forward-only migrations compiled into the build (no folder scanned at run time), applied at start-up
 * by {@link migrateToLatest}. Each migration runs in its own transaction that holds the cross-process migration
 * lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock) and records itself before its statements run, so two
 * servers starting together apply every migration exactly once.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";
import type { DialectProfile } from "../profile.js";
import { type Database, MIGRATIONS_TABLE } from "../schema.js";
import * as m0001 from "./0001-init.js";
import * as m0002 from "./0002-job-owners.js";
import * as m0003 from "./0003-status-index.js";
import * as m0004 from "./0004-job-node.js";

/**
 * Roost's migrations, keyed by name; names sort in application order. Adding one: a new `NNNN-what.ts` module with
 * `up(db, profile)`, listed here.
 */
export class CompiledMigrationProvider implements MigrationProvider {
  readonly #profile: DialectProfile;

  constructor(profile: DialectProfile) {
    this.#profile = profile;
  }

  /** All migrations, old and new. */
  async getMigrations(): Promise<Record<string, Migration>> {
    const p = this.#profile;
    return {
      "0001-init": { up: (db) => m0001.up(db, p) },
      "0002-job-owners": { up: (db) => m0002.up(db, p) },
      "0003-status-index": { up: (db) => m0003.up(db) },
      "0004-job-node": { up: (db) => m0004.up(db) },
    };
  }
}

/**
 * Run `fn` in a transaction opened with the profile's locking statements; commit, or roll back on error. Uses one
 * reserved connection, so every statement of `fn` is in the transaction.
 */
async function inMigrationTransaction<T>(
  db: Kysely<Database>,
  profile: DialectProfile,
  fn: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      // Constant statements from the profile, never user input.
      for (const statement of profile.beginMigration) await sql.raw(statement).execute(conn);
      const result = await fn(conn);
      await sql.raw("commit").execute(conn);
      return result;
    } catch (e) {
      await sql
        .raw("rollback")
        .execute(conn)
        .catch(() => {
          // Nothing to roll back (BEGIN itself failed) or the connection is gone; the original error matters.
        });
      throw e;
    }
  });
}

/**
 * Apply pending migrations. Refuses a database that has migrations this build does not know (a newer Roost
 * migrated it; running older code against it could corrupt jobs). Returns the names applied by this call.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  profile: DialectProfile,
  provider: MigrationProvider = new CompiledMigrationProvider(profile),
): Promise<string[]> {
  const migrations = await provider.getMigrations();
  const names = Object.keys(migrations).sort();

  const pending = await inMigrationTransaction(db, profile, async (tx) => {
    await profile.prepare?.(tx);
    await tx.schema
      .createTable(MIGRATIONS_TABLE)
      .ifNotExists()
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("applied_at", profile.epochMsType, (c) => c.notNull())
      .execute();
    const applied = (await tx.selectFrom(MIGRATIONS_TABLE).select("name").execute()).map((r) => r.name);
    const unknown = applied.filter((n) => !Object.hasOwn(migrations, n));
    if (unknown.length > 0) {
      throw new Error(
        `the job database was migrated by a newer Roost (unknown migrations: ${unknown.sort().join(", ")}); ` +
          "upgrade Roost or point it at another database",
      );
    }
    const done = new Set(applied);
    const firstPending = names.findIndex((n) => !done.has(n));
    if (firstPending >= 0 && names.slice(firstPending).some((n) => done.has(n))) {
      throw new Error(`the job database has migrations applied out of order (${applied.sort().join(", ")})`);
    }
    return names.filter((n) => !done.has(n));
  });

  const appliedNow: string[] = [];
  for (const name of pending) {
    const migration = migrations[name]!;
    const ran = await inMigrationTransaction(db, profile, async (tx) => {
      // Another server may have applied it while this one waited for the lock.
      const seen = await tx
        .selectFrom(MIGRATIONS_TABLE)
        .select("name")
        .where("name", "=", name)
        .executeTakeFirst();
      if (seen !== undefined) return false;
      // The row first (graphile-worker's habit): should two runners ever get past the lock, the second fails on
      // the primary key before touching the schema.
      await tx.insertInto(MIGRATIONS_TABLE).values({ name, applied_at: Date.now() }).execute();
      await migration.up(tx);
      return true;
    });
    if (ran) appliedNow.push(name);
  }
  return appliedNow;
}
