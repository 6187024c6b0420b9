/**
 * Opening a store: URL parsing, migrations applied once (also by servers starting at the same moment), refusal of
 * a database migrated by a newer Roost, PostgreSQL schema handling.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openKyselyStore, openStore, parseStoreUrl } from "../../src/store/index.js";
import { CompiledMigrationProvider, migrateToLatest } from "../../src/store/migrations/index.js";
import { createPostgresDatabase } from "../../src/store/postgres/dialect.js";
import { sqliteProfile } from "../../src/store/sqlite/dialect.js";
import { adminQuery } from "./pg.js";

/** Every migration this build applies, in order (issue 11 added job ownership, and the finished-jobs index). */
const ALL_MIGRATIONS = [
  { name: "0001-init" },
  { name: "0002-job-owners" },
  { name: "0003-status-index" },
  { name: "0004-job-node" },
];

import { newJob, SHARED_STORES, STORES, useTestDb } from "./stores.js";

const CHILD = fileURLToPath(new URL("./fixtures/open-store-child.ts", import.meta.url));

/** Open the store in a separate Node process; resolves to its output line. */
function runChild(url: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CHILD, url, String(startAt)],
      { timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`child failed: ${stderr || err.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

describe("parseStoreUrl", () => {
  it.each([
    ["sqlite:/var/lib/roost/roost.db", { kind: "sqlite", path: "/var/lib/roost/roost.db" }],
    ["sqlite:///var/lib/roost/roost.db", { kind: "sqlite", path: "/var/lib/roost/roost.db" }],
    ["sqlite://var/roost.db", { kind: "sqlite", path: "var/roost.db" }],
    ["sqlite:roost.db", { kind: "sqlite", path: "roost.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["/srv/roost/jobs.db", { kind: "sqlite", path: "/srv/roost/jobs.db" }],
    ["./var/roost.db", { kind: "sqlite", path: "./var/roost.db" }],
    ["postgres://u:p@db:5432/roost", { kind: "postgres", url: "postgres://u:p@db:5432/roost" }],
    [
      "postgresql://db/roost?sslmode=require",
      { kind: "postgres", url: "postgresql://db/roost?sslmode=require" },
    ],
  ])("%s", (url, target) => {
    expect(parseStoreUrl(url)).toEqual(target);
  });

  it("refuses other schemes without echoing the URL (it may hold a password)", () => {
    expect(() => parseStoreUrl("mysql://root:s3cret@db/roost")).toThrow(
      /unsupported database URL scheme 'mysql:'/,
    );
    expect(() => parseStoreUrl("mysql://root:s3cret@db/roost")).not.toThrow(/s3cret/);
    expect(() => parseStoreUrl("")).toThrow(TypeError);
    expect(() => parseStoreUrl("sqlite:")).toThrow(TypeError);
  });
});

describe("openStore options", () => {
  it("creates the SQLite file's parent directories", async () => {
    const dir = mkdtempSync(join(tmpdir(), "roost-store-"));
    try {
      const file = join(dir, "a", "b", "roost.db");
      const store = await openStore({ url: file });
      await store.insert(newJob());
      await store.close();
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses WAL and the requested synchronous level on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "roost-store-"));
    try {
      for (const [durability, level] of [
        [undefined, 1],
        ["normal", 1],
        ["full", 2],
      ] as const) {
        const store = await openKyselyStore({ url: `sqlite:${join(dir, "x.db")}`, durability });
        const pragma = async (name: string) => (await sql.raw(`pragma ${name}`).execute(store.db)).rows[0];
        expect(await pragma("journal_mode")).toEqual({ journal_mode: "wal" });
        expect(await pragma("synchronous")).toEqual({ synchronous: level });
        expect(await pragma("busy_timeout")).toEqual({ timeout: 5000 });
        expect(await pragma("foreign_keys")).toEqual({ foreign_keys: 1 });
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a schema for SQLite and a bad schema name for PostgreSQL", async () => {
    await expect(openStore({ url: "sqlite::memory:", schema: "roost" })).rejects.toThrow(/PostgreSQL only/);
    for (const schema of ["Roost", "roost; drop table x", "1abc", "a-b", ""]) {
      await expect(openStore({ url: "postgres://postgres@127.0.0.1:1/test", schema })).rejects.toThrow(
        TypeError,
      );
    }
  });
});

describe.each(STORES)("migrations on $name", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);

  it("creates the jobs table with the intended column types", async () => {
    const store = await db().open();
    const tables = await store.db.introspection.getTables();
    const jobs = tables.find((t) => t.name === "jobs");
    expect(jobs).toBeDefined();
    const type = (c: string) => jobs!.columns.find((x) => x.name === c)?.dataType.toLowerCase();
    const ms = backend.kind === "postgres" ? "int8" : "integer";
    expect([type("created_at"), type("started_at"), type("finished_at"), type("updated_at")]).toEqual([
      ms,
      ms,
      ms,
      ms,
    ]);
    expect(type("dismiss_requested")).toBe(backend.kind === "postgres" ? "bool" : "integer");
    expect(type("request")).toBe("text");
    expect(jobs!.columns.map((c) => c.name).sort()).toEqual(
      [
        "attempt",
        "backend",
        "created_at",
        "dismiss_requested",
        "error",
        "finished_at",
        "id",
        "message",
        "mode",
        "node",
        "outputs",
        "owner",
        "process_id",
        "progress",
        "request",
        "scheduler_ref",
        "started_at",
        "status",
        "updated_at",
        "version",
      ].sort(),
    );
    const applied = await store.db.selectFrom("roost_migrations").selectAll().execute();
    expect(applied.map((m) => m.name)).toEqual(
      Object.keys(await new CompiledMigrationProvider(sqliteProfile).getMigrations()),
    );
  });

  it("has a CHECK on status, so even raw SQL cannot store an unknown one", async () => {
    const store = await db().open();
    const job = newJob();
    await store.insert(job);
    await expect(
      store.db
        .updateTable("jobs")
        .set({ status: "paused" as never })
        .where("id", "=", job.id)
        .execute(),
    ).rejects.toThrow();
  });
});

describe.each(SHARED_STORES)("migrations on a shared $name database", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);

  it("are idempotent: a second open applies nothing and keeps the data", async () => {
    const first = await db().open();
    const job = newJob();
    await first.insert(job);
    await first.close();
    const second = await db().open();
    expect(await second.get(job.id)).toMatchObject({ id: job.id });
    const applied = await second.db.selectFrom("roost_migrations").select("name").execute();
    expect(applied).toEqual(ALL_MIGRATIONS);
  });

  it("survive several servers opening a fresh database at the same moment", async () => {
    if (backend.kind === "sqlite") {
      // Separate processes, as real servers are: better-sqlite3 is synchronous, so two connections in one thread
      // cannot wait for each other (the waiting one blocks the thread the holder needs to commit).
      const startAt = Date.now() + 2500;
      const results = await Promise.all(Array.from({ length: 4 }, () => runChild(db().options.url, startAt)));
      for (const r of results) expect(r).toMatch(/^ok [0-9a-f-]{36}$/);
      const store = await db().open();
      expect(await store.db.selectFrom("roost_migrations").select("name").execute()).toEqual(ALL_MIGRATIONS);
      expect(await store.count(["accepted"])).toBe(4);
      return;
    }
    const stores = await Promise.all(Array.from({ length: 5 }, () => db().open()));
    const applied = await stores[0]!.db.selectFrom("roost_migrations").select("name").execute();
    expect(applied).toEqual(ALL_MIGRATIONS);
    const job = newJob();
    await stores[1]!.insert(job);
    expect(await stores[4]!.get(job.id)).toMatchObject({ id: job.id });
  });

  it("refuse a database migrated by a newer Roost", async () => {
    const store = await db().open();
    await store.db
      .insertInto("roost_migrations")
      .values({ name: "9999-future", applied_at: Date.now() })
      .execute();
    await expect(db().open()).rejects.toThrow(/newer Roost.*9999-future/);
  });
});

describe.each(SHARED_STORES.filter((s) => s.kind === "postgres"))("PostgreSQL migrations", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);

  it("are not cut off by the 5 s request timeouts (a migration may index millions of rows)", async () => {
    const { url, schema } = db().options;
    const opened = createPostgresDatabase({ url, schema, onConnectionError: () => {} });
    const real = await new CompiledMigrationProvider(opened.profile).getMigrations();
    const slow = {
      getMigrations: async () => ({
        ...real,
        "9000-slow": { up: async (m: Kysely<unknown>) => void (await sql`select pg_sleep(6.5)`.execute(m)) },
      }),
    };
    try {
      // Both at once: the migration outlives the request limit while a request on the store's pool hits it.
      const [applied, request] = await Promise.all([
        opened.withMigrationDb((m) => migrateToLatest(m, opened.profile, slow)),
        sql`select pg_sleep(6.5)`.execute(opened.db).catch((e: unknown) => e),
      ]);
      expect(applied).toEqual([...ALL_MIGRATIONS.map((m) => m.name), "9000-slow"]);
      expect(request).toMatchObject({ code: "57014" });
    } finally {
      await opened.db.destroy();
    }
  });
});

describe.each(SHARED_STORES.filter((s) => s.kind === "postgres"))("PostgreSQL schema", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);

  it("is created when missing and holds every table", async () => {
    const schema = db().options.schema!;
    const before = await adminQuery("select 1 from pg_namespace where nspname = $1", [schema]);
    expect(before.rowCount).toBe(0);
    await db().open();
    const tables = await adminQuery(
      "select table_name from information_schema.tables where table_schema = $1 order by 1",
      [schema],
    );
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual([
      "jobs",
      "roost_migrations",
      "servers",
    ]);
    const pub = await adminQuery(
      "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'jobs'",
    );
    expect(pub.rows[0]).toEqual({ n: 0 });
  });

  it("is used by every connection of the pool (search_path set at connect)", async () => {
    const store = await db().open();
    const schema = db().options.schema!;
    const paths = await Promise.all(
      Array.from({ length: 12 }, () =>
        store.db.connection().execute(async (c) => {
          const r = await sql<{
            s: string;
            a: string;
          }>`select current_schema() as s, current_setting('application_name') as a, pg_sleep(0.05)`.execute(
            c,
          );
          return r.rows[0];
        }),
      ),
    );
    for (const p of paths) expect(p).toMatchObject({ s: schema, a: "roost" });
  });
});
