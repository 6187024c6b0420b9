/**
 * Infrastructure trouble on a real cluster: slurmctld restarted while a job runs, sbatch failing with "Unable to
 * contact slurm controller" (a wrapper in `slurm.bin_dir` fails the first calls, then submits for real, so other
 * suites sharing the cluster are not stalled by a long outage), and a node whose slurmd dies mid-job.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import {
  attemptFile,
  cluster,
  jobRow,
  requireCluster,
  scratch,
  sleep,
  squeueField,
  startSlurmServer,
  submit,
  waitAttemptFile,
  waitStatus,
} from "./helpers.js";

const run = requireCluster();
const exec = promisify(execFile);
const EXCLUDE = '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n';

/** A bin dir whose sbatch fails like an unreachable controller `failures` times, then submits for real. */
async function flakySbatch(dir: string, failures: number): Promise<string> {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const real = (await exec("sh", ["-c", "command -v sbatch"])).stdout.trim();
  const count = join(dir, "sbatch-calls");
  writeFileSync(
    join(bin, "sbatch"),
    `#!/bin/bash
n=$(( $(cat ${count} 2>/dev/null || echo 0) + 1 )); echo $n > ${count}
if [ $n -le ${failures} ]; then
  echo "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)" >&2
  exit 1
fi
exec ${real} "$@"
`,
  );
  chmodSync(join(bin, "sbatch"), 0o755);
  for (const c of ["squeue", "scontrol", "scancel", "sinfo", "sacct"]) {
    symlinkSync((await exec("sh", ["-c", `command -v ${c}`])).stdout.trim(), join(bin, c));
  }
  return bin;
}

describe.runIf(run).sequential("Slurm infrastructure failures", { timeout: 90_000 }, () => {
  const tmp = scratch("roost-slurm-outage-");
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    tmp.remove();
  });

  test("slurmctld restarted mid-job: no state change, the job still succeeds", async () => {
    const dir = join(tmp.dir, "ctld");
    mkdirSync(dir);
    const s = await startSlurmServer(dir, { extra: EXCLUDE });
    cleanups.push(() => s.close());
    const { statusUrl } = await submit(s.base, "sl_steps", { steps: 10, ms: 600 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started" && (x.percent ?? 0) > 0);
    cluster("restart-controller");
    const after = await waitStatus(statusUrl, 5_000, () => true);
    expect(after.kind).toBe("started");
    const done = await waitStatus(statusUrl, 45_000);
    expect(done.kind, done.message).toBe("succeeded");
  });

  test("sbatch cannot reach the controller: the job stays accepted, is retried with back-off, then runs", async () => {
    const dir = join(tmp.dir, "flaky");
    mkdirSync(dir);
    const s = await startSlurmServer(dir, { extra: EXCLUDE, binDir: await flakySbatch(dir, 2) });
    cleanups.push(() => s.close());
    const { jobId, statusUrl } = await submit(s.base, "sl_steps", { steps: 1, ms: 100 });
    await sleep(500);
    const row = await jobRow(s, jobId);
    expect(row.status).toBe("accepted");
    expect(row.schedulerRef).toBeNull();
    const done = await waitStatus(statusUrl, 60_000);
    expect(done.kind, done.message).toBe("succeeded");
    // Two failures, retried after ~1 s and ~2 s (±20 %): one submission in Slurm.
    expect(readFileSync(join(dir, "sbatch-calls"), "utf8").trim()).toBe("3");
    const log = readFileSync(join(s.dataDir, "jobs", jobId, "job.log"), "utf8");
    expect(log).toContain(
      '"event":"submit-retry","error":"Unable to contact slurm controller (connect failure)"',
    );
  });

  test("a node's slurmd killed mid-job: NODE_FAIL after SlurmdTimeout, reported as failed", {
    timeout: 120_000,
  }, async () => {
    const dir = join(tmp.dir, "node");
    mkdirSync(dir);
    const s = await startSlurmServer(dir, {
      extra: '[slurm.processes.sl_on_n2]\nextra_args = ["--nodelist=n2"]\n',
    });
    cleanups.push(() => s.close());
    const { jobId, statusUrl } = await submit(s.base, "sl_on_n2", { seconds: 50 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    const ref = (await jobRow(s, jobId)).schedulerRef!;
    expect(squeueField(ref, "%T|%N")).toBe("RUNNING|n2");
    let workerPid = 0;
    cleanups.push(() => {
      // The worker keeps running after its slurmd died (Slurm's split brain): end it, then bring n2 back.
      try {
        if (workerPid) process.kill(workerPid, "SIGKILL");
      } catch {
        // already ended
      }
      cluster("start-node", "n2");
    });
    workerPid = (JSON.parse(await waitAttemptFile(s.dataDir, jobId, "started.json")) as { pid: number }).pid;
    const t0 = Date.now();
    cluster("kill-node", "n2");
    const done = await waitStatus(statusUrl, 90_000, undefined, 250);
    // With --no-requeue, slurmctld declares the node DOWN after SlurmdTimeout (10 s) and a few pings (~30 s).
    expect(Date.now() - t0).toBeGreaterThan(8_000);
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(
      new RegExp(`^Slurm job ${ref} NODE_FAIL on n2: the node failed or the job was preempted`),
    );
    expect(squeueField(ref, "%T")).toBe("NODE_FAIL");
    // The job's processes survived the slurmd: the orphan worker is still running, and Roost did not wait for it.
    expect(() => process.kill(workerPid, 0)).not.toThrow();
    expect(attemptFile(s.dataDir, jobId, "result.json")).toBeUndefined();
  });
});
