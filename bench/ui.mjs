#!/usr/bin/env node
/**
 * `node bench/ui.mjs`: how fast the web UI's pages are rendered by the server, and how much the browser downloads.
 *
 * Starts Roost from the build (defaults, demo processes, a fresh data dir, 20 finished jobs for the history) and
 * times `app.inject` requests — the whole request path without a socket: routing, the OGC document, the HTML page —
 * with `Accept: text/html` as a browser sends it, after a warm-up; prints the median and p95 of each page over
 * `--runs` requests, then the sizes of the built assets, raw and gzip (level 9, as the server sends them).
 *
 *   node bench/ui.mjs [--runs=300] [--warmup=50]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "300" }, warmup: { type: "string", default: "50" } },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const root = new URL("..", import.meta.url).pathname;
const { loadConfig } = await import(join(root, "packages/server/dist/config/load.js"));
const { startServer } = await import(join(root, "packages/server/dist/main.js"));
const { pino } = await import("pino");

const dataDir = mkdtempSync(join(tmpdir(), "roost-ui-bench-"));
const config = loadConfig({
  env: {},
  flags: { "server.port": 0, "server.data_dir": dataDir, "server.log_level": "silent" },
});
const server = await startServer(config, { logger: pino({ level: "silent" }) });
const { app } = server;
const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
for (let i = 0; i < 20; i++) {
  const r = await app.inject({
    method: "POST",
    url: "/processes/hello/execution",
    headers: { "content-type": "application/json" },
    payload: { inputs: { name: `bench ${i}` } },
  });
  if (r.statusCode !== 200) throw new Error(`execute: ${r.statusCode} ${r.body.slice(0, 200)}`);
}
const job = (await app.inject({ url: "/jobs?limit=1", headers: { accept: "application/json" } })).json()
  .jobs[0].jobID;

const pages = [
  ["landing /", "/"],
  ["catalogue /processes", "/processes"],
  ["form /processes/inout (16 inputs)", "/processes/inout"],
  ["form /processes/hello", "/processes/hello"],
  ["history /jobs (20 jobs)", "/jobs"],
  ["job /jobs/{id}", `/jobs/${job}`],
  ["results /jobs/{id}/results", `/jobs/${job}/results`],
];
const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
console.log(
  `Roost web UI, server-side render time (app.inject, Accept: text/html), ${runs} runs after ${warmup} warm-up`,
);
console.log(
  `${"page".padEnd(36)} ${"median ms".padStart(10)} ${"p95 ms".padStart(8)} ${"bytes".padStart(8)}`,
);
for (const [name, url] of pages) {
  let bytes = 0;
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = await app.inject({ url, headers: html });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.statusCode !== 200 || !String(r.headers["content-type"]).startsWith("text/html"))
      throw new Error(`${url}: ${r.statusCode} ${r.headers["content-type"]}`);
    bytes = r.body.length;
    if (i >= warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(36)} ${q(times, 0.5).toFixed(2).padStart(10)} ${q(times, 0.95).toFixed(2).padStart(8)} ${String(bytes).padStart(8)}`,
  );
}
await server.close();
rmSync(dataDir, { recursive: true, force: true });
const dist = join(root, "packages/ui/dist");
const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
const mainJs = readFileSync(join(dist, manifest["main.js"]), "utf8");
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `\nAssets (packages/ui/dist)\n${"file".padEnd(36)} ${"raw".padStart(10)} ${"gzip".padStart(10)}  loaded`,
);
for (const f of readdirSync(dist).filter((x) => x !== "manifest.json")) {
  const body = readFileSync(join(dist, f));
  const when =
    f === manifest["main.js"] ||
    f === manifest["app.css"] ||
    (f.endsWith(".js") && mainJs.includes(`from"./${f}"`))
      ? "every page"
      : f.endsWith(".js") || f === manifest["map.css"] || f === manifest["basemap.json"]
        ? "pages with a map / on demand"
        : "with the map stylesheet";
  console.log(
    `${f.padEnd(36)} ${kib(body.length).padStart(10)} ${kib(gzipSync(body, { level: 9 }).length).padStart(10)}  ${when}`,
  );
}
