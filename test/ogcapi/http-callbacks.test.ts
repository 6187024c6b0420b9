/**
 * Callbacks (class callback) against a local HTTP receiver (loopback is allowed in this server's
 * `inputs.allowed_hosts`, as an operator would allow a known internal receiver): `successUri` gets the results
 * document, `inProgressUri` statusInfo documents while the job runs (before the success), `failedUri` the statusInfo
 * with the exception; a receiver answering 500 is retried with back-off until it accepts; a receiver that never
 * answers holds up nothing; a subscriber the policy forbids is refused with a 400 naming it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { execute, expectProblem, OGC_FIXTURE, type StatusInfo, until, waitJob } from "./http-helpers.js";

interface Received {
  readonly path: string;
  readonly type: string;
  readonly body: unknown;
  readonly at: number;
}

let t: TestServer;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** Requests to answer 500 before accepting, by path. */
const failures = new Map<string, number>();
/** Paths whose requests are never answered. */
const hanging = new Set<string>();
const held: IncomingMessage[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({
        path,
        type: req.headers["content-type"] ?? "",
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        at: Date.now(),
      });
      if (hanging.has(path)) {
        held.push(req);
        return;
      }
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        res.statusCode = 500;
        res.end("not now");
        return;
      }
      res.end("thanks");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await startTestServer({
    "inputs.allowed_hosts": ["127.0.0.1"],
    "processes.modules": [OGC_FIXTURE],
  });
});

afterAll(async () => {
  await t?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

const at = (path: string) => received.filter((r) => r.path === path);

describe("callbacks", { timeout: 60_000 }, () => {
  it("successUri receives the results document once the job succeeded", async () => {
    const a = await execute(
      t.base,
      "hello",
      { inputs: { name: "Callback" }, subscriber: { successUri: `${base}/ok` } },
      { prefer: "respond-async" },
    );
    expect(a.status, a.text).toBe(201);
    await until(() => at("/ok").length === 1, "the success callback");
    const [r] = at("/ok");
    expect(r!.type).toMatch(/^application\/json/);
    expectValidOgc("results", r!.body);
    expect(r!.body).toEqual({ output: "Hello Callback" });
    expect((await waitJob(t.base, (a.json as StatusInfo).jobID)).status).toBe("successful");
  });

  it("inProgressUri receives statusInfo documents while the job runs, before the success", async () => {
    const a = await execute(
      t.base,
      "sleep",
      {
        inputs: { delay: 0.6 },
        subscriber: { inProgressUri: `${base}/progress`, successUri: `${base}/progress-done` },
      },
      { prefer: "respond-async" },
    );
    const id = (a.json as StatusInfo).jobID;
    await until(() => at("/progress-done").length === 1, "the success callback", 20_000);
    const progress = at("/progress");
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const p of progress) {
      expectValidOgc("statusInfo", p.body);
      expect(p.body).toMatchObject({ jobID: id, status: "running" });
    }
    // Throttled: never two within a second.
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(1500);
    expect(Math.max(...progress.map((p) => p.at))).toBeLessThanOrEqual(at("/progress-done")[0]!.at);
  });

  it("failedUri receives the statusInfo with the job's exception", async () => {
    const a = await execute(
      t.base,
      "fx_fail_later",
      {
        inputs: { steps: 2, step_ms: 50 },
        subscriber: { failedUri: `${base}/failed`, successUri: `${base}/never` },
      },
      { prefer: "respond-async" },
    );
    const id = (a.json as StatusInfo).jobID;
    await until(() => at("/failed").length === 1, "the failure callback");
    const body = at("/failed")[0]!.body as Record<string, unknown>;
    const { exception, ...info } = body;
    expectValidOgc("statusInfo", info);
    expectValidOgc("exception", exception);
    expect(info).toMatchObject({ jobID: id, status: "failed" });
    expect(exception).toMatchObject({ status: 500, detail: expect.stringContaining("failed on purpose") });
    expect(at("/never")).toHaveLength(0);
  });

  it("a receiver answering 500 is retried with back-off until it accepts", async () => {
    failures.set("/flaky", 2);
    await execute(
      t.base,
      "hello",
      { inputs: { name: "again" }, subscriber: { successUri: `${base}/flaky` } },
      { prefer: "respond-async" },
    );
    await until(() => at("/flaky").length === 3, "three tries", 20_000);
    const tries = at("/flaky");
    expect(tries.map((r) => r.body)).toEqual(Array(3).fill({ output: "Hello again" }));
    // Back-off: the second wait is longer than the first.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(300);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThan(tries[1]!.at - tries[0]!.at);
    expect(failures.get("/flaky")).toBe(0);
  });

  it("a receiver that never answers holds up neither the job nor other requests", async () => {
    hanging.add("/hang");
    const a = await execute(
      t.base,
      "hello",
      { inputs: { name: "h" }, subscriber: { successUri: `${base}/hang` } },
      { prefer: "respond-async" },
    );
    const s = await waitJob(t.base, (a.json as StatusInfo).jobID);
    expect(s.status).toBe("successful");
    await until(() => at("/hang").length === 1, "the hanging callback");
    // The server still answers at once.
    const t0 = Date.now();
    expect((await execute(t.base, "hello", { inputs: { name: "next" } })).text).toBe("Hello next");
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("a subscriber the policy forbids (link-local, even with loopback allowed) → 400 naming it", async () => {
    expectProblem(
      await execute(t.base, "hello", {
        inputs: { name: "x" },
        subscriber: { successUri: "http://169.254.169.254/latest/meta-data/" },
      }),
      { status: 400, type: "invalid-parameter", locator: "subscriber.successUri" },
    );
    expectProblem(
      await execute(t.base, "hello", {
        inputs: { name: "x" },
        subscriber: { inProgressUri: `${base}/ok`, failedUri: "http://10.0.0.1/x" },
      }),
      { status: 400, locator: "subscriber.failedUri" },
    );
  });
});
