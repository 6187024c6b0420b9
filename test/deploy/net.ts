/**
 * Hosts for the multi-host deployment test: one network namespace per host on a private /24 that the test owns
 * (10.213.X.0/24, X chosen at random among the unused ones), joined by a bridge in the root namespace, which has
 * the subnet's `.1` so the test reaches every host as a user on the network would. All hosts share one filesystem —
 * the shared volume of the reference compose file. Needs root, iproute2 and nsenter (util-linux).
 *
 * Names carry the subnet and the owning process (`rdt<X>-<pid>-<host>`, bridge `rdbr<X>`, host-side veths
 * `rd<X>h<i>`: interface names are limited to 15 bytes), so a run's leftovers — after a crash, a kill -9 of vitest —
 * are recognised and swept by the next run (`sweepStale`): their processes are killed by id and the namespaces and
 * bridge deleted. Traffic goes only to the addresses of this subnet.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One host of the test network. */
export interface Host {
  /** Short name (`proxy`, `api1`, `db`…). */
  readonly name: string;
  /** The network namespace. */
  readonly ns: string;
  /** Its IPv4 address on the test subnet. */
  readonly addr: string;
  /** The host-side end of its veth (in the root namespace, on the bridge): down = the host is cut off. */
  readonly veth: string;
}

/** A long-running process started in a host. */
export interface Daemon {
  readonly name: string;
  readonly host: Host;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Its stdout and stderr. */
  readonly logFile: string;
  /** Resolves when it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True while it runs. */
  alive(): boolean;
  /** Send `signal` (default SIGTERM), wait up to `graceMs`, then SIGKILL its process group. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** The end of its log, for failure messages. */
  tail(lines?: number): string;
}

const PREFIX = "rdt";
const NS_RE = /^rdt(\d{1,3})-(\d+)-([a-z0-9]+)$/;

function ip(args: readonly string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
}

function tryIp(args: readonly string[]): void {
  spawnSync("ip", args, { stdio: "ignore", timeout: 10_000 });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Network namespaces that exist now. */
function namespaces(): string[] {
  return ip(["netns", "list"])
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n !== "");
}

/** Kill every process inside a namespace (by id), then delete it. */
function removeNamespace(ns: string): void {
  for (let round = 0; round < 20; round++) {
    const pids = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8", timeout: 10_000 })
      .stdout.split("\n")
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  tryIp(["netns", "del", ns]);
}

/**
 * Remove what earlier runs left behind: namespaces whose owning process is gone (with their processes) and bridges
 * without namespaces. Namespaces of a live run (a concurrent vitest) are left alone.
 */
export function sweepStale(): string[] {
  const removed: string[] = [];
  const live = new Set<string>();
  for (const ns of namespaces()) {
    const m = NS_RE.exec(ns);
    if (!m) continue;
    if (pidAlive(Number(m[2]))) {
      live.add(m[1]!);
      continue;
    }
    removeNamespace(ns);
    removed.push(ns);
  }
  for (const l of ip(["-o", "link", "show", "type", "bridge"]).split("\n")) {
    const m = /^\d+:\s+(rdbr(\d{1,3}))[:@]/.exec(l);
    if (m && !live.has(m[2]!)) {
      tryIp(["link", "del", m[1]!]);
      removed.push(m[1]!);
    }
  }
  return removed;
}

/** True when `10.213.x.0/24` appears nowhere in this machine's addresses or routes and no bridge of ours uses it. */
function subnetFree(x: number): boolean {
  const text = ip(["-4", "-o", "addr", "show"]) + ip(["-4", "route", "show", "table", "all"]);
  if (text.includes(`10.213.${x}.`)) return false;
  return spawnSync("ip", ["link", "show", `rdbr${x}`], { stdio: "ignore" }).status !== 0;
}

/** The test network. */
export class TestNet {
  readonly subnet: number;
  /** The root namespace's address on the bridge (where the test's requests come from). */
  readonly gateway: string;
  readonly bridge: string;
  readonly hosts: ReadonlyMap<string, Host>;
  readonly #daemons: Daemon[] = [];
  readonly #logDir: string;
  #closed = false;

  private constructor(subnet: number, hosts: Map<string, Host>, logDir: string) {
    this.subnet = subnet;
    this.gateway = `10.213.${subnet}.1`;
    this.bridge = `rdbr${subnet}`;
    this.hosts = hosts;
    this.#logDir = logDir;
  }

  /**
   * Create the hosts (in this order: addresses .10, .11, …). `logDir` receives each daemon's output. On failure
   * everything created so far is removed.
   */
  static create(names: readonly string[], logDir: string): TestNet {
    sweepStale();
    let x = -1;
    for (let tries = 0; tries < 50 && x < 0; tries++) {
      const c = 1 + Math.floor(Math.random() * 254);
      if (subnetFree(c)) x = c;
    }
    if (x < 0) throw new Error("no free 10.213.X.0/24 subnet found in 50 tries");
    const hosts = new Map<string, Host>();
    names.forEach((name, i) => {
      if (!/^[a-z][a-z0-9]{0,7}$/.test(name)) throw new Error(`bad host name ${name}`);
      hosts.set(name, {
        name,
        ns: `${PREFIX}${x}-${process.pid}-${name}`,
        addr: `10.213.${x}.${10 + i}`,
        veth: `rd${x}h${i}`,
      });
    });
    const net = new TestNet(x, hosts, logDir);
    try {
      for (const h of hosts.values()) {
        ip(["netns", "add", h.ns]);
        ip(["-n", h.ns, "link", "set", "lo", "up"]);
      }
      ip(["link", "add", net.bridge, "type", "bridge"]);
      ip(["addr", "add", `${net.gateway}/24`, "dev", net.bridge]);
      ip(["link", "set", net.bridge, "up"]);
      for (const h of hosts.values()) {
        ip(["link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.ns]);
        ip(["-n", h.ns, "addr", "add", `${h.addr}/24`, "dev", "eth0"]);
        ip(["-n", h.ns, "link", "set", "eth0", "up"]);
        ip(["link", "set", h.veth, "master", net.bridge]);
        ip(["link", "set", h.veth, "up"]);
      }
    } catch (e) {
      net.teardownSync();
      throw e;
    }
    // Last resort when vitest exits without afterAll (the next run's sweep covers a SIGKILL).
    process.once("exit", () => net.teardownSync());
    return net;
  }

  /** A host by name. */
  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  /** Run a command in a host (entering only its network namespace) and wait for it, bounded; throws when it fails. */
  run(
    host: string,
    cmd: string,
    args: readonly string[],
    o: { env?: Record<string, string>; timeoutMs?: number; allowFail?: boolean } = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const h = this.host(host);
    const r = spawnSync("nsenter", [`--net=/run/netns/${h.ns}`, "--", cmd, ...args], {
      encoding: "utf8",
      env: o.env ?? process.env,
      timeout: o.timeoutMs ?? 30_000,
    });
    if (!o.allowFail && r.status !== 0)
      throw new Error(
        `${host}: ${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`,
      );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * Start a long-running process in a host (its own process group, output to `<logDir>/<name>.log`). `nsenter` execs
   * the command, so the pid is the daemon's own. (Not `ip netns exec`: it remounts /sys for the namespace, without the
   * cgroup filesystem slurmd needs.)
   */
  start(
    host: string,
    name: string,
    cmd: string,
    args: readonly string[],
    o: { env?: Record<string, string>; cwd?: string } = {},
  ): Daemon {
    const h = this.host(host);
    const logFile = join(this.#logDir, `${name}.log`);
    const fd = openSync(logFile, "a");
    const child = spawn("nsenter", [`--net=/run/netns/${h.ns}`, "--", cmd, ...args], {
      env: o.env ?? { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
      cwd: o.cwd,
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
    const d: Daemon = {
      name,
      host: h,
      child,
      pid,
      logFile,
      exited,
      alive: () => child.exitCode === null && child.signalCode === null,
      async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000) {
        if (!d.alive()) return;
        try {
          process.kill(pid, signal);
        } catch {
          return;
        }
        const timer = new Promise<"late">((r) => setTimeout(() => r("late"), graceMs).unref());
        if ((await Promise.race([exited, timer])) === "late") {
          try {
            process.kill(-pid, "SIGKILL");
          } catch {
            // gone meanwhile
          }
          await exited;
        }
      },
      tail(lines = 30) {
        try {
          return readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
        } catch {
          return "";
        }
      },
    };
    this.#daemons.push(d);
    return d;
  }

  /** Cut a host off the network (its bridge port down: packets are dropped, nothing is refused). */
  cut(host: string): void {
    ip(["link", "set", this.host(host).veth, "down"]);
  }

  /** Connect a host again. */
  restore(host: string): void {
    ip(["link", "set", this.host(host).veth, "up"]);
  }

  /** Stop every daemon (SIGTERM, then SIGKILL), kill what is left in the namespaces, delete them and the bridge. */
  async teardown(): Promise<void> {
    if (this.#closed) return;
    await Promise.all(this.#daemons.map((d) => d.stop("SIGTERM", 3000)));
    this.teardownSync();
  }

  /** The synchronous part of {@link teardown} (also run at process exit). */
  teardownSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const d of this.#daemons) {
      if (!d.alive()) continue;
      try {
        process.kill(-d.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    for (const h of this.hosts.values()) if (existsSync(`/run/netns/${h.ns}`)) removeNamespace(h.ns);
    tryIp(["link", "del", this.bridge]);
  }
}

/** True when this process can build the network: root, with `ip` available. */
export function canBuildNetwork(): boolean {
  return process.getuid?.() === 0 && spawnSync("ip", ["netns", "list"], { stdio: "ignore" }).status === 0;
}
