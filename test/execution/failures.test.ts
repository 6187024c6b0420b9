/**
 * Failure isolation of the local worker pool: a handler that throws, kills its worker, exits, or hangs past its
 * time limit ends its own job `failed` with a reason, the server keeps answering, and the pool replaces the worker
 * (back to `jobs.workers` processes, later jobs run).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SECRET_ERROR_TEXT } from "../fixtures/processes/crashers.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { execute, FIXTURE, readIf, submit, waitFor, waitStatus, workerPids } from "./helpers.js";

// Replacing workers (a Node start-up each) is slow on a loaded CI box.
vi.setConfig({ testTimeout: 60_000 });
const WORKERS = 2;
const KILL_GRACE_S = 0.3;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    "jobs.workers": WORKERS,
    "jobs.kill_grace": KILL_GRACE_S,
    // The server-wide limit for processes without their own (the fixtures' hangs declare 1 s).
    "jobs.time_limit": 2,
    "processes.modules": [FIXTURE.crashers, FIXTURE.observable],
  });
});

afterAll(async () => {
  await t?.close();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pool is whole again and serves: N workers, GetCapabilities answers, a new job succeeds. */
async function expectPoolHealthy(): Promise<void> {
  await waitFor(() => workerPids().length === WORKERS, `${WORKERS} worker processes`);
  const caps = await fetch(`${t.base}/wps?service=WPS&request=GetCapabilities`);
  expect(caps.status).toBe(200);
  const after = await Promise.all(
    Array.from({ length: WORKERS + 1 }, (_, i) => submit(t.base, "hello", { name: `after-${i}` })),
  );
  for (const j of after)
    expect((await waitStatus(j.statusUrl)).outputs.output?.value).toMatch(/^Hello after-/);
}

describe("a misbehaving process fails only its own job", () => {
  it.each([
    ["fx_kill_self", /worker process running the job died \(signal SIGKILL\)/],
    ["fx_exit", /worker process running the job died \(exit code 3\)/],
  ])("%s: failed with the cause, the worker is replaced", async (pid, reason) => {
    const before = workerPids();
    expect(before).toHaveLength(WORKERS);
    const j = await submit(t.base, pid);
    const d = await waitStatus(j.statusUrl);
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(reason);
    // Exactly one of the previous workers is gone (the one that ran the job).
    await waitFor(() => before.filter(alive).length === WORKERS - 1, "the crashed worker to be reaped");
    await expectPoolHealthy();
    const row = await t.server.service.job(j.jobId);
    expect(row).toMatchObject({ status: "failed", error: { code: "ProcessFailed" } });
  });

  it("a plain Error: the client sees only the generic text, worker.log has the message and stack", async () => {
    const j = await submit(t.base, "fx_throw");
    const d = await waitStatus(j.statusUrl);
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toBe("Process failed, please check server error log");
    expect(d.raw).not.toContain("s3cret");
    expect(d.raw).not.toContain("fixture-internal-detail");
    const log = readIf(join(t.dataDir, "jobs", j.jobId, "a1", "worker.log")) ?? "";
    expect(log).toContain(SECRET_ERROR_TEXT);
    // The stack names the handler's module.
    expect(log).toMatch(/crashers\.ts/);
    // A thrown error does not cost the worker.
    expect(workerPids()).toHaveLength(WORKERS);
    await expectPoolHealthy();
  });

  it.each([
    ["fx_hang_busy", "a busy loop"],
    ["fx_hang_idle", "a never-resolving promise"],
  ])("%s (%s ignoring the abort signal) is killed after its time limit + kill grace", async (pid) => {
    const before = workerPids();
    const t0 = Date.now();
    const j = await submit(t.base, pid);
    const d = await waitStatus(j.statusUrl, { timeoutMs: 10_000, intervalMs: 20 });
    const elapsed = Date.now() - t0;
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/time limit of 1 s/);
    // jobControl.timeLimit is 1 s; the pool's backstop adds 250 ms, then kill_grace before SIGKILL.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1000 + 250 + KILL_GRACE_S * 1000 + 2500);
    // The hung worker really is gone (killed, not left spinning next to its replacement).
    await waitFor(() => before.filter(alive).length === WORKERS - 1, "the hung worker to be killed");
    await expectPoolHealthy();
  });

  it("a worker killed from outside (kill -9) mid-job: the job fails naming the signal, the pool recovers", async () => {
    const j = await submit(t.base, "sleep", { delay: 5 });
    await waitStatus(j.statusUrl, { until: (d) => d.kind === "started" });
    // Which worker runs it does not matter: kill every worker, as an OOM killer sweeping the host might.
    for (const pid of workerPids()) process.kill(pid, "SIGKILL");
    const d = await waitStatus(j.statusUrl, { timeoutMs: 5000 });
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/died \(signal SIGKILL\)/);
    await expectPoolHealthy();
  });

  it("jobs.time_limit: a process honouring its abort signal fails at the limit and keeps its worker", async () => {
    const before = workerPids();
    const t0 = Date.now();
    const j = await submit(t.base, "sleep", { delay: 2 });
    const d = await waitStatus(j.statusUrl, { timeoutMs: 8000 });
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/time limit of 2 s/);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2000 + 1500);
    // Stopped through its signal, so nothing had to be killed.
    expect(workerPids().sort()).toEqual(before.sort());
  });

  it("several crashes at once: every job fails, the pool comes back to full size", async () => {
    const jobs = await Promise.all([
      submit(t.base, "fx_kill_self"),
      submit(t.base, "fx_exit"),
      submit(t.base, "fx_kill_self"),
      submit(t.base, "fx_throw"),
      submit(t.base, "fx_exit"),
    ]);
    for (const j of jobs) expect((await waitStatus(j.statusUrl)).kind).toBe("failed");
    await expectPoolHealthy();
  });

  it("a synchronous request whose worker dies gets ProcessFailed promptly", async () => {
    const t0 = Date.now();
    const d = await execute(t.base, "fx_kill_self", {}, { async: false });
    expect(d.http).toBe(200);
    expect(d.kind).toBe("failed");
    expect(d.exception?.text).toMatch(/died \(signal SIGKILL\)/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await expectPoolHealthy();
  });

  it("never leaves the server's own process harmed: it still serves and its pid is unchanged", async () => {
    expect(alive(process.pid)).toBe(true);
    const health = await fetch(`${t.base}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    // The lifecycle log of a crashed job records why it failed.
    const j = await submit(t.base, "fx_exit");
    await waitStatus(j.statusUrl);
    await waitFor(
      () => (readIf(join(t.dataDir, "jobs", j.jobId, "job.log")) ?? "").includes('"failed"'),
      "the failed line in job.log",
    );
    const failed = readFileSync(join(t.dataDir, "jobs", j.jobId, "job.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; kind?: string; message?: string })
      .find((e) => e.event === "failed");
    expect(failed).toMatchObject({ kind: "crashed", message: expect.stringMatching(/exit code 3/) });
  });
});
