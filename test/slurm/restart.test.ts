/**
 * Server crashes against a real cluster: Roost runs as a `roost serve` subprocess and is SIGKILLed (1) after
 * `sbatch` accepted the job but before the server stored the Slurm id, and (2) while jobs run and one waits in the
 * queue. After the restart every job is reconciled — by its stored id, or by its name — and no job is ever
 * submitted twice: each Roost job has exactly one Slurm job of its name, and the run counter one line per job.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import {
  CLI,
  linkSlurmCommands,
  requireCluster,
  serverSuite,
  sleep,
  slurmJobsNamed,
  submit,
  waitStatus,
  writeConfig,
  writeStallingSbatch,
} from "./helpers.js";

const run = requireCluster();
const exec = promisify(execFile);
const EXCLUDE = '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n';

describe.runIf(run).sequential("server crashes and restarts", { timeout: 120_000 }, () => {
  const servers = serverSuite("roost-slurm-restart-");
  afterAll(() => servers.cleanup());

  test("SIGKILL between sbatch and storing the Slurm id: adopted by name, not submitted again", async () => {
    const { dir, port, base } = await servers.slot("a");
    const mark = join(dir, "sbatch-answered");
    const bin = join(dir, "bin");
    writeStallingSbatch(bin, mark);
    linkSlurmCommands(bin);
    const counter = join(dir, "runs.txt");
    let server = await servers.spawn(writeConfig(dir, port, { extra: EXCLUDE, binDir: bin }), base);
    const { jobId, statusUrl } = await submit(base, "sl_count", { file: counter, delay: 2 });
    for (let i = 0; i < 200 && !existsSync(mark); i++) await sleep(50);
    const slurmId = readFileSync(mark, "utf8").trim();
    expect(slurmId).toMatch(/^\d+$/);
    // The server is waiting for sbatch's answer: it has the job in Slurm but not its id.
    await server.kill();
    await sleep(500);
    server = await servers.spawn(writeConfig(dir, port, { extra: EXCLUDE }), base);
    const done = await waitStatus(statusUrl, 60_000);
    expect(done.kind, done.message).toBe("succeeded");
    expect(slurmJobsNamed(`roost-${jobId}-a1`)).toEqual([slurmId]);
    expect(readFileSync(counter, "utf8").trim().split("\n")).toEqual([jobId]);
    await server.kill();
  });

  test("SIGKILL while jobs run (and one is queued): reconciled by id, no duplicates, cancel while down", async () => {
    const { dir, port, base } = await servers.slot("b");
    const configFile = writeConfig(dir, port, { extra: EXCLUDE });
    const counter = join(dir, "runs.txt");
    let server = await servers.spawn(configFile, base);
    // Six jobs: three end while the server is down, three after it is back; one more waits an hour in the queue.
    const jobs = await Promise.all(
      [1, 1, 1, 8, 8, 8].map((delay) => submit(base, "sl_count", { file: counter, delay })),
    );
    const queued = await submit(base, "sl_later");
    for (const j of jobs) await waitStatus(j.statusUrl, 30_000, (x) => x.kind === "started");
    await waitStatus(queued.statusUrl, 30_000, (x) => x.message.includes("queued in Slurm"));
    await server.kill();
    // While no server runs: the operator cancels the queued job (scancel now, recorded in the store).
    const { stdout } = await exec(process.execPath, [
      CLI,
      "jobs",
      "cancel",
      queued.jobId,
      "--config",
      configFile,
    ]);
    expect(stdout).toMatch(/scancel sent/);
    await sleep(3000);
    server = await servers.spawn(configFile, base);
    for (const j of jobs) {
      const done = await waitStatus(j.statusUrl, 60_000);
      expect(done.kind, done.message).toBe("succeeded");
      expect(slurmJobsNamed(`roost-${j.jobId}-a1`)).toHaveLength(1);
    }
    const q = await waitStatus(queued.statusUrl, 30_000);
    expect(q.message).toBe("Job dismissed");
    const lines = readFileSync(counter, "utf8").trim().split("\n").sort();
    expect(lines).toEqual(jobs.map((j) => j.jobId).sort());
    await server.kill();
  });
});
