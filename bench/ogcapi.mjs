/**
 * The OGC API – Processes part of `npm run bench`: the JSON front end against the WPS 1.0.0 front end of the same
 * Roost server in the same run (issue 8 §4):
 *
 *   GET /processes?limit=100 (every process)  vs GetCapabilities
 *   GET /processes/hello                      vs DescribeProcess hello
 *   POST /processes/hello/execution (JSON, response=document)  vs Execute hello (KVP, sync)
 *   async sleep(0): POST with Prefer: respond-async → 201, poll Location until successful  vs the WPS round trip
 *   GET /jobs?limit=100 with 1 M job rows      vs the same list with 1000 rows (WPS 1.0.0 has no job list: the
 *                                               figure shows that a page costs the same whatever the history)
 *
 * Every run is checked like the WPS scenarios (status, expected content, the response size cross-check), and
 * alternates with its WPS counterpart. The rows are bulk-inserted into scratch data directories through the store
 * (as bench/store-scaling.mjs does), and a Roost is started on each.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarize } from "./lib/async-latency.mjs";
import { cpuPerRequest, groupCpu } from "./lib/cpu.mjs";
import { request, sleep } from "./lib/http.mjs";
import { validateRun } from "./lib/scenarios.mjs";
import { startRoost, tail } from "./lib/servers.mjs";

const JSON_TYPE = { "content-type": "application/json" };

/** Rows behind the reference job list. */
const SMALL_ROWS = 1000;

/** The OGC API requests, each with its WPS counterpart (a scenario id of `lib/scenarios.mjs`). */
export const OGC_SCENARIOS = [
  {
    id: "ogc-processes",
    label: "GET /processes",
    path: "/processes?limit=100",
    expect: ['"processes"', '"id":"hello"', '"id":"sleep"'],
    wps: "getcapabilities",
  },
  {
    id: "ogc-process-hello",
    label: "GET /processes/hello",
    path: "/processes/hello",
    expect: ['"id":"hello"', '"inputs"', '"name"'],
    wps: "describe-hello",
  },
  {
    id: "ogc-execute-hello",
    label: "sync hello (JSON)",
    path: "/processes/hello/execution",
    req: {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ inputs: { name: "Bench" }, response: "document" }),
    },
    expect: ['{"output":"Hello Bench"}'],
    wps: "execute-hello",
  },
];

/** Request once and throw unless 200 with every expected string; returns the size on the wire. */
async function check(url, scenario) {
  const r = await request(url, scenario.req ?? {});
  const problems = [];
  if (r.status !== 200) problems.push(`HTTP ${r.status}`);
  for (const s of scenario.expect) if (!r.body.includes(s)) problems.push(`no '${s}'`);
  if (problems.length > 0)
    throw new Error(
      `check failed for ${scenario.label} at ${url}: ${problems.join(", ")}\n${r.body.slice(0, 400)}`,
    );
  return r.headerBytes + Buffer.byteLength(r.body);
}

/** One measured OGC run: check → warm-up → run → check → validate. */
async function measureOgc(server, scenario, conns, { load, warmup, duration }) {
  const url = `${server.base}${scenario.path}`;
  const bytes = await check(url, scenario);
  const opts = scenario.req ? { req: scenario.req } : {};
  if (warmup > 0) await load(url, { connections: conns, seconds: warmup, ...opts });
  const cpu0 = groupCpu(server.pid);
  const run = await load(url, { connections: conns, seconds: duration, ...opts });
  run.cpu = cpuPerRequest(cpu0, groupCpu(server.pid), run.requests);
  await check(url, scenario);
  const problems = validateRun(run, bytes);
  run.expectedResponseBytes = bytes;
  if (problems.length > 0) throw new Error(problems.join("; "));
  return run;
}

/** One async job through the JSON front end: submit → 201 → poll Location until successful. */
async function oneJob(base, { pollMs, timeoutMs }) {
  const t0 = performance.now();
  const r = await request(`${base}/processes/sleep/execution`, {
    method: "POST",
    headers: { ...JSON_TYPE, prefer: "respond-async" },
    body: '{"inputs":{"delay":0}}',
  });
  const accepted = performance.now() - t0;
  const location = r.headers.location;
  if (r.status !== 201 || typeof location !== "string")
    throw new Error(`async submit: HTTP ${r.status}\n${r.body.slice(0, 400)}`);
  let polls = 0;
  for (;;) {
    const s = await request(location);
    polls++;
    const now = performance.now();
    if (s.status === 200 && s.body.includes('"status":"successful"'))
      return { accepted, succeeded: now - t0, polls };
    if (s.status !== 200 || s.body.includes('"status":"failed"'))
      throw new Error(`async job: HTTP ${s.status} at ${location}\n${s.body.slice(0, 400)}`);
    if (now - t0 > timeoutMs) throw new Error(`async job not done after ${timeoutMs} ms: ${location}`);
    await sleep(pollMs);
  }
}

/** `jobs` sequential async jobs after 3 untimed ones. */
export async function ogcAsyncLatency(base, { jobs, pollMs = 1, timeoutMs = 30_000 }) {
  for (let i = 0; i < 3; i++) await oneJob(base, { pollMs, timeoutMs });
  const runs = [];
  for (let i = 0; i < jobs; i++) runs.push(await oneJob(base, { pollMs, timeoutMs }));
  return {
    jobs,
    pollMs,
    accepted: summarize(runs.map((r) => r.accepted)),
    succeeded: summarize(runs.map((r) => r.succeeded)),
    pollsPerJob: runs.reduce((a, r) => a + r.polls, 0) / jobs,
  };
}

/**
 * A scratch directory whose `data/roost.db` holds `n` finished `hello` jobs (one per 10 ms, 80 % succeeded, 15 %
 * failed, 5 % dismissed, each started and finished): a server's history after months. Multi-row INSERTs of 500 in
 * one transaction through the store's own migrations.
 */
export async function populatedDataDir(root, n, log) {
  const dir = mkdtempSync(join(tmpdir(), "roost-bench-ogc-"));
  mkdirSync(join(dir, "data"), { recursive: true });
  const { openKyselyStore } = await import(join(root, "packages/server/dist/store/index.js"));
  const store = await openKyselyStore({ url: `sqlite:${join(dir, "data", "roost.db")}` });
  const request = JSON.stringify({
    protocol: "ogcapi",
    response: "document",
    outputs: [],
    statusUpdates: true,
    language: "en-US",
    inputs: { inputs: { name: "History" }, response: "document" },
  });
  const outputs = JSON.stringify({ output: { kind: "literal", value: "Hello History" } });
  const t0 = Date.now() - n * 10 - 60_000;
  const started = performance.now();
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      const chunk = [];
      for (let j = i; j < Math.min(n, i + 500); j++) {
        const createdAt = t0 + j * 10;
        const status = j % 20 === 0 ? "dismissed" : j % 7 === 0 ? "failed" : "succeeded";
        chunk.push({
          id: randomUUID(),
          process_id: "hello",
          status,
          mode: "async",
          backend: "local",
          progress: status === "succeeded" ? 100 : null,
          message:
            status === "succeeded" ? "Process succeeded" : status === "failed" ? "failed" : "Job dismissed",
          created_at: createdAt,
          started_at: createdAt + 1,
          finished_at: createdAt + 5,
          updated_at: createdAt + 5,
          attempt: 1,
          scheduler_ref: null,
          request,
          outputs: status === "succeeded" ? outputs : null,
          error: status === "failed" ? JSON.stringify({ code: "ProcessFailed", message: "failed" }) : null,
        });
      }
      await trx.insertInto("jobs").values(chunk).execute();
    }
  });
  await store.close();
  log(`  ${n} job rows inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

/**
 * The OGC API figures. `roost` is the server the WPS scenarios ran on; `measureWps(scenarioId, conns)` measures the
 * WPS counterpart (the caller's `measure`); `wpsAsync` is the WPS async result of the same run.
 */
export async function runOgcBench(o) {
  const { root, roost, load, warmup, duration, connections, log, measureWps, wpsAsync, jobs, pollMs, rows } =
    o;
  const out = { runs: [], async: undefined, list: undefined, failures: [] };
  for (const scenario of OGC_SCENARIOS) {
    for (const conns of connections) {
      try {
        const wps = await measureWps(scenario.wps, conns);
        const ogc = await measureOgc(roost, scenario, conns, { load, warmup, duration });
        const entry = {
          scenario: scenario.id,
          label: scenario.label,
          wps: scenario.wps,
          connections: conns,
          ogc,
          wpsRun: wps,
        };
        out.runs.push(entry);
        log(
          `${scenario.label.padEnd(22)} c=${String(conns).padEnd(2)} ogcapi ${ogc.rps.toFixed(1).padStart(8)} req/s  p50 ${ogc.p50.toFixed(2)} ms  (WPS ${wps.error ? "failed" : `${wps.rps.toFixed(1)} req/s`})`,
        );
      } catch (e) {
        out.failures.push(`ogcapi ${scenario.label} c=${conns}: ${e.message}`);
        log(`  FAILED ogcapi ${scenario.label} c=${conns}: ${e.message}\n${tail(roost.log, 10)}`);
      }
    }
  }
  try {
    out.async = await ogcAsyncLatency(roost.base, { jobs, pollMs });
    log(
      `async sleep(0) (JSON)  ogcapi ${jobs} jobs: submit→201 p50 ${out.async.accepted.p50.toFixed(2)} ms, submit→successful p50 ${out.async.succeeded.p50.toFixed(2)} ms p90 ${out.async.succeeded.p90.toFixed(2)} ms${wpsAsync ? ` (WPS p50 ${wpsAsync.succeeded.p50.toFixed(2)} ms)` : ""}`,
    );
  } catch (e) {
    out.failures.push(`ogcapi async: ${e.message}`);
    log(`  FAILED ogcapi async: ${e.message}`);
  }
  // The job list on `rows` rows, against the same list on 1000 rows: the ratio shows what the history costs.
  const list = {
    id: "ogc-jobs",
    label: "GET /jobs?limit=100",
    path: "/jobs?limit=100",
    expect: ['"jobs"', '"next"'],
  };
  let big;
  let small;
  try {
    log(`  filling data directories with ${SMALL_ROWS} and ${rows} job rows…`);
    small = await startRoost({ root, dir: await populatedDataDir(root, SMALL_ROWS, log) });
    big = await startRoost({ root, dir: await populatedDataDir(root, rows, log) });
    const results = [];
    for (const conns of connections) {
      const few = await measureOgc(small, list, conns, { load, warmup, duration });
      const many = await measureOgc(big, list, conns, { load, warmup, duration });
      results.push({ connections: conns, small: few, large: many });
      log(
        `${list.label.padEnd(22)} c=${String(conns).padEnd(2)} ${rows} rows ${many.rps.toFixed(1).padStart(8)} req/s  p50 ${many.p50.toFixed(2)} ms  (${SMALL_ROWS} rows ${few.rps.toFixed(1)} req/s)`,
      );
    }
    out.list = { rows, smallRows: SMALL_ROWS, results };
  } catch (e) {
    out.failures.push(`ogcapi job list: ${e.message}`);
    log(`  FAILED ogcapi job list: ${e.message}${big ? `\n${tail(big.log, 10)}` : ""}`);
  } finally {
    await big?.stop();
    await small?.stop();
  }
  return out;
}

const fmt = (v, d = 1) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(d));

/** The Markdown table of the OGC API figures, ratios JSON/WPS (req/s) or WPS/JSON (latency): ≥ 1 = JSON as fast. */
export function ogcMarkdown(r, wpsAsync) {
  const lines = [
    "| Figure | Conn. | OGC API (JSON) | WPS 1.0.0 (same server) | Ratio JSON/WPS |",
    "|---|---|---|---|---|",
  ];
  for (const e of r.runs) {
    const w = e.wpsRun;
    lines.push(
      `| ${e.label} | ${e.connections} | ${fmt(e.ogc.rps)} req/s, p50 ${fmt(e.ogc.p50, 2)} ms | ${w.error ? "failed" : `${fmt(w.rps)} req/s, p50 ${fmt(w.p50, 2)} ms`} | ${w.error ? "–" : fmt(e.ogc.rps / w.rps, 2)} |`,
    );
  }
  if (r.async) {
    const w = wpsAsync?.succeeded.p50;
    lines.push(
      `| async sleep(0) submit→successful, p50 | 1 | ${fmt(r.async.succeeded.p50, 2)} ms | ${fmt(w, 2)} ms | ${w ? fmt(w / r.async.succeeded.p50, 2) : "–"} |`,
    );
  }
  for (const l of r.list?.results ?? [])
    lines.push(
      `| GET /jobs?limit=100, ${r.list.rows} rows | ${l.connections} | ${fmt(l.large.rps)} req/s, p50 ${fmt(l.large.p50, 2)} ms | (no job list; ${r.list.smallRows} rows: ${fmt(l.small.rps)} req/s) | ${fmt(l.large.rps / l.small.rps, 2)} (vs ${r.list.smallRows} rows) |`,
    );
  return lines.join("\n");
}
