/**
 * Helpers for the CLI integration suites: run `roost` as a subprocess with its own (empty) home, start a real Roost
 * server or the PyWPS demo app as subprocesses on free ports, and serve files over HTTP for by-reference inputs.
 * Nothing here fakes a server: the suites talk to the real ones.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEBIAN_PYTHON, havePythonModule } from "../helpers/services.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The built `roost` binary (run `npx tsc -b` first). */
export const CLI = join(ROOT, "packages/server/dist/bin/roost.js");

/** Fail loudly when the binary has not been built: the suites test the real command. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` before these tests`);
}

/** What a CLI run produced. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A private home for the CLI: its own cache and job history, and no WPS_* variables from the developer's shell. */
export interface CliHome {
  readonly dir: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

/** Create a CLI home; `service` becomes WPS_SERVICE. */
export function cliHome(service?: string): CliHome {
  const dir = mkdtempSync(join(tmpdir(), "roost-cli-home-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_CACHE_HOME: join(dir, "cache"),
    XDG_STATE_HOME: join(dir, "state"),
    ...(service !== undefined ? { WPS_SERVICE: service } : {}),
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The protocols the CLI matrix runs over. */
export const PROTOCOLS = ["wps1", "wps2", "ogcapi"] as const;

/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * A CLI home reaching Roost over `protocol` the way a user would: WPS 1.0.0 at `/wps` pinned with WPS_PROTOCOL
 * (Roost offers 2.0.0 there too), WPS 2.0.0 at `/wps` detected (the default for a WPS endpoint offering it), OGC API
 * at the server root detected from its landing page.
 */
export function protocolHome(roost: ServiceProcess, protocol: Protocol): CliHome {
  const home = cliHome(protocol === "ogcapi" ? rootOf(roost) : roost.url);
  if (protocol === "wps1") home.env.WPS_PROTOCOL = "wps1";
  return home;
}

/** The server root of a Roost started by {@link startRoost} (its OGC API landing page). */
export function rootOf(roost: ServiceProcess): string {
  return roost.url.replace(/\/wps$/, "/");
}

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Called with the child and its stderr so far, on every stderr chunk (to send signals at the right time). */
  readonly onStderr?: (child: ChildProcess, stderrSoFar: string) => void;
}

/** Run `node roost.js <args>` and collect its output. */
export function runCli(args: readonly string[], o: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: o.env ?? { PATH: process.env.PATH ?? "" },
      cwd: o.cwd ?? ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      o.onStderr?.(child, stderr);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`roost ${args.join(" ")} did not finish in ${o.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(o.stdin ?? "");
  });
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForWps(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited during start-up:\n${log()}`);
    try {
      const r = await fetch(`${url}?service=WPS&request=GetCapabilities`);
      if (r.ok && (await r.text()).includes("Capabilities")) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server at ${url} did not answer in ${timeoutMs} ms:\n${log()}`);
}

/** A server started as a subprocess. */
export interface ServiceProcess {
  /** The WPS endpoint, e.g. `http://127.0.0.1:40123/wps`. */
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }, 5000);
      child.once("exit", () => {
        clearTimeout(kill);
        done();
      });
      try {
        // The whole process group: gunicorn's workers and PyWPS's forked jobs included.
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
    });
}

/** Collect a spawned server's output and wait until its WPS endpoint answers (stopped and removed if it does not). */
async function serviceOn(child: ChildProcess, port: number, dir: string): Promise<ServiceProcess> {
  let log = "";
  child.stdout?.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}/wps`;
  const stop = stopper(child, dir);
  try {
    await waitForWps(url, child, () => log, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, dir, stop };
}

/**
 * Start Roost (`roost serve`) on a free port with a temporary data directory. Loopback references are allowed so
 * tests can serve input files locally.
 */
export async function startRoost(): Promise<ServiceProcess> {
  requireBuiltCli();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "roost-serve-"));
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--port", String(port), "--data-dir", dir, "--log-level", "warn"],
    {
      env: { PATH: process.env.PATH ?? "", HOME: dir, ROOST_INPUTS_ALLOWED_HOSTS: "127.0.0.1" },
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  return serviceOn(child, port, dir);
}

/** True when Debian's PyWPS and gunicorn are installed (what `bench/pywps/serve.sh` needs). */
export function pywpsAvailable(): boolean {
  return existsSync(DEBIAN_PYTHON) && havePythonModule("pywps") && havePythonModule("gunicorn");
}

/** Start the PyWPS demo app (`bench/pywps/serve.sh`) with two gunicorn workers. */
export async function startPyWps(): Promise<ServiceProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "roost-pywps-"));
  const child = spawn("bash", [join(ROOT, "bench/pywps/serve.sh"), String(port), dir, "2"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return serviceOn(child, port, dir);
}

/** A loopback HTTP server returning fixed files (path → content), for inputs passed by reference. */
export async function serveFiles(files: Record<string, string>): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[new URL(req.url ?? "/", "http://x").pathname];
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Parse the `--json` document a run printed (the whole stdout). */
export function json(r: CliResult): Record<string, unknown> & {
  outputs: Record<string, Record<string, unknown>>;
  error: Record<string, unknown> | null;
} {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}
