/**
 * Roost on a real Slurm 22.05 cluster (`scripts/slurm-cluster.sh up`): outcomes, progress, dismissal and the
 * operator's cancel command, against one server. The scenarios are independent and run concurrently (the cluster
 * has 24 slots), so the file takes about as long as its slowest scenario (the OOM kill, ~10 s).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  attemptFile,
  CLI,
  execute,
  type InProcessServer,
  jobRow,
  requireCluster,
  scratch,
  sleep,
  slurmJobsNamed,
  squeueField,
  startSlurmServer,
  status,
  submit,
  waitAttemptFile,
  waitStatus,
} from "./helpers.js";

const run = requireCluster();
const exec = promisify(execFile);

describe.runIf(run).concurrent("Slurm backend on a real cluster", { timeout: 90_000 }, () => {
  const tmp = scratch("roost-slurm-");
  let s: InProcessServer;

  beforeAll(async () => {
    s = await startSlurmServer(tmp.dir, { extra: '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n' });
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  test("the node a job runs on is recorded with the job (the job page shows it)", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 4, ms: 500 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started" && (x.percent ?? 0) > 0);
    const row = await jobRow(s, jobId);
    const node = squeueField(row.schedulerRef!, "%N");
    expect(node).toMatch(/^n\d+$/);
    expect(row.node).toBe(node);
    expect((await waitStatus(statusUrl, 30_000)).kind).toBe("succeeded");
  });

  test("success: progress in the status document, the Roost name in squeue, outputs published", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 8, ms: 600 });
    const name = `roost-${jobId}-a1`;
    // Progress written by the worker on the node appears while the job runs.
    const running = await waitStatus(statusUrl, 30_000, (x) => x.kind === "started" && (x.percent ?? 0) > 0);
    expect(running.message).toMatch(/^step \d of 8$/);
    const row = await jobRow(s, jobId);
    expect(row.backend).toBe("slurm");
    expect(row.schedulerRef).toMatch(/^\d+$/);
    expect(squeueField(row.schedulerRef!, "%j|%T")).toBe(`${name}|RUNNING`);
    const done = await waitStatus(statusUrl, 30_000);
    expect(done.kind, done.message).toBe("succeeded");
    expect(done.outputs.answer?.value).toBe("done in 8 steps");
    const report = await fetch(done.outputs.report!.href!);
    expect(await report.text()).toBe(`report of ${jobId}\n`);
    expect(squeueField(row.schedulerRef!, "%T")).toBe("COMPLETED");
    expect(slurmJobsNamed(name)).toEqual([row.schedulerRef]);
  });

  test("hello still runs on the server's local workers (sync and async)", async () => {
    const sync = await execute(s.base, "hello", { name: "Birdy" }, { sync: true });
    expect(sync.kind).toBe("succeeded");
    expect(sync.outputs.output?.value).toBe("Hello Birdy");
    const { jobId, statusUrl } = await submit(s.base, "hello", { name: "Async" });
    expect((await waitStatus(statusUrl, 15_000)).kind).toBe("succeeded");
    const row = await jobRow(s, jobId);
    expect(row.backend).toBe("local");
    expect(row.schedulerRef).toBeNull();
    expect(slurmJobsNamed(`roost-${jobId}-a1`)).toEqual([]);
  });

  test("exit code 3 → failed with Slurm's FAILED and the exit code", async () => {
    const { statusUrl } = await submit(s.base, "sl_exit");
    const done = await waitStatus(statusUrl, 30_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(/^Slurm job \d+ FAILED on n[13]: the worker exited with code 3$/);
  });

  test("a process error reported by the worker reaches the client", async () => {
    const { statusUrl } = await submit(s.base, "sl_error");
    const done = await waitStatus(statusUrl, 30_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toContain("the input data is not usable");
  });

  test("worker killed with SIGKILL → failed, naming the signal", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 60, ms: 1000 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    const started = await waitAttemptFile(s.dataDir, jobId, "started.json");
    process.kill((JSON.parse(started) as { pid: number }).pid, "SIGKILL");
    const done = await waitStatus(statusUrl, 30_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(
      /^Slurm job \d+ FAILED on n[13]: the worker was killed by SIGKILL \(exit status 137\)$/,
    );
  });

  test("over its memory limit → failed 'out of memory'", async () => {
    const { statusUrl } = await submit(s.base, "sl_oom", { mb: 400 });
    const done = await waitStatus(statusUrl, 45_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(/out of memory/);
  });

  test("an invalid partition fails the job with Slurm's reason", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_badpart");
    const done = await waitStatus(statusUrl, 30_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toBe("The scheduler refused the job: Invalid partition name specified");
    expect(slurmJobsNamed(`roost-${jobId}-a1`)).toEqual([]);
  });

  test("dismiss while pending: the Slurm reason is shown, scancel, dismissed, never started", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_later");
    const queued = await waitStatus(statusUrl, 30_000, (x) => x.message.includes("queued in Slurm"));
    expect(queued.kind).toBe("accepted");
    expect(queued.message).toBe("Process accepted; queued in Slurm (BeginTime)");
    const ref = (await jobRow(s, jobId)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("PENDING");
    await s.server.service.dismiss(jobId);
    await waitFor(async () => (await jobRow(s, jobId)).status === "dismissed", 15_000);
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
    expect(attemptFile(s.dataDir, jobId, "started.json")).toBeUndefined();
    expect((await status(statusUrl)).message).toBe("Job dismissed");
  });

  test("dismiss while running: the worker gets TERM, Slurm says CANCELLED, the job is dismissed", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 60, ms: 1000 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started" && (x.percent ?? 0) >= 0);
    await sleep(500);
    const t0 = Date.now();
    await s.server.service.dismiss(jobId);
    await waitFor(async () => (await jobRow(s, jobId)).status === "dismissed", 20_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const ref = (await jobRow(s, jobId)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
    await waitFor(() => (attemptFile(s.dataDir, jobId, "signals") ?? "").includes("TERM"), 10_000);
  });

  test("roost jobs cancel through the server's job resource dismisses a running Slurm job", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 60, ms: 1000 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    const { stdout } = await exec(
      process.execPath,
      [CLI, "jobs", "cancel", jobId, "--url", `${s.base}/wps`],
      {
        env: { ...process.env, XDG_STATE_HOME: s.dataDir, XDG_CACHE_HOME: s.dataDir },
      },
    );
    expect(stdout).toMatch(
      new RegExp(`^${jobId}: (dismissed|dismissal requested; the job is still running)`),
    );
    await waitFor(async () => (await jobRow(s, jobId)).status === "dismissed", 20_000);
    const ref = (await jobRow(s, jobId)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
  });

  test("roost jobs cancel --config: the operator's command dismisses a running Slurm job", async () => {
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 60, ms: 1000 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    const { stdout } = await exec(process.execPath, [CLI, "jobs", "cancel", jobId, "--config", s.configFile]);
    expect(stdout).toMatch(/scancel sent to Slurm job \d+/);
    await waitFor(async () => (await jobRow(s, jobId)).status === "dismissed", 20_000);
    expect((await jobRow(s, jobId)).dismissRequested).toBe(true);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(100);
  }
}
