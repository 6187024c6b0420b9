/**
 * The deployment files under `deploy/`, checked with the real tools, offline: the nginx site (`nginx -t` from a
 * private prefix, and once serving for real in front of Roost on loopback with an https public URL and a path
 * prefix), the systemd unit (`systemd-analyze verify` and `security --offline`), the compose file (Debian's
 * `docker-compose config`, no engine needed) and the Dockerfile (parsed: no engine here, nothing is built). The
 * committed copies must be what `roost deploy nginx|systemd` prints (comments aside).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Formats } from "@roost/core";
import { pino } from "pino";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { deployNginx, deploySystemd } from "../../packages/server/src/deploy/command.js";
import { DeployError } from "../../packages/server/src/deploy/common.js";
import { nginxSite, proxyReadTimeout, STATIC_OUTPUT_TYPES } from "../../packages/server/src/deploy/nginx.js";
import {
  SERVER_STOP_GRACE_S,
  STOP_TIMEOUT_S,
  systemdUnit,
} from "../../packages/server/src/deploy/systemd.js";
import { EXT_TYPES } from "../../packages/server/src/http/outputs.js";
import { startServer } from "../../packages/server/src/main.js";
import { freePort } from "../helpers/server.js";
import { requireService } from "../helpers/services.js";
import { ROOT, until } from "./topology.js";

const DEPLOY = join(ROOT, "deploy");
const COMPOSE_UPSTREAMS = ["api1:5000", "api2:5000"];

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

const haveNginx = requireService("nginx", have("nginx"), "apt-get install nginx-light");
const haveSystemd = requireService("systemd-analyze", have("systemd-analyze"), "apt-get install systemd");
const haveCompose = requireService(
  "docker-compose (Debian's, with python3-yaml)",
  have("docker-compose") && spawnSync("/usr/bin/python3", ["-c", "import yaml"]).status === 0,
  "apt-get install docker-compose",
);
const asRoot = process.getuid?.() === 0;

/** Output of a command run in-process through the deploy command functions. */
async function capture(
  run: (io: { out(t: string): void; err(l: string): void }) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run({ out: (t) => (out += t), err: (l) => (err += `${l}\n`) });
  return { code, out, err };
}

/** Directives of an nginx file or unit file: comments (from an unquoted `#`) and blank lines dropped, trimmed. */
function directives(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    let inQuote = false;
    let cut = raw.length;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '"') inQuote = !inQuote;
      if (raw[i] === "#" && !inQuote) {
        cut = i;
        break;
      }
    }
    const line = raw.slice(0, cut).trim();
    if (line !== "") out.push(line);
  }
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), "roost-deploy-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `nginx -t` on a site, wrapped in a minimal nginx.conf whose pid, logs and temp dirs live in a private prefix. */
function nginxTest(site: string, label: string): { status: number | null; output: string } {
  const p = join(scratch, `nginx-${label}`);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, "site.conf"), site);
  writeFileSync(join(p, "nginx.conf"), nginxMain(p, undefined));
  const r = spawnSync("nginx", ["-t", "-p", p, "-c", join(p, "nginx.conf")], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function nginxMain(p: string, listenUser: string | undefined): string {
  return `${listenUser ? `user ${listenUser};\n` : ""}daemon off;
pid ${p}/nginx.pid;
error_log ${p}/error.log;
events { worker_connections 64; }
http {
    access_log ${p}/access.log;
    client_body_temp_path ${p}/body;
    proxy_temp_path ${p}/proxy;
    fastcgi_temp_path ${p}/fastcgi;
    uwsgi_temp_path ${p}/uwsgi;
    scgi_temp_path ${p}/scgi;
    include ${p}/site.conf;
}
`;
}

/** The value of the first `name …;` directive of a site. */
function directive(site: string, name: string): string | undefined {
  return directives(site)
    .find((l) => l.startsWith(`${name} `))
    ?.slice(name.length + 1)
    .replace(/;$/, "");
}

describe.runIf(haveNginx)("nginx site (roost deploy nginx)", () => {
  const composeConfig = loadConfig({ file: join(DEPLOY, "roost.toml"), env: {} });

  test("deploy/nginx/roost.conf is what roost deploy nginx prints for deploy/roost.toml (comments aside)", async () => {
    const r = await capture((io) =>
      deployNginx({ config: join(DEPLOY, "roost.toml"), upstream: COMPOSE_UPSTREAMS }, io),
    );
    expect(r.code, r.err).toBe(0);
    const copy = readFileSync(join(DEPLOY, "nginx/roost.conf"), "utf8");
    expect(directives(copy)).toEqual(directives(r.out));
    expect(directives(r.out).length).toBeGreaterThan(40);
  });

  test("nginx -t accepts the committed copy", () => {
    // nginx -t resolves upstream names; the compose network's api1/api2 do not exist here: loopback stands in.
    const copy = readFileSync(join(DEPLOY, "nginx/roost.conf"), "utf8")
      .replace("server api1:5000", "server 127.0.0.1:5000")
      .replace("server api2:5000", "server 127.0.0.2:5000");
    expect(copy).toContain("server 127.0.0.2:5000");
    const r = nginxTest(copy, "copy");
    expect(r.status, r.output).toBe(0);
  });

  test("nginx -t accepts every variant: defaults, https with a path prefix, proxied outputs; and rejects a broken site", () => {
    const cert = selfSignedCertificate();
    const variants: Record<string, string> = {
      defaults: nginxSite(loadConfig({ env: {} })),
      https: nginxSite(
        loadConfig({
          env: {},
          flags: { "server.public_url": "https://wps.example.org/roost/", "server.data_dir": scratch },
        }),
        {
          upstreams: ["127.0.0.1:5001", "[::1]:5002"],
          tlsCertificate: cert.crt,
          tlsKey: cert.key,
          name: "wps",
        },
      ),
      proxied: nginxSite(composeConfig, { upstreams: ["127.0.0.1:5000"], staticOutputs: false }),
    };
    for (const [label, site] of Object.entries(variants)) {
      const r = nginxTest(site, label);
      expect(r.status, `${label}: ${r.output}`).toBe(0);
    }
    expect(variants.https).toContain("return 301 https://$host$request_uri;");
    expect(variants.proxied).not.toContain("alias ");
    // The check can fail: a site with a misspelt directive is refused.
    const broken = nginxTest(variants.defaults!.replace("proxy_read_timeout", "proxy_read_timout"), "broken");
    expect(broken.status).not.toBe(0);
    expect(broken.output).toMatch(/unknown directive "proxy_read_timout"/);
  });

  test("limits, timeouts, addresses and paths come from the configuration", () => {
    const c = loadConfig({
      env: {},
      flags: {
        "server.public_url": "http://wps.example.org:8080",
        "server.data_dir": "/srv/roost",
        "server.max_request_size": "3mb",
        "server.request_timeout": 45,
        "jobs.sync_timeout": 200,
        "inputs.fetch_timeout": 20,
      },
    });
    const site = nginxSite(c, { upstreams: ["10.0.0.2:5000", "10.0.0.3:5000"] });
    expect(directive(site, "listen")).toBe("8080");
    expect(directive(site, "server_name")).toBe("wps.example.org");
    expect(directive(site, "client_max_body_size")).toBe(String(3_000_000));
    expect(directive(site, "client_body_timeout")).toBe("45s");
    // Longer than the longest legitimate answer: reference fetching plus a synchronous run.
    expect(Number(directive(site, "proxy_read_timeout")?.replace(/s$/, ""))).toBe(proxyReadTimeout(c));
    expect(proxyReadTimeout(c)).toBeGreaterThan(200 + 20);
    expect(directives(site).filter((l) => l.startsWith("server 10.0.0."))).toEqual([
      "server 10.0.0.2:5000 max_fails=1 fail_timeout=10s;",
      "server 10.0.0.3:5000 max_fails=1 fail_timeout=10s;",
    ]);
    expect(directive(site, "gzip_types")?.split(" ")).toEqual(
      expect.arrayContaining(["text/xml", "application/xml", "application/json"]),
    );
    expect(directive(site, "alias")).toBe("/srv/roost/jobs/$roost_job/outputs/$roost_file");
    expect(directive(site, "proxy_set_header X-Forwarded-For")).toBe("$proxy_add_x_forwarded_for");
    // Without trusted proxies the site says what to do about it.
    expect(site).toMatch(/WARNING: server\.trusted_proxies is empty/);
    expect(nginxSite(composeConfig)).toContain('server.trusted_proxies = ["172.30.47.10"]');
    // Default upstream: where roost serve listens (0.0.0.0 means this host).
    expect(directive(nginxSite(composeConfig), "server")).toBe("127.0.0.1:5000 max_fails=1 fail_timeout=10s");
  });

  test("nginx serves Roost's media types, and never an active one", () => {
    for (const f of Object.values(Formats)) {
      const ext = f.extension.slice(1);
      // Where two formats share an extension, the first one's type (documented in deploy/README.md).
      const first = Object.values(Formats).find((g) => g.extension === f.extension)!;
      expect(STATIC_OUTPUT_TYPES.get(ext)).toBe(first.mimeType);
    }
    for (const [dotted, type] of Object.entries(EXT_TYPES)) {
      const ext = dotted.slice(1);
      const fromFormat = Object.values(Formats).find((g) => g.extension === dotted);
      expect(STATIC_OUTPUT_TYPES.get(ext)).toBe(fromFormat ? fromFormat.mimeType : type);
    }
    for (const type of STATIC_OUTPUT_TYPES.values()) expect(type).not.toMatch(/html|javascript|svg/i);
    for (const ext of ["html", "htm", "js", "mjs", "svg", "xhtml"])
      expect(STATIC_OUTPUT_TYPES.has(ext)).toBe(false);
  });

  test("settings nginx cannot express are refused with a message", async () => {
    const bad =
      (flags: Record<string, unknown>, o = {}) =>
      () =>
        nginxSite(
          loadConfig({ env: {}, flags: { "server.public_url": "http://x.example.org", ...flags } }),
          o,
        );
    expect(bad({ "server.data_dir": "/srv/my roost" })).toThrow(DeployError);
    expect(bad({ "server.data_dir": "/srv/$roost" })).toThrow(
      /cannot be written into an nginx configuration/,
    );
    expect(bad({ "server.public_url": "http://x.example.org/a?b=c" })).toThrow(/query or fragment/);
    expect(bad({}, { upstreams: ["x.example.org"] })).toThrow(
      /--upstream 'x.example.org': expected host:port/,
    );
    expect(bad({}, { upstreams: ["x;y:80"] })).toThrow(DeployError);
    expect(bad({}, { name: "Roost-1" })).toThrow(/--name/);
    const r = await capture((io) =>
      deployNginx({ config: join(DEPLOY, "roost.toml"), upstream: ["nope"] }, io),
    );
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/--upstream 'nope'/);
    const missing = await capture((io) => deployNginx({ config: join(scratch, "none.toml") }, io));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read config file/);
  });

  describe.runIf(asRoot)("serving for real", () => {
    test("behind nginx with an https public URL and a path prefix: documents, outputs from disk, 404s from Roost", {
      timeout: 90_000,
    }, async () => {
      const dir = join(scratch, "live");
      const data = join(dir, "data");
      mkdirSync(data, { recursive: true });
      chmodSync(scratch, 0o755);
      chmodSync(dir, 0o755);
      // nginx's workers (nobody:nogroup) read outputs through the data directory's group, inherited (setgid).
      chownSync(data, 0, 65534);
      chmodSync(data, 0o2750);
      const [roostPort, nginxPort] = [await freePort(), await freePort()];
      const publicUrl = `https://127.0.0.1:${nginxPort}/roost`;
      const config = loadConfig({
        env: {},
        flags: {
          "server.port": roostPort,
          "server.public_url": publicUrl,
          "server.data_dir": data,
          "server.trusted_proxies": "127.0.0.1",
          "server.log_level": "silent",
        },
      });
      const server = await startServer(config, { logger: pino({ level: "silent" }) });
      const cert = selfSignedCertificate();
      const p = join(dir, "nginx");
      mkdirSync(p);
      writeFileSync(join(p, "site.conf"), nginxSite(config, { tlsCertificate: cert.crt, tlsKey: cert.key }));
      writeFileSync(join(p, "nginx.conf"), nginxMain(p, "nobody nogroup"));
      const nginx = spawn("nginx", ["-p", p, "-c", join(p, "nginx.conf")], {
        stdio: "ignore",
        detached: true,
      });
      try {
        await until(async () => (await get(`${publicUrl}/health`)).status === 200, "nginx and Roost", 20_000);
        const caps = await get(`${publicUrl}/wps?service=WPS&request=GetCapabilities`);
        expect(caps.status).toBe(200);
        expect(caps.body).toContain(`<ows:Get xlink:href="${publicUrl}/wps?"/>`);
        // An async job; its status document and output through the prefix.
        const exec = await get(
          `${publicUrl}/wps?service=WPS&version=1.0.0&request=Execute&identifier=wordcounter&storeExecuteResponse=true&status=true&DataInputs=text=a%20b%20a`,
        );
        const statusUrl = /statusLocation="([^"]+)"/.exec(exec.body)?.[1] ?? "";
        expect(statusUrl.startsWith(`${publicUrl}/outputs/`)).toBe(true);
        const href = await until(
          async () => /\shref="([^"]+\/output\.json)"/.exec((await get(statusUrl)).body)?.[1],
          "the job's output reference",
          20_000,
        );
        const out = await get(href);
        expect(out.status).toBe(200);
        expect(JSON.parse(out.body)).toEqual([
          [2, "a"],
          [1, "b"],
        ]);
        // Read from disk by nginx (it adds the sandbox CSP, Roost does not) with Roost's media type.
        expect(out.headers["content-security-policy"]).toBe("default-src 'none'; sandbox");
        expect(out.headers["content-type"]).toBe("application/json");
        expect(out.headers["x-content-type-options"]).toBe("nosniff");
        const missing = await get(href.replace("output.json", "other.json"));
        expect(missing.status).toBe(404);
        expect(missing.headers["content-type"]).toMatch(/^application\/problem\+json/);
        // Outside the prefix there is no Roost.
        expect(
          (await get(`https://127.0.0.1:${nginxPort}/wps?service=WPS&request=GetCapabilities`)).status,
        ).toBe(404);
      } finally {
        try {
          process.kill(-nginx.pid!, "SIGKILL");
        } catch {
          // gone
        }
        await server.close(0);
      }
    });
  });
});

/** GET over https, accepting the test's self-signed certificate. */
function get(url: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) =>
      ["ECONNREFUSED", "ECONNRESET"].includes((e as NodeJS.ErrnoException).code ?? "")
        ? resolve({ status: 0, headers: {}, body: "" })
        : reject(e),
    );
  });
}

let certificate: { crt: string; key: string } | undefined;
/** A throwaway self-signed certificate for 127.0.0.1 (openssl), made once per run. */
function selfSignedCertificate(): { crt: string; key: string } {
  if (certificate) return certificate;
  const crt = join(scratch, "tls.crt");
  const key = join(scratch, "tls.key");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      key,
      "-out",
      crt,
    ],
    { stdio: "ignore", timeout: 30_000 },
  );
  certificate = { crt, key };
  return certificate;
}

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
    expect(readFileSync(join(ROOT, "packages/server/src/bin/roost.ts"), "utf8")).toContain(
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
