/**
 * The reference deployment (`deploy/compose.yaml`) rebuilt from real processes on the hosts of {@link TestNet}:
 *
 * | host            | runs                                                                                        |
 * | --------------- | ------------------------------------------------------------------------------------------- |
 * | `proxy`         | nginx from a private prefix, with the site printed by `roost deploy nginx`                  |
 * | `api1`, `api2`  | `roost serve` (one shared config file: PostgreSQL on `db`, `sleep` & co. routed to Slurm)   |
 * | `ctl`           | slurmctld                                                                                   |
 * | `node1`/`node2` | `slurmd -N nodeX`, running the Roost worker                                                 |
 * | `db`            | a PostgreSQL instance of the test's own (initdb into the run directory)                     |
 *
 * One directory is the shared volume (`<run>/data`, group `nogroup` with the setgid bit, so nginx's workers — user
 * `nobody`, group `nogroup` — can read published outputs, as the deployment notes require). The Slurm cluster has
 * its own slurm.conf, state, spool and logs in the run directory; its daemons run under their own names
 * (`rdt-slurmctld`, `rdt-slurmd`) so the shared test cluster's `pkill -x slurmctld` never hits them, and in their own
 * namespaces so default ports never collide. munged's socket is a file: the machine's munged serves every host.
 *
 * Hosts are created for api2 even when only api1 runs: adding a second server is `topology.startRoost("api2")`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { CLI, httpStatus, ROOT, until, which } from "./helpers.js";
import { type Daemon, type Host, TestNet } from "./net.js";

/** The suite's process module. */
export const FIXTURE = fileURLToPath(new URL("./fixtures/processes.mjs", import.meta.url));
/** The port of the public URL and of every Roost server (the reference's 5000). */
export const PORT = 5000;

const HOSTS = ["proxy", "api1", "api2", "ctl", "node1", "node2", "db"] as const;
/** The Roost server hosts. */
export type ApiHost = "api1" | "api2";
/** The Slurm compute nodes. */
export type NodeHost = "node1" | "node2";

/** The newest PostgreSQL server binaries of the Debian packages. */
function postgresBin(): string {
  const versions = readdirSync("/usr/lib/postgresql")
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error("no PostgreSQL server under /usr/lib/postgresql");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** What the multi-host tests use. */
export class Topology {
  readonly net: TestNet;
  /** The run directory (removed by {@link close}). */
  readonly dir: string;
  /** The shared volume. */
  readonly dataDir: string;
  readonly slurmConf: string;
  readonly configFile: string;
  readonly pgUrl: string;
  /** `http://<proxy>:5000`: the public URL, as clients use it. */
  readonly publicUrl: string;
  readonly nginxPrefix: string;
  readonly accessLog: string;
  readonly roost = new Map<ApiHost, Daemon>();
  readonly slurmd = new Map<NodeHost, Daemon>();
  ctld: Daemon | undefined;
  db: Daemon | undefined;
  nginx: Daemon | undefined;
  readonly #bin: string;

  private constructor(net: TestNet, dir: string) {
    this.net = net;
    this.dir = dir;
    this.dataDir = join(dir, "data");
    this.slurmConf = join(dir, "slurm", "slurm.conf");
    this.configFile = join(dir, "roost.toml");
    this.pgUrl = `postgres://postgres@${net.host("db").addr}:5432/postgres`;
    this.publicUrl = `http://${net.host("proxy").addr}:${PORT}`;
    this.nginxPrefix = join(dir, "nginx");
    this.accessLog = join(this.nginxPrefix, "access.log");
    this.#bin = join(dir, "bin");
  }

  /** Build the network and start PostgreSQL, Slurm, the given Roost servers and nginx. */
  static async start(o: { apis: readonly ApiHost[] }): Promise<Topology> {
    const dir = mkdtempSync(join(tmpdir(), "roost-deploy-"));
    // Other users must traverse it: postgres (its data dir) and nginx's workers (the shared volume).
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "logs"));
    let net: TestNet;
    try {
      net = TestNet.create(HOSTS, join(dir, "logs"));
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const t = new Topology(net, dir);
    try {
      mkdirSync(t.dataDir);
      chownSync(t.dataDir, 0, 65534);
      chmodSync(t.dataDir, 0o2750);
      mkdirSync(t.#bin);
      // Own names for the Slurm daemons: the shared cluster's scripts find theirs by name (pkill -x slurmctld).
      symlinkSync(which("slurmctld"), join(t.#bin, "rdt-slurmctld"));
      symlinkSync(which("slurmd"), join(t.#bin, "rdt-slurmd"));
      t.#writeSlurmConf();
      t.#writeRoostConfig();
      await Promise.all([t.#startPostgres(), t.#startSlurm()]);
      for (const api of o.apis) await t.startRoost(api);
      await t.#startNginx(o.apis);
      return t;
    } catch (e) {
      await t.close();
      throw e;
    }
  }

  /** A host. */
  host(name: (typeof HOSTS)[number]): Host {
    return this.net.host(name);
  }

  /** The environment of Slurm commands and daemons of this cluster. */
  get slurmEnv(): Record<string, string> {
    return { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", SLURM_CONF: this.slurmConf };
  }

  /** Run a Slurm client command against this cluster from the root namespace (bounded). */
  slurm(cmd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { encoding: "utf8", env: this.slurmEnv, timeout: 20_000 });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  #writeSlurmConf(): void {
    const s = join(this.dir, "slurm");
    mkdirSync(join(s, "state"), { recursive: true });
    for (const n of ["node1", "node2"]) mkdirSync(join(s, "spool", n), { recursive: true });
    const host = hostname().split(".")[0];
    const node = (n: NodeHost) =>
      `NodeName=${n} NodeHostname=${host} NodeAddr=${this.host(n).addr} CPUs=4 RealMemory=1000 State=UNKNOWN`;
    writeFileSync(
      this.slurmConf,
      `# The multi-host test's cluster: slurmctld on ctl, slurmd on node1 and node2 (own namespaces, default ports).
ClusterName=rdt
SlurmctldHost=${host}(${this.host("ctl").addr})
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=${s}/state
SlurmdSpoolDir=${s}/spool/%n
SlurmctldPidFile=${s}/slurmctld.pid
SlurmdPidFile=${s}/slurmd-%n.pid
SlurmctldLogFile=${s}/slurmctld.log
SlurmdLogFile=${s}/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=0
SlurmdTimeout=5
SlurmctldTimeout=30
MessageTimeout=10
KillWait=5
MinJobAge=300
SchedulerParameters=batch_sched_delay=0,default_queue_depth=1000,bf_interval=5
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=${s}/jobcomp.log
${node("node1")}
${node("node2")}
PartitionName=rdt Nodes=node1,node2 Default=YES MaxTime=INFINITE State=UP
`,
    );
  }

  #writeRoostConfig(): void {
    writeFileSync(
      this.configFile,
      `# One configuration for every Roost server of the test (as in deploy/compose.yaml).
[server]
host = "0.0.0.0"
port = ${PORT}
public_url = "${this.publicUrl}"
data_dir = "${this.dataDir}"
trusted_proxies = ["${this.host("proxy").addr}"]
log_level = "${process.env.ROOST_TEST_LOG ?? "warn"}"

[database]
url = "${this.pgUrl}"

[processes]
demo = true
modules = ["${FIXTURE}"]

[jobs]
workers = 2

[scheduler]
backend = "local"
routes = { sleep = "slurm", dp_files = "slurm", dp_wait = "slurm" }

[slurm]
poll_interval = 1
lost_grace = 10
submit_deadline = 60

[slurm.processes.dp_wait]
extra_args = ["--nodelist=node2"]
`,
    );
  }

  async #startPostgres(): Promise<void> {
    const bin = postgresBin();
    const data = join(this.dir, "pg");
    const sock = join(this.dir, "pg-sock");
    for (const d of [data, sock]) {
      mkdirSync(d, { mode: 0o700 });
      execFileSync("chown", ["postgres:postgres", d]);
    }
    const asPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups"];
    execFileSync(
      "setpriv",
      [
        ...asPostgres,
        join(bin, "initdb"),
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
      ],
      { stdio: "pipe", timeout: 60_000, cwd: "/" },
    );
    const db = this.host("db");
    writeFileSync(
      join(data, "pg_hba.conf"),
      `local all all trust\nhost all all ${this.net.gateway.replace(/\.1$/, ".0")}/24 trust\n`,
    );
    // A throwaway instance: durability off keeps its start and the store's writes fast.
    this.db = this.net.start(
      "db",
      "postgres",
      "setpriv",
      [
        ...asPostgres,
        join(bin, "postgres"),
        "-D",
        data,
        "-c",
        `listen_addresses=${db.addr}`,
        "-c",
        "port=5432",
        "-c",
        `unix_socket_directories=${sock}`,
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
      ],
      { cwd: "/" },
    );
    await until(
      async () => {
        if (!this.db?.alive()) throw new Error(`PostgreSQL exited:\n${this.db?.tail()}`);
        const c = new pg.Client({ connectionString: this.pgUrl, connectionTimeoutMillis: 1000 });
        c.on("error", () => {});
        try {
          await c.connect();
          await c.query("select 1");
          return true;
        } catch {
          return false;
        } finally {
          await c.end().catch(() => {});
        }
      },
      () => `PostgreSQL on db:\n${this.db?.tail()}`,
      30_000,
      200,
    );
  }

  async #startSlurm(): Promise<void> {
    this.ctld = this.net.start("ctl", "slurmctld", join(this.#bin, "rdt-slurmctld"), ["-D", "-i"], {
      env: this.slurmEnv,
    });
    await until(
      () => {
        if (!this.ctld?.alive()) throw new Error(`slurmctld exited:\n${this.ctld?.tail()}`);
        return /is UP/.test(this.slurm("scontrol", ["ping"]).stdout);
      },
      () => `slurmctld on ctl:\n${this.ctld?.tail()}`,
      30_000,
      200,
    );
    await Promise.all((["node1", "node2"] as const).map((n) => this.startSlurmd(n)));
  }

  /** Slurm's state of a node (`idle`, `alloc`, `down*`…). */
  nodeState(node: NodeHost): string {
    return this.slurm("sinfo", ["-h", "-N", "-n", node, "-o", "%t"]).stdout.trim().split("\n")[0] ?? "";
  }

  /** Start (or restart) a node's slurmd and wait until Slurm can run jobs there. */
  async startSlurmd(node: NodeHost): Promise<Daemon> {
    const d = this.net.start(node, `slurmd-${node}`, join(this.#bin, "rdt-slurmd"), ["-D", "-N", node], {
      env: this.slurmEnv,
    });
    this.slurmd.set(node, d);
    await until(
      () => {
        if (!d.alive()) throw new Error(`slurmd on ${node} exited:\n${d.tail()}`);
        const state = this.nodeState(node);
        if (/^(down|drain|fail)/.test(state))
          this.slurm("scontrol", ["update", `nodename=${node}`, "state=resume"]);
        return /^(idle|mix|alloc)$/.test(state);
      },
      () => `${node} to become usable (state ${this.nodeState(node)}):\n${d.tail()}`,
      60_000,
      250,
    );
    return d;
  }

  /** Start `roost serve` on an api host and wait until it answers on its own address. */
  async startRoost(api: ApiHost): Promise<Daemon> {
    const d = this.net.start(
      api,
      `roost-${api}`,
      process.execPath,
      [CLI, "serve", "--config", this.configFile],
      {
        env: { ...this.slurmEnv, HOME: this.dir },
        cwd: ROOT,
      },
    );
    this.roost.set(api, d);
    const base = this.roostUrl(api);
    // Generous: on a loaded 2-core CI machine Node start-up, migrations and the worker pool take seconds.
    await until(
      async () => {
        if (!d.alive()) throw new Error(`roost serve on ${api} exited:\n${d.tail()}`);
        return (await httpStatus(`${base}/health`)) === 200;
      },
      () => `roost serve on ${api}:\n${d.tail()}`,
      60_000,
      200,
    );
    return d;
  }

  /** A Roost server's own address (bypassing nginx). */
  roostUrl(api: ApiHost): string {
    return `http://${this.host(api).addr}:${PORT}`;
  }

  async #startNginx(apis: readonly ApiHost[]): Promise<void> {
    const p = this.nginxPrefix;
    mkdirSync(join(p, "tmp"), { recursive: true });
    const site = execFileSync(
      process.execPath,
      [
        CLI,
        "deploy",
        "nginx",
        "--config",
        this.configFile,
        ...apis.flatMap((a) => ["--upstream", `${this.host(a).addr}:${PORT}`]),
      ],
      { encoding: "utf8", cwd: ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, timeout: 30_000 },
    );
    writeFileSync(join(p, "roost.conf"), site);
    writeFileSync(join(p, "nginx.conf"), nginxMain(p));
    this.net.run("proxy", "nginx", ["-t", "-q", "-p", p, "-c", join(p, "nginx.conf")]);
    this.nginx = this.net.start("proxy", "nginx", "nginx", ["-p", p, "-c", join(p, "nginx.conf")]);
    await until(
      async () => {
        if (!this.nginx?.alive()) throw new Error(`nginx exited:\n${this.nginx?.tail()}`);
        return (await httpStatus(`${this.publicUrl}/health`)) === 200;
      },
      () => `nginx on proxy:\n${this.nginx?.tail()}`,
      30_000,
      100,
    );
  }

  /** `nginx -s reload` on the proxy host. */
  reloadNginx(): void {
    const p = this.nginxPrefix;
    this.net.run("proxy", "nginx", ["-p", p, "-c", join(p, "nginx.conf"), "-s", "reload"]);
  }

  /** Stop everything, remove the network and the run directory. */
  async close(): Promise<void> {
    try {
      await this.net.teardown();
    } finally {
      if (process.env.ROOST_DEPLOY_KEEP !== "1") rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The proxy host's nginx.conf: a private prefix (pid, logs, temp dirs), workers as `nobody:nogroup` (a user that
 * is not Roost's, reading the shared volume through its group), an access log saying which upstream answered, and
 * the generated site.
 */
function nginxMain(p: string): string {
  return `user nobody nogroup;
worker_processes 2;
daemon off;
pid ${p}/nginx.pid;
error_log ${p}/error.log notice;
events { worker_connections 512; }
http {
    log_format deploytest '$request_method $uri $status upstream=$upstream_addr';
    access_log ${p}/access.log deploytest;
    client_body_temp_path ${p}/tmp/body;
    proxy_temp_path ${p}/tmp/proxy;
    fastcgi_temp_path ${p}/tmp/fastcgi;
    uwsgi_temp_path ${p}/tmp/uwsgi;
    scgi_temp_path ${p}/tmp/scgi;
    include ${p}/roost.conf;
}
`;
}
