/**
 * The client commands of `roost`: `processes`, `describe`, `run`, `status`, `jobs` and `completion`, registered on
 * the program of `main.ts` (which adds the server's commands when `@roost/server` is installed). Commander handles
 * the fixed commands; `run` hands its arguments to a parser of its own, because its options come from the process
 * description (see `args.ts`). Every command speaks WPS 1.0.0, WPS 2.0.0 and OGC API – Processes (`--protocol`, or
 * detected from the service URL).
 *
 * Exit codes (see `exit.ts`): 0 succeeded, 1 process failed, 2 usage or validation error, 3 connection or server
 * error, 130 interrupted. Commander's own usage errors on these commands exit with 2 as well.
 */
import type { Command } from "commander";
import { readEnvironment } from "../env.js";
import { JobHistory } from "../history.js";
import { cachedDescriptions, describeCommand, processesCommand, runCommand } from "./commands.js";
import { bashEscape, bashScript, COMMANDS, completeWords, optionFromWords, zshScript } from "./completion.js";
import { ExitCode } from "./exit.js";
import type { Io } from "./io.js";
import {
  cancelCommand,
  type JobsOptions,
  jobsCommand,
  type StatusOptions,
  statusCommand,
} from "./job-commands.js";
import { addCommonOptions, type CommonOptions } from "./options.js";

export { ExitCode, exitCodeFor, UsageError } from "./exit.js";
export { cancelCommand } from "./job-commands.js";
export { clientVersion, loadServerCommands, main, SERVER_COMMANDS, type ServerCommands } from "./main.js";

/** The real process's streams and environment. */
export function processIo(): Io {
  // `roost run … | head -1` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
  if (process.stdout.listenerCount("error") === 0) {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: readEnvironment(),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
  };
}

/**
 * End the process with `code` once stdout and stderr are flushed. The process would end by itself, but a slow pipe
 * reader or a lingering socket must not keep a finished command alive.
 */
function exitWith(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) setTimeout(() => process.exit(code), 50).unref();
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

/** Usage mistakes caught by commander on client commands exit with 2, like every other usage error. */
function usageExit(cmd: Command): Command {
  return cmd.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : ExitCode.usage);
  });
}

/** Add the client commands to `program` (the `roost` program, see `main.ts`). */
export function registerClientCommands(program: Command, io: () => Io = processIo): Command {
  usageExit(
    addCommonOptions(
      program
        .command("processes")
        .description("list the processes of the server (identifier, title, sync/async)"),
    ).action(async (o: CommonOptions) => exitWith(await processesCommand(io(), o))),
  );

  usageExit(
    addCommonOptions(
      program
        .command("describe")
        .description(
          "show a process: inputs (type, occurrences, default, allowed values) and outputs (formats)",
        )
        .argument("<process>", "process identifier"),
    ).action(async (id: string, o: CommonOptions) => exitWith(await describeCommand(io(), id, o))),
  );

  usageExit(
    program
      .command("run")
      .description("execute a process: roost run <process> --<input> <value> … (roost run <process> --help)")
      .usage("[options] <process> [--<input> <value> ...]")
      .helpOption(false)
      .allowUnknownOption(true)
      .allowExcessArguments(true)
      .argument("[arguments...]")
      .action(async (_args: string[], _o: unknown, cmd: Command) =>
        exitWith(await runCommand(io(), cmd.args)),
      ),
  );

  usageExit(
    addCommonOptions(
      program
        .command("status")
        .description(
          "show a job: its status URL (as run --detach printed it), or its id (found in the local history, else asked of the service)",
        )
        .argument("<job>", "status URL or job id")
        .option("-w, --wait", "follow the job until it ends, with progress")
        .option("-d, --output-dir <dir>", "download referenced outputs into <dir>")
        .option("--timeout <seconds>", "with --wait: stop waiting after this long (exit 3)"),
    ).action(async (ref: string, o: StatusOptions) => exitWith(await statusCommand(io(), ref, o))),
  );

  usageExit(
    addCommonOptions(
      program
        .command("jobs")
        .description(
          "list jobs: the server's own list (OGC API), else the jobs submitted from this computer (WPS cannot list jobs)",
        )
        .option("-a, --all", "the local history of every service, not only the current one")
        .option("--limit <n>", "at most this many jobs of the server's list (default 20)"),
    ).action(async (o: JobsOptions) => exitWith(await jobsCommand(io(), o))),
  );
  const jobs = program.commands.find((c) => c.name() === "jobs");
  if (jobs) {
    usageExit(
      addCommonOptions(
        jobs
          .command("cancel")
          .description(
            "dismiss a job (OGC API DELETE, WPS 2.0.0 Dismiss, Roost's job resource over WPS 1.0.0)",
          )
          .argument("<job>", "job id or status URL"),
        // `jobs` has the same options: commander hands an option to the parent unless both are merged.
      ).action(async (ref: string, _o: CommonOptions, cmd: Command) =>
        exitWith(await cancelCommand(io(), ref, cmd.optsWithGlobals<CommonOptions>())),
      ),
    );
  }

  usageExit(
    program
      .command("completion")
      .description('print a shell completion script: eval "$(roost completion bash)"')
      .argument("<shell>", "bash or zsh")
      .action((shell: string) => {
        if (shell === "bash") process.stdout.write(bashScript());
        else if (shell === "zsh") process.stdout.write(zshScript());
        else {
          process.stderr.write(`roost: completion for '${shell}' is not available (bash, zsh)\n`);
          return exitWith(ExitCode.usage);
        }
        exitWith(ExitCode.ok);
      }),
  );

  program
    .command("__complete", { hidden: true })
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument("[words...]")
    .action(async (_w: string[], _o: unknown, cmd: Command) => {
      const [shell, cwordText, ...words] = cmd.args;
      const cword = Number(cwordText);
      let candidates: string[] = [];
      try {
        const env = io();
        const url = optionFromWords(words, "url", "u");
        const language = optionFromWords(words, "language", "l");
        const o: CommonOptions = {
          ...(url !== undefined ? { url } : {}),
          ...(language !== undefined ? { language } : {}),
        };
        const processes = (await cachedDescriptions(env, o)) ?? [];
        const jobs = words[1] === "status" ? await new JobHistory(env.env.stateDir).list() : [];
        candidates = Number.isInteger(cword)
          ? completeWords(words, cword, { processes, jobs })
          : [...COMMANDS];
      } catch {
        candidates = [];
      }
      process.stdout.write(
        candidates.map((c) => (shell === "bash" && c !== "__files__" ? bashEscape(c) : c)).join("\n"),
      );
      exitWith(ExitCode.ok);
    });

  return program;
}
