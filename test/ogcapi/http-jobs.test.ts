/**
 * The job list (class job-list) and dismissal (class dismiss) over HTTP. List: the OGC default excludes `accepted`,
 * every filter (`type`, `processID`, `status`, `datetime`, `minDuration`, `maxDuration`) selects what it says, and
 * following `next` links walks every job exactly once whatever the page size, also while new jobs arrive. Dismiss: a
 * running local job stops (its worker is free again), its work directory and outputs are removed, a second DELETE
 * answers the same statusInfo, a finished job is withdrawn (dismissed, its results and files gone), an unknown id is
 * 404.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { call, execute, expectProblem, monitorJob, type StatusInfo, waitJob } from "./http-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 2, "jobs.kill_grace": 0.5 });
});

afterAll(async () => {
  await t?.close();
});

interface JobList {
  jobs: StatusInfo[];
  links: { rel: string; href: string }[];
}

async function list(qs: string): Promise<JobList> {
  const a = await call(`${t.base}/jobs${qs ? `?${qs}` : ""}`);
  expect(a.status, a.text).toBe(200);
  expectValidOgc("jobList", a.json);
  return a.json as JobList;
}

/** Every job of a listing, following next links; fails on a repeated job. */
async function walk(qs: string): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `${t.base}/jobs?${qs}`;
  for (let pages = 0; url; pages++) {
    const a = await call(url);
    expectValidOgc("jobList", a.json);
    const page = a.json as JobList;
    ids.push(...page.jobs.map((j) => j.jobID));
    url = page.links.find((l) => l.rel === "next")?.href;
    expect(pages).toBeLessThan(1000);
  }
  expect(new Set(ids).size, "a job listed twice").toBe(ids.length);
  return ids;
}

describe("job list", { timeout: 60_000 }, () => {
  const hello: string[] = [];
  let failed: string;
  let queuedAtStart: number;

  beforeAll(async () => {
    queuedAtStart = Date.now();
    for (let i = 0; i < 12; i++)
      hello.push(monitorJob(await execute(t.base, "hello", { inputs: { name: `n${i}` } })));
    failed = monitorJob(await execute(t.base, "show_error", { inputs: { message: "x" } }));
    for (const id of [...hello, failed]) await waitJob(t.base, id);
  });

  it("by default lists running, successful, failed and dismissed jobs, newest first, 10 per page", async () => {
    const page = await list("");
    expect(page.jobs).toHaveLength(10);
    const created = page.jobs.map((j) => Date.parse(j.created!));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    for (const j of page.jobs) expect(["running", "successful", "failed", "dismissed"]).toContain(j.status);
    expect(page.links.find((l) => l.rel === "self")?.href).toBe(`${t.base}/jobs`);
    expect(page.links.find((l) => l.rel === "next")?.href).toMatch(/\/jobs\?cursor=/);
  });

  it("accepted jobs only when asked for", async () => {
    // One worker busy with a long sleep each: the third job waits in the queue.
    const long = [];
    for (let i = 0; i < 3; i++)
      long.push(
        (await execute(t.base, "sleep", { inputs: { delay: 2 } }, { prefer: "respond-async" }))
          .json as StatusInfo,
      );
    // Two workers, each sleeping 10 s: the third job stays accepted meanwhile.
    const queued = long[2]!.jobID;
    const statusOf = async () => ((await call(`${t.base}/jobs/${queued}`)).json as StatusInfo).status;
    expect(await statusOf()).toBe("accepted");
    const accepted = await list("status=accepted");
    const byDefault = await walk("limit=100");
    expect(await statusOf()).toBe("accepted");
    expect(accepted.jobs.map((j) => j.jobID)).toContain(queued);
    expect(byDefault).not.toContain(queued);
    for (const j of long) await call(`${t.base}/jobs/${j.jobID}`, { method: "DELETE" });
  });

  it("filters by process, status, type, creation time and run time", async () => {
    const byProcess = await walk("processID=hello&limit=5");
    expect(byProcess).toEqual(expect.arrayContaining(hello));
    for (const id of byProcess)
      expect((await call(`${t.base}/jobs/${id}`)).text).toContain('"processID":"hello"');
    expect(await walk("processID=show_error,nope")).toEqual([failed]);
    expect(await walk("status=failed")).toEqual([failed]);
    expect((await walk("status=successful&type=process")).length).toBeGreaterThanOrEqual(12);
    const from = new Date(queuedAtStart - 1).toISOString();
    const inRange = await walk(`datetime=${from}/..&processID=hello,show_error`);
    expect(inRange.sort()).toEqual([...hello, failed].sort());
    expect(await walk(`datetime=../${new Date(queuedAtStart - 60_000).toISOString()}`)).toEqual([]);
    // Sync hello runs in milliseconds: none takes an hour; all take at least 0 s.
    expect(await walk("minDuration=3600")).toEqual([]);
    expect(await walk("maxDuration=3600&processID=hello")).toEqual(expect.arrayContaining(hello));
  });

  it.each([1, 3, 7, 1000])("next links with limit=%i walk every job exactly once", async (limit) => {
    const all = await walk("limit=10000&status=successful,failed,dismissed");
    expect(await walk(`limit=${limit}&status=successful,failed,dismissed`)).toEqual(all);
  });

  it("pages stay exact while jobs are added (keyset cursor, not an offset)", async () => {
    const before = await walk("limit=10000&processID=hello");
    const first = await list("limit=4&processID=hello");
    for (let i = 0; i < 3; i++) monitorJob(await execute(t.base, "hello", { inputs: { name: `late${i}` } }));
    const rest = await walk(new URL(first.links.find((l) => l.rel === "next")!.href).search.slice(1));
    expect([...first.jobs.map((j) => j.jobID), ...rest]).toEqual(before);
  });

  it("limit above 10000 is lowered, not refused", async () => {
    expect((await call(`${t.base}/jobs?limit=50000`)).status).toBe(200);
  });
});

describe("dismiss", { timeout: 60_000 }, () => {
  it("a running job stops, its files go (job.log stays), the worker is free; a second DELETE says the same", async () => {
    const a = await execute(t.base, "sleep", { inputs: { delay: 30 } }, { prefer: "respond-async" });
    const id = (a.json as StatusInfo).jobID;
    await waitJob(t.base, id, (s) => s.status === "running");
    const dir = join(t.dataDir, "jobs", id);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["a1", "job.json"]));
    const t0 = Date.now();
    const d = await call(`${t.base}/jobs/${id}`, { method: "DELETE" });
    expect(d.status, d.text).toBe(200);
    expectValidOgc("statusInfo", d.json);
    expect(d.json).toMatchObject({ jobID: id, status: "dismissed" });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(readdirSync(dir)).toEqual(["job.log"]);
    const again = await call(`${t.base}/jobs/${id}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(d.json);
    expect((await call(`${t.base}/jobs/${id}`)).json).toEqual(d.json);
    expectProblem(await call(`${t.base}/jobs/${id}/results`), { status: 410, type: "job-dismissed" });
    // The workers are free: two jobs run at once again.
    const both = await Promise.all([
      execute(t.base, "hello", { inputs: { name: "a" } }),
      execute(t.base, "hello", { inputs: { name: "b" } }),
    ]);
    expect(both.map((x) => x.text)).toEqual(["Hello a", "Hello b"]);
    // Listed as dismissed.
    expect((await list("status=dismissed&limit=1000")).jobs.map((j) => j.jobID)).toContain(id);
  });

  it("a queued job never starts", async () => {
    const blockers = [];
    for (let i = 0; i < 2; i++)
      blockers.push(
        (
          (await execute(t.base, "sleep", { inputs: { delay: 1 } }, { prefer: "respond-async" }))
            .json as StatusInfo
        ).jobID,
      );
    const q = (await execute(t.base, "sleep", { inputs: { delay: 1 } }, { prefer: "respond-async" }))
      .json as StatusInfo;
    const d = await call(`${t.base}/jobs/${q.jobID}`, { method: "DELETE" });
    expect(d.json).toMatchObject({ status: "dismissed" });
    expect((d.json as StatusInfo).started).toBeUndefined();
    expect(existsSync(join(t.dataDir, "jobs", q.jobID, "a1"))).toBe(false);
    for (const b of blockers) await call(`${t.base}/jobs/${b}`, { method: "DELETE" });
  });

  it("a finished job is withdrawn: dismissed, results 410, files gone but job.log — also just after a sync answer", async () => {
    for (const prefer of ["respond-async", undefined]) {
      const name = `gone-${prefer ?? "sync"}`;
      const a = await execute(t.base, "hello", { inputs: { name } }, prefer ? { prefer } : {});
      const id = prefer ? (a.json as StatusInfo).jobID : monitorJob(a);
      if (!prefer) expect(a.text).toBe(`Hello ${name}`);
      const s = await waitJob(t.base, id);
      expect(s.status).toBe("successful");
      expect((await call(`${t.base}/jobs/${id}/results`)).status).toBe(200);
      const d = await call(`${t.base}/jobs/${id}`, { method: "DELETE" });
      expect(d.status, d.text).toBe(200);
      expectValidOgc("statusInfo", d.json);
      expect(d.json).toMatchObject({ jobID: id, status: "dismissed", finished: s.finished });
      expect((d.json as StatusInfo).message).toBe(
        "Job dismissed after it had succeeded; its results were removed",
      );
      expectProblem(await call(`${t.base}/jobs/${id}/results`), { status: 410, type: "job-dismissed" });
      const dir = join(t.dataDir, "jobs", id);
      if (existsSync(dir)) expect(readdirSync(dir)).toEqual(["job.log"]);
      expect((await call(`${t.base}/jobs/${id}`, { method: "DELETE" })).json).toEqual(d.json);
    }
  });

  it("a failed job is withdrawn too: its exception goes with its results", async () => {
    const a = await execute(
      t.base,
      "show_error",
      { inputs: { message: "on purpose" } },
      { prefer: "respond-async" },
    );
    expect(a.status, a.text).toBe(201);
    const id = (a.json as StatusInfo).jobID;
    expect((await waitJob(t.base, id)).status).toBe("failed");
    expect((await call(`${t.base}/jobs/${id}/results`)).text).toContain("on purpose");
    const d = await call(`${t.base}/jobs/${id}`, { method: "DELETE" });
    expectValidOgc("statusInfo", d.json);
    expect(d.json).toMatchObject({
      status: "dismissed",
      message: "Job dismissed after it had failed; its results were removed",
    });
    expectProblem(await call(`${t.base}/jobs/${id}/results`), { status: 410, type: "job-dismissed" });
  });

  it("an unknown or malformed id → 404 no-such-job", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "x", "%00"])
      expectProblem(await call(`${t.base}/jobs/${id}`, { method: "DELETE" }), {
        status: 404,
        type: "no-such-job",
      });
  });
});
