/**
 * The server's commands of `roost`: `serve`, `worker run`, `new process`, `deploy nginx|systemd` and the server side
 * of `jobs cancel`. The
 * `roost` program itself belongs to `@roost/client` (its `bin`), which imports this module when `@roost/server` is
 * installed, so one command does both. This module stays light — it imports the command definitions when asked to
 * register them, and each action imports what it needs — because every `roost` invocation loads it.
 */
import { resolve } from "node:path";
import type { Command } from "commander";

/** Run one attempt of a job (`roost worker run <job-dir> --attempt <n>`); resolves with the exit status. */
export async function runWorkerCommand(jobDir: string, attempt: number): Promise<number> {
  const { runWorker } = await import("../worker/cli.js");
  return runWorker(resolve(jobDir), attempt);
}

/**
 * Add the server's commands to the `roost` program (after the client's: `jobs cancel` extends the client's). Their
 * modules are imported here, not at the top: `roost worker run` (one per Slurm job) imports this module for
 * {@link runWorkerCommand} only, and each of them costs start-up time.
 */
export async function registerServerCommands(program: Command): Promise<void> {
  const [{ registerServe }, { registerNew }, { registerAdminCommands }, { registerDeployCommands }] =
    await Promise.all([
      import("./serve.js"),
      import("./new-process.js"),
      import("../scheduler/slurm/admin.js"),
      import("../deploy/command.js"),
    ]);
  registerServe(program);
  program
    .command("worker")
    .description("run jobs on a compute node (what Slurm batch scripts call)")
    .command("run")
    .description("run one attempt of a job: reads <job-dir>/job.json, writes into <job-dir>/a<attempt>/")
    .argument("<job-dir>", "the job's directory on the shared filesystem")
    .requiredOption("--attempt <n>", "attempt number (fencing token)")
    .action(async (jobDir: string, o: { attempt: string }) => {
      process.exit(await runWorkerCommand(jobDir, Number(o.attempt)));
    });
  registerNew(program);
  registerAdminCommands(program);
  registerDeployCommands(program);
}
