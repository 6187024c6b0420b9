/**
 * Limits from the configuration, observed from outside: the async queue bound (ServerBusy, 503, Retry-After,
 * nothing recorded), the synchronous execution deadline (prompt ProcessFailed, the worker freed), the request size
 * (413), the complex input size for inline data and for fetched references (FileSizeExceeded with the input as
 * locator), and the pool size as a bound on concurrently running handlers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { JobStore } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../packages/server/src/store/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  execute,
  executeXml,
  FIXTURE,
  getStatus,
  readIf,
  sleep,
  submit,
  tempDir,
  waitFor,
  waitStatus,
} from "./helpers.js";

const WORKERS = 2;
let t: TestServer;
let probe: JobStore;
let files: Server;
let filesBase: string;
const scratch = tempDir("roost-limits-");

beforeAll(async () => {
  t = await startTestServer({
    "jobs.workers": WORKERS,
    "jobs.max_queued": 2,
    "jobs.sync_timeout": 1,
    "jobs.kill_grace": 0.3,
    "server.max_request_size": "20kb",
    "jobs.max_input_size": "10kb",
    "inputs.allowed_hosts": ["127.0.0.1"],
    "processes.modules": [FIXTURE.observable, FIXTURE.counter],
  });
  const db = t.server.config.database;
  probe = await openStore({ url: db.url });
  // References point here: sizes around the 10 kB limit, with and without Content-Length.
  files = createServer((req, res) => {
    const size = { "/small.txt": 3000, "/big.txt": 50_000, "/big-chunked.txt": 50_000 }[req.url ?? ""];
    if (size === undefined) return res.writeHead(404).end();
    if (req.url === "/big-chunked.txt") {
      // No Content-Length: the cap must hold while streaming, not only on the announced size.
      res.writeHead(200, { "content-type": "text/plain" });
      for (let i = 0; i < 50; i++) res.write("x".repeat(size / 50));
      return res.end();
    }
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(size) });
    res.end("x".repeat(size));
  });
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterAll(async () => {
  files?.close();
  await probe?.close();
  await t?.close();
  scratch.remove();
});

/** Rows in the store and job directories on disk: what "nothing recorded" is checked against. */
async function recorded(): Promise<{ rows: number; dirs: number }> {
  const { readdirSync } = await import("node:fs");
  let dirs = 0;
  try {
    dirs = readdirSync(join(t.dataDir, "jobs")).length;
  } catch {
    dirs = 0;
  }
  // Async rows only: finished sync executions are recorded in batches shortly after they end, so their rows may
  // land at any moment and would blur the comparison.
  const rows = (await probe.list({ limit: 1000 })).filter((j) => j.mode === "async").length;
  return { rows, dirs };
}

async function drain(jobIds: readonly string[]): Promise<void> {
  for (const id of jobIds) await t.server.service.dismiss(id);
  for (const id of jobIds) await waitStatus(`${t.base}/outputs/${id}.xml`);
}

describe("limits", () => {
  it("jobs.max_queued: beyond it Execute answers 503 ServerBusy with Retry-After and records nothing", async () => {
    const running = await Promise.all([
      submit(t.base, "sleep", { delay: 2 }),
      submit(t.base, "sleep", { delay: 2 }),
    ]);
    await Promise.all(running.map((j) => waitStatus(j.statusUrl, { until: (d) => d.kind === "started" })));
    const queued = [await submit(t.base, "sleep", { delay: 0 }), await submit(t.base, "sleep", { delay: 0 })];
    for (const q of queued) expect((await getStatus(q.statusUrl)).kind).toBe("accepted");

    const before = await recorded();
    const refused = await Promise.all(
      Array.from({ length: 4 }, () => execute(t.base, "sleep", { delay: 0 })),
    );
    for (const r of refused) {
      expect(r.http).toBe(503);
      expect(r.kind).toBe("exception");
      expect(r.exception?.code).toBe("ServerBusy");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(await recorded()).toEqual(before);
    // Once the queue has drained, Execute is accepted again.
    await drain([...running, ...queued].map((j) => j.jobId));
    const again = await submit(t.base, "hello", { name: "again" });
    expect((await waitStatus(again.statusUrl)).kind).toBe("succeeded");
  });

  it("a burst of Executes: each is accepted or refused with 503 + Retry-After; the store holds exactly the accepted", async () => {
    const before = await recorded();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => execute(t.base, "sleep", { delay: 1 })),
    );
    const accepted = answers.filter((a) => a.http === 200);
    for (const a of answers) {
      if (a.http === 200) expect(a.kind).toBe("accepted");
      else {
        expect(a.http).toBe(503);
        expect(a.headers.get("retry-after")).not.toBeNull();
      }
    }
    // No job can finish during the burst (each takes 5 s), so 2 running + 2 queued is all there is room for.
    expect(accepted.length).toBe(WORKERS + 2);
    const after = await recorded();
    expect(after.rows - before.rows).toBe(accepted.length);
    expect(after.dirs - before.dirs).toBe(accepted.length);
    await drain(accepted.map((a) => /\/outputs\/([^/]+)\.xml$/.exec(a.statusLocation!)![1]!));
  });

  it("jobs.sync_timeout: a long sync request returns ProcessFailed promptly and frees its worker", async () => {
    const t0 = Date.now();
    const d = await execute(t.base, "sleep", { delay: 1 }, { async: false });
    const elapsed = Date.now() - t0;
    expect(d.http).toBe(200);
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/Synchronous execution exceeded the limit of 1 s/);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(3000);
    // Both workers are free again: two sync jobs run side by side (each handler sees the other one running).
    const dir = tempDir("roost-freed-");
    try {
      const pair = await Promise.all([
        execute(t.base, "fx_concurrency", { dir: dir.dir, ms: 400 }, { async: false }),
        execute(t.base, "fx_concurrency", { dir: dir.dir, ms: 400 }, { async: false }),
      ]);
      for (const p of pair) expect(p.kind).toBe("succeeded");
      expect(pair.map((p) => p.outputs.seen?.value)).toEqual(["2", "2"]);
    } finally {
      dir.remove();
    }
  });

  it("a sync client that disconnects: its job is dismissed and its worker freed", async () => {
    const ac = new AbortController();
    const file = join(scratch.dir, "abandoned.txt");
    const pending = fetch(`${t.base}/wps`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: executeXml("fx_count_runs", { file, delay: 10 }, { async: false }),
      signal: ac.signal,
    }).catch(() => "aborted");
    // The handler writes its job id first thing: then it is running (sync jobs are not in the store until they end).
    await waitFor(() => (readIf(file) ?? "") !== "", "the sync job to run");
    const jobId = readIf(file)!.trim();
    ac.abort();
    expect(await pending).toBe("aborted");
    await waitFor(
      async () => (await probe.get(jobId))?.status === "dismissed",
      "the abandoned job to end",
      3000,
    );
    const dir = tempDir("roost-abandoned-");
    try {
      const pair = await Promise.all([
        execute(t.base, "fx_concurrency", { dir: dir.dir, ms: 400 }, { async: false }),
        execute(t.base, "fx_concurrency", { dir: dir.dir, ms: 400 }, { async: false }),
      ]);
      expect(pair.map((p) => p.outputs.seen?.value)).toEqual(["2", "2"]);
    } finally {
      dir.remove();
    }
  });

  it("jobs.sync_timeout: a sync request that timed out while waiting for a worker never runs", async () => {
    const blockers = await Promise.all([
      submit(t.base, "sleep", { delay: 0.3 }),
      submit(t.base, "sleep", { delay: 0.3 }),
    ]);
    await Promise.all(blockers.map((j) => waitStatus(j.statusUrl, { until: (d) => d.kind === "started" })));
    const file = join(scratch.dir, "late-sync.txt");
    const d = await execute(t.base, "fx_count_runs", { file }, { async: false });
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/exceeded the limit of 1 s/);
    for (const b of blockers) expect((await waitStatus(b.statusUrl)).kind).toBe("succeeded");
    // Give a wrongly kept queue entry every chance to run.
    await sleep(500);
    expect(readIf(file)).toBeUndefined();
  });

  it("server.max_request_size: a larger body is refused with 413 and records nothing", async () => {
    const before = await recorded();
    const body = executeXml("fx_input_size", { data: { complex: "y".repeat(25_000) } });
    const res = await fetch(`${t.base}/wps`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('exceptionCode="FileSizeExceeded"');
    expect(await recorded()).toEqual(before);
  });

  it("jobs.max_input_size: inline complex data over the limit → FileSizeExceeded with the input as locator", async () => {
    const before = await recorded();
    const big = await execute(t.base, "fx_input_size", { data: { complex: "z".repeat(12_000) } });
    expect(big.http).toBe(413);
    expect(big.exception).toMatchObject({ code: "FileSizeExceeded", locator: "data" });
    expect(await recorded()).toEqual(before);
    const ok = await execute(
      t.base,
      "fx_input_size",
      { data: { complex: "z".repeat(5000) } },
      { async: false },
    );
    expect(ok.kind).toBe("succeeded");
    expect(ok.outputs.size?.value).toBe("5000");
  });

  it.each(["/big.txt", "/big-chunked.txt"])(
    "jobs.max_input_size: a fetched reference over the limit (%s) → FileSizeExceeded with the input as locator",
    async (path) => {
      const before = await recorded();
      const big = await execute(t.base, "fx_input_size", { data: { href: `${filesBase}${path}` } });
      expect(big.http).toBe(413);
      expect(big.exception).toMatchObject({ code: "FileSizeExceeded", locator: "data" });
      expect(await recorded()).toEqual(before);
    },
  );

  it("jobs.max_input_size: a fetched reference under the limit is delivered whole", async () => {
    const ok = await execute(
      t.base,
      "fx_input_size",
      { data: { href: `${filesBase}/small.txt` } },
      { async: false },
    );
    expect(ok.kind).toBe("succeeded");
    expect(ok.outputs.size?.value).toBe("3000");
  });

  it("jobs.workers bounds concurrency: never more handlers at once than workers", async () => {
    const dir = tempDir("roost-concurrency-");
    try {
      const t0 = Date.now();
      // 2 run + 2 queue (max_queued is 2): all four are accepted.
      const jobs = [];
      for (let i = 0; i < 4; i++)
        jobs.push(await submit(t.base, "fx_concurrency", { dir: dir.dir, ms: 300 }));
      let mostStarted = 0;
      for (;;) {
        const docs = await Promise.all(jobs.map((j) => getStatus(j.statusUrl)));
        mostStarted = Math.max(mostStarted, docs.filter((d) => d.kind === "started").length);
        if (docs.every((d) => d.kind === "succeeded" || d.kind === "failed")) {
          for (const d of docs) expect(d.kind).toBe("succeeded");
          // Seen from inside the handlers: at most (and, with enough jobs, exactly) `workers` at once.
          const seen = docs.map((d) => Number(d.outputs.seen?.value));
          expect(Math.max(...seen)).toBe(WORKERS);
          break;
        }
        await sleep(15);
      }
      expect(mostStarted).toBeLessThanOrEqual(WORKERS);
      // Four 300 ms jobs on two workers take two rounds.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    } finally {
      dir.remove();
    }
  });
});
