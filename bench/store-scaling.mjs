#!/usr/bin/env node
/**
 * Job store scaling: do status reads and queue operations cost the same with a million jobs as with ten?
 *
 * For SQLite and PostgreSQL, fills a fresh database with 10 and with 1 000 000 jobs (mostly finished, a few hundred
 * active, as after months of operation) and times, one call at a time through the public JobStore API:
 *   get(id)                      primary key
 *   nextAccepted("local", 10)    partial index on active jobs
 *   count(["accepted","running"]) partial index on active jobs
 *   transition(accepted→running) primary key + compare-and-set
 * and prints the median in µs for each size and the ratio 1M/10 (≈1 means the cost does not grow with the table).
 *
 * Runs against the build: `npx tsc -b`, then
 *   node bench/store-scaling.mjs [--rows=1000000] [--only=sqlite|postgres] [--pg-url=postgres://…]
 * PostgreSQL defaults to ROOST_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test and works in a scratch
 * schema that is dropped afterwards; it is skipped with a note when unreachable. The million rows are inserted the
 * fast way: multi-row INSERTs of 500 rows inside one transaction.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    only: { type: "string" },
    "pg-url": {
      type: "string",
      default: process.env.ROOST_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
  },
});
const BIG = Number(args.rows);
const SIZES = [10, BIG];
const ACTIVE_IN_BIG = 300;

const storeModule = new URL("../packages/server/dist/store/index.js", import.meta.url);
const { openKyselyStore } = await import(storeModule.href).catch((e) => {
  console.error(`cannot load ${storeModule.pathname} (${e.message}); build first with: npx tsc -b`);
  process.exit(1);
});

const REQUEST = JSON.stringify({
  protocol: "wps1",
  response: "document",
  outputs: [{ id: "result", asReference: true, mimeType: "application/json" }],
  lineage: false,
  statusUpdates: true,
  language: "en-US",
});
const OUTPUTS = JSON.stringify({
  result: { kind: "file", file: "result.json", mimeType: "application/json", size: 1234 },
});

/**
 * Row `i` of `n`. Large tables: the newest `active` rows are accepted or running (2:1), the rest finished (80 %
 * succeeded, 15 % failed, 5 % dismissed); two backends, twenty processes, one job per 10 ms. Small tables: every
 * row is an accepted `local` job, so `nextAccepted("local", 10)` returns 10 rows at both sizes and the comparison
 * is per equal result.
 */
function row(i, n, active, t0) {
  const createdAt = t0 + i * 10;
  const small = n <= 1000;
  const isActive = i >= n - active;
  const status = small
    ? "accepted"
    : isActive
      ? i % 3 === 0
        ? "running"
        : "accepted"
      : ["succeeded", "failed", "dismissed"][i % 20 === 0 ? 2 : i % 7 === 0 ? 1 : 0];
  const finished = !isActive;
  return {
    id: randomUUID(),
    process_id: `process-${i % 20}`,
    status,
    mode: "async",
    backend: small || i % 4 !== 0 ? "local" : "slurm",
    progress: finished ? 100 : status === "running" ? 50 : null,
    message: finished ? "Process finished" : "Process accepted",
    created_at: createdAt,
    started_at: status === "accepted" ? null : createdAt + 1,
    finished_at: finished ? createdAt + 5 : null,
    updated_at: finished ? createdAt + 5 : createdAt,
    attempt: status === "accepted" ? 0 : 1,
    scheduler_ref: null,
    request: REQUEST,
    outputs: status === "succeeded" ? OUTPUTS : null,
    error: null,
  };
}

/** Fill the jobs table with `n` rows; returns up to 1000 sampled ids for lookups. */
async function populate(store, n) {
  const active = n > 1000 ? ACTIVE_IN_BIG : n;
  const t0 = Date.now() - n * 10 - 60_000;
  const sample = [];
  const every = Math.max(1, Math.floor(n / 1000));
  const started = process.hrtime.bigint();
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      const chunk = [];
      for (let j = i; j < Math.min(n, i + 500); j++) {
        const r = row(j, n, active, t0);
        if (j % every === 0) sample.push(r.id);
        chunk.push(r);
      }
      await trx.insertInto("jobs").values(chunk).execute();
    }
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // PostgreSQL's autovacuum would ANALYZE a table that just grew by a million rows; do it now rather than race it.
  if (store.kind === "postgres") await sql`analyze jobs`.execute(store.db);
  return { sample, seconds };
}

/**
 * Median duration of `fn(i)` in µs over `n` calls after `warm` untimed ones (JIT and caches warm: with 50 the first
 * size measured came out up to 2× slower); `prepare(i)` and `after(i)` run untimed around each call.
 */
async function median(n, fn, { warm = 500, prepare, after } = {}) {
  const times = [];
  for (let i = 0; i < warm + n; i++) {
    const ctx = prepare ? await prepare(i) : undefined;
    const t = process.hrtime.bigint();
    await fn(i, ctx);
    const dt = Number(process.hrtime.bigint() - t) / 1000;
    if (after) await after(i, ctx);
    if (i >= warm) times.push(dt);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function measure(store, sample) {
  const REQ = JSON.parse(REQUEST);
  const newJob = () => ({
    id: randomUUID(),
    processId: "process-bench",
    status: "accepted",
    mode: "async",
    backend: "bench",
    createdAt: Date.now(),
    request: REQ,
  });
  return {
    get: await median(2000, (i) => store.get(sample[(i * 7919) % sample.length])),
    nextAccepted: await median(2000, () => store.nextAccepted("local", 10)),
    count: await median(2000, () => store.count(["accepted", "running"])),
    // A fresh job per call (inserted and deleted untimed) so every transition really moves a row.
    transition: await median(
      500,
      (_, job) => store.transition(job.id, ["accepted"], "running", { startedAt: Date.now(), attempt: 1 }),
      {
        prepare: async () => {
          const job = newJob();
          await store.insert(job);
          return job;
        },
        after: (_, job) => store.delete(job.id),
      },
    ),
  };
}

async function sqliteTarget() {
  const dir = mkdtempSync(join(tmpdir(), "roost-bench-"));
  return {
    options: { url: `sqlite:${join(dir, "jobs.db")}` },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget() {
  const schema = `bench_${randomUUID().slice(0, 8)}`;
  return {
    options: { url: args["pg-url"], schema },
    cleanup: async (store) => {
      await store.db.schema.dropSchema(schema).cascade().execute();
    },
  };
}

async function pgReachable() {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: args["pg-url"], connectionTimeoutMillis: 3000 });
  c.on("error", () => {});
  try {
    await c.connect();
    return true;
  } catch (e) {
    console.log(
      `PostgreSQL skipped: ${args["pg-url"].replace(/\/\/[^@]*@/, "//…@")} not reachable (${e.message})`,
    );
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const results = {};
const backends = [
  ["sqlite", sqliteTarget],
  ["postgres", postgresTarget],
].filter(([name]) => !args.only || args.only === name);

for (const [name, target] of backends) {
  if (name === "postgres" && !(await pgReachable())) continue;
  results[name] = {};
  for (const n of SIZES) {
    const t = await target();
    const store = await openKyselyStore(t.options);
    try {
      const { sample, seconds } = await populate(store, n);
      if (n === BIG)
        console.log(`${name}: inserted ${n.toLocaleString("en")} rows in ${seconds.toFixed(1)} s`);
      results[name][n] = await measure(store, sample);
    } finally {
      await t.cleanup(store).catch((e) => console.error(`cleanup failed: ${e.message}`));
      await store.close();
    }
  }
}

const ops = ["get", "nextAccepted", "count", "transition"];
const label = {
  get: "get(id)",
  nextAccepted: "nextAccepted(local, 10)",
  count: "count(active)",
  transition: "transition",
};
const cols = Object.keys(results);
const fmt = (v) => v.toFixed(1).padStart(9);
console.log(
  `\n${"median µs per call".padEnd(24)}${cols.map((b) => ` | ${`${b} 10`.padStart(11)} ${`${b} ${BIG >= 1e6 ? `${BIG / 1e6}M` : BIG}`.padStart(12)} ${"ratio".padStart(6)}`).join("")}`,
);
for (const op of ops) {
  let line = label[op].padEnd(24);
  for (const b of cols) {
    const small = results[b][10][op];
    const big = results[b][BIG][op];
    line += ` | ${fmt(small).padStart(11)} ${fmt(big).padStart(12)} ${(big / small).toFixed(2).padStart(6)}`;
  }
  console.log(line);
}
