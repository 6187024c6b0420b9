/**
 * `roost serve`: load the configuration (flags > environment > file > defaults), start the server, stop it gracefully
 * on SIGTERM/SIGINT. With `--watch` (development) it supervises a server child instead and restarts it when a process
 * module changes (see `watch.ts`). The hidden `--check` loads the configuration and the process modules and exits:
 * what the watcher runs before it replaces a working server.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Config } from "../config/load.js";

/** Options of `roost serve` as commander hands them over. */
export interface ServeOptions {
  readonly config?: string;
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly publicUrl?: string;
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  readonly watch?: boolean;
  readonly check?: boolean;
}

/** The configuration file: `--config`, else `ROOST_CONFIG`, else `./roost.toml` when there is one. */
export function configFile(o: ServeOptions): string | undefined {
  if (o.config !== undefined) return o.config;
  if (process.env.ROOST_CONFIG) return undefined; // loadConfig reads it
  // What `roost new process` writes: `roost serve` in the author's package finds its processes without a flag.
  return existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined;
}

/** The configuration file `roost serve` reads from the working directory when none is named. */
export const DEFAULT_CONFIG = "roost.toml";

/** Load the configuration the flags describe; throws the loader's ConfigError. */
export async function loadServeConfig(o: ServeOptions): Promise<Config> {
  const { loadConfig } = await import("../config/load.js");
  return loadConfig({
    file: configFile(o),
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
}

/** Load the configuration the flags describe; exits 2 with the message on a configuration error. */
export async function configFromFlags(o: ServeOptions): Promise<Config> {
  const { ConfigError } = await import("../config/load.js");
  try {
    return await loadServeConfig(o);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`roost: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

async function check(o: ServeOptions): Promise<never> {
  const config = await configFromFlags(o);
  const { loadRegistry } = await import("../registry/registry.js");
  try {
    const r = await loadRegistry(config.processes);
    process.stdout.write(`${r.list().length} processes\n`);
    process.exit(0);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

async function serve(o: ServeOptions): Promise<void> {
  const config = await configFromFlags(o);
  // Imported only once the configuration is valid: a config error is reported at once, not after loading the server.
  const { startServer } = await import("../main.js");
  let server: Awaited<ReturnType<typeof startServer>>;
  // A server whose jobs another server took over (it was frozen or cut off longer than its lease) stops and exits 1:
  // its supervisor (systemd, compose) starts it again as a new instance.
  let fenced = false;
  try {
    server = await startServer(config, {
      onFenced: () => {
        fenced = true;
        stop("lease lost");
      },
    });
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
      () => process.exit(fenced ? 1 : 0),
      (e: unknown) => {
        server.app.log.error({ err: e }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // Started by `roost serve --watch` (the only caller with an IPC channel): stop when the watcher is gone.
  if (process.channel) process.on("disconnect", () => stop("watcher gone"));
}

/** Register `roost serve`. */
export function registerServe(program: Command): void {
  const cmd = program
    .command("serve")
    .description(
      "run the WPS server (default: http://127.0.0.1:5000/wps, SQLite and local workers under ./var)",
    )
    .option(
      "-c, --config <file>",
      "TOML configuration file (env ROOST_CONFIG; default ./roost.toml if present)",
    )
    .option("--host <host>", "interface to listen on (server.host)")
    .option("-p, --port <port>", "port (server.port)")
    .option("--data-dir <dir>", "job directories, outputs and the SQLite database (server.data_dir)")
    .option("--public-url <url>", "base URL clients use, e.g. behind a proxy (server.public_url)")
    .option("--database-url <url>", "sqlite:<path> or postgres://… (database.url)");
  // createOption, not `new Option`: the Option class may come from another copy of commander than the program's.
  cmd.addOption(
    cmd
      .createOption("--log-level <level>", "log level (server.log_level)")
      .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  );
  cmd.option(
    "--watch",
    "development: restart the server when a process module (or the configuration file) changes",
  );
  cmd.addOption(
    cmd.createOption("--check", "load the configuration and process modules, then exit").hideHelp(),
  );
  cmd.action(async (o: ServeOptions) => {
    if (o.check === true) return check(o);
    if (o.watch === true) {
      const { watchServe } = await import("./watch.js");
      return watchServe(o);
    }
    return serve(o);
  });
}
