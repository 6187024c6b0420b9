#!/usr/bin/env node
/**
 * `npm run bench`: Roost against its anchor, PyWPS 4.5.2 under gunicorn (4 sync workers), in the same run.
 *
 * Measures, with wrk on loopback (1 and 8 connections, a warm-up before each run):
 *   GetCapabilities, DescribeProcess hello, Execute hello (sync, KVP)      → req/s and p50/p90/p99
 * and, sequentially, the asynchronous round trip of `sleep` delay=0 (submit with store+status, poll the status
 * document every millisecond on keep-alive connections) → submit → response and submit → ProcessSucceeded.
 * Then Roost's WPS 2.0.0 front end against its own WPS 1.0.0 one (`lib/wps2.mjs`): GetCapabilities, Execute hello
 * as an XML POST, and the async round trip submit → GetStatus polls → GetResult, with 2.0/1.0 ratios.
 * Then the OGC API – Processes front end against Roost's own WPS 1.0.0 front end in the same run (bench/ogcapi.mjs:
 * GET /processes, GET /processes/hello, sync hello as JSON, the async round trip, GET /jobs?limit=100 on a million
 * job rows).
 * Prints both servers' figures, Roost/PyWPS ratios, the issue's targets with PASS/MISS, machine facts, a Markdown
 * table for the README, and writes every raw number to .bench/results-<date>.json.
 *
 * Both servers run from what a user gets: Roost from the build with default settings (SQLite in a fresh data dir,
 * local workers), PyWPS from bench/pywps/serve.sh. Scenarios alternate between the servers so that background load
 * on a shared machine hits both alike. Every run is bracketed by a checked request and wrk's byte count must match
 * the checked response size, so an error page can never be reported as throughput.
 *
 *   npm run bench -- [--duration=10] [--warmup=2] [--connections=1,8] [--repeat=1] [--jobs=100] [--pywps-jobs=40]
 *                    [--poll-ms=1] [--database-url=postgres://…] [--no-pywps] [--only=getcapabilities,…]
 *                    [--profile] [--loadgen=wrk|node] [--store [--store-rows=N]] [--no-slurm]
 *                    [--no-ogcapi] [--ogc-rows=N]
 *
 * Run `node bench/run.mjs --help` for the details.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { asyncLatency } from "./lib/async-latency.mjs";
import { cpuPerRequest, groupCpu } from "./lib/cpu.mjs";
import { agent, get } from "./lib/http.mjs";
import { haveWrk, killLoadSync, runNodeLoad, runWrk } from "./lib/load.mjs";
import { machineFacts } from "./lib/machine.mjs";
import { printProfile, summarizeProfile } from "./lib/profile.mjs";
import { cpuTable, markdownTable, textTable, verdicts } from "./lib/report.mjs";
import { checkScenario, requestOf, SCENARIOS, validateRun } from "./lib/scenarios.mjs";
import {
  killAllSync,
  pywpsVersions,
  removeAllDirs,
  removeDir,
  startPywps,
  startRoost,
  stopAll,
  tail,
} from "./lib/servers.mjs";
import { asyncLatencyWps2, WPS2_PAIRS, wps2Table } from "./lib/wps2.mjs";
import { ogcMarkdown, runOgcBench } from "./ogcapi.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const HELP = `usage: npm run bench -- [options]     (or: node bench/run.mjs [options] after npx tsc -b)

  --duration=S         seconds per measured wrk run (default 10)
  --warmup=S           seconds of untimed load before each run (default 2)
  --connections=LIST   wrk connection counts (default 1,8)
  --repeat=N           measure every run N times, alternating servers, and report the median (default 1;
                       use 3 on a machine others are using)
  --only=LIST          scenarios to run: ${SCENARIOS.map((s) => s.id).join(",")},async,wps2 (default all;
                       wps2 = Roost's WPS 2.0.0 against its WPS 1.0.0 front end)
  --jobs=N             sequential async jobs on Roost (default 100)
  --pywps-jobs=N       sequential async jobs on PyWPS (default 40)
  --poll-ms=MS         status poll interval of the async test (default 1)
  --database-url=URL   run Roost on this database (postgres://… uses a scratch schema, dropped afterwards)
  --no-pywps           measure Roost only
  --pywps-workers=N    gunicorn workers (default 4, as in the baseline)
  --loadgen=wrk|node   force the load generator (default: wrk if installed, else the Node one)
  --profile            CPU-profile the Roost server process (node --cpu-prof) and print its hot spots; the
                       figures then include the profiler's overhead (pool workers are SIGKILLed on shutdown,
                       so they write no profile)
  --store              also run bench/store-scaling.mjs (slow: a million rows); --store-rows=N passes --rows=N
  --no-slurm           skip the Slurm part even when a cluster is up
  --no-ogcapi          skip the OGC API – Processes part (JSON front end vs WPS 1.0.0 on the same server)
  --ogc-rows=N         job rows behind the OGC API job-list figure (default 1000000)
  --json=FILE          where to write the raw results (default .bench/results-<date>.json)
`;

const { values: opt } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "1,8" },
    repeat: { type: "string", default: "1" },
    only: { type: "string" },
    jobs: { type: "string", default: "100" },
    "pywps-jobs": { type: "string", default: "40" },
    "poll-ms": { type: "string", default: "1" },
    "database-url": { type: "string" },
    "no-pywps": { type: "boolean", default: false },
    "pywps-workers": { type: "string", default: "4" },
    loadgen: { type: "string" },
    profile: { type: "boolean", default: false },
    store: { type: "boolean", default: false },
    "store-rows": { type: "string" },
    "no-slurm": { type: "boolean", default: false },
    "no-ogcapi": { type: "boolean", default: false },
    "ogc-rows": { type: "string", default: "1000000" },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const log = (...a) => console.log(...a);
const duration = Number(opt.duration);
const warmup = Number(opt.warmup);
const connections = opt.connections.split(",").map(Number);
const repeat = Math.max(1, Number(opt.repeat));
const only = opt.only ? new Set(opt.only.split(",")) : null;
const wanted = (id) => !only || only.has(id);
const started = new Date();
const stamp = started.toISOString().replace(/:/g, "-").slice(0, 19);
/** Failures that make the exit code 1 (a MISS does not: a benchmark reports, it does not judge the build). */
const failures = [];

// Whatever happens, no server outlives the bench: SIGKILL to every group still running on exit, graceful stop
// on Ctrl-C/SIGTERM.
process.on("exit", () => {
  killLoadSync();
  killAllSync();
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`\n${sig}: stopping the servers`);
    stopAll()
      .then(removeAllDirs)
      .finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------------- set-up

const facts = machineFacts(root);
const useWrk = opt.loadgen ? opt.loadgen === "wrk" : haveWrk();
if (!useWrk && opt.loadgen !== "node") {
  log(
    "wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk); using the Node load generator instead.",
  );
  log("Its figures are LOWER BOUNDS: it costs several times wrk's CPU on the cores the server uses.\n");
}
const load = useWrk ? runWrk : runNodeLoad;
const pyv = opt["no-pywps"] ? null : pywpsVersions();
if (!opt["no-pywps"] && !pyv) {
  log(
    "PyWPS skipped: /usr/bin/python3 cannot import pywps and gunicorn (apt-get install python3-pywps gunicorn).\n",
  );
}
const dbUrl = opt["database-url"];
const pgSchema = dbUrl?.startsWith("postgres") ? `roost_bench_${randomUUID().slice(0, 8)}` : undefined;

log("Roost benchmark");
log(`  CPU        ${facts.cpu}, ${facts.cores} cores, ${facts.memoryGiB} GiB, ${facts.os}`);
log(`  Node       ${facts.node}`);
log(
  `  PyWPS      ${pyv ? `${pyv.pywps} (gunicorn ${pyv.gunicorn}, ${opt["pywps-workers"]} sync workers)` : "not measured"}`,
);
log(`  load gen   ${useWrk ? `${facts.wrk}, 1 thread` : "node-loadgen (fallback, not wrk)"} on loopback`);
log(`  Roost      commit ${facts.commit}, ${dbUrl ? `database ${redact(dbUrl)}` : "SQLite"}, local workers`);
log(
  `  runs       ${warmup} s warm-up + ${duration} s per run${repeat > 1 ? ` × ${repeat} (median)` : ""}, connections ${connections.join(", ")}`,
);
log(
  `  load avg   ${facts.loadAverageAtStart.join(" ")} at start; fsync (4 KiB, tmpdir) ${facts.fsyncMs} ms median`,
);
if (facts.loadAverageAtStart[0] > facts.cores * 0.5) {
  log(
    `  WARNING    the machine is busy (load ${facts.loadAverageAtStart[0]} on ${facts.cores} cores): both servers lose, ratios stay roughly comparable`,
  );
}
log("");

/** postgres://user:secret@host → postgres://…@host */
function redact(url) {
  return url.replace(/\/\/[^@/]*@/, "//…@");
}

const profileDir = opt.profile ? join(root, ".bench", `profile-${stamp}`) : undefined;
const servers = {};
try {
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  servers.roost = await startRoost({
    root,
    databaseUrl: dbUrl,
    schema: pgSchema,
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  log(`Roost  ${servers.roost.wps} (pid ${servers.roost.pid}, data ${servers.roost.dir})`);
  if (pyv) {
    servers.pywps = await startPywps({ root, workers: Number(opt["pywps-workers"]) });
    log(`PyWPS  ${servers.pywps.wps} (pid ${servers.pywps.pid}, workdir ${servers.pywps.dir})`);
  }
} catch (e) {
  log(`\ncannot start the servers: ${e.message}`);
  await stopAll();
  removeAllDirs();
  process.exit(1);
}
const targets = Object.entries(servers); // [["roost", s], ["pywps", s]]

// What each server's GetCapabilities lists: the documents differ in size (Roost serves all Emu demo processes,
// the PyWPS app five), which the reader of the ratios should know.
const sizes = {};
for (const [name, s] of targets) {
  const r = await get(`${s.wps}?service=WPS&request=GetCapabilities`);
  sizes[name] = {
    capabilitiesBytes: Buffer.byteLength(r.body),
    processes: r.body.split("<wps:Process ").length - 1,
  };
}
log(
  `GetCapabilities: ${targets.map(([n]) => `${n} ${sizes[n].capabilitiesBytes} B / ${sizes[n].processes} processes`).join(", ")}\n`,
);

// ------------------------------------------------------------------------------------------- throughput runs

const results = { runs: [], async: {} };

/** check → warm-up → measured run → check again → validate; a failure is recorded, not thrown. */
async function measure(server, scenario, conns, { warm = true } = {}) {
  const { url, req } = requestOf(server.wps, scenario);
  try {
    const { bytes } = await checkScenario(server.wps, scenario);
    if (warm && warmup > 0) await load(url, { connections: conns, seconds: warmup, ...(req ? { req } : {}) });
    const cpu0 = groupCpu(server.pid);
    const run = await load(url, { connections: conns, seconds: duration, ...(req ? { req } : {}) });
    run.cpu = cpuPerRequest(cpu0, groupCpu(server.pid), run.requests);
    await checkScenario(server.wps, scenario);
    const problems = validateRun(run, bytes);
    run.expectedResponseBytes = bytes;
    if (problems.length > 0) throw new Error(problems.join("; "));
    return run;
  } catch (e) {
    const msg = `${server.name} ${scenario.label} c=${conns}: ${e.message}`;
    failures.push(msg);
    log(`  FAILED ${msg}\n${tail(server.log, 10)}`);
    return { error: e.message };
  }
}

/** The run with the median req/s (a failed repetition makes the whole entry failed: it must be looked at). */
function medianRun(runs) {
  const failed = runs.find((r) => r.error);
  if (failed) return failed;
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

for (const scenario of SCENARIOS.filter((s) => wanted(s.id))) {
  for (const conns of connections) {
    const entry = { scenario: scenario.id, label: scenario.label, connections: conns };
    const all = Object.fromEntries(targets.map(([name]) => [name, []]));
    // Repetitions alternate between the servers too, so a burst of background load hits both.
    for (let rep = 0; rep < repeat; rep++) {
      for (const [name, s] of targets) {
        const r = await measure(s, scenario, conns, { warm: rep === 0 });
        all[name].push(r);
        if (!r.error) {
          log(
            `${scenario.label.padEnd(22)} c=${String(conns).padEnd(2)} ${s.name.padEnd(6)} ${r.rps.toFixed(1).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.cpu ? `  CPU ${r.cpu.totalUs} µs/req` : ""}`,
          );
        }
      }
    }
    for (const [name] of targets) {
      entry[name] = medianRun(all[name]);
      if (repeat > 1) entry[`${name}Repeats`] = all[name].map((r) => (r.error ? null : r.rps));
    }
    results.runs.push(entry);
  }
}

// ------------------------------------------------------------------------------------------------ async runs

if (wanted("async")) {
  for (const [name, s] of targets) {
    const jobs = Number(name === "roost" ? opt.jobs : opt["pywps-jobs"]);
    try {
      const a = await asyncLatency(s.wps, { jobs, pollMs: Number(opt["poll-ms"]) });
      results.async[name] = a;
      log(
        `async sleep(0)          ${s.name.padEnd(6)} ${jobs} jobs: submit→response p50 ${a.accepted.p50.toFixed(2)} ms, submit→ProcessSucceeded p50 ${a.succeeded.p50.toFixed(2)} ms p90 ${a.succeeded.p90.toFixed(2)} ms (${a.pollsPerJob.toFixed(1)} polls/job, ${a.unusablePolls} unusable)`,
      );
    } catch (e) {
      failures.push(`${s.name} async: ${e.message}`);
      log(`  FAILED ${s.name} async: ${e.message}\n${tail(s.log, 10)}`);
    }
  }
}

// --------------------------------------------------------------------------------- WPS 2.0.0 vs WPS 1.0.0

/** Roost only: each pair measured alternately per connection count (and repetition), then both async trips. */
async function wps2Part(server) {
  const out = { runs: [], async: {} };
  for (const pair of WPS2_PAIRS) {
    for (const conns of connections) {
      const all = { v1: [], v2: [] };
      for (let rep = 0; rep < repeat; rep++) {
        for (const v of ["v1", "v2"]) {
          const r = await measure(server, pair[v], conns, { warm: rep === 0 });
          all[v].push(r);
          if (!r.error)
            log(
              `${pair[v].label.padEnd(30)} c=${String(conns).padEnd(2)} ${r.rps.toFixed(1).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`,
            );
        }
      }
      out.runs.push({
        id: pair.id,
        label: pair.label,
        connections: conns,
        v1: medianRun(all.v1),
        v2: medianRun(all.v2),
      });
    }
  }
  const jobs = Number(opt.jobs);
  const pollMs = Number(opt["poll-ms"]);
  try {
    out.async.wps1 = await asyncLatency(server.wps, { jobs, pollMs });
    out.async.wps2 = await asyncLatencyWps2(server.wps, { jobs, pollMs });
    const [a1, a2] = [out.async.wps1, out.async.wps2];
    log(
      `async sleep(0) ${jobs} jobs: WPS 1.0 submit→ProcessSucceeded p50 ${a1.succeeded.p50.toFixed(2)} ms; WPS 2.0 submit→Succeeded p50 ${a2.succeeded.p50.toFixed(2)} ms, →GetResult p50 ${a2.result.p50.toFixed(2)} ms (${a2.pollsPerJob.toFixed(1)} polls/job)`,
    );
  } catch (e) {
    failures.push(`roost wps2 async: ${e.message}`);
    log(`  FAILED roost wps2 async: ${e.message}\n${tail(server.log, 10)}`);
  }
  return out;
}

if (wanted("wps2")) {
  log("\nWPS 2.0.0 against WPS 1.0.0 (Roost, same server, same run)");
  results.wps2 = await wps2Part(servers.roost);
}

// ------------------------------------------------------------------------------------- OGC API – Processes

let ogc;
if (!opt["no-ogcapi"] && !only) {
  log("\nOGC API – Processes (JSON) against WPS 1.0.0 on the same Roost server");
  ogc = await runOgcBench({
    root,
    roost: servers.roost,
    load,
    warmup,
    duration,
    connections,
    log,
    jobs: Number(opt.jobs),
    pollMs: Number(opt["poll-ms"]),
    rows: Number(opt["ogc-rows"]),
    wpsAsync: results.async.roost,
    measureWps: (id, conns) =>
      measure(
        servers.roost,
        SCENARIOS.find((x) => x.id === id),
        conns,
      ),
  });
  failures.push(...ogc.failures);
}

// ------------------------------------------------------------------------------------------------- tear-down

const roostPid = servers.roost.pid;
await stopAll();
agent.destroy();
if (pgSchema) await dropSchema(dbUrl, pgSchema);
for (const [, s] of targets) removeDir(s);
facts.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);

/** Drop the scratch schema of a PostgreSQL run. */
async function dropSchema(url, schema) {
  try {
    const { default: pg } = await import("pg");
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  } catch (e) {
    log(`could not drop the scratch schema ${schema}: ${e.message}`);
  }
}

let profiles;
if (profileDir) {
  // The server's own profile is named after its pid; the others are the local workers'.
  const files = readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"));
  profiles = files.map((f) => ({
    ...summarizeProfile(join(profileDir, f)),
    role: f.includes(`.${roostPid}.`) ? "server" : "worker",
  }));
  profiles.sort((a, b) => (a.role === b.role ? b.busyMs - a.busyMs : a.role === "server" ? -1 : 1));
  if (profiles.length === 0) log(`\nno CPU profile was written to ${profileDir}`);
  // The pool SIGKILLs its workers on shutdown, so they never write theirs; only the server's profile exists.
  for (const p of profiles.filter((p, i) => p.role === "server" || i < 3)) {
    printProfile(p, log, p.role === "server" ? "Roost server process" : "Roost worker process");
  }
}

// ------------------------------------------------------------------------------------------ Slurm and store

const slurm = opt["no-slurm"] ? { skipped: "--no-slurm" } : await slurmPart();
if (slurm.skipped) log(`\nSlurm part skipped: ${slurm.skipped}`);

/** bench/slurm.mjs (another engineer's) when the file exists and `scontrol ping` reports a controller UP. */
async function slurmPart() {
  const file = join(root, "bench/slurm.mjs");
  if (!existsSync(file)) return { skipped: "bench/slurm.mjs does not exist" };
  const ping = spawnSync("scontrol", ["ping"], { encoding: "utf8", timeout: 15_000 });
  if (ping.error || !/\bUP\b/.test(ping.stdout ?? "")) {
    return {
      skipped: `no Slurm cluster up (scontrol ping: ${(ping.error?.message ?? ping.stdout ?? "").trim() || "no answer"})`,
    };
  }
  log("\nSlurm (bench/slurm.mjs)");
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.runSlurmBench !== "function")
      return { skipped: "bench/slurm.mjs exports no runSlurmBench" };
    return { result: (await mod.runSlurmBench({ log })) ?? null };
  } catch (e) {
    failures.push(`slurm: ${e.message}`);
    log(`  FAILED slurm: ${e.stack ?? e.message}`);
    return { error: e.message };
  }
}

let store;
if (opt.store) {
  log("\nJob store scaling (bench/store-scaling.mjs)");
  store = await storePart();
}

/** bench/store-scaling.mjs as a subprocess; its output is shown as it comes and kept for the JSON file. */
function storePart() {
  return new Promise((resolve) => {
    const args = [join(root, "bench/store-scaling.mjs")];
    if (opt["store-rows"]) args.push(`--rows=${opt["store-rows"]}`);
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.on("close", (code) => {
      if (code !== 0) failures.push(`store-scaling exited with ${code}`);
      resolve({ exitCode: code, output });
    });
  });
}

// ---------------------------------------------------------------------------------------------------- report

const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const verdictRows = verdicts(results);
log("\nResults (wrk runs: req/s and latency; async: sequential jobs, latency only)");
log(
  "ratio = Roost/PyWPS for req/s, PyWPS/Roost for async latency p50 — i.e. how many times better Roost is\n",
);
log(textTable(results));
if (results.runs.length > 0) {
  log("\nCPU per request (user+sys of all the server's processes; steadier than req/s on a busy machine)\n");
  log(cpuTable(results));
}
if (results.wps2) {
  log(
    "\nWPS 2.0.0 vs WPS 1.0.0 on Roost (ratio: req/s 2.0/1.0, async latency p50 1.0/2.0; above 1× = 2.0 faster)\n",
  );
  log(wps2Table(results.wps2));
}
log("\nTargets (2-core machine)");
for (const v of verdictRows) {
  log(
    `  ${v.verdict.padEnd(4)}  ${v.target.padEnd(66)} ${v.measured.padEnd(20)}${v.documented ? ` ${v.documented}` : ""}`,
  );
}
log(
  "  (same-run ratios decide PASS/MISS; the documented baseline is shared/docs/wps.md §3.4, PyWPS on an idle machine)",
);
log(
  `\nMachine: ${facts.cpu}, ${facts.cores} cores; Node ${facts.node}; PyWPS ${pyv?.pywps ?? "–"} (gunicorn ${pyv?.gunicorn ?? "–"}, ${opt["pywps-workers"]} workers); ${useWrk ? facts.wrk : "node-loadgen"}; load average ${facts.loadAverageAtStart[0]} → ${facts.loadAverageAtEnd[0]}; fsync ${facts.fsyncMs} ms`,
);

const md = [
  `Measured with \`${command}\` (${started.toISOString().slice(0, 10)}, commit ${facts.commit}) on ${facts.cpu}, ${facts.cores} cores, Node ${facts.node}; PyWPS ${pyv?.pywps ?? "not measured"}${pyv ? ` under gunicorn ${pyv.gunicorn} with ${opt["pywps-workers"]} sync workers` : ""}; Roost with ${dbUrl ? "PostgreSQL" : "SQLite"} and local workers (defaults). Load generated by ${useWrk ? "wrk (1 thread)" : "a Node load generator (fallback)"} on the same cores, ${warmup} s warm-up + ${duration} s per run${repeat > 1 ? ` (median of ${repeat})` : ""}${wanted("async") ? `; async: ${opt.jobs} (Roost) / ${opt["pywps-jobs"]} (PyWPS) sequential \`sleep\` delay=0 jobs, status polled every ${opt["poll-ms"]} ms` : ""}. Ratio: req/s Roost/PyWPS; async latency PyWPS/Roost. Load average ${facts.loadAverageAtStart[0]} at start, fsync ${facts.fsyncMs} ms.`,
  "",
  markdownTable(results),
  ...(results.runs.length > 0
    ? [
        "",
        "CPU per request (user+sys of all the server's processes):",
        "",
        cpuTable(results, { markdown: true }),
      ]
    : []),
  ...(results.wps2
    ? [
        "",
        "WPS 2.0.0 against WPS 1.0.0 on the same Roost server (ratio: req/s 2.0/1.0, async p50 1.0/2.0):",
        "",
        wps2Table(results.wps2, { markdown: true }),
      ]
    : []),
  ...(ogc
    ? [
        "",
        `OGC API – Processes against WPS 1.0.0 on the same Roost server (ratio ≥ 1: the JSON front end is at least as fast):`,
        "",
        ogcMarkdown(ogc, results.async.roost),
      ]
    : []),
].join("\n");
log("\nMarkdown (for the README):\n");
log(md);

const outFile = opt.json ?? join(root, ".bench", `results-${stamp}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      command,
      started: started.toISOString(),
      finished: new Date().toISOString(),
      machine: facts,
      pywps: pyv,
      settings: {
        duration,
        warmup,
        connections,
        repeat,
        jobs: Number(opt.jobs),
        pywpsJobs: Number(opt["pywps-jobs"]),
        pollMs: Number(opt["poll-ms"]),
        loadgen: useWrk ? "wrk" : "node-loadgen",
        database: dbUrl ? redact(dbUrl) : "sqlite",
        pywpsWorkers: Number(opt["pywps-workers"]),
        profiled: Boolean(profileDir),
      },
      documents: sizes,
      results,
      verdicts: verdictRows,
      profiles,
      slurm,
      store,
      ogcapi: ogc,
      failures,
      markdown: md,
    },
    null,
    2,
  )}\n`,
);
log(`\nraw results: ${relative(process.cwd(), outFile)}`);
if (profileDir)
  log(`CPU profiles: ${relative(process.cwd(), profileDir)} (open in Chrome DevTools → Performance)`);
if (failures.length > 0) {
  log(`\n${failures.length} failure(s):\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
}
