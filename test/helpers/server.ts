/**
 * Start a real Roost server for a test: a temporary data directory, SQLite (or a given database URL), the local
 * worker pool, listening on a random loopback port. `close()` stops it and removes the directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { type RunningServer, startServer } from "../../packages/server/src/main.js";

/** A server under test. */
export interface TestServer {
  readonly server: RunningServer;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly base: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Start a server; `settings` are dotted config keys (`jobs.workers`) applied as flags, `opts.start` options of
 * `startServer` (e.g. an HTML renderer). The web UI is off unless `opts.start.webUi` is true: the suites of the
 * protocols test the API as it is without one (JSON only), the UI suites turn it on.
 */
export async function startTestServer(
  settings: Record<string, unknown> = {},
  opts: { configFile?: string; start?: Omit<NonNullable<Parameters<typeof startServer>[1]>, "logger"> } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "roost-test-"));
  // Port 0 binds a free port; the public URL must then be fixed after listening, so pick a port first.
  const port = await freePort();
  const config = loadConfig({
    ...(opts.configFile !== undefined ? { file: opts.configFile } : {}),
    env: {},
    flags: {
      "server.port": port,
      "server.data_dir": dataDir,
      "server.log_level": "silent",
      "jobs.workers": 2,
      ...settings,
    },
  });
  const server = await startServer(config, {
    webUi: false,
    ...opts.start,
    logger: pino({ level: process.env.ROOST_TEST_LOG ?? "silent" }),
  });
  return {
    server,
    base: config.server.public_url,
    dataDir,
    async close() {
      await server.close(0);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}
