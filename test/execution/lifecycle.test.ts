/**
 * The asynchronous job lifecycle on the embedded default (local workers), on SQLite and on PostgreSQL: the job is
 * committed before Execute answers, its status document moves Accepted → Started (rising percent, messages) →
 * Succeeded, its id is a random UUIDv4, and its directory holds job.json, the lifecycle log, the handler's log
 * and the published outputs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { JobStore } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../packages/server/src/store/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  FIXTURE,
  getStatus,
  jsonLines,
  readIf,
  STORE_CASES,
  type StatusDoc,
  submit,
  UUID_V4,
  waitFor,
  waitStatus,
} from "./helpers.js";

describe.each(STORE_CASES.filter((s) => s.enabled))("async lifecycle on $name", (sc) => {
  let t: TestServer;
  let drop: () => Promise<void>;
  /** A second connection to the same database: what it sees is committed, not just written. */
  let probe: JobStore;

  beforeAll(async () => {
    const s = await sc.settings(`execution/lifecycle:${sc.name}`);
    drop = s.drop;
    t = await startTestServer({
      ...s.settings,
      "jobs.workers": 2,
      "processes.modules": [FIXTURE.observable, FIXTURE.counter],
    });
    const db = t.server.config.database;
    probe = await openStore({ url: db.url, schema: db.schema || undefined });
  });

  afterAll(async () => {
    await probe?.close();
    await t?.close();
    await drop?.();
  });

  it("commits the job before answering, answers ProcessAccepted with a statusLocation and a UUIDv4 id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const { jobId, statusUrl, doc } = await submit(t.base, "sleep", { delay: 0.01 });
      // Read through another connection the moment the answer arrived: the row must already be committed.
      const row = await probe.get(jobId);
      expect(row, `job ${jobId} not in the store when Execute answered`).toBeDefined();
      expect(row!.mode).toBe("async");
      expect(doc.kind).toBe("accepted");
      expect(doc.message).toBe("Process accepted");
      expect(jobId).toMatch(UUID_V4);
      expect(statusUrl).toBe(`${t.base}/outputs/${jobId}.xml`);
      // Never 404 right after the answer.
      expect((await getStatus(statusUrl)).http).toBe(200);
      ids.add(jobId);
    }
    expect(ids.size).toBe(6);
    for (const id of ids) await waitStatus(`${t.base}/outputs/${id}.xml`);
  });

  it("moves Accepted → Started (rising percent, messages) → Succeeded", async () => {
    // Two blockers occupy both workers, so the job under test is visibly queued first.
    const blockers = await Promise.all([
      submit(t.base, "sleep", { delay: 0.08 }),
      submit(t.base, "sleep", { delay: 0.08 }),
    ]);
    await Promise.all(blockers.map((b) => waitStatus(b.statusUrl, { until: (d) => d.kind === "started" })));
    const job = await submit(t.base, "fx_progress", { steps: 30, step_ms: 20 });
    const seen: StatusDoc[] = [job.doc];
    for (;;) {
      const d = await getStatus(job.statusUrl);
      seen.push(d);
      if (d.kind !== "accepted" && d.kind !== "started") break;
    }
    const kinds = seen.map((d) => d.kind);
    const order = ["accepted", "started", "succeeded"];
    // Only forward moves, through every state.
    for (let i = 1; i < kinds.length; i++)
      expect(order.indexOf(kinds[i]!)).toBeGreaterThanOrEqual(order.indexOf(kinds[i - 1]!));
    expect(new Set(kinds)).toEqual(new Set(order));
    const started = seen.filter((d) => d.kind === "started");
    const percents = started.map((d) => d.percent!);
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    expect(started.some((d) => /^step \d+ of 30$/.test(d.message ?? ""))).toBe(true);
    const last = seen.at(-1)!;
    expect(last.kind).toBe("succeeded");
    expect(last.outputs.out?.value).toBe("progressed");
    const row = await probe.get(job.jobId);
    expect(row).toMatchObject({ status: "succeeded", progress: 100, attempt: 1 });
    expect(row!.startedAt).toBeGreaterThanOrEqual(row!.createdAt);
    expect(row!.finishedAt).toBeGreaterThanOrEqual(row!.startedAt!);
  });

  it("keeps job.json, the lifecycle log, the handler's worker.log and the outputs in the job directory", async () => {
    const logged = await submit(t.base, "fx_logging");
    const out = await submit(t.base, "fx_slow_output", { chunks: 3, chunk_size: 1000, delay_ms: 1 });
    expect((await waitStatus(logged.statusUrl)).kind).toBe("succeeded");
    expect((await waitStatus(out.statusUrl)).kind).toBe("succeeded");

    const dir = join(t.dataDir, "jobs", logged.jobId);
    const spec = JSON.parse(readFileSync(join(dir, "job.json"), "utf8"));
    expect(spec).toMatchObject({
      version: 1,
      jobId: logged.jobId,
      process: { id: "fx_logging", source: { kind: "module", path: FIXTURE.observable } },
      outputsUrl: `${t.base}/outputs/${logged.jobId}/`,
    });
    // job.log is appended without waiting; the last line may land just after the status flipped.
    await waitFor(() => jsonLines(join(dir, "job.log")).length >= 3, "job.log lines");
    const events = jsonLines(join(dir, "job.log"));
    expect(events.map((e) => e.event)).toEqual(["accepted", "started", "succeeded"]);
    for (const e of events) expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);

    const workerLog = jsonLines(join(dir, "a1", "worker.log"));
    expect(workerLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: "info", msg: "fx-logger-info", jobId: logged.jobId, n: 1 }),
        expect.objectContaining({ level: "warn", msg: "fx-logger-warn" }),
        expect.objectContaining({ level: "error", msg: "fx-logger-error" }),
      ]),
    );
    // What the handler printed belongs to the job's log too (the operator's first stop when a job misbehaves).
    const raw = readIf(join(dir, "a1", "worker.log")) ?? "";
    expect(raw).toContain(`fx-stdout-line ${logged.jobId}`);
    expect(raw).toContain(`fx-stderr-line ${logged.jobId}`);
    expect(raw).toContain(`fx-stdout-bytes ${logged.jobId}`);

    const outDir = join(t.dataDir, "jobs", out.jobId);
    expect(readdirSync(join(outDir, "outputs"))).toEqual(["big.bin"]);
    expect(statSync(join(outDir, "outputs", "big.bin")).size).toBe(3000);
    // Published by moving the attempt's out/ directory, not by copying it.
    expect(existsSync(join(outDir, "a1", "out"))).toBe(false);
  });

  it("runs a process from a plain JavaScript (.mjs) module", async () => {
    const file = join(t.dataDir, "runs.txt");
    const j = await submit(t.base, "fx_count_runs", { file });
    expect((await waitStatus(j.statusUrl)).outputs.out?.value).toBe("counted");
    expect(readFileSync(file, "utf8")).toBe(`${j.jobId}\n`);
  });
});
