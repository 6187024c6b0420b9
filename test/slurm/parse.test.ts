/**
 * Unit tests of the Slurm adapter's pure parts: parsing the 22.05 CLI's output (captured from the test cluster),
 * error classification, time limits, per-process options and the sbatch command line.
 */
import { describe, expect, test } from "vitest";
import {
  mergeOptions,
  sbatchArgs,
  slurmTimeLimitSec,
  validateOptions,
} from "../../packages/server/src/scheduler/slurm/batch-script.js";
import {
  backendState,
  classifyError,
  errorMessage,
  formatSlurmTime,
  parseNameLookup,
  parseSbatch,
  parseScontrolJob,
  parseSlurmTime,
  parseSqueue,
} from "../../packages/server/src/scheduler/slurm/parse.js";

describe("states", () => {
  test.each([
    ["PENDING", "queued"],
    ["CONFIGURING", "queued"],
    ["REQUEUE_HOLD", "queued"],
    ["RUNNING", "running"],
    ["COMPLETING", "running"],
    ["SUSPENDED", "running"],
    ["COMPLETED", "completed"],
    ["FAILED", "failed"],
    ["CANCELLED", "cancelled"],
    ["CANCELLED by 0", "cancelled"],
    ["CANCELLED+", "cancelled"],
    ["TIMEOUT", "timeout"],
    ["DEADLINE", "timeout"],
    ["OUT_OF_MEMORY", "out_of_memory"],
    ["NODE_FAIL", "node_fail"],
    ["BOOT_FAIL", "node_fail"],
    ["PREEMPTED", "node_fail"],
  ])("%s → %s", (native, state) => {
    expect(backendState(native)).toEqual({ state, known: true });
  });

  test("an unknown state counts as running: it must never end a job", () => {
    expect(backendState("RESV_SOMETHING_NEW")).toEqual({ state: "running", known: false });
  });
});

describe("parsing", () => {
  test("squeue rows; the name is last and may contain the delimiter", () => {
    const out = "606|PENDING||JobHeldUser|roost-x-a1\n607|RUNNING|n1|None|odd|name\n\ngarbage\n";
    expect(parseSqueue(out)).toEqual([
      { id: "606", state: "PENDING", nodes: "", reason: "JobHeldUser", name: "roost-x-a1" },
      { id: "607", state: "RUNNING", nodes: "n1", reason: "None", name: "odd|name" },
    ]);
  });

  test("scontrol show job -o (captured); DerivedExitCode does not shadow ExitCode", () => {
    const line =
      "JobId=2 JobName=my job UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901758 Nice=0 Account=(null) " +
      "QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 " +
      "ExitCode=3:0 RunTime=00:00:01 TimeLimit=UNLIMITED NodeList=n1 BatchHost=n1 DerivedExitCode=0:0 WorkDir=/tmp";
    expect(parseScontrolJob(line)).toEqual({
      id: "2",
      name: "my job",
      state: "FAILED",
      reason: "NonZeroExitCode",
      exitCode: 3,
      signal: 0,
      nodes: "n1",
      restarts: 0,
    });
    expect(parseScontrolJob("slurm_load_jobs error: Invalid job id specified")).toBeUndefined();
  });

  test("sbatch --parsable", () => {
    expect(parseSbatch("123\n")).toBe("123");
    expect(parseSbatch("123;roost\n")).toBe("123");
    expect(parseSbatch("Submitted batch job 123")).toBeUndefined();
  });

  test("name lookup keeps the newest id per name", () => {
    expect(parseNameLookup("5|roost-a-a1\n9|roost-a-a1\n7|roost-b-a1\n")).toEqual(
      new Map([
        ["roost-a-a1", "9"],
        ["roost-b-a1", "7"],
      ]),
    );
  });
});

describe("errors", () => {
  test.each([
    [
      "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)",
      "transient",
    ],
    ["slurm_load_jobs error: Socket timed out on send/recv operation", "transient"],
    ["sbatch: error: Batch job submission failed: Resource temporarily unavailable", "transient"],
    ["slurm_load_jobs error: Invalid job id specified", "not_found"],
    [
      "sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified",
      "permanent",
    ],
    ["sbatch: error: Memory specification can not be satisfied", "permanent"],
    ["", "transient"],
  ])("%s → %s", (out, kind) => {
    expect(classifyError(out)).toBe(kind);
  });

  test("a call killed by its timeout is transient", () => {
    expect(classifyError("Invalid partition", true)).toBe("transient");
  });

  test("the message keeps Slurm's reason only", () => {
    expect(
      errorMessage(
        "sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified\n",
      ),
    ).toBe("Invalid partition name specified");
  });
});

describe("time limits", () => {
  test.each([
    ["10", 600],
    ["10:30", 630],
    ["1:00:00", 3600],
    ["2-00", 172800],
    ["1-02:03", 93780],
    ["1-02:03:04", 93784],
  ])("%s = %i s", (spec, sec) => {
    expect(parseSlurmTime(spec)).toBe(sec);
  });

  test("UNLIMITED has no limit; garbage is refused", () => {
    expect(parseSlurmTime("UNLIMITED")).toBeUndefined();
    expect(() => parseSlurmTime("1h")).toThrow(/not a Slurm time limit/);
  });

  test("formatted rounded up to whole minutes", () => {
    expect(formatSlurmTime(3660)).toBe("0-01:01:00");
    expect(formatSlurmTime(61)).toBe("0-00:02:00");
    expect(formatSlurmTime(90061)).toBe("1-01:02:00");
  });

  test("without an operator limit Slurm's is the job's own plus a minute (the worker's limit strikes first)", () => {
    expect(slurmTimeLimitSec(3600, {})).toBe(3660);
    expect(slurmTimeLimitSec(30, {})).toBe(120);
    expect(slurmTimeLimitSec(3600, { time_limit: "5" })).toBe(300);
  });
});

describe("options", () => {
  test("a process's options override the defaults; extra_args add up", () => {
    expect(
      mergeOptions(
        { partition: "debug", memory: "1G", extra_args: ["--exclude=n2"] },
        { memory: "4G", extra_args: ["--constraint=fast"] },
      ),
    ).toEqual({
      partition: "debug",
      time_limit: undefined,
      cpus: undefined,
      memory: "4G",
      account: undefined,
      qos: undefined,
      extra_args: ["--exclude=n2", "--constraint=fast"],
    });
  });

  test("options Roost controls cannot be overridden; values are checked", () => {
    expect(() => validateOptions({ extra_args: ["--job-name=x"] }, "w")).toThrow(
      /--job-name is set by Roost/,
    );
    expect(() => validateOptions({ extra_args: ["--requeue"] }, "w")).toThrow(/--requeue is set by Roost/);
    expect(() => validateOptions({ extra_args: ["-J", "x"] }, "w")).toThrow(/long option/);
    expect(() => validateOptions({ memory: "lots" }, "w")).toThrow(/--mem/);
    expect(() => validateOptions({ partition: "a b" }, "w")).toThrow(/not a Slurm name/);
    expect(() => validateOptions({ time_limit: "1h" }, "w")).toThrow(/time_limit/);
    expect(() =>
      validateOptions(
        { partition: "gpu,cpu", memory: "512M", extra_args: ["--constraint=fast", "--exclusive"] },
        "w",
      ),
    ).not.toThrow();
  });

  test("the sbatch command line: fixed options, operator options, then the script and its arguments", () => {
    const args = sbatchArgs({
      jobId: "0b2c5d3e-0000-4000-8000-000000000001",
      attempt: 2,
      jobDir: "/data/jobs/0b2c5d3e-0000-4000-8000-000000000001",
      attemptDir: "/data/jobs/0b2c5d3e-0000-4000-8000-000000000001/a2",
      scriptPath: "/data/jobs/0b2c5d3e-0000-4000-8000-000000000001/a2/job.sbatch",
      workerCommand: ["/usr/bin/node", "/opt/roost/dist/bin/roost.js"],
      timeLimitSec: 600,
      options: {
        partition: "debug",
        cpus: 2,
        memory: "512M",
        account: "geo",
        qos: "normal",
        extra_args: ["--exclusive"],
      },
    });
    const a = "/data/jobs/0b2c5d3e-0000-4000-8000-000000000001/a2";
    expect(args).toEqual([
      "--parsable",
      "--no-requeue",
      "--job-name=roost-0b2c5d3e-0000-4000-8000-000000000001-a2",
      "--comment=roost:0b2c5d3e-0000-4000-8000-000000000001:2",
      `--chdir=${a}`,
      `--output=${a}/slurm-%j.out`,
      "--export=ALL",
      "--time=0-00:11:00",
      "--signal=B:USR1@60",
      "--partition=debug",
      "--cpus-per-task=2",
      "--mem=512M",
      "--account=geo",
      "--qos=normal",
      "--exclusive",
      `${a}/job.sbatch`,
      a,
      "/usr/bin/node",
      "/opt/roost/dist/bin/roost.js",
      "worker",
      "run",
      "/data/jobs/0b2c5d3e-0000-4000-8000-000000000001",
      "--attempt",
      "2",
    ]);
  });

  test("a one-minute limit warns at 30 s", () => {
    const args = sbatchArgs({
      jobId: "j",
      attempt: 1,
      jobDir: "/d",
      attemptDir: "/d/a1",
      scriptPath: "/d/a1/job.sbatch",
      workerCommand: ["/n"],
      timeLimitSec: 3600,
      options: { time_limit: "1" },
    });
    expect(args).toContain("--time=1");
    expect(args).toContain("--signal=B:USR1@30");
  });
});
