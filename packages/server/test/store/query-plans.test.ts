/**
 * Index use, asserted on the query plans of the exact statements the store runs (`store.queries`), not on timings
 * (speed is measured by `bench/store-scaling.mjs`). The table holds mostly finished jobs and a few active ones,
 * and statistics are collected, as in production; on PostgreSQL `enable_seqscan = off` additionally makes the
 * planner show whether a usable index exists even where a small table would be scanned.
 */
import { ACTIVE, type JobListQuery } from "@roost/core";
import {
  type Compilable,
  CompiledQuery,
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import type { KyselyJobStore } from "../../src/store/kysely-store.js";
import {
  ACTIVE_INDEX_STATUSES,
  activeJobsPredicate,
  type Database,
  INDEXES,
} from "../../src/store/schema.js";
import { newJob, STORES, type TestDb } from "./stores.js";

const ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
type Cursor = { readonly createdAt: number; readonly id: string };

/** PostgreSQL's primary key index name for `jobs`; SQLite's automatic one. */
const PK = { postgres: "jobs_pkey", sqlite: "sqlite_autoindex_jobs_1" } as const;

type Case = readonly [name: string, build: (s: KyselyJobStore, before: Cursor) => Compilable, index: string];

const LIST_ACTIVE: JobListQuery = { status: ["running"] };

const CASES: readonly Case[] = [
  ["get", (s) => s.queries.get(ID), "pk"],
  ["transition", (s) => s.queries.transition(ID, ["running"], "succeeded", { progress: 100 }, 1), "pk"],
  ["update", (s) => s.queries.update(ID, ACTIVE, { progress: 5 }, 1), "pk"],
  ["delete", (s) => s.queries.delete(ID), "pk"],
  ["listActive()", (s) => s.queries.listActive(), INDEXES.active],
  ["listActive(backend)", (s) => s.queries.listActive("local"), INDEXES.active],
  ["nextAccepted", (s) => s.queries.nextAccepted("local", 10), INDEXES.active],
  ["count(active)", (s) => s.queries.count(ACTIVE), INDEXES.active],
  ["count(accepted, backend)", (s) => s.queries.count(["accepted"], "local"), INDEXES.active],
  ["list()", (s) => s.queries.list(), INDEXES.created],
  ["list(before)", (s, before) => s.queries.list({ before, limit: 50 }), INDEXES.created],
  ["list(active status)", (s) => s.queries.list(LIST_ACTIVE), INDEXES.active],
  ["list(processId)", (s) => s.queries.list({ processId: "p3" }), INDEXES.process],
  ["list(processId, before)", (s, before) => s.queries.list({ processId: "p3", before }), INDEXES.process],
  // Issue 8/11: the job list filtered by one final status, and the retention sweep, on the finished-jobs index.
  ["list(one final status)", (s) => s.queries.list({ status: ["failed"] }), INDEXES.finished],
  ["listExpired", (s) => s.queries.listExpired("succeeded", 1, 10), INDEXES.finished],
  ["listActive(backend, owner)", (s) => s.queries.listActive("local", "me"), INDEXES.active],
];

/** The plan of `query` as text, one line per plan node. */
async function explain(store: KyselyJobStore, query: Compilable): Promise<string> {
  const compiled = query.compile();
  if (store.kind === "sqlite") {
    const r = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    return r.rows.map((x) => x.detail).join("\n");
  }
  // One reserved connection: the setting must apply to the EXPLAIN and be undone before the pool reuses it.
  return store.db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const r = await conn.executeQuery<{ "QUERY PLAN": string }>(
        CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
      );
      return r.rows.map((x) => x["QUERY PLAN"]).join("\n");
    } finally {
      await sql`reset enable_seqscan`.execute(conn);
    }
  });
}

it("the partial index covers exactly the lifecycle's active statuses", () => {
  expect([...ACTIVE_INDEX_STATUSES].sort()).toEqual([...ACTIVE].sort());
  const offline = new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  expect(activeJobsPredicate().compile(offline).sql).toBe(
    `status in (${ACTIVE.map((s) => `'${s}'`).join(", ")})`,
  );
});

describe.each(STORES.filter((s) => s.name !== "sqlite-memory"))("query plans on $name", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  let db: TestDb | undefined;
  let ready: Promise<{ store: KyselyJobStore; before: Cursor }> | undefined;

  /** The populated store, built by the first test that needs it (so a setup failure fails every test). */
  function fixture(): Promise<{ store: KyselyJobStore; before: Cursor }> {
    ready ??= (async () => {
      db = await backend.fresh(`query-plans:${backend.name}`);
      const store = await db.open();
      // 3000 finished jobs over 10 processes and 2 backends, 30 active ones.
      const finished = Array.from({ length: 3000 }, (_, i) =>
        newJob({ processId: `p${i % 10}`, backend: i % 3 ? "local" : "slurm" }),
      );
      for (let i = 0; i < finished.length; i += 500) {
        await store.queries.insert(finished.slice(i, i + 500), Date.now()).execute();
      }
      await store.db.updateTable("jobs").set({ status: "succeeded" }).execute();
      for (let i = 0; i < 30; i++) {
        await store.insert(newJob({ processId: `p${i % 10}`, status: i % 2 ? "accepted" : "running" }));
      }
      await sql`analyze`.execute(store.db);
      // A keyset cursor near the newest end, as for page 2 of a listing.
      const cursor = finished[finished.length - 100]!;
      return { store, before: { createdAt: cursor.createdAt, id: cursor.id } };
    })();
    return ready;
  }
  afterAll(async () => {
    await ready?.catch(() => {});
    await db?.dispose();
  });

  it.each(CASES)("%s uses its index", async (name, build, index) => {
    const { store, before } = await fixture();
    const expected = index === "pk" ? PK[backend.kind] : index;
    const plan = await explain(store, build(store, before));
    if (process.env.ROOST_SHOW_PLANS) console.log(`${backend.name} ${name}:\n${plan}\n`);
    expect(plan, plan).toContain(expected);
    if (backend.kind === "sqlite") {
      // "SCAN jobs" without "USING … INDEX" is a full table scan.
      expect(plan, plan).not.toMatch(/SCAN jobs(?! USING)/);
    } else {
      expect(plan, plan).not.toMatch(/Seq Scan/);
    }
  });
});
