/**
 * Recovery and shutdown of the real `roost serve` process (the built CLI): after a SIGKILL, a restart on the same
 * data directory runs the queued jobs, fails the one that was running with a restart message, and runs no job twice
 * (on SQLite and PostgreSQL); the orphaned workers go away. SIGTERM lets an in-flight synchronous request finish,
 * refuses new connections, exits 0 and leaves accepted jobs in the store for the next start.
 */
import { existsSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openStore } from "../../packages/server/src/store/index.js";
import { freePort, startTestServer } from "../helpers/server.js";
import {
  CLI,
  childPids,
  execute,
  FIXTURE,
  getStatus,
  type RoostProcess,
  readIf,
  STORE_CASES,
  sleep,
  spawnRoost,
  submit,
  tempDir,
  waitFor,
  waitStatus,
} from "./helpers.js";

// Real `roost serve` processes, started twice per case: slow on a loaded CI box.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
});

/** Lines of the run-counter file: one job id per run. */
function runs(file: string): string[] {
  return (readIf(file) ?? "").split("\n").filter((l) => l !== "");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP connection attempt: "refused" when nothing listens any more. */
function tryConnect(port: number): Promise<"connected" | "refused"> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", () => resolve("refused"));
  });
}

const started: RoostProcess[] = [];
afterAll(async () => {
  for (const p of started) await p.kill();
});

async function serve(
  dir: string,
  port: number,
  env: Record<string, string>,
  workers: number,
): Promise<RoostProcess> {
  const config = join(dir, "roost.toml");
  writeFileSync(
    config,
    [
      "[server]",
      'log_level = "warn"',
      "[jobs]",
      `workers = ${workers}`,
      "kill_grace = 0.5",
      "[processes]",
      `modules = [${JSON.stringify(FIXTURE.counter)}]`,
    ].join("\n"),
  );
  const p = await spawnRoost(["--port", String(port), "--data-dir", join(dir, "data"), "--config", config], {
    env,
    port,
  });
  started.push(p);
  return p;
}

describe.each(STORE_CASES.filter((s) => s.enabled))("restart after SIGKILL on $name", (sc) => {
  it("queued jobs run after the restart, the running one fails with a restart message, none runs twice", async () => {
    const { settings, drop } = await sc.settings(`execution/recovery:${sc.name}`);
    const env: Record<string, string> = {};
    if (settings["database.url"]) env.ROOST_DATABASE_URL = String(settings["database.url"]);
    if (settings["database.schema"]) env.ROOST_DATABASE_SCHEMA = String(settings["database.schema"]);
    const tmp = tempDir("roost-recovery-");
    try {
      const port = await freePort();
      const file = join(tmp.dir, "runs.txt");
      const first = await serve(tmp.dir, port, env, 1);
      const jobs = [];
      for (let i = 0; i < 4; i++) jobs.push(await submit(first.base, "fx_count_runs", { file, delay: 0.8 }));
      // The first job is running (it recorded its run); the others wait behind the single worker.
      await waitFor(() => runs(file).length === 1, "the first job to start");
      expect(runs(file)).toEqual([jobs[0]!.jobId]);
      for (const j of jobs.slice(1)) expect((await getStatus(j.statusUrl)).kind).toBe("accepted");
      const workers = childPids(first.child.pid!, "scheduler/local/child.");
      expect(workers).toHaveLength(1);

      // A crash of the server process alone: its workers must notice and go away rather than linger.
      process.kill(first.child.pid!, "SIGKILL");
      await first.exited;
      await waitFor(() => !workers.some(alive), "the orphaned worker to exit", 5000);

      const second = await serve(tmp.dir, port, env, 1);
      const ended = await Promise.all(jobs.map((j) => waitStatus(j.statusUrl, { timeoutMs: 20_000 })));
      expect(ended[0]!.kind).toBe("failed");
      expect(ended[0]!.exception?.text).toMatch(/server restarted while the job was running/);
      for (const d of ended.slice(1)) {
        expect(d.kind).toBe("succeeded");
        expect(d.outputs.out?.value).toBe("counted");
      }
      // Each job ran exactly once: the interrupted one is not run again, the queued ones once each.
      const lines = runs(file);
      expect(lines).toHaveLength(4);
      expect(new Set(lines)).toEqual(new Set(jobs.map((j) => j.jobId)));
      // Every accepted job reached exactly one terminal state, visible in the lifecycle log too.
      const log0 = readIf(join(tmp.dir, "data", "jobs", jobs[0]!.jobId, "job.log")) ?? "";
      expect(log0).toMatch(/"event":"failed"/);
      await second.kill();
      // The resubmitted jobs ran as attempt 1, like any first run (attempt 0 means "never handed to a backend").
      const store = await openStore({
        url: env.ROOST_DATABASE_URL ?? `sqlite:${join(tmp.dir, "data", "roost.db")}`,
        schema: env.ROOST_DATABASE_SCHEMA,
      });
      try {
        for (const j of jobs.slice(1)) expect((await store.get(j.jobId))?.attempt).toBe(1);
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
      await drop();
    }
  });
});

describe("SIGTERM", () => {
  it("lets an in-flight sync request finish, refuses new connections, exits 0 and keeps accepted jobs", async () => {
    const tmp = tempDir("roost-sigterm-");
    try {
      const port = await freePort();
      const file = join(tmp.dir, "runs.txt");
      const first = await serve(tmp.dir, port, {}, 2);
      // Worker 1: an async job; worker 2: a sync request in flight; then a job that can only queue.
      const a = await submit(first.base, "fx_count_runs", { file, delay: 1 });
      await waitFor(() => runs(file).length === 1, "job A to start");
      const t0 = Date.now();
      const inFlight = execute(first.base, "sleep", { delay: 0.25 }, { async: false });
      await sleep(300);
      const b = await submit(first.base, "fx_count_runs", { file, delay: 0 });
      expect((await getStatus(b.statusUrl)).kind).toBe("accepted");

      first.child.kill("SIGTERM");
      await sleep(150);
      expect(await tryConnect(port)).toBe("refused");
      const sync = await inFlight;
      expect(sync.http).toBe(200);
      expect(sync.kind).toBe("succeeded");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1250);
      const exit = await first.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(first.output()).not.toMatch(/Error|at .*\.js:\d+/);

      // The next start finds B accepted and runs it; A (finished during the shutdown) is not run again.
      const second = await serve(tmp.dir, port, {}, 2);
      expect((await waitStatus(b.statusUrl)).kind).toBe("succeeded");
      const aDoc = await getStatus(a.statusUrl);
      expect(aDoc.kind).toBe("succeeded");
      expect(runs(file).sort()).toEqual([a.jobId, b.jobId].sort());
      await second.kill();
    } finally {
      tmp.remove();
    }
  });
});

describe("stopping the in-process server (RunningServer.close)", () => {
  it("a job still running after the grace fails with a shutdown message; queued jobs stay accepted", async () => {
    const t = await startTestServer({ "jobs.workers": 1 });
    const db = t.server.config.database;
    const probe = await openStore({ url: db.url });
    try {
      const running = await submit(t.base, "sleep", { delay: 10 });
      await waitStatus(running.statusUrl, { until: (d) => d.kind === "started" });
      const queued = await submit(t.base, "sleep", { delay: 0 });
      const t0 = Date.now();
      await t.server.close(300);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(await probe.get(running.jobId)).toMatchObject({
        status: "failed",
        message: expect.stringMatching(/server shut down while the job was running/),
      });
      expect(await probe.get(queued.jobId)).toMatchObject({ status: "accepted" });
    } finally {
      await probe.close();
      await t.close();
    }
  });
});
