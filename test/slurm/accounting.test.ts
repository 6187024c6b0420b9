/**
 * Jobs that slurmctld has forgotten, resolved through Slurm accounting (slurmdbd + MariaDB, started by
 * `scripts/slurm-cluster.sh up --accounting`). slurmctld forgets a finished job `MinJobAge` (300 s) after its end;
 * waiting that long per test is not an option, so a wrapper in `slurm.bin_dir` makes `squeue` and `scontrol` deny
 * the job ids listed in a file — exactly what they answer once the real purge happened — while `sbatch`, `scancel`
 * and `sacct` are the real ones.
 *
 * 1. A job cancelled by someone else while the server is down, then forgotten: after the restart the reason comes
 *    from `sacct` (CANCELLED), not from the attempt files (which only know the worker died of SIGTERM).
 * 2. A server killed between `sbatch` and storing the Slurm id, restarted after the job (never started) was
 *    cancelled and forgotten: it is found by its name in accounting, reported as cancelled, not submitted again.
 */
import { execFile, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { requireService } from "../helpers/services.js";
import {
  linkSlurmCommands,
  requireCluster,
  serverSuite,
  sleep,
  slurmCommand,
  slurmJobsNamed,
  squeueField,
  submit,
  waitStatus,
  writeConfig,
  writeStallingSbatch,
} from "./helpers.js";

const exec = promisify(execFile);
const EXCLUDE = '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n';

function accountingUp(): boolean {
  const r = spawnSync("sacct", ["-X", "-n", "-P", "-j", "1", "-o", "JobIDRaw"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return r.status === 0;
}

const run =
  requireCluster() &&
  requireService(
    "Slurm accounting (slurmdbd)",
    accountingUp(),
    "run `sudo scripts/slurm-cluster.sh up --nodes 3 --accounting`",
  );

/**
 * A bin dir whose `squeue`/`scontrol` deny the ids listed in `<dir>/forgotten`. With `stallMark`, `sbatch` submits
 * for real, writes the id to that file and never answers (the server dies waiting).
 */
function forgettingBin(dir: string, stallMark?: string): { bin: string; forget(id: string): void } {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const list = join(dir, "forgotten");
  writeFileSync(list, "");
  writeFileSync(
    join(bin, "squeue"),
    `#!/bin/bash
out=$(${slurmCommand("squeue")} "$@"); rc=$?
if [ -s ${list} ]; then printf '%s\\n' "$out" | grep -v -E "^($(paste -sd'|' ${list}))\\|" ; else printf '%s\\n' "$out"; fi
exit $rc
`,
  );
  writeFileSync(
    join(bin, "scontrol"),
    `#!/bin/bash
if [ "$1 $2" = "show job" ] && grep -qx -- "\${@: -1}" ${list}; then
  echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1
fi
exec ${slurmCommand("scontrol")} "$@"
`,
  );
  for (const c of ["squeue", "scontrol"]) chmodSync(join(bin, c), 0o755);
  if (stallMark !== undefined) writeStallingSbatch(bin, stallMark);
  linkSlurmCommands(bin);
  return { bin, forget: (id) => appendFileSync(list, `${id}\n`) };
}

/**
 * Wait until accounting holds the job's final record: its state and its name. slurmdbd is told asynchronously, and
 * for a moment after a cancellation it shows the state with the name `allocation`; a real purge comes MinJobAge
 * (300 s) after the end, long after the record is complete. A job cancelled before it was eligible gets its eligible
 * time ~2 s later, and only then does `sacct --name` (a time-window query) list it.
 */
async function accounted(id: string, name: string, want: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [byId, byName] = await Promise.all([
      exec("sacct", ["-X", "-n", "-P", "-j", id, "-o", "State,JobName"]),
      exec("sacct", [
        "-X",
        "-n",
        "-P",
        `--name=${name}`,
        "-S",
        "now-1days",
        "-E",
        "now+3650days",
        "-o",
        "JobIDRaw",
      ]),
    ]);
    const [state, recorded] = byId.stdout.trim().split("|");
    if (want.test(state ?? "") && recorded === name && byName.stdout.trim().split("\n").includes(id)) return;
    if (Date.now() > deadline) throw new Error(`sacct still says '${byId.stdout.trim()}' for job ${id}`);
    await sleep(200);
  }
}

describe.runIf(run).sequential("jobs slurmctld has forgotten: Slurm accounting", { timeout: 120_000 }, () => {
  const servers = serverSuite("roost-slurm-acct-");
  afterAll(() => servers.cleanup());

  test("cancelled by someone else while the server was down: sacct gives the reason", async () => {
    const { dir, port, base } = await servers.slot("a");
    const { bin, forget } = forgettingBin(dir);
    const configFile = writeConfig(dir, port, { extra: EXCLUDE, binDir: bin });
    let server = await servers.spawn(configFile, base);
    const { jobId, statusUrl } = await submit(base, "sl_steps", { steps: 60, ms: 1000 });
    await waitStatus(statusUrl, 30_000, (x) => x.kind === "started");
    const [slurmId] = slurmJobsNamed(`roost-${jobId}-a1`);
    expect(slurmId).toMatch(/^\d+$/);
    await server.kill();
    await exec("scancel", [slurmId!]);
    for (let i = 0; i < 200 && squeueField(slurmId!, "%T") !== "CANCELLED"; i++) await sleep(50);
    await accounted(slurmId!, `roost-${jobId}-a1`, /^CANCELLED/);
    forget(slurmId!);
    server = await servers.spawn(configFile, base);
    const done = await waitStatus(statusUrl, 60_000, (x) => x.kind === "failed" || x.kind === "succeeded");
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(
      new RegExp(`^Slurm job ${slurmId} CANCELLED on n\\d: cancelled outside Roost`),
    );
    // What the attempt files alone would have said: the worker died of SIGTERM.
    expect(done.message).not.toContain("exit status 143");
    await server.kill();
  });

  test("killed between sbatch and storing the id; the job was cancelled and forgotten: found by name", async () => {
    const { dir, port, base } = await servers.slot("b");
    const mark = join(dir, "sbatch-answered");
    const stalling = forgettingBin(join(dir, "stall"), mark);
    let server = await servers.spawn(writeConfig(dir, port, { extra: EXCLUDE, binDir: stalling.bin }), base);
    // sl_later waits for its --begin time: the job never starts, so no attempt file tells the restarted server
    // anything; only Slurm knows it exists.
    const { jobId, statusUrl } = await submit(base, "sl_later");
    for (let i = 0; i < 200 && !existsSync(mark); i++) await sleep(50);
    const slurmId = readFileSync(mark, "utf8").trim();
    expect(slurmId).toMatch(/^\d+$/);
    await server.kill();
    await exec("scancel", [slurmId]);
    const name = `roost-${jobId}-a1`;
    await accounted(slurmId, name, /^CANCELLED/);
    const { bin, forget } = forgettingBin(join(dir, "after"));
    forget(slurmId);
    server = await servers.spawn(writeConfig(dir, port, { extra: EXCLUDE, binDir: bin }), base);
    const done = await waitStatus(statusUrl, 60_000, (x) => x.kind === "failed" || x.kind === "succeeded");
    expect(done.kind).toBe("failed");
    expect(done.message).toMatch(new RegExp(`^Slurm job ${slurmId} CANCELLED: cancelled outside Roost`));
    // Found, not submitted again as a new attempt.
    expect(slurmJobsNamed(name)).toEqual([slurmId]);
    expect(slurmJobsNamed(`roost-${jobId}-a2`)).toEqual([]);
    await server.kill();
  });
});
