/**
 * 100 concurrent asynchronous jobs through Slurm (16 slots on n1 and n3), with mixed outcomes: every job reaches
 * the terminal state it should, each has exactly one Slurm job, and the monitor polls them all with one `squeue`
 * per tick (a logging wrapper in `slurm.bin_dir` records every call).
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type InProcessServer,
  requireCluster,
  scratch,
  slurmJobsNamed,
  startSlurmServer,
  submit,
  waitStatus,
} from "./helpers.js";

const run = requireCluster();
const exec = promisify(execFile);

describe.runIf(run)("100 concurrent Slurm jobs", () => {
  const tmp = scratch("roost-slurm-load-");
  let s: InProcessServer;
  const calls = join(tmp.dir, "squeue-calls");

  beforeAll(async () => {
    const bin = join(tmp.dir, "bin");
    mkdirSync(bin);
    const real = (await exec("sh", ["-c", "command -v squeue"])).stdout.trim();
    writeFileSync(join(bin, "squeue"), `#!/bin/bash\nprintf '%s\\n' "$*" >> ${calls}\nexec ${real} "$@"\n`);
    chmodSync(join(bin, "squeue"), 0o755);
    for (const c of ["sbatch", "scontrol", "scancel", "sinfo", "sacct"])
      symlinkSync((await exec("sh", ["-c", `command -v ${c}`])).stdout.trim(), join(bin, c));
    s = await startSlurmServer(tmp.dir, {
      extra: '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n',
      binDir: bin,
    });
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  test("every job reaches its terminal state, once", { timeout: 180_000 }, async () => {
    const counter = join(tmp.dir, "runs.txt");
    const kinds = Array.from({ length: 100 }, (_, i) =>
      i % 10 === 3 ? "sl_exit" : i % 10 === 7 ? "sl_error" : "sl_count",
    );
    const t0 = Date.now();
    const jobs = await Promise.all(
      kinds.map(async (k) => ({
        k,
        ...(await submit(s.base, k, k === "sl_count" ? { file: counter, delay: 0.5 } : {})),
      })),
    );
    const results = await Promise.all(jobs.map((j) => waitStatus(j.statusUrl, 150_000, undefined, 250)));
    const elapsed = Date.now() - t0;
    results.forEach((r, i) => {
      const k = jobs[i]!.k;
      if (k === "sl_count") expect(r.kind, r.message).toBe("succeeded");
      else expect(r.kind).toBe("failed");
      if (k === "sl_exit") expect(r.message).toMatch(/the worker exited with code 3$/);
      if (k === "sl_error") expect(r.message).toContain("the input data is not usable");
    });
    for (const j of jobs) expect(slurmJobsNamed(`roost-${j.jobId}-a1`)).toHaveLength(1);
    const ran = readFileSync(counter, "utf8").trim().split("\n").sort();
    expect(ran).toEqual(
      jobs
        .filter((j) => j.k === "sl_count")
        .map((j) => j.jobId)
        .sort(),
    );
    // One squeue per tick for all due jobs: far fewer calls than jobs × ticks, and large batches at the peak.
    const polls = readFileSync(calls, "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.includes(" -j "));
    const biggest = Math.max(...polls.map((l) => (/ -j (\S+)/.exec(l)?.[1] ?? "").split(",").length));
    // A per-job poller would never exceed 1; how many of the 100 are due in the same tick depends on how fast
    // the jobs start and end (37–58 seen), so the bound only proves batching.
    expect(biggest).toBeGreaterThanOrEqual(20);
    // At most one poll per 100 ms tick (plus slack for the final ticks).
    expect(polls.length).toBeLessThan(elapsed / 100 + 20);
    console.log(`100 jobs in ${elapsed} ms; ${polls.length} squeue polls, largest batch ${biggest} ids`);
  });
});
