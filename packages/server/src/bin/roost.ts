#!/usr/bin/env node
/**
 * The `roost` command: `roost serve` runs the server; `roost worker run` runs one job on a compute node;
 * `roost deploy nginx|systemd` prints deployment files generated from the configuration; the client commands
 * (processes, describe, run, status, jobs) talk to any WPS server.
 */
import { resolve as resolvePath } from "node:path";

// `roost worker run <job-dir> --attempt <n>` starts once per Slurm job: it skips commander (~20 ms of CPU to load
// on the 2-vCPU test machine, a tenth of the worker's whole start-up) and every other module it does not use.
// Anything else (`--help`, other spellings) goes through commander below.
const workerArgv = process.argv.slice(2);
if (
  workerArgv.length === 5 &&
  workerArgv[0] === "worker" &&
  workerArgv[1] === "run" &&
  workerArgv[3] === "--attempt" &&
  /^\d+$/.test(workerArgv[4]!)
) {
  const { runWorker } = await import("../worker/cli.js");
  process.exit(await runWorker(resolvePath(workerArgv[2]!), Number(workerArgv[4])));
}

const { Command, Option } = await import("commander");
// The server's modules (fastify, kysely, the store drivers) are imported only by the commands that need them:
// loading them costs ~0.6 s, which every client command (`roost run hello …`) would otherwise pay.

const program = new Command();
program
  .name("roost")
  .description("Roost: a Web Processing Service server and client")
  .showHelpAfterError()
  // Usage errors (unknown command or option) exit 2, like the client commands.
  .exitOverride((err) => {
    if (
      err.code === "commander.helpDisplayed" ||
      err.code === "commander.version" ||
      err.code === "commander.help"
    )
      process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command("serve")
  .description(
    "run the WPS server (default: http://127.0.0.1:5000/wps, SQLite and local workers under ./var)",
  )
  .option("-c, --config <file>", "TOML configuration file (env ROOST_CONFIG)")
  .option("--host <host>", "interface to listen on (server.host)")
  .option("-p, --port <port>", "port (server.port)")
  .option("--data-dir <dir>", "job directories, outputs and the SQLite database (server.data_dir)")
  .option("--public-url <url>", "base URL clients use, e.g. behind a proxy (server.public_url)")
  .option("--database-url <url>", "sqlite:<path> or postgres://… (database.url)")
  .addOption(
    new Option("--log-level <level>", "log level (server.log_level)").choices([
      "fatal",
      "error",
      "warn",
      "info",
      "debug",
      "trace",
      "silent",
    ]),
  )
  .action(async (o: Record<string, string | undefined>) => {
    const { ConfigError, loadConfig } = await import("../config/load.js");
    let config: ReturnType<typeof loadConfig>;
    try {
      config = loadConfig({
        file: o.config,
        env: process.env,
        flags: {
          "server.host": o.host,
          "server.port": o.port,
          "server.data_dir": o.dataDir,
          "server.public_url": o.publicUrl,
          "database.url": o.databaseUrl,
          "server.log_level": o.logLevel,
        },
      });
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`roost: ${e.message}\n`);
        process.exit(2);
      }
      throw e;
    }
    // Imported only once the configuration is valid: a config error is reported at once, not after loading the server.
    const { startServer } = await import("../main.js");
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer(config);
    } catch (e) {
      process.stderr.write(`roost: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        process.stderr.write(`roost: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      server.app.log.info({ signal }, "shutting down: finishing in-flight requests");
      server.close(20_000).then(
        () => process.exit(0),
        (e: unknown) => {
          server.app.log.error({ err: e }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });

program
  .command("worker")
  .description("run jobs on a compute node (what Slurm batch scripts call)")
  .command("run")
  .description("run one attempt of a job: reads <job-dir>/job.json, writes into <job-dir>/a<attempt>/")
  .argument("<job-dir>", "the job's directory on the shared filesystem")
  .requiredOption("--attempt <n>", "attempt number (fencing token)")
  .action(async (jobDir: string, o: { attempt: string }) => {
    const { runWorker } = await import("../worker/cli.js");
    process.exit(await runWorker(resolvePath(jobDir), Number(o.attempt)));
  });

// `roost worker run` starts once per Slurm job: it must not load the client (or anything else) it does not use.
if (process.argv[2] !== "worker") {
  const { registerClientCommands } = await import("@roost/client/cli");
  registerClientCommands(program);
  const { registerAdminCommands } = await import("../scheduler/slurm/admin.js");
  registerAdminCommands(program);
  const { registerDeployCommands } = await import("../deploy/command.js");
  registerDeployCommands(program);
}

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`roost: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
