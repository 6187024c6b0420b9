/**
 * The `roost` program: the client commands (this package) plus, when `@roost/server` is installed next to it, the
 * server's (`serve`, `worker run`, `new process`, `jobs cancel --config`). The client has no native dependency, so
 * `npm install @roost/client` gives a working `roost` for any WPS server; server commands then say what to install.
 *
 * `roost worker run <job-dir> --attempt <n>` starts once per Slurm job: that exact argument shape goes straight to
 * the server's worker without loading commander or the client commands (see `packages/server/src/bin/roost.ts`).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";

/** What `@roost/server/cli` provides. */
export interface ServerCommands {
  registerServerCommands(program: Command): void | Promise<void>;
  runWorkerCommand(jobDir: string, attempt: number): Promise<number>;
}

/** Top-level commands that belong to the server: without it they explain what to install. */
export const SERVER_COMMANDS: readonly string[] = ["serve", "worker", "new"];

/** Why the server commands are unavailable, when they are. */
const NOT_INSTALLED =
  "is a server command: install the server next to the client (npm install @roost/server), or run it where Roost is installed";

/** This package's version (`roost --version`). */
export function clientVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "unknown";
}

/**
 * Import `@roost/server/cli`; undefined when the server is not installed (or too old to have it). Any other error
 * (a broken installation) is thrown: hiding it would turn a bug into "not installed".
 */
export async function loadServerCommands(): Promise<ServerCommands | undefined> {
  // A variable specifier: the client does not depend on the server, so TypeScript must not try to resolve it.
  const specifier = "@roost/server/cli";
  try {
    return (await import(specifier)) as ServerCommands;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : "";
    if (
      (code === "ERR_MODULE_NOT_FOUND" && message.includes("'@roost/server'")) ||
      code === "ERR_PACKAGE_PATH_NOT_EXPORTED"
    )
      return undefined;
    throw e;
  }
}

function workerArgs(argv: readonly string[]): { jobDir: string; attempt: number } | undefined {
  const a = argv.slice(2);
  if (a.length === 5 && a[0] === "worker" && a[1] === "run" && a[3] === "--attempt" && /^\d+$/.test(a[4]!))
    return { jobDir: a[2]!, attempt: Number(a[4]) };
  return undefined;
}

/**
 * Run `roost` with `argv` (`process.argv`). `server` is the server's command module when the caller has it at hand
 * (`@roost/server`'s own entry point), `null` to run without server commands (tests), or omitted to look for it.
 */
export async function main(argv: readonly string[], server?: ServerCommands | null): Promise<void> {
  const worker = workerArgs(argv);
  if (worker) {
    const s = server === undefined ? await loadServerCommands() : server;
    if (!s) {
      process.stderr.write(`roost: 'worker' ${NOT_INSTALLED}\n`);
      process.exit(2);
    }
    process.exit(await s.runWorkerCommand(worker.jobDir, worker.attempt));
  }

  const [{ Command }, { registerClientCommands }] = await Promise.all([
    import("commander"),
    import("./index.js"),
  ]);
  const program = new Command();
  program
    .name("roost")
    .description("Roost: a Web Processing Service client, and its server when @roost/server is installed")
    .version(clientVersion(), "-V, --version", "print the version")
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
  registerClientCommands(program);
  const s = server === undefined ? await loadServerCommands() : server;
  if (s) await s.registerServerCommands(program);
  else {
    for (const name of SERVER_COMMANDS) {
      program
        .command(name, { hidden: true })
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .argument("[arguments...]")
        .action(() => {
          process.stderr.write(`roost: '${name}' ${NOT_INSTALLED}\n`);
          process.exit(2);
        });
    }
  }
  await program.parseAsync([...argv]).catch((e: unknown) => {
    process.stderr.write(`roost: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
