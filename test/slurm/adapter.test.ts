/**
 * Unit tests of the Slurm CLI adapter with fake `sbatch`/`squeue`/`scontrol`/`scancel`/`sacct` scripts in `slurm.bin_dir`
 * (state in files the test writes), and of the batch wrapper script run by bash without Slurm. The fakes stand in
 * only here: every behaviour they imitate was captured from the real 22.05 cluster (see the integration suites).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { BATCH_SCRIPT } from "../../packages/server/src/scheduler/slurm/batch-script.js";
import { SlurmCli } from "../../packages/server/src/scheduler/slurm/cli.js";
import {
  SlurmScheduler,
  SlurmSubmitError,
  SlurmUnavailableError,
} from "../../packages/server/src/scheduler/slurm/slurm-scheduler.js";

const root = mkdtempSync(join(tmpdir(), "roost-fake-slurm-"));
const bin = join(root, "bin");
const state = join(root, "state");
mkdirSync(bin);
mkdirSync(state);

/** Each fake answers from `<state>/<cmd>.out` / `.err` / `.rc` and logs its arguments to `<state>/<cmd>.args`. */
for (const cmd of ["sbatch", "squeue", "scontrol", "scancel", "sinfo", "sacct"]) {
  writeFileSync(
    join(bin, cmd),
    `#!/bin/bash
printf '%s\\n' "$*" >> ${state}/${cmd}.args
env | sort > ${state}/${cmd}.env
key=${cmd}
if [ ${cmd} = scontrol ]; then key="scontrol-\${@: -1}"; fi
[ -f ${state}/$key.out ] && cat ${state}/$key.out
[ -f ${state}/$key.err ] && cat ${state}/$key.err >&2
exit $(cat ${state}/$key.rc 2>/dev/null || echo 0)
`,
  );
  chmodSync(join(bin, cmd), 0o755);
}

function answer(key: string, out: string, rc = 0, err = ""): void {
  writeFileSync(join(state, `${key}.out`), out);
  writeFileSync(join(state, `${key}.err`), err);
  writeFileSync(join(state, `${key}.rc`), String(rc));
}

function line0(): string {
  return args("sbatch")[0] ?? "";
}

function args(cmd: string): string[] {
  return existsSync(join(state, `${cmd}.args`))
    ? readFileSync(join(state, `${cmd}.args`), "utf8")
        .trim()
        .split("\n")
    : [];
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

const logger = { warn: () => {}, info: () => {} };
const JOB = "0b2c5d3e-0000-4000-8000-000000000001";

function scheduler(): SlurmScheduler {
  return new SlurmScheduler({
    cli: new SlurmCli({ binDir: bin, maxConcurrent: 4 }),
    workerCommand: ["/usr/bin/node", "/opt/roost/roost.js"],
    optionsFor: (pid) => (pid === "sleep" ? { partition: "debug", memory: "512M" } : {}),
    env: { PATH: "/usr/bin:/bin" },
    logger,
    scriptDir: join(root, "script"),
  });
}

describe("SlurmScheduler with fake commands", () => {
  beforeEach(() => {
    rmSync(state, { recursive: true, force: true });
    mkdirSync(state);
  });
  test("submit writes the fixed script into the attempt dir and parses the id", async () => {
    const jobDir = join(root, "jobs", JOB);
    mkdirSync(jobDir, { recursive: true });
    answer("sbatch", "4711\n");
    const { ref } = await scheduler().submit({
      jobId: JOB,
      attempt: 1,
      processId: "sleep",
      jobDir,
      timeLimitSec: 60,
      priority: "async",
    });
    expect(ref).toBe("4711");
    // The job's environment is sbatch's, set explicitly: nothing of the server's own environment.
    expect(readFileSync(join(state, "sbatch.env"), "utf8")).toMatch(/^PATH=\/usr\/bin:\/bin$/m);
    expect(readFileSync(join(state, "sbatch.env"), "utf8")).not.toMatch(/^VITEST/m);
    // One script for every job (sbatch sends its content to slurmctld); the attempt directory exists for --output.
    expect(readFileSync(join(root, "script", "roost-job.sbatch"), "utf8")).toBe(BATCH_SCRIPT);
    expect(existsSync(join(jobDir, "a1"))).toBe(true);
    expect(line0()).toContain(` ${join(root, "script", "roost-job.sbatch")} ${jobDir}/a1 `);
    const line = args("sbatch")[0]!;
    expect(line).toContain(`--job-name=roost-${JOB}-a1 `);
    expect(line).toContain("--no-requeue");
    expect(line).toContain("--export=ALL");
    expect(line).toContain("--partition=debug --mem=512M");
    expect(
      line.endsWith(`${jobDir}/a1 /usr/bin/node /opt/roost/roost.js worker run ${jobDir} --attempt 1`),
    ).toBe(true);
  });

  test("submit errors: controller unreachable is transient, an invalid partition is not", async () => {
    const jobDir = join(root, "jobs", JOB);
    const req = {
      jobId: JOB,
      attempt: 1,
      processId: "x",
      jobDir,
      timeLimitSec: 60,
      priority: "async",
    } as const;
    answer(
      "sbatch",
      "",
      1,
      "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n",
    );
    const e1 = await scheduler()
      .submit(req)
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(SlurmSubmitError);
    expect(e1).toMatchObject({
      transient: true,
      message: "Unable to contact slurm controller (connect failure)",
    });
    answer(
      "sbatch",
      "",
      1,
      "sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified\n",
    );
    const e2 = await scheduler()
      .submit(req)
      .catch((e: unknown) => e);
    expect(e2).toMatchObject({ transient: false, message: "Invalid partition name specified" });
  });

  test("poll: one squeue for all ids; scontrol only for FAILED and vanished jobs", async () => {
    answer("squeue", "11|RUNNING|n1|None|roost-a-a1\n12|FAILED|n3|NonZeroExitCode|roost-b-a1\n");
    answer(
      "scontrol-12",
      "JobId=12 JobName=roost-b-a1 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 NodeList=n3\n",
    );
    answer("scontrol-13", "", 1, "slurm_load_jobs error: Invalid job id specified\n");
    const seen = await scheduler().poll(["11", "12", "13"]);
    expect(args("squeue")).toEqual(["-h -t all -j 11,12,13 -o %i|%T|%N|%r|%j"]);
    expect(args("scontrol").sort()).toEqual(["show job -o 12", "show job -o 13"]);
    expect(seen.get("11")).toEqual({ state: "running", native: "RUNNING", name: "roost-a-a1", node: "n1" });
    expect(seen.get("12")).toEqual({
      state: "failed",
      native: "FAILED",
      reason: "NonZeroExitCode",
      exitCode: 3,
      signal: 0,
      name: "roost-b-a1",
      node: "n3",
    });
    expect(seen.get("13")).toEqual({ state: "unknown" });
    // Only the forgotten job is asked of accounting, in one call (the fake knows nothing of it: still unknown).
    expect(args("sacct")).toEqual(["-X -n -P -j 13 -o JobIDRaw,JobName,State,ExitCode,NodeList,Reason"]);
  });

  test("poll: jobs slurmctld forgot are resolved by sacct, final states only", async () => {
    answer("squeue", "11|RUNNING|n1|None|roost-a-a1\n");
    for (const id of ["13", "14", "15", "16"])
      answer(`scontrol-${id}`, "", 1, "slurm_load_jobs error: Invalid job id specified\n");
    answer(
      "sacct",
      [
        "13|roost-c-a1|TIMEOUT|0:0|n2|TimeLimit",
        "14|roost-d-a1|RUNNING|0:0|n1|None",
        "15|roost-e-a1|CANCELLED by 0|0:15|n3|None",
        // An id reused after a controller state loss: the newest record is reported (the monitor checks names).
        "16|roost-f-a1|COMPLETED|0:0|n1|None",
        "16|some|other|job|FAILED|3:0|n2|NonZeroExitCode",
        "",
      ].join("\n"),
    );
    const seen = await scheduler().poll(["11", "13", "14", "15", "16"]);
    expect(args("sacct")).toEqual([
      "-X -n -P -j 13,14,15,16 -o JobIDRaw,JobName,State,ExitCode,NodeList,Reason",
    ]);
    expect(seen.get("13")).toEqual({
      state: "timeout",
      native: "TIMEOUT",
      reason: "TimeLimit",
      exitCode: 0,
      signal: 0,
      name: "roost-c-a1",
      node: "n2",
    });
    // slurmdbd says running but slurmctld has forgotten it: lost with the controller's state, not a live job.
    expect(seen.get("14")).toEqual({ state: "unknown" });
    expect(seen.get("15")).toMatchObject({ state: "cancelled", native: "CANCELLED", signal: 15, node: "n3" });
    expect(seen.get("16")).toMatchObject({ state: "failed", exitCode: 3, name: "some|other|job" });
  });

  test("poll: a cluster without accounting is asked once, then left alone", async () => {
    answer("squeue", "");
    answer("scontrol-21", "", 1, "slurm_load_jobs error: Invalid job id specified\n");
    answer("sacct", "", 1, "sacct: error: Slurm accounting storage is disabled\n");
    const s = scheduler();
    expect((await s.poll(["21"])).get("21")).toEqual({ state: "unknown" });
    expect((await s.poll(["21"])).get("21")).toEqual({ state: "unknown" });
    expect(args("sacct")).toHaveLength(1);
    expect(s.cli.calls.sacct).toBe(1);
  });

  test("poll: a single unknown id (squeue rc 1 'Invalid job id') is unknown, not an outage", async () => {
    answer("squeue", "", 1, "slurm_load_jobs error: Invalid job id specified\n");
    answer("scontrol-99", "", 1, "slurm_load_jobs error: Invalid job id specified\n");
    expect((await scheduler().poll(["99"])).get("99")).toEqual({ state: "unknown" });
  });

  test("poll: controller unreachable throws (the monitor changes nothing)", async () => {
    answer("squeue", "", 1, "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n");
    await expect(scheduler().poll(["1", "2"])).rejects.toBeInstanceOf(SlurmUnavailableError);
  });

  test("findByName and cancel", async () => {
    answer("squeue", "5|roost-a-a1\n6|roost-b-a1\n");
    const found = await scheduler().findByName(["roost-a-a1", "roost-c-a1"]);
    expect(found).toEqual(new Map([["roost-a-a1", "5"]]));
    expect(args("squeue")[0]).toBe("-h -t all --name=roost-a-a1,roost-c-a1 -o %i|%j");
    // The name squeue did not know was asked of accounting (the fake's was empty).
    expect(args("sacct")).toEqual([
      "-X -n -P --name=roost-c-a1 -S now-30days -E now+3650days -o JobIDRaw,JobName",
    ]);
    answer("sacct", "7|roost-c-a1\n");
    expect(await scheduler().findByName(["roost-a-a1", "roost-c-a1"])).toEqual(
      new Map([
        ["roost-a-a1", "5"],
        ["roost-c-a1", "7"],
      ]),
    );
    await scheduler().cancel("5");
    expect(args("scancel")).toEqual(["5"]);
  });
});

describe("the batch wrapper (bash, no Slurm)", () => {
  const dir = join(root, "wrapper");
  const script = join(root, "job.sbatch");
  writeFileSync(script, BATCH_SCRIPT);

  function runWrapper(worker: string[]): { child: ReturnType<typeof spawn>; done: Promise<number | null> } {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const child = spawn("bash", [script, dir, ...worker], { stdio: "ignore" });
    return { child, done: new Promise((r) => child.once("exit", (code) => r(code))) };
  }

  test("records the worker's exit status; arguments are never shell text", async () => {
    const { done } = runWrapper([
      "sh",
      "-c",
      'printf "%s" "$1" > "$2"; exit 3',
      "x",
      "a b; $(touch pwned) 'q'",
      join(dir, "seen"),
    ]);
    expect(await done).toBe(3);
    expect(readFileSync(join(dir, "exitcode"), "utf8")).toBe("3\n");
    expect(readFileSync(join(dir, "seen"), "utf8")).toBe("a b; $(touch pwned) 'q'");
    expect(existsSync("pwned")).toBe(false);
  });

  test("forwards TERM to the worker, records it, and waits for the worker to end", async () => {
    const marker = join(root, "got-term");
    const { child, done } = runWrapper([
      process.execPath,
      "-e",
      `process.on("SIGTERM", () => { require("fs").writeFileSync(${JSON.stringify(marker)}, "1"); setTimeout(() => process.exit(143), 200); }); setInterval(() => {}, 1000);`,
    ]);
    await new Promise((r) => setTimeout(r, 500));
    child.kill("SIGTERM");
    expect(await done).toBe(143);
    expect(readFileSync(marker, "utf8")).toBe("1");
    expect(readFileSync(join(dir, "signals"), "utf8")).toMatch(/^\d+ TERM\n$/);
    expect(readFileSync(join(dir, "exitcode"), "utf8")).toBe("143\n");
  });
});
