/**
 * The job store of a fault case, read directly (never through Roost) so the audit sees what is really recorded:
 * SQLite in the data dir (opened read-only beside the running server) or a PostgreSQL schema.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { adminQuery } from "../../packages/server/test/store/pg.js";

/** A job row as the audit reads it. */
export interface Row {
  readonly id: string;
  readonly status: string;
  readonly attempt: number;
  readonly message: string | null;
}

/** The store a case's server uses. */
export interface CaseStore {
  readonly kind: "sqlite" | "postgres";
  /** Environment selecting it for `roost serve`. */
  readonly env: Record<string, string>;
  /** Every job row, read directly from the database (not through Roost). */
  rows(): Promise<Row[]>;
  /** Remove what the case created (the PostgreSQL schema). */
  drop(): Promise<void>;
}

/** SQLite at its default place, `<dataDir>/roost.db`. */
export function sqliteStore(dataDir: string): CaseStore {
  return {
    kind: "sqlite",
    env: {},
    async rows() {
      const file = join(dataDir, "roost.db");
      if (!existsSync(file)) return [];
      const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
      try {
        return db.prepare("select id, status, attempt, message from jobs").all() as Row[];
      } finally {
        db.close();
      }
    },
    async drop() {},
  };
}

/** PostgreSQL at `url` (e.g. through the proxy) in a fresh `schema`; rows are read directly from the server. */
export function postgresStore(url: string, schema: string, drop: () => Promise<void>): CaseStore {
  return {
    kind: "postgres",
    env: { ROOST_DATABASE_URL: url, ROOST_DATABASE_SCHEMA: schema },
    async rows() {
      const r = await adminQuery(
        `select id, status, attempt::int as attempt, message from "${schema}".jobs`,
      ).catch((e: unknown) => {
        // The schema appears with Roost's first start.
        if ((e as { code?: string }).code === "42P01") return { rows: [] };
        throw e;
      });
      return r.rows as Row[];
    },
    drop,
  };
}
