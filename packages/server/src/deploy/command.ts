/**
 * `roost deploy nginx|systemd`: print deployment files generated from the configuration (the same file, environment
 * variables and precedence as `roost serve`). The generators are imported only when a deploy command runs.
 */
import type { Command } from "commander";

/** Streams the commands write to (tests pass their own). */
export interface DeployIo {
  out(text: string): void;
  err(line: string): void;
}

const processIo: DeployIo = {
  out: (t) => process.stdout.write(t),
  err: (l) => process.stderr.write(`roost: ${l}\n`),
};

/** Options of `roost deploy nginx`. */
export interface NginxCommandOptions {
  readonly config?: string | undefined;
  readonly upstream?: readonly string[] | undefined;
  readonly name?: string | undefined;
  readonly staticOutputs?: boolean | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
}

/** Options of `roost deploy systemd`. */
export interface SystemdCommandOptions {
  readonly config?: string | undefined;
  /** The configuration path written into the unit (default: the --config file's absolute path). */
  readonly configPath?: string | undefined;
  readonly node?: string | undefined;
  readonly installDir?: string | undefined;
  readonly envFile?: string | undefined;
  readonly user?: string | undefined;
  readonly group?: string | undefined;
}

/** Load the configuration, or report the problem; resolves with undefined after reporting. */
async function config(file: string | undefined, io: DeployIo) {
  const { ConfigError, loadConfig } = await import("../config/load.js");
  try {
    return loadConfig({ file, env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return undefined;
    }
    throw e;
  }
}

/** Run a generator, turning its DeployError into a message; resolves with the exit status (0, or 2 for bad input). */
async function emit(io: DeployIo, generate: () => string): Promise<number> {
  const { DeployError } = await import("./common.js");
  try {
    io.out(generate());
    return 0;
  } catch (e) {
    if (e instanceof DeployError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
}

/** `roost deploy nginx`; resolves with the exit status. */
export async function deployNginx(o: NginxCommandOptions, io: DeployIo = processIo): Promise<number> {
  const c = await config(o.config, io);
  if (!c) return 2;
  const { nginxSite } = await import("./nginx.js");
  if (c.server.trusted_proxies.length === 0)
    io.err(
      "server.trusted_proxies is empty: Roost will log nginx's address as every client's (see the site's header)",
    );
  return emit(io, () =>
    nginxSite(c, {
      ...(o.upstream ? { upstreams: o.upstream } : {}),
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.staticOutputs !== undefined ? { staticOutputs: o.staticOutputs } : {}),
      ...(o.tlsCert !== undefined ? { tlsCertificate: o.tlsCert } : {}),
      ...(o.tlsKey !== undefined ? { tlsKey: o.tlsKey } : {}),
      ...(c.file !== undefined ? { source: c.file } : {}),
    }),
  );
}

/** `roost deploy systemd`; resolves with the exit status. */
export async function deploySystemd(o: SystemdCommandOptions, io: DeployIo = processIo): Promise<number> {
  const c = await config(o.config, io);
  if (!c) return 2;
  const { systemdUnit } = await import("./systemd.js");
  return emit(io, () =>
    systemdUnit(c, {
      ...(o.configPath !== undefined ? { configFile: o.configPath } : {}),
      ...(o.node !== undefined ? { node: o.node } : {}),
      ...(o.installDir !== undefined ? { installDir: o.installDir } : {}),
      ...(o.envFile !== undefined ? { envFile: o.envFile } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
      ...(o.group !== undefined ? { group: o.group } : {}),
    }),
  );
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** Add `roost deploy nginx|systemd` to the program. */
export function registerDeployCommands(program: Command): void {
  const deploy = program
    .command("deploy")
    .description("print deployment files generated from the configuration (nginx site, systemd unit)");
  deploy
    .command("nginx")
    .description("an nginx site proxying to Roost and serving published outputs from the shared filesystem")
    .option("-c, --config <file>", "TOML configuration file (env ROOST_CONFIG)")
    .option("--upstream <host:port>", "a Roost server (repeatable; default server.host:server.port)", collect)
    .option("--name <name>", "upstream name and variable prefix (default roost)")
    .option("--no-static-outputs", "proxy output files to Roost too (nginx without the shared filesystem)")
    .option("--tls-cert <file>", "certificate for an https public URL (default /etc/nginx/tls/<host>.crt)")
    .option("--tls-key <file>", "key for an https public URL (default /etc/nginx/tls/<host>.key)")
    .action(async (o: NginxCommandOptions) => {
      process.exitCode = await deployNginx(o);
    });
  deploy
    .command("systemd")
    .description("a hardened systemd service unit for roost serve")
    .option(
      "-c, --config <file>",
      "TOML configuration file (env ROOST_CONFIG); the unit passes it to roost serve",
    )
    .option("--config-path <file>", "the configuration path the unit uses (default: the --config file)")
    .option("--node <path>", "Node.js binary (default /usr/bin/node)")
    .option("--install-dir <dir>", "where Roost is installed (default /opt/roost)")
    .option("--env-file <file>", "environment file with secrets (default /etc/roost/roost.env)")
    .option("--user <name>", "user running Roost (default roost)")
    .option("--group <name>", "group running Roost (default: the user's name)")
    .action(async (o: SystemdCommandOptions) => {
      process.exitCode = await deploySystemd(o);
    });
}
