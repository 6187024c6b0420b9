/**
 * The nginx site that `roost deploy nginx` prints: the committed copy `deploy/nginx/roost.conf` is what the generator
 * prints for `deploy/roost.toml` (comments aside); `nginx -t`, run from a private prefix, accepts it and every
 * variant; settings come from the configuration; the media types are Roost's; and once for real on loopback, nginx
 * in front of Roost with an https public URL and a path prefix serves documents and outputs.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Formats } from "@roost/core";
import { pino } from "pino";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { deployNginx } from "../../packages/server/src/deploy/command.js";
import { DeployError } from "../../packages/server/src/deploy/common.js";
import { nginxSite, proxyReadTimeout, STATIC_OUTPUT_TYPES } from "../../packages/server/src/deploy/nginx.js";
import { EXT_TYPES } from "../../packages/server/src/http/outputs.js";
import { startServer } from "../../packages/server/src/main.js";
import { freePort } from "../helpers/server.js";
import { requireService } from "../helpers/services.js";
import { capture, DEPLOY, directives, have, until } from "./helpers.js";

const COMPOSE_UPSTREAMS = ["api1:5000", "api2:5000"];
const haveNginx = requireService("nginx", have("nginx"), "apt-get install nginx-light");
// Serving for real needs root: nginx's workers switch to nobody:nogroup, as they would in production.
const asRoot =
  haveNginx && requireService("root", process.getuid?.() === 0, "run the suite as root to serve for real");

const scratch = mkdtempSync(join(tmpdir(), "roost-deploy-nginx-"));
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
