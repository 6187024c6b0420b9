/**
 * One job model across the front ends, and Dismiss on the local backend. A WPS 2.0.0 job is visible at
 * `GET /jobs/<id>` and as a WPS 1.0.0 status document; a WPS 1.0.0 job is read by WPS 2.0.0 GetStatus and GetResult;
 * `DELETE /jobs/<id>` is seen by GetStatus. Dismiss stops the worker for real — a sleeping job at once (abort), a
 * busy loop after the kill grace (kill) — frees it for the next job, removes the outputs written so far, and keeps
 * a queued job from ever starting.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE as EXEC_FIXTURE, workerPids } from "../execution/helpers.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import { kvpExecute, pollStatus as pollWps1 } from "../wps1/helpers.js";
import {
  accepted,
  execute,
  expectException2,
  expectResult,
  expectStatusInfo,
  get,
  jobRequest,
  literalOf,
  pollStatus,
  waitFor,
} from "./helpers.js";

// Replacing a killed worker (a Node start-up) is slow on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });
const KILL_GRACE_S = 0.5;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    "jobs.workers": 1,
    "jobs.kill_grace": KILL_GRACE_S,
    "processes.modules": [EXEC_FIXTURE.crashers, EXEC_FIXTURE.observable],
  });
});

afterAll(async () => {
  await t?.close();
});

const jobDir = (id: string) => join(t.dataDir, "jobs", id);

/** GET /jobs/<id> (the job resource's statusInfo JSON). */
async function jobResource(id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await get(`${t.base}/jobs/${id}`);
  return { status: r.status, body: r.status === 200 ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

describe("one job model", () => {
  it("a WPS 2.0.0 job is at GET /jobs/<id> and has a WPS 1.0.0 status document, running and done", async () => {
    const id = await accepted(await execute(t.base, "sleep", { delay: "0.2" }, { mode: "async" }));
    await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
    const running = await jobResource(id);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ jobID: id, processID: "sleep", status: "running" });
    await pollStatus(t.base, id);
    expect((await jobResource(id)).body).toMatchObject({ jobID: id, status: "successful" });
    const doc = await get(`${t.base}/outputs/${id}.xml`);
    expect(doc.status).toBe(200);
    await expectValid(doc.body, "wps1");
    expect(wps1.decodeExecuteResponse(doc.body).status.kind).toBe("succeeded");
  });

  it("a WPS 1.0.0 async job is read by WPS 2.0.0 GetStatus (KVP and XML) and GetResult", async () => {
    const res = await kvpExecute(t.base, "sleep", {
      DataInputs: "delay=0.2",
      storeExecuteResponse: "true",
      status: "true",
    });
    expect(res.status).toBe(200);
    const id = /statusLocation="[^"]*\/([0-9a-f-]{36})\.xml"/.exec(res.body)?.[1];
    expect(id).toBeDefined();
    const seen = await pollStatus(t.base, id!, { binding: "xml" });
    expect(seen.some((s) => s.kind === "running")).toBe(true);
    expect(seen.at(-1)?.kind).toBe("succeeded");
    expect(literalOf(await expectResult(await jobRequest(t.base, "GetResult", id!)), "sleep_output")).toBe(
      "done sleeping",
    );
    // And the WPS 1.0.0 status document agrees.
    expect((await pollWps1(`${t.base}/outputs/${id}.xml`)).at(-1)?.doc.status.kind).toBe("succeeded");
  });

  it("DELETE /jobs/<id> dismisses a WPS 2.0.0 job: GetStatus Dismissed, GetResult NoSuchJob", async () => {
    const id = await accepted(await execute(t.base, "sleep", { delay: "30" }, { mode: "async" }));
    await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
    const del = await fetch(`${t.base}/jobs/${id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(((await del.json()) as { status: string }).status).toBe("dismissed");
    expect((await expectStatusInfo(await jobRequest(t.base, "GetStatus", id))).kind).toBe("dismissed");
    await expectException2(await jobRequest(t.base, "GetResult", id), {
      status: 400,
      code: "NoSuchJob",
      locator: id,
      text: "dismissed",
    });
  });
});

describe("Dismiss on the local backend", () => {
  it.each([
    ["sleep", "stops at its abort signal", { delay: "60" }],
    ["fx_hang_busy", "ignores it and is killed after the grace", {}],
  ] as const)("a running %s that %s: Dismissed, the worker freed", async (pid, _how, inputs) => {
    await waitFor(() => workerPids().length === 1, "one worker");
    const before = workerPids();
    const id = await accepted(await execute(t.base, pid, inputs, { mode: "async" }));
    await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
    const t0 = Date.now();
    const s = await expectStatusInfo(await jobRequest(t.base, "Dismiss", id));
    expect(s).toMatchObject({ jobId: id, kind: "dismissed" });
    expect(Date.now() - t0).toBeLessThan(KILL_GRACE_S * 1000 + 2500);
    expect((await expectStatusInfo(await jobRequest(t.base, "GetStatus", id, "xml"))).kind).toBe("dismissed");
    expect((await jobResource(id)).body.status).toBe("dismissed");
    // The one worker runs the next job at once: the dismissed one really stopped (the busy one in a new worker).
    await waitFor(() => workerPids().length === 1, "one worker");
    if (pid === "fx_hang_busy") expect(workerPids()).not.toEqual(before);
    const next = await accepted(await execute(t.base, "hello", { name: "next" }, { mode: "async" }));
    const t1 = Date.now();
    expect((await pollStatus(t.base, next)).at(-1)?.kind).toBe("succeeded");
    expect(Date.now() - t1).toBeLessThan(10_000);
  });

  it("the outputs written before the dismissal are removed; nothing is published", async () => {
    const id = await accepted(
      await execute(
        t.base,
        "fx_slow_output",
        { chunks: "200", chunk_size: "1024", delay_ms: "50" },
        { mode: "async" },
      ),
    );
    const out = join(jobDir(id), "a1", "out");
    await waitFor(() => existsSync(join(out, "big.bin")), "the partial output file");
    const s = await expectStatusInfo(await jobRequest(t.base, "Dismiss", id, "xml"));
    expect(s.kind).toBe("dismissed");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(jobDir(id), "outputs"))).toBe(false);
    expect((await get(`${t.base}/outputs/${id}/big.bin`)).status).toBe(404);
    // The job's own logs stay for the operator.
    expect(readdirSync(jobDir(id))).toContain("a1");
  });

  it("a queued job dismissed (XML) never starts", async () => {
    const blocker = await accepted(await execute(t.base, "sleep", { delay: "0.3" }, { mode: "async" }));
    await pollStatus(t.base, blocker, { until: (s) => s.kind === "running" });
    const queued = await accepted(
      await execute(t.base, "fx_slow_output", { chunks: "1" }, { mode: "async" }),
    );
    expect((await expectStatusInfo(await jobRequest(t.base, "GetStatus", queued))).kind).toBe("accepted");
    expect((await expectStatusInfo(await jobRequest(t.base, "Dismiss", queued, "xml"))).kind).toBe(
      "dismissed",
    );
    expect((await pollStatus(t.base, blocker)).at(-1)?.kind).toBe("succeeded");
    // The freed worker took no dismissed job: it never got an attempt directory.
    const after = await accepted(await execute(t.base, "hello", { name: "after" }, { mode: "async" }));
    await pollStatus(t.base, after);
    expect(existsSync(join(jobDir(queued), "a1"))).toBe(false);
    expect((await expectStatusInfo(await jobRequest(t.base, "GetStatus", queued))).kind).toBe("dismissed");
  });
});
