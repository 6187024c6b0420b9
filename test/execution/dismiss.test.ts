/**
 * Dismissing jobs through the service (`service.dismiss`), on SQLite and on PostgreSQL: a queued job never starts,
 * a running one ends `dismissed` within the kill grace whether or not it honours its abort signal (its worker is
 * reused or replaced), a finished job is withdrawn (dismissed, its results and files gone but `job.log`), and an unknown
 * id is NoSuchJob.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isRoostError } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  FIXTURE,
  getStatus,
  readIf,
  STORE_CASES,
  sleep,
  submit,
  tempDir,
  waitFor,
  waitStatus,
  workerPids,
} from "./helpers.js";

// Replacing workers (a Node start-up each) is slow on a loaded CI box.
vi.setConfig({ testTimeout: 60_000 });
const KILL_GRACE_S = 0.5;

describe.each(STORE_CASES.filter((s) => s.enabled))("dismiss on $name", (sc) => {
  let t: TestServer;
  let drop: () => Promise<void>;
  const scratch = tempDir("roost-dismiss-");

  beforeAll(async () => {
    const s = await sc.settings(`execution/dismiss:${sc.name}`);
    drop = s.drop;
    t = await startTestServer({
      ...s.settings,
      "jobs.workers": 1,
      "jobs.kill_grace": KILL_GRACE_S,
      "processes.modules": [FIXTURE.crashers, FIXTURE.counter, FIXTURE.observable],
    });
  });

  afterAll(async () => {
    await t?.close();
    await drop?.();
    scratch.remove();
  });

  const status = async (id: string) => (await t.server.service.job(id))?.status;

  it("a queued job never starts: dismissed at once, no attempt directory, never run later", async () => {
    const blocker = await submit(t.base, "sleep", { delay: 0.15 });
    await waitStatus(blocker.statusUrl, { until: (d) => d.kind === "started" });
    const file = join(scratch.dir, "queued.txt");
    const queued = await submit(t.base, "fx_count_runs", { file });
    expect(await status(queued.jobId)).toBe("accepted");

    const t0 = Date.now();
    const returned = await t.server.service.dismiss(queued.jobId);
    expect(returned.id).toBe(queued.jobId);
    await waitFor(
      async () => (await status(queued.jobId)) === "dismissed",
      "the queued job to be dismissed",
      1000,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
    const doc = await getStatus(queued.statusUrl);
    expect(doc.kind).toBe("failed");
    expect(doc.exception?.text).toBe("Job dismissed");

    // The blocker finishes normally; the dismissed job must not take the freed worker.
    expect((await waitStatus(blocker.statusUrl)).kind).toBe("succeeded");
    const after = await submit(t.base, "hello", { name: "next" });
    expect((await waitStatus(after.statusUrl)).kind).toBe("succeeded");
    await sleep(100);
    expect(await status(queued.jobId)).toBe("dismissed");
    expect(readIf(file)).toBeUndefined();
    expect(existsSync(join(t.dataDir, "jobs", queued.jobId, "a1"))).toBe(false);
    const row = await t.server.service.job(queued.jobId);
    expect(row).toMatchObject({ dismissRequested: true, startedAt: null });
  });

  it.each([
    ["sleep", "honours its abort signal", { delay: 10 }],
    ["fx_hang_busy", "ignores it (busy loop)", {}],
  ] as const)("a running %s that %s ends dismissed within the grace period", async (pid, _how, inputs) => {
    const before = workerPids();
    expect(before).toHaveLength(1);
    const j = await submit(t.base, pid, inputs);
    await waitStatus(j.statusUrl, { until: (d) => d.kind === "started" });
    const t0 = Date.now();
    await t.server.service.dismiss(j.jobId);
    await waitFor(
      async () => (await status(j.jobId)) === "dismissed",
      "dismissed",
      KILL_GRACE_S * 1000 + 2000,
    );
    expect(Date.now() - t0).toBeLessThan(KILL_GRACE_S * 1000 + 2000);
    const row = await t.server.service.job(j.jobId);
    expect(row).toMatchObject({ status: "dismissed", outputs: null, message: "Job dismissed" });
    // The pool has one worker again (the same one when the handler stopped, a new one when it had to be killed).
    await waitFor(() => workerPids().length === 1, "one worker");
    if (pid === "fx_hang_busy") expect(workerPids()).not.toEqual(before);
    const next = await submit(t.base, "hello", { name: "after" });
    expect((await waitStatus(next.statusUrl)).kind).toBe("succeeded");
    // Dismissing it again returns it unchanged.
    expect((await t.server.service.dismiss(j.jobId)).status).toBe("dismissed");
  });

  it("dismiss racing completion: each job ends either succeeded (with outputs) or dismissed (without)", async () => {
    const jobs = [];
    for (let i = 0; i < 16; i++)
      jobs.push(await submit(t.base, "fx_slow_output", { chunks: 2, chunk_size: 100, delay_ms: 40 }));
    // Each one is dismissed at a random moment: queued, running, or already finished.
    await Promise.all(
      jobs.map(async (j) => {
        await sleep(Math.random() * 800);
        await t.server.service.dismiss(j.jobId);
      }),
    );
    const ends = new Map<string, number>();
    for (const j of jobs) {
      await waitFor(async () => {
        const s = await status(j.jobId);
        return s === "succeeded" || s === "dismissed" || s === "failed";
      }, `job ${j.jobId} to end`);
      const row = (await t.server.service.job(j.jobId))!;
      ends.set(row.status, (ends.get(row.status) ?? 0) + 1);
      const published = existsSync(join(t.dataDir, "jobs", j.jobId, "outputs", "big.bin"));
      const res = await fetch(`${t.base}/outputs/${j.jobId}/big.bin`);
      await res.arrayBuffer();
      if (row.status === "succeeded") {
        expect(published).toBe(true);
        expect(res.status).toBe(200);
      } else {
        expect(row.status).toBe("dismissed");
        expect(row.outputs).toBeNull();
        expect(published).toBe(false);
        expect(res.status).toBe(404);
      }
    }
    expect([...ends.keys()].every((s) => s === "succeeded" || s === "dismissed")).toBe(true);
    // The race really happened: some jobs were dismissed.
    expect(ends.get("dismissed") ?? 0).toBeGreaterThan(0);
  });

  it("dismissing a finished job withdraws it: dismissed, outputs and files gone but job.log; again: as it is", async () => {
    const j = await submit(t.base, "hello", { name: "done" });
    expect((await waitStatus(j.statusUrl)).kind).toBe("succeeded");
    const before = (await t.server.service.job(j.jobId))!;
    expect(before.outputs).not.toBeNull();
    const dir = join(t.dataDir, "jobs", j.jobId);
    const returned = await t.server.service.dismiss(j.jobId);
    expect(returned).toMatchObject({
      status: "dismissed",
      outputs: null,
      error: null,
      createdAt: before.createdAt,
      startedAt: before.startedAt,
      finishedAt: before.finishedAt,
      message: "Job dismissed after it had succeeded; its results were removed",
    });
    expect(await t.server.service.job(j.jobId)).toEqual(returned);
    expect(readdirSync(dir)).toEqual(["job.log"]);
    expect(readFileSync(join(dir, "job.log"), "utf8")).toMatch(/"event":"withdrawn".*"was":"succeeded"/);
    // The WPS 1.0.0 status document no longer offers the result.
    const doc = await getStatus(j.statusUrl);
    expect(doc.kind).toBe("failed");
    expect(doc.outputs.output).toBeUndefined();
    // A second dismissal changes nothing.
    expect(await t.server.service.dismiss(j.jobId)).toEqual(returned);
  });

  it("dismissing a failed job withdraws it too (its exception goes with it)", async () => {
    const j = await submit(t.base, "fx_throw", {});
    expect((await waitStatus(j.statusUrl)).kind).toBe("failed");
    expect((await t.server.service.job(j.jobId))?.error).not.toBeNull();
    const returned = await t.server.service.dismiss(j.jobId);
    expect(returned).toMatchObject({ status: "dismissed", error: null, outputs: null });
    expect(returned.message).toBe("Job dismissed after it had failed; its results were removed");
  });

  it.each([randomUUID(), "not-a-job-id", ""])("an unknown id (%s) → RoostError NoSuchJob", async (id) => {
    const err = await t.server.service.dismiss(id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRoostError(err)).toBe(true);
    expect((err as { code: string }).code).toBe("NoSuchJob");
  });
});
