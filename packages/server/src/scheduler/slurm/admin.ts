/**
 * `roost jobs cancel <job-id> --config <file>`: the operator's way to dismiss a Slurm job from the server host while
 * the server is down (with the server up, the client's `roost jobs cancel` goes through its job resource). It uses the server's configuration to open the job store, records the dismissal and,
 * for a Slurm job, runs `scancel` at once — restricted by `--name=roost-<job>-a<n>`, so a Slurm job id reused after a
 * controller state loss is never hit. The running server's monitor sees CANCELLED with the recorded request and
 * marks the job dismissed (a server that is down does it when it starts). Local jobs live inside the server process
 * and cannot be reached from here.
 */
import { attemptName, isJobId, isTerminal } from "@roost/core/internal";
import type { Command } from "commander";
import { SlurmCli } from "./cli.js";
import { errorMessage } from "./parse.js";

/** Streams the command writes to (tests pass their own). */
export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: AdminIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`roost: ${l}\n`),
};

/** Dismiss a job; resolves with the exit status (0 done or already ended, 1 unknown job, 2 usage, 3 failure). */
export async function cancelJob(
  jobId: string,
  configFile: string | undefined,
  io: AdminIo = processIo,
): Promise<number> {
  if (!isJobId(jobId)) {
    io.err(`'${jobId.slice(0, 60)}' is not a job id`);
    return 2;
  }
  const { ConfigError, loadConfig } = await import("../../config/load.js");
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = loadConfig({ file: configFile, env: process.env });
  } catch (e) {
    io.err(e instanceof ConfigError ? e.message : String(e));
    return 2;
  }
  const { openStore } = await import("../../store/index.js");
  const store = await openStore({
    url: config.database.url,
    schema: config.database.schema || undefined,
    durability: config.database.durability,
  });
  try {
    const job = await store.get(jobId);
    if (!job) {
      io.err(
        `no job ${jobId} in ${config.database.url.startsWith("sqlite:") ? config.database.url : "the job store"}`,
      );
      return 1;
    }
    if (isTerminal(job.status)) {
      io.out(`job ${jobId} has already ended: ${job.status}`);
      return 0;
    }
    if (job.backend !== "slurm") {
      io.err(`job ${jobId} runs on the server's local workers: only the server process can stop it`);
      return 2;
    }
    await store.update(jobId, ["accepted", "running"], { dismissRequested: true });
    if (!job.schedulerRef) {
      io.out(`job ${jobId}: dismissal recorded; it was not submitted to Slurm yet and will not be`);
      return 0;
    }
    const cli = new SlurmCli({ binDir: config.slurm.bin_dir, maxConcurrent: 1 });
    const name = attemptName(jobId, job.attempt);
    const r = await cli.run("scancel", [`--name=${name}`, job.schedulerRef]);
    if (r.code !== 0) {
      io.err(
        `scancel failed: ${r.spawnError ?? errorMessage(`${r.stderr}\n${r.stdout}`)}; the server retries the cancellation`,
      );
      return 3;
    }
    io.out(
      `job ${jobId}: scancel sent to Slurm job ${job.schedulerRef} (${name}); the server marks it dismissed once Slurm confirms`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * Give `roost jobs cancel` its server side. The client registers the command (dismiss through the server's job
 * resource, which reaches local and Slurm jobs); with `--config`, or `ROOST_CONFIG` set and no service URL, it
 * works on the job store and Slurm directly instead, for when the server is down.
 */
export function registerAdminCommands(program: Command): void {
  const jobs = program.commands.find((c) => c.name() === "jobs") ?? program.command("jobs");
  const cancel =
    jobs.commands.find((c) => c.name() === "cancel") ??
    jobs.command("cancel").argument("<job>", "job id (or status URL)");
  cancel
    .option("-c, --config <file>", "server side: the server's TOML configuration (env ROOST_CONFIG)")
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      // The client's `jobs` command has the same options (--url, --json, …): commander may hand them to it.
      const o = cmd.optsWithGlobals<{ config?: string; url?: string }>();
      const { cancelCommand, processIo } = await import("@roost/client/cli");
      const io = processIo();
      const serverSide =
        o.config !== undefined ||
        (Boolean(process.env.ROOST_CONFIG) && o.url === undefined && io.env.serviceUrl === undefined);
      if (serverSide) process.exit(await cancelJob(ref, o.config));
      process.exitCode = await cancelCommand(io, ref, o);
    });
}
