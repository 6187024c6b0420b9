/**
 * Unit tests of the job monitor: the outcome rules ({@link decide}) with fake observations and attempt files, and
 * the monitor loop (submission retries, deadline, dismissal, batched polling, recovery after a crash) against a
 * fake scheduler and a real in-memory SQLite store. No cluster needed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type JobStore,
  newJobId,
  type Observation,
  type Scheduler,
  type SchedulerListener,
  type SubmitRequest,
  type WorkerProgress,
  type WorkerResult,
} from "@roost/core/internal";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type DecideInput, decide, JobMonitor } from "../../packages/server/src/scheduler/slurm/monitor.js";
import { JobDirs } from "../../packages/server/src/storage/job-dirs.js";
import { openStore } from "../../packages/server/src/store/index.js";
import type { AttemptEvidence } from "../../packages/server/src/worker/attempt-files.js";

const JOB = "0b2c5d3e-0000-4000-8000-000000000001";
const NAME = `roost-${JOB}-a1`;
const ok: WorkerResult = {
  jobId: JOB,
  attempt: 1,
  ok: true,
  outputs: { out: { kind: "literal", value: "x" } },
};
const processFailed: WorkerResult = {
  jobId: JOB,
  attempt: 1,
  ok: false,
  failure: { kind: "process", message: "Process error: bad input" },
};
const cancelled: WorkerResult = {
  jobId: JOB,
  attempt: 1,
  ok: false,
  failure: { kind: "cancelled", message: "Job dismissed" },
};

function input(
  obs: Observation,
  files: Partial<AttemptEvidence> = {},
  more: Partial<DecideInput> = {},
): DecideInput {
  return {
    jobId: JOB,
    attempt: 1,
    ref: "42",
    dismiss: false,
    obs: { name: NAME, ...obs },
    files: { signals: [], ...files },
    now: 100_000,
    lostGraceMs: 10_000,
    ...more,
  };
}

function failure(d: ReturnType<typeof decide>): { kind: string; message: string } {
  if (d.kind !== "finish" || d.result.ok) throw new Error(`not a failure: ${JSON.stringify(d)}`);
  return d.result.failure;
}

describe("decide: the outcome rules", () => {
  test("queued shows the reason; running is running", () => {
    expect(decide(input({ state: "queued", native: "PENDING", reason: "Resources" }))).toEqual({
      kind: "queued",
      reason: "Resources",
    });
    expect(decide(input({ state: "running", native: "RUNNING" }))).toEqual({ kind: "running" });
  });

  test("COMPLETED with the worker's result → that result (success)", () => {
    expect(decide(input({ state: "completed", native: "COMPLETED" }, { result: ok, exitCode: 0 }))).toEqual({
      kind: "finish",
      result: ok,
    });
  });

  test("never success without COMPLETED, whatever the result file says", () => {
    for (const state of ["failed", "cancelled", "timeout", "node_fail", "out_of_memory"] as const) {
      const d = decide(input({ state, native: state.toUpperCase() }, { result: ok, exitCode: 0 }));
      expect(d.kind).toBe("finish");
      expect(d.kind === "finish" && d.result.ok).toBe(false);
    }
    expect(decide(input({ state: "running", native: "RUNNING" }, { result: ok })).kind).toBe("running");
  });

  test("COMPLETED without a result: wait for the file (NFS), then fail", () => {
    const first = decide(input({ state: "completed", native: "COMPLETED", node: "n1" }, { exitCode: 0 }));
    expect(first).toEqual({ kind: "wait", noResultSince: 100_000 });
    const later = decide(
      input(
        { state: "completed", native: "COMPLETED", node: "n1" },
        { exitCode: 0 },
        { noResultSince: 85_000 },
      ),
    );
    expect(failure(later)).toEqual({
      kind: "crashed",
      message: "Slurm job 42 COMPLETED on n1, but the worker left no result (the worker exited with code 0)",
    });
  });

  test("FAILED: the worker's own failure wins; else the exit code, the signal, or out of memory", () => {
    expect(
      decide(input({ state: "failed", native: "FAILED", exitCode: 1 }, { result: processFailed })),
    ).toEqual({
      kind: "finish",
      result: processFailed,
    });
    expect(
      failure(decide(input({ state: "failed", native: "FAILED", node: "n3", exitCode: 3, signal: 0 }))),
    ).toEqual({
      kind: "crashed",
      message: "Slurm job 42 FAILED on n3: the worker exited with code 3",
    });
    expect(
      failure(decide(input({ state: "failed", native: "FAILED", exitCode: 137, signal: 0 }))).message,
    ).toBe("Slurm job 42 FAILED: the worker was killed by SIGKILL (exit status 137)");
    expect(
      failure(decide(input({ state: "failed", native: "FAILED", exitCode: 0, signal: 9 }))).message,
    ).toBe("Slurm job 42 FAILED: the job was killed by SIGKILL");
    expect(
      failure(
        decide(
          input(
            { state: "failed", native: "FAILED", exitCode: 0, signal: 9 },
            {},
            {
              outputTail:
                "slurmstepd: error: StepId=42.batch exceeded memory limit (80000 > 65536), being killed",
            },
          ),
        ),
      ).message,
    ).toBe("Slurm job 42 FAILED: out of memory (the job exceeded its memory limit)");
    expect(failure(decide(input({ state: "out_of_memory", native: "OUT_OF_MEMORY" }))).message).toMatch(
      /out of memory/,
    );
    // A TERM the worker got (its result says "cancelled") is not a dismissal: who sent it is Slurm's to say.
    expect(
      failure(decide(input({ state: "failed", native: "FAILED", exitCode: 143 }, { result: cancelled }))),
    ).toEqual({
      kind: "crashed",
      message: "Slurm job 42 FAILED: the worker was killed by SIGTERM (exit status 143)",
    });
  });

  test("CANCELLED: dismissed when the user asked, failed otherwise", () => {
    expect(
      failure(decide(input({ state: "cancelled", native: "CANCELLED" }, {}, { dismiss: true }))),
    ).toEqual({
      kind: "cancelled",
      message: "Job dismissed",
    });
    expect(failure(decide(input({ state: "cancelled", native: "CANCELLED by 0" })))).toEqual({
      kind: "scheduler",
      message: "Slurm job 42 CANCELLED: cancelled outside Roost (by an administrator or the scheduler)",
    });
  });

  test("TIMEOUT and NODE_FAIL carry Slurm's reason", () => {
    expect(
      failure(
        decide(input({ state: "timeout", native: "TIMEOUT", node: "n1" }, { signals: ["USR1", "TERM"] })),
      ),
    ).toEqual({
      kind: "timeout",
      message: "Slurm job 42 TIMEOUT on n1: the Slurm time limit was exceeded; the worker was warned before",
    });
    expect(failure(decide(input({ state: "node_fail", native: "NODE_FAIL", node: "n2" })))).toEqual({
      kind: "lost",
      message:
        "Slurm job 42 NODE_FAIL on n2: the node failed or the job was preempted (not the process's fault; submit it again)",
    });
  });

  test("Slurm forgot the job: the wrapper's exit status and the result decide, else lost after the grace period", () => {
    const unknown: Observation = { state: "unknown" };
    expect(decide(input(unknown, { result: ok, exitCode: 0 }))).toEqual({ kind: "finish", result: ok });
    expect(decide(input(unknown, { result: processFailed, exitCode: 1 }))).toEqual({
      kind: "finish",
      result: processFailed,
    });
    expect(failure(decide(input(unknown, { exitCode: 137 }))).message).toBe(
      "Slurm job 42: the worker was killed by SIGKILL (exit status 137)",
    );
    // A result without the wrapper's exit status is not proof of success: wait, then lost.
    expect(decide(input(unknown, { result: ok }))).toEqual({ kind: "wait", unknownSince: 100_000 });
    expect(decide(input(unknown, {}, { unknownSince: 95_000 }))).toEqual({
      kind: "wait",
      unknownSince: 95_000,
    });
    expect(failure(decide(input(unknown, {}, { unknownSince: 90_000 })))).toEqual({
      kind: "lost",
      message:
        "Slurm job 42 is no longer known to Slurm and its worker left no exit status: the job was lost",
    });
    // A pending job that was cancelled and forgotten.
    expect(failure(decide(input(unknown, {}, { dismiss: true })))).toEqual({
      kind: "cancelled",
      message: "Job dismissed",
    });
  });

  test("a job id slurmctld reused for another job is not this attempt", () => {
    const d = decide(
      input({ state: "completed", native: "COMPLETED", name: "someone-else" }, { result: ok, exitCode: 0 }),
    );
    // Unknown → the attempt files decide (here: success proven by result + exit status 0).
    expect(d).toEqual({ kind: "finish", result: ok });
    expect(decide(input({ state: "running", native: "RUNNING", name: "someone-else" }))).toEqual({
      kind: "wait",
      unknownSince: 100_000,
    });
  });
});

/** A scheduler whose answers the test scripts. */
class FakeScheduler implements Scheduler {
  readonly kind = "slurm";
  next = 100;
  submits: SubmitRequest[] = [];
  submitErrors: { message: string; transient: boolean }[] = [];
  states = new Map<string, Observation>();
  polls: string[][] = [];
  cancels: string[] = [];
  named = new Map<string, string>();
  pollError: Error | undefined;
  async start(_l: SchedulerListener): Promise<void> {}
  async submit(req: SubmitRequest): Promise<{ ref: string }> {
    this.submits.push(req);
    const e = this.submitErrors.shift();
    if (e) throw Object.assign(new Error(e.message), { transient: e.transient });
    const ref = String(this.next++);
    this.states.set(ref, {
      state: "queued",
      native: "PENDING",
      reason: "Priority",
      name: `roost-${req.jobId}-a${req.attempt}`,
    });
    return { ref };
  }
  async poll(refs: readonly string[]): Promise<ReadonlyMap<string, Observation>> {
    if (this.pollError) throw this.pollError;
    this.polls.push([...refs]);
    return new Map(refs.map((r) => [r, this.states.get(r) ?? { state: "unknown" }]));
  }
  async cancel(ref: string): Promise<void> {
    this.cancels.push(ref);
    const s = this.states.get(ref);
    if (s) this.states.set(ref, { ...s, state: "cancelled", native: "CANCELLED" });
  }
  async findByName(names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return new Map([...this.named].filter(([n]) => names.includes(n)));
  }
  async close(): Promise<void> {}
}

describe("JobMonitor", () => {
  let dir: string;
  let store: JobStore;
  let dirs: JobDirs;
  let fake: FakeScheduler;
  let monitor: JobMonitor | undefined;
  const events: { started: string[]; progress: WorkerProgress[]; finished: WorkerResult[] } = {
    started: [],
    progress: [],
    finished: [],
  };
  const listener: SchedulerListener = {
    started: (id) => events.started.push(id),
    progress: (p) => events.progress.push(p),
    finished: (r) => events.finished.push(r),
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "roost-monitor-"));
    store = await openStore({ url: "sqlite::memory:" });
    dirs = new JobDirs(dir);
    fake = new FakeScheduler();
    events.started = [];
    events.progress = [];
    events.finished = [];
  });
  afterEach(async () => {
    await monitor?.stop();
    monitor = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeMonitor(o: Partial<ConstructorParameters<typeof JobMonitor>[0]> = {}): JobMonitor {
    monitor = new JobMonitor({
      scheduler: fake,
      store,
      dirs,
      events: listener,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      minPollMs: 20,
      maxPollMs: 200,
      lostGraceMs: 500,
      submitDeadlineMs: 10_000,
      submitBackoffMs: { first: 20, max: 50 },
      backendLabel: "Slurm",
      ...o,
    });
    return monitor;
  }

  async function newJob(o: { attempt?: number; ref?: string; dismiss?: boolean } = {}): Promise<string> {
    const id = newJobId();
    await store.insert({
      id,
      processId: "sleep",
      status: "accepted",
      mode: "async",
      backend: "slurm",
      createdAt: Date.now(),
      request: {
        protocol: "wps1",
        response: "document",
        outputs: [],
        lineage: false,
        statusUpdates: true,
        language: "en-US",
      },
    });
    const jobDir = dirs.job(id);
    mkdirSync(join(jobDir, "a1"), { recursive: true });
    writeFileSync(
      join(jobDir, "job.json"),
      JSON.stringify({ jobId: id, process: { id: "sleep" }, timeLimitSec: 60 }),
    );
    if (o.attempt !== undefined || o.ref !== undefined || o.dismiss)
      await store.update(id, ["accepted"], {
        ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
        ...(o.ref !== undefined ? { schedulerRef: o.ref } : {}),
        ...(o.dismiss ? { dismissRequested: true } : {}),
      });
    return id;
  }

  function req(id: string): SubmitRequest {
    return {
      jobId: id,
      attempt: 1,
      processId: "sleep",
      jobDir: dirs.job(id),
      timeLimitSec: 60,
      priority: "async",
    };
  }

  async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test("submission: attempt recorded first, transient errors retried, reference stored, one poll per tick", async () => {
    const m = makeMonitor();
    await m.start();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => newJob()));
    fake.submitErrors.push({ message: "Unable to contact slurm controller", transient: true });
    for (const id of ids) m.submit(req(id));
    await until(async () =>
      (await Promise.all(ids.map((id) => store.get(id)))).every((j) => j?.schedulerRef),
    );
    expect(fake.submits).toHaveLength(6);
    expect(m.stats.submitRetries).toBe(1);
    for (const id of ids) expect((await store.get(id))!.attempt).toBe(1);
    await until(() => fake.polls.some((p) => p.length === 5));
    // Queued with a reason: the status message says so.
    await until(
      async () => (await store.get(ids[0]!))!.message === "Process accepted; queued in Slurm (Priority)",
    );
    // Once all five have a reference, every poll call covers all of them at once.
    const first = fake.polls.findIndex((p) => p.length === 5);
    expect(fake.polls.slice(first).every((p) => p.length === 5)).toBe(true);
  });

  test("running, progress from the attempt files, then COMPLETED with the result → started + finished", async () => {
    const m = makeMonitor();
    await m.start();
    const id = await newJob();
    m.submit(req(id));
    await until(async () => (await store.get(id))?.schedulerRef != null);
    const ref = (await store.get(id))!.schedulerRef!;
    const a1 = dirs.attempt(id, 1);
    writeFileSync(
      join(a1, "progress.json"),
      JSON.stringify({ jobId: id, attempt: 1, percent: 40, message: "m", at: 5 }),
    );
    fake.states.set(ref, { state: "running", native: "RUNNING", name: `roost-${id}-a1` });
    await until(() => events.progress.length > 0);
    expect(events.started).toEqual([id]);
    expect(events.progress[0]!.percent).toBe(40);
    const result: WorkerResult = { jobId: id, attempt: 1, ok: true, outputs: {} };
    writeFileSync(join(a1, "result.json"), JSON.stringify(result));
    fake.states.set(ref, { state: "completed", native: "COMPLETED", name: `roost-${id}-a1` });
    await until(() => events.finished.length > 0);
    expect(events.finished).toEqual([result]);
    expect(m.size).toBe(0);
  });

  test("a job that ran entirely between two polls is started before it succeeds", async () => {
    const m = makeMonitor();
    await m.start();
    const id = await newJob();
    m.submit(req(id));
    await until(async () => (await store.get(id))?.schedulerRef != null);
    const ref = (await store.get(id))!.schedulerRef!;
    writeFileSync(
      join(dirs.attempt(id, 1), "result.json"),
      JSON.stringify({ jobId: id, attempt: 1, ok: true, outputs: {} }),
    );
    fake.states.set(ref, { state: "completed", native: "COMPLETED", name: `roost-${id}-a1` });
    await until(() => events.finished.length > 0);
    expect(events.started).toEqual([id]);
  });

  test("permanent refusal fails the job with the reason; the deadline fails it 'scheduler unavailable'", async () => {
    const m = makeMonitor({ submitDeadlineMs: 150 });
    await m.start();
    const a = await newJob();
    fake.submitErrors.push({ message: "Invalid partition name specified", transient: false });
    m.submit(req(a));
    await until(() => events.finished.length === 1);
    expect(events.finished[0]).toMatchObject({
      jobId: a,
      ok: false,
      failure: {
        kind: "scheduler",
        message: "The scheduler refused the job: Invalid partition name specified",
      },
    });
    const b = await newJob();
    for (let i = 0; i < 100; i++)
      fake.submitErrors.push({
        message: "Unable to contact slurm controller (connect failure)",
        transient: true,
      });
    m.submit(req(b));
    await until(() => events.finished.length === 2);
    expect(events.finished[1]).toMatchObject({ jobId: b, ok: false, failure: { kind: "scheduler" } });
    expect(events.finished[1]!.ok === false && events.finished[1]!.failure.message).toMatch(
      /^Scheduler unavailable: the job could not be submitted within 0 s \(Unable to contact slurm controller/,
    );
  });

  test("dismissed while the controller is unreachable: never submitted", async () => {
    const m = makeMonitor({ submitBackoffMs: { first: 60_000, max: 60_000 } });
    await m.start();
    const id = await newJob();
    fake.submitErrors.push({ message: "Unable to contact slurm controller", transient: true });
    m.submit(req(id));
    await until(() => fake.submits.length === 1);
    await m.dismiss((await store.get(id))!);
    await until(() => events.finished.length === 1);
    expect(events.finished[0]).toMatchObject({
      ok: false,
      failure: { kind: "cancelled", message: "Job dismissed" },
    });
    expect(fake.submits).toHaveLength(1);
  });

  test("dismissed after submission: cancel, confirmed by the next poll", async () => {
    const m = makeMonitor();
    await m.start();
    const id = await newJob();
    m.submit(req(id));
    await until(async () => (await store.get(id))?.schedulerRef != null);
    await m.dismiss((await store.get(id))!);
    await until(() => events.finished.length === 1);
    expect(fake.cancels).toEqual([(await store.get(id))!.schedulerRef]);
    expect(events.finished[0]).toMatchObject({ ok: false, failure: { kind: "cancelled" } });
  });

  test("a poll that fails changes nothing; the job is followed again once the scheduler answers", async () => {
    const m = makeMonitor();
    await m.start();
    const id = await newJob();
    m.submit(req(id));
    await until(async () => (await store.get(id))?.schedulerRef != null);
    fake.pollError = new Error("Unable to contact slurm controller");
    await until(() => m.stats.pollErrors >= 1);
    expect(events.finished).toEqual([]);
    fake.pollError = undefined;
    const ref = (await store.get(id))!.schedulerRef!;
    fake.states.set(ref, {
      state: "failed",
      native: "FAILED",
      exitCode: 2,
      signal: 0,
      name: `roost-${id}-a1`,
    });
    await until(() => events.finished.length === 1, 8000);
    expect(events.finished[0]!.ok === false && events.finished[0]!.failure.message).toBe(
      `Slurm job ${ref} FAILED: the worker exited with code 2`,
    );
  });

  test("recovery: by stored reference, by name, resubmitted only without any trace, lost after the grace", async () => {
    const byRef = await newJob({ attempt: 1, ref: "7" });
    fake.states.set("7", { state: "completed", native: "COMPLETED", name: `roost-${byRef}-a1` });
    writeFileSync(
      join(dirs.attempt(byRef, 1), "result.json"),
      JSON.stringify({ jobId: byRef, attempt: 1, ok: true, outputs: {} }),
    );
    const byName = await newJob({ attempt: 1 });
    fake.named.set(`roost-${byName}-a1`, "8");
    fake.states.set("8", { state: "running", native: "RUNNING", name: `roost-${byName}-a1` });
    const never = await newJob({ attempt: 1 });
    const unsent = await newJob();
    const ranThenForgotten = await newJob({ attempt: 1 });
    writeFileSync(
      join(dirs.attempt(ranThenForgotten, 1), "started.json"),
      JSON.stringify({ host: "n1", pid: 1, restartCount: 0, at: 1 }),
    );
    const m = makeMonitor();
    await m.start();
    await until(() => events.finished.some((r) => r.jobId === byRef));
    await until(async () => (await store.get(byName))?.schedulerRef === "8");
    // No trace in Slurm nor on disk: submitted now, under the recorded attempt number; attempt 0 as attempt 1.
    await until(() => fake.submits.length === 2);
    expect(fake.submits.map((s) => [s.jobId, s.attempt]).sort()).toEqual(
      [
        [never, 1],
        [unsent, 1],
      ].sort(),
    );
    // It ran (started.json) and Slurm forgot it without an exit status: lost after the grace period.
    await until(() => events.finished.some((r) => r.jobId === ranThenForgotten), 5000);
    const lost = events.finished.find((r) => r.jobId === ranThenForgotten)!;
    expect(lost.ok === false && lost.failure.kind).toBe("lost");
    expect(events.finished.filter((r) => r.jobId === byName)).toEqual([]);
  });
});
