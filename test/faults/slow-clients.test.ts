/**
 * Issue 13, item 4 (L8): slow clients are cut at the configured timeouts. A slowloris that sends its headers one
 * byte at a time, and a client that never finishes its body, must lose their connection within
 * `server.request_timeout` (3 s here) plus a small slack, while other clients are served; the default timeout is at
 * most 60 s.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { tempDir } from "../execution/helpers.js";
import { sqliteStore } from "./case-stores.js";
import { FaultServer, requireBuild } from "./fault-server.js";
import { probe } from "./probes.js";

vi.setConfig({ testTimeout: 60_000 });

/** The configured request timeout of the server under test, seconds. */
const TIMEOUT_S = 3;
/** Slack on top of it: the cut may come at the next check of the server's timers, not to the millisecond. */
const SLACK_MS = 2000;
/** How long the test watches a slow connection before calling it not cut. */
const WATCH_MS = TIMEOUT_S * 1000 + SLACK_MS + 3000;

/** What happened to a slow connection. */
interface Cut {
  /** Milliseconds from connecting until the server closed the connection, or undefined if it never did. */
  readonly closedAfterMs: number | undefined;
  /** What the server sent, if anything (e.g. a 408). */
  readonly received: string;
}

/**
 * Connect to `port`, send `head`, then `drip()` one piece every `everyMs` until the server closes the connection or
 * {@link WATCH_MS} passes.
 */
function slowClient(port: number, head: string, drip: () => string, everyMs: number): Promise<Cut> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let received = "";
    let timer: NodeJS.Timeout | undefined;
    const s: Socket = connect({ host: "127.0.0.1", port }, () => {
      s.write(head);
      timer = setInterval(() => {
        if (!s.destroyed && s.writable) s.write(drip());
      }, everyMs);
    });
    s.on("data", (c: Buffer) => (received += c.toString("latin1")));
    s.on("error", () => {});
    const done = (closedAfterMs: number | undefined) => {
      clearInterval(timer);
      clearTimeout(watch);
      s.destroy();
      resolve({ closedAfterMs, received });
    };
    s.once("close", () => done(performance.now() - t0));
    const watch = setTimeout(() => done(undefined), WATCH_MS);
  });
}

describe("slow clients", () => {
  it("the default server.request_timeout is at most 60 s", () => {
    const config = loadConfig({ env: {}, flags: {} });
    expect(config.server.request_timeout).toBeLessThanOrEqual(60);
  });

  describe(`with server.request_timeout = ${TIMEOUT_S}`, () => {
    const tmp = tempDir("roost-faults-slow-");
    let server: FaultServer;
    beforeAll(async () => {
      requireBuild();
      server = await FaultServer.start({
        dataDir: `${tmp.dir}/data`,
        store: sqliteStore(`${tmp.dir}/data`),
        server: [`request_timeout = ${TIMEOUT_S}`],
      });
    });
    afterAll(async () => {
      await server?.stop();
      tmp.remove();
    });
    const port = () => Number(new URL(server.base).port);
    const bound = TIMEOUT_S * 1000 + SLACK_MS;

    it("headers sent one byte at a time (slowloris) are cut within the timeout; others are served meanwhile", async () => {
      const slow = slowClient(
        port(),
        "GET /wps?service=WPS&request=GetCapabilities HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        () => "a",
        300,
      );
      const caps = await probe(`${server.base}/wps?service=WPS&request=GetCapabilities`);
      expect(caps.http).toBe(200);
      const cut = await slow;
      expect(
        cut.closedAfterMs,
        `connection still open after ${WATCH_MS} ms (received: ${JSON.stringify(cut.received.slice(0, 80))})`,
      ).toBeDefined();
      expect(cut.closedAfterMs!, "cut after").toBeLessThanOrEqual(bound);
      expect(cut.closedAfterMs!, "not before the timeout").toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
    });

    it("a body that never finishes is cut within the timeout", async () => {
      const cut = await slowClient(
        port(),
        "POST /wps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<wps:Execute",
        () => " ",
        300,
      );
      expect(
        cut.closedAfterMs,
        `connection still open after ${WATCH_MS} ms (received: ${JSON.stringify(cut.received.slice(0, 80))})`,
      ).toBeDefined();
      expect(cut.closedAfterMs!, "cut after").toBeLessThanOrEqual(bound);
      expect(cut.closedAfterMs!, "not before the timeout").toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      // If the server says anything before closing, it is a complete HTTP error answer, never a 2xx or a 500.
      if (cut.received !== "") expect(cut.received).toMatch(/^HTTP\/1\.1 4\d\d /);
    });
  });
});
