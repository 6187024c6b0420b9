/**
 * The JobStore contract, on every backend: round trips, the lifecycle as compare-and-set, racing writers, the
 * queue and listing queries.
 */
import {
  ACTIVE,
  type JobOutputs,
  type JobRecord,
  JobStatus,
  type JobStore,
  type NewJob,
  TRANSITIONS,
} from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import type { KyselyJobStore } from "../../src/store/kysely-store.js";
import { newJob, REQUEST, STORES, useTestDb } from "./stores.js";

const ALL: readonly JobStatus[] = Object.values(JobStatus);

/** How to reach each status from a fresh accepted job, through allowed transitions only. */
const PATH: Record<JobStatus, readonly (readonly [JobStatus, JobStatus])[]> = {
  accepted: [],
  running: [["accepted", "running"]],
  succeeded: [
    ["accepted", "running"],
    ["running", "succeeded"],
  ],
  failed: [["accepted", "failed"]],
  dismissed: [["accepted", "dismissed"]],
};

/** Insert a job and walk it to `status`. */
async function jobIn(
  store: JobStore,
  status: JobStatus,
  overrides: Partial<NewJob> = {},
): Promise<JobRecord> {
  const job = newJob(overrides);
  await store.insert(job);
  for (const [from, to] of PATH[status]) expect(await store.transition(job.id, [from], to)).toBeDefined();
  const got = await store.get(job.id);
  expect(got?.status).toBe(status);
  return got!;
}

async function versionOf(store: KyselyJobStore, id: string): Promise<number> {
  const row = await store.db
    .selectFrom("jobs")
    .select("version")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.version;
}

/** Newest first, ties by id descending: the order `list` promises. */
function newestFirst(a: JobRecord | NewJob, b: JobRecord | NewJob): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

describe.each(STORES)("JobStore on $name", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);

  it("reports its kind", async () => {
    const store = await db().open();
    expect(store.kind).toBe(backend.kind);
  });

  it("records finished jobs in one batch (synchronous executions) with their outcome", async () => {
    const store = await db().open();
    const base = newJob({ mode: "sync", status: "running" });
    const ok = {
      ...base,
      id: "00000000-0000-4000-8000-00000000000a",
      status: "succeeded" as const,
      startedAt: base.createdAt,
      finishedAt: base.createdAt + 7,
      progress: 100,
      outputs: { output: { kind: "literal" as const, value: "Hello", uom: "unity" } },
      error: null,
      message: "Process succeeded",
    };
    const bad = {
      ...ok,
      id: "00000000-0000-4000-8000-00000000000b",
      status: "failed" as const,
      progress: null,
      outputs: null,
      error: { code: "ProcessFailed", message: "Process error: no" },
    };
    await store.insertFinished([ok, bad]);
    expect(await store.get(ok.id)).toMatchObject({
      status: "succeeded",
      mode: "sync",
      startedAt: ok.startedAt,
      finishedAt: ok.finishedAt,
      updatedAt: ok.finishedAt,
      progress: 100,
      outputs: ok.outputs,
      error: null,
    });
    expect(await store.get(bad.id)).toMatchObject({ status: "failed", outputs: null, error: bad.error });
    // Terminal: the lifecycle has nowhere to go from here.
    expect(await store.transition(ok.id, ["running"], "failed")).toBeUndefined();
    await store.insertFinished([]);
  });

  describe("insert and get", () => {
    it("round-trips every field: JSON documents, nulls, booleans, epoch ms beyond 32 bits", async () => {
      const store = await db().open();
      // The largest valid Date: needs 64-bit storage, still exact as a JS number.
      const T = 8_640_000_000_000_000;
      const job = newJob({
        createdAt: T - 30,
        processId: "ündïcödé.process",
        mode: "sync",
        backend: "slurm",
        status: "running",
        message: "Process accepted — queued",
      });
      const before = Date.now();
      await store.insert(job);
      const inserted = await store.get(job.id);
      expect(inserted).toEqual({
        id: job.id,
        processId: "ündïcödé.process",
        status: "running",
        mode: "sync",
        backend: "slurm",
        progress: null,
        message: "Process accepted — queued",
        createdAt: T - 30,
        startedAt: null,
        finishedAt: null,
        updatedAt: expect.any(Number),
        attempt: 0,
        schedulerRef: null,
        dismissRequested: false,
        request: REQUEST,
        outputs: null,
        error: null,
        owner: null,
        node: null,
      });
      expect(inserted!.updatedAt).toBeGreaterThanOrEqual(before);

      const outputs: JobOutputs = {
        result: {
          kind: "file",
          file: "out/result.json",
          mimeType: "application/json",
          encoding: "UTF-8",
          size: 2 ** 40,
        },
        answer: { kind: "literal", value: 42.5, uom: "m" },
        flag: { kind: "literal", value: false },
        text: { kind: "literal", value: 'quotes " and \\ and \u2028 and emoji 🐦' },
        link: { kind: "href", href: "https://example.org/a?b=1&c=2", mimeType: "image/tiff" },
        box: {
          kind: "bbox",
          value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [-90, -180], upperCorner: [90, 180] },
        },
      };
      const done = await store.transition(job.id, ["running"], "succeeded", {
        progress: 100,
        message: null,
        startedAt: T - 20,
        finishedAt: T,
        attempt: 7,
        schedulerRef: "slurm:123456",
        dismissRequested: true,
        outputs,
      });
      const got = await store.get(job.id);
      expect(got).toEqual(done);
      expect(got).toMatchObject({
        status: "succeeded",
        progress: 100,
        message: null,
        startedAt: T - 20,
        finishedAt: T,
        attempt: 7,
        schedulerRef: "slurm:123456",
        dismissRequested: true,
        outputs,
        error: null,
      });
      expect(Object.keys(got!.outputs!)).toEqual(Object.keys(outputs));
      expect(typeof got!.createdAt).toBe("number");
    });

    it("records startedAt for a job inserted as running (sync execution)", async () => {
      const store = await db().open();
      const job = newJob({ status: "running", mode: "sync", startedAt: 1_700_000_123_456 });
      await store.insert(job);
      expect(await store.get(job.id)).toMatchObject({ status: "running", startedAt: 1_700_000_123_456 });
      const queued = newJob();
      await store.insert(queued);
      expect((await store.get(queued.id))?.startedAt).toBeNull();
      await expect(store.insert(newJob({ startedAt: -1 }))).rejects.toThrow(RangeError);
    });

    it("stores the error document of a failed job and clears nullable fields", async () => {
      const store = await db().open();
      const job = await jobIn(store, "running");
      await store.update(job.id, ["running"], { progress: 40, schedulerRef: "x", dismissRequested: true });
      const failed = await store.transition(job.id, ["running"], "failed", {
        error: { code: "Internal", message: "The process failed", locator: "buffer" },
        progress: null,
        schedulerRef: null,
        dismissRequested: false,
      });
      expect(failed).toMatchObject({
        status: "failed",
        error: { code: "Internal", message: "The process failed", locator: "buffer" },
        progress: null,
        schedulerRef: null,
        dismissRequested: false,
        outputs: null,
      });
      expect(await store.get(job.id)).toEqual(failed);
    });

    it("returns undefined for an unknown id and refuses a duplicate id", async () => {
      const store = await db().open();
      expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
      expect(await store.get("'; drop table jobs; --")).toBeUndefined();
      const job = newJob();
      await store.insert(job);
      const dup = await store.insert({ ...job, processId: "other" }).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(Error);
      expect((dup as { code?: unknown }).code).not.toBe("ServiceUnavailable");
      expect((await store.get(job.id))?.processId).toBe("buffer");
    });

    it("refuses out-of-range values the same way on every database", async () => {
      const store = await db().open();
      const job = await jobIn(store, "running");
      await expect(store.update(job.id, ACTIVE, { progress: 101 })).rejects.toThrow(RangeError);
      await expect(store.update(job.id, ACTIVE, { progress: 42.5 })).rejects.toThrow(RangeError);
      await expect(store.update(job.id, ACTIVE, { attempt: -1 })).rejects.toThrow(RangeError);
      await expect(store.update(job.id, ACTIVE, { startedAt: Number.NaN })).rejects.toThrow(RangeError);
      await expect(store.insert(newJob({ createdAt: 1.5 }))).rejects.toThrow(RangeError);
      expect((await store.get(job.id))?.progress).toBeNull();
    });
  });

  describe("transition", () => {
    for (const to of ALL) {
      for (const from of TRANSITIONS[to]) {
        it(`moves ${from} → ${to} once, then refuses the stale compare-and-set`, async () => {
          const store = await db().open();
          const job = await jobIn(store, from);
          const v0 = await versionOf(store, job.id);
          const moved = await store.transition(job.id, [from], to, { message: `now ${to}` });
          expect(moved).toMatchObject({ id: job.id, status: to, message: `now ${to}` });
          expect(moved!.updatedAt).toBeGreaterThanOrEqual(job.updatedAt);
          expect(await versionOf(store, job.id)).toBe(v0 + 1);
          // The same write again: the job is no longer in `from`.
          expect(await store.transition(job.id, [from], to, { message: "again" })).toBeUndefined();
          expect(await store.get(job.id)).toEqual(moved);
          expect(await versionOf(store, job.id)).toBe(v0 + 1);
        });
      }
    }

    it("accepts several allowed sources at once", async () => {
      const store = await db().open();
      for (const status of ["accepted", "running"] as const) {
        const job = await jobIn(store, status);
        expect(await store.transition(job.id, ["accepted", "running"], "dismissed")).toMatchObject({
          status: "dismissed",
        });
      }
    });

    it("throws for every source the lifecycle does not allow, without touching the row", async () => {
      const store = await db().open();
      const job = await jobIn(store, "accepted");
      let refused = 0;
      for (const to of ALL) {
        for (const from of ALL) {
          if (TRANSITIONS[to].includes(from)) continue;
          await expect(store.transition(job.id, [from], to)).rejects.toThrow(TypeError);
          refused++;
        }
      }
      expect(refused).toBe(ALL.length ** 2 - Object.values(TRANSITIONS).flat().length);
      await expect(store.transition(job.id, ["accepted", "succeeded"], "failed")).rejects.toThrow(TypeError);
      await expect(store.transition(job.id, [], "failed")).rejects.toThrow(TypeError);
      await expect(store.transition(job.id, ["accepted"], "bogus" as JobStatus)).rejects.toThrow(TypeError);
      expect(await store.get(job.id)).toEqual(job);
    });

    it("never leaves a terminal status but by withdrawal (succeeded | failed → dismissed), and then never again", async () => {
      const store = await db().open();
      for (const terminal of ["succeeded", "failed", "dismissed"] as const) {
        const job = await jobIn(store, terminal);
        for (const to of ALL) {
          if (TRANSITIONS[to].length === 0 || to === "dismissed") continue;
          expect(await store.transition(job.id, TRANSITIONS[to], to)).toBeUndefined();
        }
        expect((await store.get(job.id))?.status).toBe(terminal);
        const withdrawn = await store.transition(job.id, TRANSITIONS.dismissed, "dismissed", {
          outputs: null,
        });
        if (terminal === "dismissed") expect(withdrawn).toBeUndefined();
        else
          expect(withdrawn).toMatchObject({ status: "dismissed", outputs: null, finishedAt: job.finishedAt });
        for (const to of ALL) {
          if (TRANSITIONS[to].length === 0) continue;
          expect(await store.transition(job.id, TRANSITIONS[to], to)).toBeUndefined();
        }
        expect((await store.get(job.id))?.status).toBe("dismissed");
      }
    });

    it("returns undefined for a missing job", async () => {
      const store = await db().open();
      expect(await store.transition(newJob().id, ["accepted"], "running")).toBeUndefined();
    });

    it("lets exactly one of 40 racing writers win: 20 completions against 20 dismissals", async () => {
      // Two stores on one database where possible: separate connections, as with two server processes.
      const a = await db().open();
      const b = backend.shared ? await db().open() : a;
      for (let round = 0; round < 3; round++) {
        const job = await jobIn(a, "running");
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => {
            const s = i % 2 === 0 ? a : b;
            return i < 20
              ? s.transition(job.id, ["running"], "succeeded", {
                  finishedAt: Date.now(),
                  message: `winner ${i}`,
                })
              : s.transition(job.id, ["accepted", "running"], "dismissed", {
                  finishedAt: Date.now(),
                  message: `winner ${i}`,
                });
          }),
        );
        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        const final = await a.get(job.id);
        expect(final).toEqual(winners[0]);
        expect(await versionOf(a, job.id)).toBe(2);
      }
    });

    it("lets exactly one of 20 racing claims start a queued job", async () => {
      const a = await db().open();
      const b = backend.shared ? await db().open() : a;
      const job = await jobIn(a, "accepted");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).transition(job.id, ["accepted"], "running", {
            attempt: i + 1,
            startedAt: Date.now(),
          }),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect((await a.get(job.id))?.attempt).toBe(winners[0]!.attempt);
    });
  });

  describe("update", () => {
    it("changes fields only while the job is in one of the given statuses", async () => {
      const store = await db().open();
      const job = await jobIn(store, "running");
      const v0 = await versionOf(store, job.id);
      expect(await store.update(job.id, ["accepted"], { progress: 10 })).toBe(false);
      expect(await store.get(job.id)).toEqual(job);
      expect(await versionOf(store, job.id)).toBe(v0);

      expect(await store.update(job.id, ACTIVE, { progress: 10, message: "10 %", schedulerRef: "42" })).toBe(
        true,
      );
      const updated = await store.get(job.id);
      expect(updated).toMatchObject({ status: "running", progress: 10, message: "10 %", schedulerRef: "42" });
      expect(updated!.updatedAt).toBeGreaterThanOrEqual(job.updatedAt);
      expect(await versionOf(store, job.id)).toBe(v0 + 1);

      // An empty patch is still a write (bumps version), e.g. a heartbeat.
      expect(await store.update(job.id, ["running"], {})).toBe(true);
      expect(await versionOf(store, job.id)).toBe(v0 + 2);

      await store.transition(job.id, ["running"], "succeeded");
      expect(await store.update(job.id, ACTIVE, { dismissRequested: true })).toBe(false);
      expect((await store.get(job.id))?.dismissRequested).toBe(false);
      expect(await store.update(job.id, [], { progress: 1 })).toBe(false);
      expect(await store.update(newJob().id, ACTIVE, { progress: 1 })).toBe(false);
    });
  });

  describe("queue queries", () => {
    /** A mixed population: active and finished jobs on two backends. */
    async function population(store: JobStore) {
      const localA1 = await jobIn(store, "accepted");
      const localR1 = await jobIn(store, "running");
      const localS = await jobIn(store, "succeeded");
      const slurmA = await jobIn(store, "accepted", { backend: "slurm" });
      const localF = await jobIn(store, "failed");
      const slurmR = await jobIn(store, "running", { backend: "slurm" });
      const slurmD = await jobIn(store, "dismissed", { backend: "slurm" });
      const localA2 = await jobIn(store, "accepted");
      return { localA1, localR1, localS, slurmA, localF, slurmR, slurmD, localA2 };
    }

    it("listActive returns non-terminal jobs oldest first, optionally of one backend", async () => {
      const store = await db().open();
      const p = await population(store);
      const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id);
      expect(ids(await store.listActive())).toEqual(
        [p.localA1, p.localR1, p.slurmA, p.slurmR, p.localA2].map((j) => j.id),
      );
      expect(ids(await store.listActive("local"))).toEqual(
        [p.localA1, p.localR1, p.localA2].map((j) => j.id),
      );
      expect(ids(await store.listActive("slurm"))).toEqual([p.slurmA, p.slurmR].map((j) => j.id));
      expect(await store.listActive("nowhere")).toEqual([]);
    });

    it("listActive breaks createdAt ties by id", async () => {
      const store = await db().open();
      const t = 1_750_000_000_000;
      const jobs = [
        newJob({ createdAt: t }),
        newJob({ createdAt: t }),
        newJob({ createdAt: t }),
        newJob({ createdAt: t - 1 }),
      ];
      for (const j of jobs) await store.insert(j);
      const expected = [...jobs].sort((a, b) => -newestFirst(a, b)).map((j) => j.id);
      expect((await store.listActive()).map((j) => j.id)).toEqual(expected);
    });

    it("nextAccepted is FIFO by creation, per backend, limited", async () => {
      const store = await db().open();
      const t = 1_760_000_000_000;
      // Inserted out of creation order: FIFO is by createdAt, not by insertion.
      const offsets = [5, 1, 4, 2, 3];
      const accepted = offsets.map((o) => newJob({ createdAt: t + o }));
      for (const j of accepted) await store.insert(j);
      await jobIn(store, "running", { createdAt: t });
      await jobIn(store, "failed", { createdAt: t });
      await store.insert(newJob({ createdAt: t, backend: "slurm" }));
      const byAge = [...accepted].sort((a, b) => a.createdAt - b.createdAt).map((j) => j.id);
      expect((await store.nextAccepted("local", 3)).map((j) => j.id)).toEqual(byAge.slice(0, 3));
      expect((await store.nextAccepted("local", 10)).map((j) => j.id)).toEqual(byAge);
      expect(await store.nextAccepted("slurm", 10)).toHaveLength(1);
      expect(await store.nextAccepted("nowhere", 10)).toEqual([]);
      await expect(store.nextAccepted("local", 0)).rejects.toThrow(RangeError);
      // Claiming the oldest moves the queue on.
      await store.transition(byAge[0]!, ["accepted"], "running");
      expect((await store.nextAccepted("local", 1)).map((j) => j.id)).toEqual([byAge[1]]);
    });

    it("count counts the given statuses, optionally of one backend", async () => {
      const store = await db().open();
      await population(store);
      expect(await store.count(ACTIVE)).toBe(5);
      expect(await store.count(["accepted"])).toBe(3);
      expect(await store.count(["running"], "slurm")).toBe(1);
      expect(await store.count(ACTIVE, "local")).toBe(3);
      expect(await store.count(["succeeded", "failed", "dismissed"])).toBe(3);
      expect(await store.count(["dismissed"], "local")).toBe(0);
      expect(await store.count(ALL)).toBe(8);
      expect(await store.count([])).toBe(0);
    });
  });

  describe("list", () => {
    it("pages newest first with a (createdAt, id) keyset, ties included, each job exactly once", async () => {
      const store = await db().open();
      const t = 1_770_000_000_000;
      const jobs: NewJob[] = [];
      for (let i = 0; i < 25; i++) {
        // Groups of three share a timestamp, so pages split ties.
        jobs.push(newJob({ createdAt: t + Math.floor(i / 3), processId: i % 2 ? "odd" : "even" }));
      }
      for (const j of [...jobs].reverse()) await store.insert(j);
      const expected = [...jobs].sort(newestFirst).map((j) => j.id);

      const seen: string[] = [];
      let before: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await store.list({ limit: 7, ...(before ? { before } : {}) });
        seen.push(...page.map((j) => j.id));
        if (page.length < 7) break;
        const last = page[page.length - 1]!;
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(expected);
      expect((await store.list()).map((j) => j.id)).toEqual(expected);
    });

    it("filters by status and process, combined with paging", async () => {
      const store = await db().open();
      const a = await jobIn(store, "accepted", { processId: "p1" });
      const r = await jobIn(store, "running", { processId: "p2" });
      const s = await jobIn(store, "succeeded", { processId: "p1" });
      const f = await jobIn(store, "failed", { processId: "p1" });
      const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id);
      expect(ids(await store.list({ status: ["accepted", "running"] }))).toEqual([r.id, a.id]);
      expect(ids(await store.list({ status: ["succeeded", "failed"] }))).toEqual([f.id, s.id]);
      expect(ids(await store.list({ processId: "p1" }))).toEqual([f.id, s.id, a.id]);
      expect(ids(await store.list({ processId: "p1", status: ["succeeded", "accepted"] }))).toEqual([
        s.id,
        a.id,
      ]);
      expect(
        ids(await store.list({ processId: "p1", before: { createdAt: f.createdAt, id: f.id }, limit: 1 })),
      ).toEqual([s.id]);
      expect(await store.list({ processId: "nope" })).toEqual([]);
      expect(await store.list({ status: [] })).toEqual([]);
    });

    it("defaults to 100 rows and returns at most 1000", async () => {
      const store = await db().open();
      const jobs = Array.from({ length: 1005 }, () => newJob());
      // One multi-row statement (the bulk path of the benchmark) keeps this fast.
      for (let i = 0; i < jobs.length; i += 500)
        await store.queries.insert(jobs.slice(i, i + 500), Date.now()).execute();
      expect(await store.list()).toHaveLength(100);
      expect(await store.list({ limit: 5000 })).toHaveLength(1000);
      expect(await store.count(["accepted"])).toBe(1005);
      await expect(store.list({ limit: 0 })).rejects.toThrow(RangeError);
    });
  });

  describe("delete and close", () => {
    it("delete removes the row once", async () => {
      const store = await db().open();
      const job = await jobIn(store, "succeeded");
      expect(await store.delete(job.id)).toBe(true);
      expect(await store.get(job.id)).toBeUndefined();
      expect(await store.delete(job.id)).toBe(false);
      expect(await store.count(ALL)).toBe(0);
    });

    it("close can be called twice", async () => {
      const store = await db().open();
      await store.close();
      await store.close();
    });
  });
});
