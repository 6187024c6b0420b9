/**
 * Test helpers for the fetch module: real HTTP servers on 127.0.0.1 with random ports (themselves non-public, so
 * each test has to allow-list them), a policy with short limits, and a way to catch the RoostError a call throws.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Server as NetServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRoostError, type RoostError } from "@roost/core/internal";
import type { ReferencePolicy } from "../../src/fetch/index.js";

/** Short limits so failure tests end quickly; 127.0.0.1 allowed unless a test overrides it. */
export function policy(over: Partial<ReferencePolicy> = {}): ReferencePolicy {
  return {
    allowedHosts: ["127.0.0.1"],
    allowedPaths: [],
    connectTimeoutMs: 2000,
    totalTimeoutMs: 5000,
    maxBytes: 1024 * 1024,
    maxRedirects: 5,
    ...over,
  };
}

/** A request as the test server saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly rawHeaders: string[];
  readonly body: string;
}

/** A running test server: its base URL, the requests it received, and a close that also drops open connections. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const open: (Server | NetServer)[] = [];
const sockets = new Set<Socket>();

function track(server: Server | NetServer): void {
  open.push(server);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
}

/** Close every server and socket the helpers opened (for `afterEach`), so a hanging handler cannot leak. */
export async function closeAll(): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(open.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
}

/** Start an HTTP server on 127.0.0.1:0 whose handler sees the full request body. */
export async function httpServer(
  handler: (req: IncomingMessage & { body: string }, res: ServerResponse) => void,
): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      handler(Object.assign(req, { body }), res);
    });
  });
  return listen(server, seen);
}

/** Listen on an ephemeral port of 127.0.0.1 and describe the server. */
export async function listen(server: Server | NetServer, seen: Seen[] = []): Promise<TestServer> {
  track(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The RoostError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function failure(p: Promise<unknown>): Promise<RoostError> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    if (isRoostError(e)) return e;
    throw new Error(`expected a RoostError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected a RoostError, but it succeeded with ${JSON.stringify(result)}`);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
