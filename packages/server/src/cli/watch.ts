/**
 * `roost serve --watch` (development only): run the server as a child process and restart it when a process module,
 * a source file beside one, or the configuration file changes.
 *
 * Why a child rather than a restart inside this process: ES modules cannot be unloaded, so a module imported again
 * would keep its old helpers (`./lib.ts`) and tsx's compiled copies; a fresh process has a fresh module graph, and
 * the registry and the WPS capability caches, built at start, come with it. Before replacing a working server the
 * watcher runs `roost serve --check` (configuration + process modules, nothing listens): when the changed code does
 * not load — a syntax error, a throw at load time — the running server is kept and the error is shown. The restart
 * itself is a graceful stop (SIGTERM) and a start on the same port; the watcher waits for `/health` to answer.
 *
 * Watching is per directory (the modules' directories and the configuration file's), not recursive: recursive
 * watches walk the whole tree (node_modules, the job directories) on Linux. Events are debounced by 150 ms, the time
 * an editor's write-then-rename save takes to settle, and reloads never overlap.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, extname, join, relative } from "node:path";
import type { Config } from "../config/load.js";
import { configFromFlags, loadServeConfig, type ServeOptions } from "./serve.js";

/** Milliseconds of quiet before a change is acted on. */
const DEBOUNCE_MS = 150;
/** Source files whose change reloads the server (besides the configuration file). */
const SOURCE = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"]);

function say(msg: string): void {
  process.stderr.write(`roost watch: ${msg}\n`);
}

/** Run the supervisor until SIGINT/SIGTERM. */
export async function watchServe(o: ServeOptions): Promise<void> {
  let config = await configFromFlags(o);
  const script = process.argv[1]!;
  const args = process.argv.slice(2).filter((a) => a !== "--watch");
  const base = (c: Config) =>
    `http://${c.server.host.includes(":") ? `[${c.server.host}]` : c.server.host}:${c.server.port}`;

  let child: ChildProcess | undefined;
  let stopping = false;
  /** Children stopped by the watcher itself: their exit is no news. */
  const stoppedOnPurpose = new WeakSet<ChildProcess>();
  const start = () => {
    // Its own process group: Ctrl-C reaches the watcher, which stops the server once (SIGTERM) and gracefully.
    // The IPC channel lets the server notice when the watcher dies and stop too.
    const c = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    c.on("exit", (code, signal) => {
      if (child === c) child = undefined;
      if (!stopping && !stoppedOnPurpose.has(c))
        say(`the server exited (${signal ?? `code ${code}`}); fix the error, it restarts on the next change`);
    });
    child = c;
    return c;
  };
  const stopChild = (c: ChildProcess | undefined) =>
    new Promise<void>((resolve) => {
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      stoppedOnPurpose.add(c);
      const kill = setTimeout(() => c.kill("SIGKILL"), 25_000);
      c.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      c.kill("SIGTERM");
    });
  const waitHealthy = async (c: ChildProcess): Promise<boolean> => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && c.exitCode === null && c.signalCode === null) {
      try {
        if ((await fetch(`${base(config)}/health`, { signal: AbortSignal.timeout(1000) })).ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  const check = () =>
    new Promise<{ ok: boolean; output: string }>((resolve) => {
      const c = spawn(process.execPath, [...process.execArgv, script, ...args, "--check"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      c.stdout?.on("data", (d: Buffer) => {
        output += d.toString("utf8");
      });
      c.stderr?.on("data", (d: Buffer) => {
        output += d.toString("utf8");
      });
      c.on("close", (code) => resolve({ ok: code === 0, output: output.trim() }));
    });

  // --- watching ------------------------------------------------------------------------------------------
  const watchers = new Map<string, FSWatcher>();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watchedFiles = () => {
    const files = new Set(config.processes.modules);
    if (config.file !== undefined) files.add(config.file);
    return files;
  };
  const relevant = (dir: string, name: string) => {
    const path = join(dir, name);
    return watchedFiles().has(path) || SOURCE.has(extname(name).toLowerCase());
  };
  const rewatch = () => {
    const dirs = new Set([...watchedFiles()].map((f) => dirname(f)));
    for (const [d, w] of watchers)
      if (!dirs.has(d)) {
        w.close();
        watchers.delete(d);
      }
    for (const d of dirs) {
      if (watchers.has(d)) continue;
      try {
        const w = watch(d, (_event, name) => {
          if (name === null || !relevant(d, name)) return;
          changed.add(join(d, name));
          clearTimeout(timer);
          timer = setTimeout(() => void reload(), DEBOUNCE_MS);
        });
        w.on("error", (e) => say(`cannot watch ${d}: ${e.message}`));
        watchers.set(d, w);
      } catch (e) {
        say(`cannot watch ${d}: ${(e as Error).message}`);
      }
    }
  };

  // --- reloading -----------------------------------------------------------------------------------------
  let reloading = false;
  let pending = false;
  const reload = async (): Promise<void> => {
    if (stopping) return;
    if (reloading) {
      pending = true;
      return;
    }
    reloading = true;
    const names = [...changed].map((f) => relative(process.cwd(), f) || basename(f));
    changed = new Set();
    try {
      const result = await check();
      if (!result.ok) {
        say(
          `${names.join(", ")} changed, but the processes do not load; ${child ? "the running server is kept" : "no server is running"}:\n${result.output}`,
        );
        return;
      }
      // The configuration may name other modules now: watch their directories.
      try {
        config = await loadServeConfig(o);
      } catch {
        // changed again since --check loaded it: the next reload (already scheduled by the watcher) says why
      }
      rewatch();
      await stopChild(child);
      if (stopping) return;
      const c = start();
      if (await waitHealthy(c)) say(`${names.join(", ")} changed: server restarted (${result.output})`);
    } finally {
      reloading = false;
      if (pending && !stopping) {
        pending = false;
        void reload();
      }
    }
  };

  const shutdown = (signal: string) => {
    if (stopping) {
      say(`${signal} again: stopping the server now`);
      child?.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    void stopChild(child).then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  rewatch();
  const dirs = [...watchers.keys()].map((d) => relative(process.cwd(), d) || ".");
  say(
    `development mode: watching ${config.processes.modules.length} process module(s)${config.file !== undefined ? " and the configuration" : ""} in ${dirs.join(", ") || "no directory"}`,
  );
  const first = start();
  if (await waitHealthy(first)) say(`server ready at ${base(config)}/wps`);
}
