/**
 * Slurm's time limit (TIMEOUT). Slurm's smallest limit is one minute and it checks limits about every 30 s, so the
 * job ends 60–90 s after it starts; this file has nothing else in it so that it runs in parallel with the others.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  attemptFile,
  type InProcessServer,
  jobRow,
  requireCluster,
  scratch,
  squeueField,
  startSlurmServer,
  submit,
  waitStatus,
} from "./helpers.js";

const run = requireCluster();

describe.runIf(run)("Slurm time limit", () => {
  const tmp = scratch("roost-slurm-timeout-");
  let s: InProcessServer;

  beforeAll(async () => {
    // `sleep` gets a one-minute Slurm limit while its own (jobs.time_limit) is an hour: Slurm's limit strikes.
    s = await startSlurmServer(tmp.dir, {
      extra: '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n\n[slurm.processes.sleep]\ntime_limit = "1"\n',
    });
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  test("a job past its Slurm time limit fails with TIMEOUT", { timeout: 180_000 }, async () => {
    const { jobId, statusUrl } = await submit(s.base, "sleep", { delay: 30 });
    const started = await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    expect(started.kind).toBe("started");
    const t0 = Date.now();
    const done = await waitStatus(statusUrl, 150_000, undefined, 500);
    const elapsed = Date.now() - t0;
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(/^Slurm job \d+ TIMEOUT on n[13]: the Slurm time limit was exceeded/);
    // Limit 1:00, checked every ~30 s, then KillWait (5 s): never before the limit.
    expect(elapsed).toBeGreaterThan(55_000);
    const row = await jobRow(s, jobId);
    expect(squeueField(row.schedulerRef!, "%T")).toBe("TIMEOUT");
    // The wrapper recorded the warning (--signal=B:USR1@30) and the TERM at the limit.
    const signals = attemptFile(s.dataDir, jobId, "signals") ?? "";
    expect(signals).toContain("USR1");
    expect(signals).toContain("TERM");
  });
});
