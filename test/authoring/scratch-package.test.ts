/**
 * The README's authoring steps, followed as a new author would, in scratch directories outside the repository:
 * a package made by `npm init -y` (once as an ES module package, once CommonJS), Roost's packages installed from
 * this checkout (`npm install <repo>/packages/core <repo>/packages/client <repo>/packages/server`: npm links local
 * folders, so it works offline and in a second), `roost new process` (TypeScript and JavaScript), `npm test` running
 * the scaffolded tests, and `roost serve` (with `--watch`) serving `./roost.toml`'s processes to `roost run`.
 *
 * And the client on its own: `@roost/core` and `@roost/client` packed and installed as from a registry give a
 * working `roost` without the server's dependencies (no better-sqlite3, fastify, kysely, pg).
 *
 * Needs the build (`npm test` builds first) and npm; third-party packages come from npm's cache (`npm ci` filled it).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, type TestServer } from "../helpers/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES = ["core", "client", "server"].map((p) => join(ROOT, "packages", p));
const BUILT = join(ROOT, "packages/client/dist/bin/roost.js");

/** The environment of child commands: no npm_* variables of the `npm test` that runs this suite. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "INIT_CWD") env[k] = v;
  return { ...env, NO_COLOR: "1", NO_PROXY: "127.0.0.1,localhost", ...extra };
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sh(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: cleanEnv(env), timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Run and require success, showing the output when it fails. */
async function ok(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<Ran> {
  const r = await sh(cmd, args, cwd, env);
  if (r.code !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  return r;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `roost serve` in the author's package, its output (log on stdout, watcher on stderr) collected. */
class Served {
  readonly child: ChildProcess;
  output = "";
  constructor(dir: string, args: readonly string[]) {
    this.child = spawn(join(dir, "node_modules/.bin/roost"), ["serve", ...args], {
      cwd: dir,
      // One local worker: each loads the TypeScript module through tsx, ~1 s of CPU on the shared test machine.
      env: cleanEnv({ ROOST_JOBS_WORKERS: "1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (d: Buffer) => {
      this.output += d.toString("utf8");
    };
    this.child.stdout?.on("data", collect);
    this.child.stderr?.on("data", collect);
  }
  /** Wait until the output has `n` occurrences of `text`. */
  async waitFor(text: string, n = 1): Promise<void> {
    await waitFor(`'${text}' in the server's output`, () => this.output.split(text).length > n).catch(
      (e: Error) => {
        throw new Error(`${e.message}:\n${this.output}`);
      },
    );
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}

describe.each([
  { type: "module", js: "an ES module" },
  { type: "commonjs", js: "CommonJS" },
])("an author's package (type $type)", ({ type }) => {
  let dir: string;
  let served: Served | undefined;
  let url: string;
  const roost = (args: readonly string[]) => ok(join(dir, "node_modules/.bin/roost"), args, dir);

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build first (npm run build)`);
    dir = mkdtempSync(join(tmpdir(), `roost-author-${type}-`));
    await ok("npm", ["init", "-y"], dir);
    await ok("npm", ["pkg", "set", `type=${type}`], dir);
    await ok("npm", ["install", "--offline", "--no-audit", "--no-fund", ...PACKAGES], dir);
  });
  afterAll(async () => {
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("scaffolds a TypeScript and a JavaScript process; their tests pass with npm test", {
    timeout: 60_000,
  }, async () => {
    const ts = await ok("npx", ["roost", "new", "process", "flood", "--ts"], dir);
    expect(ts.stdout).toContain("created processes/flood.ts");
    expect(ts.stdout).toContain("created processes/flood.test.ts");
    expect(ts.stdout).toContain("created roost.toml");
    const js = await roost(["new", "process", "greet", "--js"]);
    expect(js.stdout).toContain("added processes/greet.js to [processes] modules");
    const source = readFileSync(join(dir, "processes/greet.js"), "utf8");
    // The JavaScript module follows the package's module system.
    if (type === "module") expect(source).toContain("export default defineProcess({");
    else expect(source).toContain("module.exports = defineProcess({");
    expect(readFileSync(join(dir, "roost.toml"), "utf8")).toContain(
      'modules = ["processes/flood.ts", "processes/greet.js"]',
    );
    // Only what authors need comes from @roost/core.
    for (const f of ["processes/flood.ts", "processes/greet.js"])
      expect(readFileSync(join(dir, f), "utf8")).toMatch(
        /\{ defineProcess, Input, Output, ProcessError \} (from|= require\()\s*"@roost\/core"/,
      );
    await expect(roost(["new", "process", "greet", "--js"])).rejects.toThrow(/processes\/greet\.js exists/);

    const test = await ok("npm", ["test"], dir);
    expect(test.stdout).toMatch(/# pass 8\n# fail 0/);
  });

  it("serves roost.toml's processes (roost serve) and runs them with roost run", {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/wps`;
    // The ES module package develops with --watch (edited below); the CommonJS one is served plainly.
    const watch = type === "module";
    served = new Served(dir, [...(watch ? ["--watch"] : []), "--port", String(port), "--log-level", "info"]);
    await served.waitFor(watch ? "roost watch: server ready" : '"msg":"Roost is serving ');
    const flood = await roost(["run", "flood", "--text", "hi", "--times", "3", "--url", url]);
    expect(flood.stdout).toBe("result: hi hi hi\n");
    const greet = await roost(["run", "greet", "--text", "yo", "--sync", "--url", url, "--json"]);
    expect(JSON.parse(greet.stdout)).toMatchObject({
      status: "succeeded",
      outputs: { result: { value: "yo yo" } },
    });
    const failed = await sh(
      join(dir, "node_modules/.bin/roost"),
      ["run", "greet", "--text", " ", "--url", url],
      dir,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("Process error: text must not be empty");
  });

  // Once is enough: the watcher does not depend on the module system.
  if (type === "module")
    it("serve --watch restarts on a change, and keeps the running server when the new code does not load", {
      timeout: 90_000,
    }, async () => {
      const file = join(dir, "processes/greet.js");
      const good = readFileSync(file, "utf8");
      writeFileSync(file, good.replace('.join(" ")', '.join("+")'));
      await served!.waitFor("processes/greet.js changed: server restarted");
      const changed = await roost(["run", "greet", "--text", "yo", "--sync", "--url", url]);
      expect(changed.stdout).toBe("result: yo+yo\n");

      writeFileSync(file, `${good}\nthis is not JavaScript (\n`);
      await served!.waitFor(
        "processes/greet.js changed, but the processes do not load; the running server is kept",
      );
      expect(served!.output).toMatch(/cannot load process module .*greet\.js/);
      const kept = await roost(["run", "greet", "--text", "yo", "--sync", "--url", url]);
      expect(kept.stdout).toBe("result: yo+yo\n");

      writeFileSync(file, good);
      await served!.waitFor("processes/greet.js changed: server restarted", 2);
      const fixed = await roost(["run", "greet", "--text", "yo", "--sync", "--url", url]);
      expect(fixed.stdout).toBe("result: yo yo\n");
    });
});

describe("the client alone (npm install @roost/client)", () => {
  let dir: string;
  let t: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roost-client-only-"));
    const packs = join(dir, "packs");
    const app = join(dir, "app");
    await ok("mkdir", ["-p", packs, app], dir);
    // Tarballs as a registry would serve them (files: dist, bin); the third-party dependencies from npm's cache.
    await ok(
      "npm",
      ["pack", "--ignore-scripts", "--pack-destination", packs, PACKAGES[0]!, PACKAGES[1]!],
      ROOT,
    );
    await ok("npm", ["init", "-y"], app);
    const tarballs = readdirSync(packs).map((f) => join(packs, f));
    await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], app);
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs no server dependency and no native module", () => {
    const installed = readdirSync(join(dir, "app/node_modules"));
    for (const heavy of ["better-sqlite3", "fastify", "kysely", "pg", "pino", "tsx"])
      expect(installed).not.toContain(heavy);
    expect(readdirSync(join(dir, "app/node_modules/@roost"))).toEqual(["client", "core"]);
  });

  it("gives a roost command: --version, client commands against a server, server commands explained", async () => {
    const bin = join(dir, "app/node_modules/.bin/roost");
    const version = JSON.parse(readFileSync(join(ROOT, "packages/client/package.json"), "utf8"))
      .version as string;
    expect((await ok(bin, ["--version"], dir)).stdout).toBe(`${version}\n`);
    const listed = await ok(bin, ["processes", "--url", `${t.base}/wps`], dir);
    expect(listed.stdout).toMatch(/^hello\s+Say Hello\s+async, sync$/m);
    const hello = await ok(bin, ["run", "hello", "--name", "Client", "--url", `${t.base}/wps`], dir);
    expect(hello.stdout).toBe("output: Hello Client\n");
    for (const cmd of [["serve"], ["new", "process", "x"], ["worker", "run", "/tmp/x", "--attempt", "1"]]) {
      const r = await sh(bin, cmd, dir);
      expect(r.code, cmd.join(" ")).toBe(2);
      expect(r.stderr).toContain(
        `roost: '${cmd[0]}' is a server command: install the server next to the client (npm install @roost/server)`,
      );
    }
  });
});
