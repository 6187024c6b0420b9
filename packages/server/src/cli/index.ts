/**
 * The server's commands of `roost`: `serve`, `worker run`, `new process` and the server side of `jobs cancel`. The
 * `roost` program itself belongs to `@roost/client` (its `bin`), which imports this module when `@roost/server` is
 * installed, so one command does both. This module stays light — commander definitions only; each action imports
 * what it needs — because every client command (`roost run hello …`) loads it too.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { registerAdminCommands } from "../scheduler/slurm/admin.js";
import { registerNew } from "./new-process.js";
import { registerServe } from "./serve.js";

/** Run one attempt of a job (`roost worker run <job-dir> --attempt <n>`); resolves with the exit status. */
export async function runWorkerCommand(jobDir: string, attempt: number): Promise<number> {
  const { runWorker } = await import("../worker/cli.js");
  return runWorker(resolve(jobDir), attempt);
}

/** Add the server's commands to the `roost` program (after the client's: `jobs cancel` extends the client's). */
export function registerServerCommands(program: Command): void {
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
}
