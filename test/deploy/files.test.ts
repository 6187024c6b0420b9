/**
 * The other deployment files under `deploy/`, checked with the real tools, offline: the systemd unit
 * (`systemd-analyze verify` and `security --offline`; the committed copy is what `roost deploy systemd` prints), the
 * compose file (Debian's `docker-compose config`, no engine needed) and the Dockerfile (parsed: no container engine
 * here, nothing is built). The nginx site has its own suite (`nginx-site.test.ts`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { deploySystemd } from "../../packages/server/src/deploy/command.js";
import {
  SERVER_STOP_GRACE_S,
  STOP_TIMEOUT_S,
  systemdUnit,
} from "../../packages/server/src/deploy/systemd.js";
import { requireService } from "../helpers/services.js";
import { capture, DEPLOY, directives, have, ROOT } from "./helpers.js";

const haveSystemd = requireService("systemd-analyze", have("systemd-analyze"), "apt-get install systemd");
const haveCompose = requireService(
  "docker-compose (Debian's, with python3-yaml)",
  have("docker-compose") && spawnSync("/usr/bin/python3", ["-c", "import yaml"]).status === 0,
  "apt-get install docker-compose",
);

const scratch = mkdtempSync(join(tmpdir(), "roost-deploy-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(haveSystemd)("systemd unit (roost deploy systemd)", () => {
  const unitFile = join(DEPLOY, "systemd/roost.service");

  test("deploy/systemd/roost.service is what roost deploy systemd prints (comments aside)", async () => {
    const r = await capture((io) =>
      deploySystemd({ config: join(DEPLOY, "systemd/roost.toml"), configPath: "/etc/roost/roost.toml" }, io),
    );
    expect(r.code, r.err).toBe(0);
    expect(directives(readFileSync(unitFile, "utf8"))).toEqual(directives(r.out));
  });

  test("systemd-analyze verify accepts it without a warning, and complains about a misspelt key", () => {
    const ok = spawnSync("systemd-analyze", ["verify", unitFile], { encoding: "utf8", timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr.trim()).toBe("");
    const typo = join(scratch, "roost.service");
    writeFileSync(
      typo,
      readFileSync(unitFile, "utf8").replace("ProtectSystem=strict", "ProtectSystm=strict"),
    );
    const bad = spawnSync("systemd-analyze", ["verify", typo], { encoding: "utf8", timeout: 60_000 });
    expect(bad.stderr).toMatch(/Unknown key 'ProtectSystm'/);
  });

  test("it is sandboxed: systemd's own exposure score stays low", () => {
    const r = spawnSync("systemd-analyze", ["security", "--offline=yes", unitFile], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const score = /Overall exposure level for roost\.service: ([\d.]+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
    expect(score, r.stdout + r.stderr).toBeDefined();
    // 0 is fully locked down, 10 unprotected; this unit scores 1.6 with systemd 252 ("OK").
    expect(Number(score)).toBeLessThanOrEqual(2.5);
  });

  test("paths, readiness and the stop timeout come from the configuration", () => {
    const c = loadConfig({
      env: {},
      flags: { "server.data_dir": "/srv/roost", "server.host": "0.0.0.0", "server.port": 5123 },
    });
    const unit = systemdUnit(c, { installDir: "/usr/local/roost", user: "wps" });
    const kv = new Map(
      directives(unit)
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(kv.get("ReadWritePaths")).toBe("/srv/roost");
    expect(kv.get("User")).toBe("wps");
    expect(kv.get("ExecStart")).toBe(
      "/usr/bin/node /usr/local/roost/packages/server/dist/bin/roost.js serve --config /etc/roost/roost.toml",
    );
    expect(kv.get("ExecStartPost")).toMatch(/ http:\/\/127\.0\.0\.1:5123\/health$/);
    expect(Number(kv.get("TimeoutStopSec"))).toBe(STOP_TIMEOUT_S);
    expect(STOP_TIMEOUT_S).toBeGreaterThan(SERVER_STOP_GRACE_S);
    // The grace period the unit allows for is the one `roost serve` gives itself on SIGTERM.
    expect(SERVER_STOP_GRACE_S).toBe(20);
    expect(readFileSync(join(ROOT, "packages/server/src/cli/serve.ts"), "utf8")).toContain(
      "server.close(20_000)",
    );
    expect(() => systemdUnit(c, { node: "node" })).toThrow(/--node 'node' must be an absolute path/);
  });
});

/** The parts of a resolved compose service the test looks at. */
interface ComposeService {
  readonly volumes?: string[];
  readonly build?: { readonly target?: string };
  readonly networks?: Record<string, { readonly ipv4_address?: string } | null>;
  readonly ports?: (string | { readonly published: string | number; readonly target: number })[];
  readonly secrets?: unknown;
  readonly depends_on?: unknown;
  readonly environment?: Record<string, string>;
  readonly healthcheck?: { readonly test?: unknown };
  readonly hostname?: string;
}

/** docker-compose's resolved configuration as JSON (its YAML read by the python3-yaml it depends on). */
function composeConfig(
  file: string,
  env: Record<string, string>,
): { status: number | null; json?: { services: Record<string, ComposeService> }; err: string } {
  const r = spawnSync("docker-compose", ["-f", file, "config"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, ...env },
    timeout: 60_000,
  });
  if (r.status !== 0) return { status: r.status, err: r.stderr };
  const json = execFileSync(
    "/usr/bin/python3",
    ["-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
    {
      input: r.stdout,
      encoding: "utf8",
    },
  );
  return { status: 0, json: JSON.parse(json), err: r.stderr };
}

describe.runIf(haveCompose)("compose file", () => {
  const file = join(DEPLOY, "compose.yaml");
  const env = { ROOST_DB_PASSWORD: "secret-for-the-test" };

  test("docker-compose config -q accepts it", () => {
    const r = spawnSync("docker-compose", ["-f", file, "config", "-q"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, ...env },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
  });

  test("it needs the database password, and a misspelt key fails it", () => {
    const noPassword = composeConfig(file, {});
    expect(noPassword.status).not.toBe(0);
    expect(noPassword.err).toMatch(/ROOST_DB_PASSWORD/);
    const typo = join(DEPLOY, `.compose-typo-${process.pid}.yaml`);
    writeFileSync(typo, readFileSync(file, "utf8").replace("stop_grace_period:", "stop_grace_periode:"));
    try {
      const r = composeConfig(typo, env);
      expect(r.status).not.toBe(0);
      expect(r.err).toMatch(/stop_grace_periode/);
    } finally {
      rmSync(typo, { force: true });
    }
  });

  test("it reproduces the reference: nginx, two Roost servers, PostgreSQL, munge, slurmctld, two nodes, one shared volume", () => {
    const { json: c, err } = composeConfig(file, env);
    if (!c) throw new Error(err);
    const services = c.services;
    const svc = (n: string): ComposeService => {
      const x = services[n];
      if (!x) throw new Error(`no service ${n}`);
      return x;
    };
    expect(Object.keys(services).sort()).toEqual(
      ["api1", "api2", "db", "munge", "nginx", "node1", "node2", "slurmctld"].sort(),
    );
    const mounts = (s: string) =>
      (svc(s).volumes ?? []).map((v) => {
        const [src, dst, mode] = v.split(":");
        return { src: src!, dst: dst!, mode: mode ?? "rw" };
      });
    // One shared volume at the same path wherever jobs are written or read; nginx only reads it.
    for (const s of ["api1", "api2", "node1", "node2"])
      expect(mounts(s)).toContainEqual({ src: "data", dst: "/data", mode: "rw" });
    expect(mounts("nginx")).toContainEqual({ src: "data", dst: "/data", mode: "ro" });
    const config = loadConfig({ file: join(DEPLOY, "roost.toml"), env: {} });
    expect(config.server.data_dir).toBe("/data");
    // slurm.conf read-only in every Slurm-related container, the Roost servers included (sbatch reads it).
    for (const s of ["api1", "api2", "slurmctld", "node1", "node2"])
      expect(mounts(s)).toContainEqual({
        src: join(DEPLOY, "slurm/slurm.conf"),
        dst: "/etc/slurm/slurm.conf",
        mode: "ro",
      });
    // The nginx site is the generated copy; nginx's fixed address is the one Roost trusts.
    expect(mounts("nginx")).toContainEqual({
      src: join(DEPLOY, "nginx/roost.conf"),
      dst: "/etc/nginx/conf.d/default.conf",
      mode: "ro",
    });
    expect(config.server.trusted_proxies).toEqual([svc("nginx").networks?.roost?.ipv4_address]);
    expect(
      (svc("nginx").ports ?? []).map((p) => (typeof p === "string" ? p : `${p.published}:${p.target}`)),
    ).toEqual([`${new URL(config.server.public_url).port}:${config.server.port}`]);
    // The munge key is a secret (not baked into an image) for every munged.
    for (const s of ["munge", "slurmctld", "node1", "node2"])
      expect(JSON.stringify(svc(s).secrets)).toContain("munge_key");
    // Start order by health, not by start: db, munge and slurmctld before the servers, the servers before nginx.
    for (const api of ["api1", "api2"]) {
      expect(svc(api).depends_on).toEqual({
        db: { condition: "service_healthy" },
        munge: { condition: "service_healthy" },
        slurmctld: { condition: "service_healthy" },
      });
      expect(svc(api).environment?.ROOST_DATABASE_URL).toBe(
        "postgres://roost:secret-for-the-test@db:5432/roost",
      );
    }
    expect(svc("nginx").depends_on).toEqual({
      api1: { condition: "service_healthy" },
      api2: { condition: "service_healthy" },
    });
    for (const s of ["db", "munge", "slurmctld", "node1", "node2"])
      expect(svc(s).healthcheck?.test).toBeDefined();
    // The Slurm nodes of slurm.conf are the node services, and the Roost config routes sleep to Slurm.
    const slurmConf = readFileSync(join(DEPLOY, "slurm/slurm.conf"), "utf8");
    expect([...slurmConf.matchAll(/^NodeName=(\S+)/gm)].map((m) => m[1])).toEqual(["node1", "node2"]);
    expect(slurmConf).toMatch(/^SlurmctldHost=slurmctld$/m);
    expect(svc("slurmctld").hostname).toBe("slurmctld");
    expect(config.scheduler.routes).toEqual({ sleep: "slurm" });
    // Every build target exists in the Dockerfile.
    const stages = dockerfile().stages.map((s) => s.name);
    for (const s of Object.values(services)) if (s.build) expect(stages).toContain(s.build.target);
    expect(Object.values(services).filter((s) => s.build).length).toBe(7);
  });
});

interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly { readonly op: string; readonly args: string }[];
}

/** deploy/Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function dockerfile(): { args: Map<string, string>; stages: Stage[] } {
  const text = readFileSync(join(DEPLOY, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const args = new Map<string, string>();
  const stages: { name: string; from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l === "" || l.startsWith("#")) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`unparsable Dockerfile line: ${l}`);
    const [, op, rest] = m as unknown as [string, string, string];
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`bad FROM: ${rest}`);
      // Build arguments declared before the first FROM are substituted, as docker does.
      const from = f[1]!.replace(/\$\{(\w+)\}/g, (_, k: string) => args.get(k) ?? "");
      stages.push({ name: f[2] ?? String(stages.length), from, instructions: [] });
    } else if (op === "ARG" && stages.length === 0) {
      const [k, v] = rest.split("=");
      args.set(k!, v ?? "");
    } else {
      const s = stages.at(-1);
      if (!s) throw new Error(`${op} before FROM`);
      s.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

describe("Dockerfile (parsed: no container engine here)", () => {
  const { args, stages } = dockerfile();
  const stage = (n: string) => {
    const s = stages.find((x) => x.name === n);
    if (!s) throw new Error(`no stage ${n}`);
    return s;
  };
  /** The user a stage's processes run as: the last USER of its chain of stages (root when none). */
  const userOf = (n: string): string => {
    const s = stage(n);
    const own = s.instructions.filter((i) => i.op === "USER").at(-1);
    if (own) return own.args;
    return stages.some((x) => x.name === s.from) ? userOf(s.from) : "root";
  };

  test("multi-stage: the build stage compiles with npm ci and tsc, the runtime is slim Node with dist only", () => {
    expect(args.get("NODE_MAJOR")).toBe("20");
    expect(stage("build").from).toBe("node:20-bookworm");
    const build = stage("build")
      .instructions.map((i) => `${i.op} ${i.args}`)
      .join("\n");
    expect(build).toMatch(/npm ci /);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(stage("runtime").from).toBe("node:20-bookworm-slim");
    const copies = stage("runtime")
      .instructions.filter((i) => i.op === "COPY")
      .map((i) => i.args);
    expect(copies.every((c) => c.startsWith("--from=build "))).toBe(true);
    // The build's own script builds what the runtime copies.
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.build).toMatch(/tsc -b/);
  });

  test("non-root where Roost runs, a health check, and the default image is the plain server", () => {
    expect(userOf("runtime")).toBe("roost");
    expect(userOf("roost-slurm")).toBe("roost");
    expect(userOf("roost")).toBe("roost");
    expect(stages.at(-1)!.name).toBe("roost");
    expect(stage("runtime").instructions.find((i) => i.op === "HEALTHCHECK")?.args).toMatch(/\/health/);
    // Only the Slurm daemons' image runs as root (slurmd must), and its entry point drops munged to its user.
    expect(userOf("slurm")).toBe("root");
    expect(readFileSync(join(DEPLOY, "slurm/docker-entrypoint.sh"), "utf8")).toMatch(
      /runuser -u munge -- \/usr\/sbin\/munged/,
    );
  });

  test("every COPY source exists and every --from names an earlier stage", () => {
    stages.forEach((s, i) => {
      for (const ins of s.instructions.filter((x) => x.op === "COPY")) {
        const words = ins.args.split(/\s+/);
        const from = words.find((w) => w.startsWith("--from="))?.slice(7);
        const paths = words.filter((w) => !w.startsWith("--"));
        if (from !== undefined) {
          expect(stages.slice(0, i).map((x) => x.name)).toContain(from);
          continue;
        }
        for (const src of paths.slice(0, -1)) expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
      }
    });
    // The build context leaves out what would bloat or leak into it.
    const ignore = readFileSync(join(DEPLOY, "Dockerfile.dockerignore"), "utf8");
    for (const p of ["**/node_modules", "**/dist", ".git", "deploy/slurm/munge.key"])
      expect(ignore).toContain(p);
  });
});
