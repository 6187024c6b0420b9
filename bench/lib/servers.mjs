/**
 * Start and stop the servers under test as subprocesses. Each runs in its own process group (`detached`), so one
 * signal to the group also reaches Roost's worker pool and gunicorn's workers, and so a Ctrl-C in the terminal
 * reaches the bench first, which then stops the servers in order rather than racing them.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { get, sleep } from "./http.mjs";

/** Every server started and not yet stopped; {@link killAllSync} empties it on exit. */
const running = new Set();
/** Every scratch directory created, for {@link removeAllDirs}. */
const dirs = new Set();

/** A free TCP port on 127.0.0.1 (the kernel picks it; the tiny race until the server binds it is acceptable). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawn `cmd args` in its own process group with output to `<dir>/server.log`, then wait until `readyUrl` answers
 * 200. Rejects with the log's tail if the process exits or does not become ready in time.
 * @returns {Promise<{ name: string, pid: number, dir: string, log: string, stop: () => Promise<void> }>}
 */
async function launch({ name, cmd, args, env, cwd, dir, readyUrl, readyTimeoutMs = 60_000 }) {
  const log = join(dir, "server.log");
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const server = {
    name,
    pid: child.pid,
    dir,
    log,
    /**
     * SIGTERM to the leader only, which stops its own workers (Roost closes its pool, gunicorn's master its
     * workers; signalling the workers too would make Roost's pool respawn them mid-shutdown), then SIGKILL to the
     * whole group: after the leader exited (for anything left behind) or after 15 s.
     */
    async stop() {
      if (!running.has(server)) return;
      running.delete(server);
      if (exited) return;
      signal(child.pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), 15_000);
      await exitPromise;
      clearTimeout(timer);
      // Workers that outlived their parent (should not happen) go too.
      signalGroup(child.pid, "SIGKILL");
    },
    pidSync: child.pid,
  };
  running.add(server);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      running.delete(server);
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}):\n${tail(log)}`);
    }
    try {
      const r = await get(readyUrl, { timeoutMs: 2000 });
      if (r.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} not ready after ${readyTimeoutMs / 1000} s:\n${tail(log)}`);
    }
    await sleep(100);
  }
}

/** Send `sig` to the process group led by `pid`, ignoring "no such process". */
function signalGroup(pid, sig) {
  signal(-pid, sig);
}

/** `process.kill` that ignores "no such process". */
function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if (e.code !== "ESRCH") throw e;
  }
}

/** The last `n` lines of a file, for error messages. */
export function tail(file, n = 30) {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
}

/**
 * Start Roost from the build (`packages/server/dist`) with default settings — SQLite in a fresh data dir and the
 * local worker pool — unless `databaseUrl` is given. `nodeArgs` (e.g. `--cpu-prof`) go before the script; Node
 * forks the worker pool with the same execArgv, so a CPU profile covers the workers too. `dir`: a prepared scratch
 * directory (its `data/` already holding a database), removed with the others.
 * @param {{ root: string, databaseUrl?: string, schema?: string, nodeArgs?: string[], dir?: string }} opts
 */
export async function startRoost({ root, databaseUrl, schema, nodeArgs = [], dir: given }) {
  const port = await freePort();
  const dir = given ?? mkdtempSync(join(tmpdir(), "roost-bench-"));
  dirs.add(dir);
  const args = [
    ...nodeArgs,
    join(root, "packages/server/dist/bin/roost.js"),
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--data-dir",
    join(dir, "data"),
    "--log-level",
    "warn",
  ];
  if (databaseUrl) args.push("--database-url", databaseUrl);
  // A user's ROOST_* variables must not change what is measured; the scratch schema is the bench's own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ROOST_")));
  if (schema) env.ROOST_DATABASE_SCHEMA = schema;
  const base = `http://127.0.0.1:${port}`;
  const server = await launch({
    name: "Roost",
    cmd: process.execPath,
    args,
    env,
    cwd: dir,
    dir,
    readyUrl: `${base}/health`,
  });
  return { ...server, base, wps: `${base}/wps` };
}

/**
 * Start the PyWPS demo app with `bench/pywps/serve.sh` (gunicorn, `workers` sync workers). The request log goes to
 * a SQLite file, as in the PyWPS baseline of `shared/docs/wps.md` §3.4.
 * @param {{ root: string, workers?: number }} opts
 */
export async function startPywps({ root, workers = 4 }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pywps-bench-"));
  dirs.add(dir);
  const base = `http://127.0.0.1:${port}`;
  const server = await launch({
    name: "PyWPS",
    cmd: "bash",
    args: [join(root, "bench/pywps/serve.sh"), String(port), join(dir, "wd"), String(workers)],
    env: { ...process.env, PYWPS_HOST: "127.0.0.1" },
    cwd: dir,
    dir,
    readyUrl: `${base}/wps?service=WPS&request=GetCapabilities`,
  });
  return { ...server, base, wps: `${base}/wps` };
}

/** Remove a server's scratch directory (data dir, logs) once it has stopped. */
export function removeDir(server) {
  rmSync(server.dir, { recursive: true, force: true });
  dirs.delete(server.dir);
}

/** Remove every scratch directory still there (after an interrupted run; the servers must be stopped). */
export function removeAllDirs() {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/** Stop every running server (async, graceful). */
export async function stopAll() {
  await Promise.all([...running].map((s) => s.stop()));
}

/**
 * Last resort from a synchronous `exit` handler: SIGKILL every group still running, so no server outlives the
 * bench whatever went wrong.
 */
export function killAllSync() {
  for (const s of running) signalGroup(s.pidSync, "SIGKILL");
  running.clear();
}

/** Whether `python` can import pywps; returns its version and gunicorn's, or null. */
export function pywpsVersions(python = process.env.PYTHON ?? "/usr/bin/python3") {
  const r = spawnSync(
    python,
    ["-c", "import pywps, gunicorn; print(pywps.__version__, gunicorn.__version__)"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) return null;
  const [pywps, gunicorn] = r.stdout.trim().split(/\s+/);
  return { pywps, gunicorn, python };
}
