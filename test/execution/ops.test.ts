/**
 * Operations endpoints of a real server (issue 11 §5): `/health` (alive), `/ready` (store, data directory, backends:
 * 503 with the failing check when one fails), and Prometheus `/metrics` whose counters follow what the server did —
 * requests by protocol, route and status, finished jobs by process/backend/status, the local pool, store latency.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { execute, submit, waitStatus } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 1 });
});
afterAll(async () => {
  await t.close();
});

/** The value of a sample line `name{labels} value`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf("}"));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

async function metrics(): Promise<string> {
  const r = await fetch(`${t.base}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return r.text();
}

describe("health and readiness", () => {
  it("/health answers while the process lives; /ready lists its checks", async () => {
    expect(await (await fetch(`${t.base}/health`)).json()).toEqual({ status: "ok" });
    const r = await fetch(`${t.base}/ready`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ready", checks: { store: "ok", data_dir: "ok", local: "ok" } });
  });

  it("a data directory that cannot take a file makes the server not ready (503), and ready again once fixed", async () => {
    // The probe file's name taken by a directory: the write fails for any user, root included.
    const probe = join(t.dataDir, `.ready.${process.pid}`);
    mkdirSync(probe);
    try {
      const r = await fetch(`${t.base}/ready`);
      expect(r.status).toBe(503);
      const body = (await r.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe("not ready");
      expect(body.checks.data_dir).toMatch(/not writable/);
      expect(body.checks.store).toBe("ok");
    } finally {
      rmSync(probe, { recursive: true });
    }
    expect((await fetch(`${t.base}/ready`)).status).toBe(200);
  });
});

describe("Prometheus metrics", () => {
  it("count requests by protocol, route and status, and finished jobs by process, backend and status", async () => {
    const before = await metrics();
    const caps =
      sample(before, "roost_http_requests_total", {
        protocol: "wps",
        route: "/wps",
        method: "GET",
        status: "200",
      }) ?? 0;
    for (let i = 0; i < 3; i++) await fetch(`${t.base}/wps?service=WPS&request=GetCapabilities`);
    const sync = await execute(t.base, "hello", { name: "Birdy" }, { async: false });
    expect(sync.kind).toBe("succeeded");
    const job = await submit(t.base, "sleep", { delay: 0.05 });
    expect((await waitStatus(job.statusUrl)).kind).toBe("succeeded");
    await fetch(`${t.base}/jobs/00000000-0000-4000-8000-000000000000`);

    const after = await metrics();
    expect(
      sample(after, "roost_http_requests_total", {
        protocol: "wps",
        route: "/wps",
        method: "GET",
        status: "200",
      }),
    ).toBe(caps + 3);
    expect(
      sample(after, "roost_jobs_finished_total", { process: "hello", backend: "local", status: "succeeded" }),
    ).toBe(1);
    expect(
      sample(after, "roost_jobs_finished_total", { process: "sleep", backend: "local", status: "succeeded" }),
    ).toBe(1);
    expect(sample(after, "roost_job_run_seconds_count", { process: "sleep", backend: "local" })).toBe(1);
    // Route patterns, never raw URLs: a job id never becomes a label value.
    expect(after).not.toMatch(/route="[^"]*0000-4000/);
    expect(sample(after, "roost_local_workers", {})).toBeUndefined(); // a plain gauge has no braces
    expect(after).toMatch(/^roost_local_workers 1$/m);
    expect(after).toMatch(/^roost_local_workers_busy \d+$/m);
    expect(sample(after, "roost_local_queue_depth", { priority: "async" })).toBe(0);
    expect(
      sample(after, "roost_store_duration_seconds_count", { operation: "insert" }),
    ).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^roost_process_cpu_user_seconds_total /m);
  });

  it("show active jobs by status, process and backend", async () => {
    const job = await submit(t.base, "sleep", { delay: 1 });
    const m = await metrics();
    expect(
      (sample(m, "roost_jobs_active", { status: "running", process: "sleep", backend: "local" }) ?? 0) +
        (sample(m, "roost_jobs_active", { status: "accepted", process: "sleep", backend: "local" }) ?? 0),
    ).toBe(1);
    await waitStatus(job.statusUrl);
    expect(
      sample(await metrics(), "roost_jobs_active", { status: "running", process: "sleep", backend: "local" }),
    ).toBeUndefined();
  });
});

describe("free-space floor (jobs.min_free_space)", () => {
  it("below the floor new async jobs get 503 ServerBusy with Retry-After and a clear message; disk-free sync jobs still run", async () => {
    // A floor larger than any disk: the data directory is always "below" it.
    const s = await startTestServer({ "jobs.min_free_space": "1000000gb" });
    try {
      const refused = await execute(s.base, "sleep", { delay: 0 }, { async: true });
      expect(refused.http).toBe(503);
      expect(refused.exception?.code).toBe("ServerBusy");
      expect(refused.exception?.text).toMatch(
        /No space left on the data directory .*MiB free, the server keeps \d+ MiB/,
      );
      const res = await fetch(`${s.base}/wps`, {
        method: "POST",
        body: '<wps:Execute xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0"><ows:Identifier>sleep</ows:Identifier><wps:ResponseForm><wps:ResponseDocument storeExecuteResponse="true"/></wps:ResponseForm></wps:Execute>',
      });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      // Nothing half-accepted: no job directory was created.
      const { readdirSync, existsSync } = await import("node:fs");
      const jobs = join(s.dataDir, "jobs");
      expect(existsSync(jobs) ? readdirSync(jobs) : []).toEqual([]);
      expect((await execute(s.base, "hello", { name: "x" }, { async: false })).kind).toBe("succeeded");
    } finally {
      await s.close();
    }
  });
});
