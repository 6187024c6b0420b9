#!/usr/bin/env node
/**
 * Roost on Slurm against raw Slurm, in the same run, on the cluster that is up (`scripts/slurm-cluster.sh up`).
 *
 *  1. Latency, paired: each round submits one raw `sbatch --wrap true` and one Roost async `sleep` delay=0 routed
 *     to Slurm **at the same moment**, so both wait for the same slurmctld scheduling tick (jobs start on a 1 s tick
 *     with batch_sched_delay=0, 3 s by default: unpaired p50s would differ by ±100 ms from the tick phase alone).
 *     Raw: sbatch call → `squeue` shows COMPLETED (polled every 20 ms). Roost: Execute request → the status document
 *     says ProcessSucceeded (polled every 20 ms). Target: Roost p50 ≤ raw p50 + 150 ms.
 *  2. Throughput: N jobs through Roost (HTTP Execute, 16 concurrent clients) vs a raw sbatch loop (4 concurrent
 *     calls), first submission → last job finished (Roost: succeeded in the job store). Target: ≥ 0.8× raw.
 *     For context, the same loop of `node -e 0` jobs: the floor any Node worker pays per job on this machine.
 *
 * Roost runs from the build as a `roost serve` subprocess with default settings (SQLite, min_poll_interval 0.1 s)
 * and `sleep` routed to Slurm. The SchedulerParameters in effect are read from `scontrol show config`.
 *
 *   node bench/slurm.mjs [--latency-jobs=40] [--jobs=500] [--floor-jobs=200] [--no-floor]   (after npx tsc -b)
 *
 * `bench/run.mjs` calls {@link runSlurmBench} when a cluster is up.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(root, "packages/server/dist/bin/roost.js");
const exec = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Percentile (nearest rank) of numbers. */
function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

const ms = (v) => (Number.isNaN(v) ? "–" : `${Math.round(v)} ms`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** What the cluster runs with (for the report). */
function clusterFacts() {
  const conf = spawnSync("scontrol", ["show", "config"], { encoding: "utf8" }).stdout ?? "";
  const get = (k) => new RegExp(`^${k}\\s*=\\s*(.*)$`, "m").exec(conf)?.[1]?.trim();
  const nodes = (spawnSync("sinfo", ["-h", "-N", "-o", "%N %c %t"], { encoding: "utf8" }).stdout ?? "")
    .trim()
    .split("\n")
    .filter((l) => l);
  return {
    version: get("SLURM_VERSION"),
    schedulerParameters: get("SchedulerParameters") ?? "(default)",
    schedulerType: get("SchedulerType"),
    minJobAge: get("MinJobAge"),
    nodes,
    slots: nodes.reduce((n, l) => n + Number(l.split(" ")[1] ?? 0), 0),
    cpus: os.cpus().length,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" "),
  };
}

/** Start `roost serve` with `sleep` routed to Slurm; resolves once it answers. */
async function startRoost(dir) {
  const port = await freePort();
  const config = join(dir, "roost.toml");
  writeFileSync(
    config,
    `[server]\nport = ${port}\ndata_dir = "${join(dir, "data")}"\nlog_level = "warn"\n\n` +
      `[scheduler]\nroutes = { sleep = "slurm" }\n`,
  );
  const fd = openSync(join(dir, "server.log"), "a");
  const child = spawn(process.execPath, [CLI, "serve", "--config", config], {
    cwd: root,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null || i > 600)
      throw new Error(
        `roost serve did not start:\n${readFileSync(join(dir, "server.log"), "utf8").slice(-2000)}`,
      );
    await sleep(50);
  }
  return {
    base,
    db: join(dir, "data", "roost.db"),
    async stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      await new Promise((r) => {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
          r();
        }, 15_000);
        child.once("exit", () => {
          clearTimeout(t);
          r();
        });
      });
    },
  };
}

const EXECUTE =
  "/wps?service=WPS&version=1.0.0&request=Execute&identifier=sleep&DataInputs=delay=0&storeExecuteResponse=true&status=true";

/** Submit one Roost job; resolves with its status URL. */
async function roostSubmit(base) {
  const text = await (await fetch(base + EXECUTE)).text();
  const loc = /statusLocation="([^"]+)"/.exec(text)?.[1];
  if (!loc) throw new Error(`Execute not accepted: ${text.slice(0, 300)}`);
  return loc;
}

/** One Roost job: request → ProcessSucceeded seen in the status document. */
async function roostLatency(base, pollMs) {
  const t0 = performance.now();
  const url = await roostSubmit(base);
  for (;;) {
    const doc = await (await fetch(url)).text();
    if (doc.includes("ProcessSucceeded")) return performance.now() - t0;
    if (doc.includes("ProcessFailed")) throw new Error(`Roost job failed: ${doc.slice(0, 500)}`);
    await sleep(pollMs);
  }
}

/** One raw job: sbatch call → squeue shows COMPLETED. */
async function rawLatency(pollMs) {
  const t0 = performance.now();
  const { stdout } = await exec("sbatch", [
    "--parsable",
    "--no-requeue",
    "-J",
    "bench-raw-lat",
    "-o",
    "/dev/null",
    "--wrap",
    "true",
  ]);
  const id = stdout.trim().split(";")[0];
  for (;;) {
    const { stdout: st } = await exec("squeue", ["-h", "-t", "all", "-j", id, "-o", "%T"]);
    const s = st.trim();
    if (s === "COMPLETED") return performance.now() - t0;
    if (s && !["PENDING", "RUNNING", "COMPLETING", "CONFIGURING"].includes(s))
      throw new Error(`raw job ${id}: ${s}`);
    await sleep(pollMs);
  }
}

/** N raw jobs through a sbatch loop (4 concurrent calls) until none is left in the queue; jobs/s. */
async function rawThroughput(n, wrap, name) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await exec("sbatch", ["--parsable", "--no-requeue", "-J", name, "-o", "/dev/null", "--wrap", wrap]);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const submitted = performance.now() - t0;
  for (;;) {
    const { stdout } = await exec("squeue", ["-h", `--name=${name}`, "-o", "%i"]);
    if (stdout.trim() === "") break;
    await sleep(100);
  }
  const total = performance.now() - t0;
  return { jobs: n, submitMs: submitted, totalMs: total, jobsPerSec: (n / total) * 1000 };
}

/** N Roost jobs (16 concurrent HTTP clients) until all succeeded in the job store; jobs/s. */
async function roostThroughput(server, n) {
  const { default: Database } = await import("better-sqlite3");
  const t0 = performance.now();
  let next = 0;
  const client = async () => {
    while (next < n) {
      next++;
      await roostSubmit(server.base);
    }
  };
  await Promise.all(Array.from({ length: 16 }, client));
  const submitted = performance.now() - t0;
  const db = new Database(server.db, { readonly: true, fileMustExist: true });
  try {
    for (;;) {
      const row = db
        .prepare(
          "SELECT sum(status = 'succeeded') AS ok, sum(status IN ('failed', 'dismissed')) AS bad FROM jobs WHERE backend = 'slurm'",
        )
        .get();
      if (row.ok + row.bad >= n) {
        const total = performance.now() - t0;
        return {
          jobs: n,
          failed: row.bad,
          submitMs: submitted,
          totalMs: total,
          jobsPerSec: (n / total) * 1000,
        };
      }
      await sleep(100);
    }
  } finally {
    db.close();
  }
}

/**
 * Run the benchmark; `log` receives the report lines. Resolves with every figure (for bench/run.mjs's JSON).
 * @param {{ log?: (...a: unknown[]) => void, latencyJobs?: number, jobs?: number, floorJobs?: number }} [o]
 */
export async function runSlurmBench(o = {}) {
  const log = o.log ?? console.log;
  const latencyJobs = o.latencyJobs ?? 40;
  const jobs = o.jobs ?? 500;
  const floorJobs = o.floorJobs ?? 200;
  const facts = clusterFacts();
  log(
    `  Slurm ${facts.version}, ${facts.nodes.length} node(s), ${facts.slots} slots, ${facts.cpus} CPUs here`,
  );
  log(
    `  SchedulerParameters=${facts.schedulerParameters} (${facts.schedulerType}), load average ${facts.loadavg}`,
  );
  const dir = mkdtempSync(join(os.tmpdir(), "roost-bench-slurm-"));
  const server = await startRoost(dir);
  try {
    // Warm-up: the first jobs pay cold caches (node binary, modules) on the "compute nodes".
    await Promise.all([rawLatency(20), roostLatency(server.base, 20), roostLatency(server.base, 20)]);

    log(`  latency: ${latencyJobs} pairs (raw sbatch --wrap true | Roost sleep delay=0), submitted together`);
    const raw = [];
    const roost = [];
    for (let i = 0; i < latencyJobs; i++) {
      const [r, x] = await Promise.all([rawLatency(20), roostLatency(server.base, 20)]);
      raw.push(r);
      roost.push(x);
    }
    const diffs = roost.map((x, i) => x - raw[i]);
    const latency = {
      pairs: latencyJobs,
      raw: { p50: pct(raw, 50), p90: pct(raw, 90), min: Math.min(...raw), max: Math.max(...raw) },
      roost: { p50: pct(roost, 50), p90: pct(roost, 90), min: Math.min(...roost), max: Math.max(...roost) },
      pairedDiffP50: pct(diffs, 50),
    };
    const latencyOk = latency.roost.p50 <= latency.raw.p50 + 150;
    if (o.verbose)
      log(
        `    paired differences (ms): ${diffs
          .map((d) => Math.round(d))
          .sort((a, b) => a - b)
          .join(" ")}`,
      );
    log(`    raw   sbatch → COMPLETED        p50 ${ms(latency.raw.p50)}  p90 ${ms(latency.raw.p90)}`);
    log(`    Roost submit → ProcessSucceeded p50 ${ms(latency.roost.p50)}  p90 ${ms(latency.roost.p90)}`);
    log(
      `    Roost − raw: p50 difference ${ms(latency.roost.p50 - latency.raw.p50)} (paired median ${ms(latency.pairedDiffP50)}); target ≤ 150 ms: ${latencyOk ? "PASS" : "MISS"}`,
    );

    if (jobs <= 0) return { cluster: facts, latency, targets: { latency: latencyOk } };
    log(`  throughput: ${jobs} jobs`);
    const rawTp = await rawThroughput(jobs, "true", "bench-raw-tp");
    log(
      `    raw sbatch loop (true)   ${rawTp.jobsPerSec.toFixed(1)} jobs/s (${(rawTp.totalMs / 1000).toFixed(1)} s)`,
    );
    const roostTp = await roostThroughput(server, jobs);
    log(
      `    Roost (sleep delay=0)    ${roostTp.jobsPerSec.toFixed(1)} jobs/s (${(roostTp.totalMs / 1000).toFixed(1)} s, ${roostTp.failed} failed)`,
    );
    let floor;
    if (floorJobs > 0) {
      floor = await rawThroughput(floorJobs, `${process.execPath} -e 0`, "bench-raw-node");
      log(
        `    raw sbatch loop (node -e 0, ${floorJobs} jobs) ${floor.jobsPerSec.toFixed(1)} jobs/s: the floor of any Node worker here`,
      );
    }
    const ratio = roostTp.jobsPerSec / rawTp.jobsPerSec;
    const tpOk = ratio >= 0.8 && roostTp.failed === 0;
    log(`    Roost / raw = ${ratio.toFixed(2)}; target ≥ 0.8: ${tpOk ? "PASS" : "MISS"}`);
    log(
      `  load average at the end ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
    );
    return {
      cluster: facts,
      latency,
      throughput: { raw: rawTp, roost: roostTp, nodeFloor: floor, ratio },
      targets: { latency: latencyOk, throughput: tpOk },
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      "latency-jobs": { type: "string", default: "40" },
      jobs: { type: "string", default: "500" },
      "floor-jobs": { type: "string", default: "200" },
      "no-floor": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      json: { type: "string" },
    },
  });
  const result = await runSlurmBench({
    latencyJobs: Number(values["latency-jobs"]),
    jobs: Number(values.jobs),
    floorJobs: values["no-floor"] ? 0 : Number(values["floor-jobs"]),
    verbose: values.verbose,
  });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
}
