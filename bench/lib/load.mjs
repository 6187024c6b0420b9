/**
 * Closed-loop HTTP load: `wrk` when installed (the tool the PyWPS baseline in shared/docs/wps.md §3.4 used; it
 * costs far less CPU than a Node generator, which matters when generator and server share two cores), otherwise a
 * small Node generator with the same result shape, labelled as such in every report.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "./http.mjs";

/**
 * @typedef {object} LoadResult
 * @property {string} tool          "wrk" or "node-loadgen"
 * @property {number} connections
 * @property {number} seconds       measured duration
 * @property {number} requests      completed responses
 * @property {number} rps           requests per second
 * @property {number} p50           latency in ms
 * @property {number} p75
 * @property {number} p90
 * @property {number} p99
 * @property {number} non2xx        responses that were not 2xx (wrk: not 2xx/3xx)
 * @property {{connect:number, read:number, write:number, timeout:number}} socketErrors
 * @property {number} bytes         bytes read, headers included (wrk rounds to 2 decimals of its unit)
 * @property {string} [raw]         wrk's output
 */

/** wrk processes still running: killed on exit so none outlives an interrupted bench. */
const active = new Set();

/** SIGKILL every running wrk (from a synchronous `exit` handler). */
export function killLoadSync() {
  for (const c of active) c.kill("SIGKILL");
  active.clear();
}

/** Whether `wrk` is on the PATH. */
export function haveWrk() {
  return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const BYTE_UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** `18.94ms` → 18.94 (milliseconds). */
function ms(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`cannot parse wrk time '${text}'`);
  return Number(m[1]) * TIME_UNITS[m[2]];
}

/**
 * Parse wrk 4.x output (run with `--latency`).
 * @param {string} out
 * @returns {Omit<LoadResult, "tool" | "connections">}
 */
export function parseWrk(out) {
  const pct = (p) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(out);
    if (!m) throw new Error(`wrk output has no ${p}% latency:\n${out}`);
    return ms(m[1]);
  };
  const total = /(\d+) requests in ([\d.]+\w+), ([\d.]+)(B|KB|MB|GB|TB) read/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!total || !rps) throw new Error(`unexpected wrk output:\n${out}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    seconds: ms(total[2]) / 1000,
    requests: Number(total[1]),
    rps: Number(rps[1]),
    p50: pct(50),
    p75: pct(75),
    p90: pct(90),
    p99: pct(99),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock
      ? { connect: +sock[1], read: +sock[2], write: +sock[3], timeout: +sock[4] }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
    bytes: Number(total[3]) * BYTE_UNITS[total[4]],
    raw: out,
  };
}

/**
 * A request other than a plain GET: method, headers and body (the OGC API's POST execute).
 * @typedef {{ method: string, headers?: Record<string, string>, body?: string }} LoadRequest
 */

/** A wrk Lua script that sends `req` (written once per distinct request). */
function wrkScript(req) {
  const file = join(
    tmpdir(),
    `roost-bench-wrk-${process.pid}-${Buffer.from(JSON.stringify(req)).toString("base64url").slice(0, 40)}.lua`,
  );
  const lines = [`wrk.method = ${JSON.stringify(req.method)}`];
  if (req.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(req.body)}`);
  for (const [k, v] of Object.entries(req.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/**
 * `wrk -t1 -c<connections> -d<seconds>s --latency <url>`: one thread is enough for a server that does a few
 * thousand requests per second, and leaves the second core to the server. `req`: another method, headers, a body.
 * @param {string} url
 * @param {{ connections: number, seconds: number, timeoutSeconds?: number, req?: LoadRequest }} opts
 * @returns {Promise<LoadResult>}
 */
export function runWrk(url, { connections, seconds, timeoutSeconds = 10, req }) {
  return new Promise((resolve, reject) => {
    const args = [
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      `--timeout`,
      `${timeoutSeconds}s`,
      "--latency",
      ...(req ? ["-s", wrkScript(req)] : []),
      url,
    ];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    active.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      active.delete(child);
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${err || out}`));
      try {
        resolve({ tool: "wrk", connections, ...parseWrk(out) });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** The `q`-quantile of an ascending array (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The fallback generator: `connections` loops, each issuing the next GET when the previous response ended, on a
 * keep-alive Agent with exactly `connections` sockets. It shares the event loop and a core with nothing else, but
 * costs several times wrk's CPU per request, so its figures are lower bounds.
 * @returns {Promise<LoadResult>}
 */
export async function runNodeLoad(url, { connections, seconds, timeoutSeconds = 10, req }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let non2xx = 0;
  let bytes = 0;
  const socketErrors = { connect: 0, read: 0, write: 0, timeout: 0 };
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const r = await request(url, { ...req, agent, timeoutMs: timeoutSeconds * 1000 });
        latencies.push(performance.now() - t);
        if (r.status < 200 || r.status >= 400) non2xx++;
        bytes += r.headerBytes + Buffer.byteLength(r.body);
      } catch (e) {
        if (/timeout/.test(e.message)) socketErrors.timeout++;
        else if (e.code === "ECONNREFUSED") socketErrors.connect++;
        else socketErrors.read++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    tool: "node-loadgen",
    connections,
    seconds: elapsed,
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p75: quantile(latencies, 0.75),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    non2xx,
    socketErrors,
    bytes,
  };
}
