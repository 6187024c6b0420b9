/**
 * Configuration end to end on the real `roost serve` process: flags > `ROOST_*` environment > TOML file >
 * defaults, a user's TypeScript process module named in the file (resolved relative to it) loaded by the server
 * and its workers, and start-up failures that say what is wrong without a stack trace: exit code 2 for an invalid
 * configuration, a message naming the file for a broken process module.
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../helpers/server.js";
import { CLI, FIXTURE, type RoostProcess, spawnRoost, submit, tempDir, waitStatus } from "./helpers.js";

// Every case starts real `roost serve` processes: slow on a loaded CI box.
vi.setConfig({ testTimeout: 120_000 });

const tmp = tempDir("roost-config-");
const started: RoostProcess[] = [];

beforeAll(() => {
  expect(CLI).toMatch(/dist\/bin\/roost\.js$/);
});

afterAll(async () => {
  for (const p of started) await p.kill();
  tmp.remove();
});

async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  } catch {
    return false;
  }
}

/** Run `roost serve` expecting it to fail at start-up; resolves with exit code and output. */
async function failsToStart(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const p = await spawnRoost(args, { env, port, waitReady: false });
  started.push(p);
  const timer = setTimeout(() => void p.kill(), 60_000);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output() };
}

/** No stack trace lines (`    at fn (file:line:col)`) in what the user sees. */
function expectNoStack(output: string): void {
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe("configuration precedence on the real process", () => {
  it("--port beats ROOST_SERVER_PORT beats the file; the file's module path is relative to the file", async () => {
    const [filePort, envPort, flagPort] = [await freePort(), await freePort(), await freePort()];
    const file = `${tmp.dir}/roost.toml`;
    // A relative module path: resolved against the config file's directory, not the working directory.
    const moduleRel = relative(tmp.dir, FIXTURE.observable);
    writeFileSync(
      file,
      [
        "[server]",
        `port = ${filePort}`,
        'log_level = "warn"',
        `data_dir = "data"`,
        "[jobs]",
        "workers = 1",
        "[processes]",
        `modules = [${JSON.stringify(moduleRel)}]`,
      ].join("\n"),
    );

    const all = await spawnRoost(["--config", file, "--port", String(flagPort)], {
      env: { ROOST_SERVER_PORT: String(envPort) },
      port: flagPort,
    });
    started.push(all);
    expect(await answers(envPort)).toBe(false);
    expect(await answers(filePort)).toBe(false);
    // The TypeScript module from the file is served and runs in the built server's workers.
    const j = await submit(all.base, "fx_progress", { steps: 3, step_ms: 1 });
    expect(j.statusUrl.startsWith(`http://127.0.0.1:${flagPort}/outputs/`)).toBe(true);
    expect((await waitStatus(j.statusUrl)).outputs.out?.value).toBe("progressed");
    await all.kill();

    // The same precedence without the module (cheaper start-ups): env over file, then the file alone.
    const plain = `${tmp.dir}/plain.toml`;
    writeFileSync(
      plain,
      `[server]\nport = ${filePort}\nlog_level = "warn"\ndata_dir = "data-plain"\n[jobs]\nworkers = 1\n`,
    );
    const envOverFile = await spawnRoost(["--config", plain], {
      env: { ROOST_SERVER_PORT: String(envPort) },
      port: envPort,
    });
    started.push(envOverFile);
    expect(await answers(filePort)).toBe(false);
    await envOverFile.kill();

    const fileOnly = await spawnRoost(["--config", plain], { port: filePort });
    started.push(fileOnly);
    expect(await answers(filePort)).toBe(true);
    await fileOnly.kill();
  });

  it("ROOST_CONFIG names the file when --config is absent", async () => {
    const port = await freePort();
    const file = `${tmp.dir}/via-env.toml`;
    writeFileSync(file, `[server]\nport = ${port}\nlog_level = "warn"\ndata_dir = "data-env"\n`);
    const p = await spawnRoost([], { env: { ROOST_CONFIG: file }, port });
    started.push(p);
    expect(await answers(port)).toBe(true);
    await p.kill();
  });
});

describe("start-up failures", () => {
  it.each([
    ["an unknown key", "[jobs]\nworkers = 2\nworkerz = 3\n", /jobs.*unknown setting.*workerz/s],
    ["a value of the wrong type", '[jobs]\nworkers = "many"\n', /jobs\.workers/],
    ["a value out of range", "[jobs]\nworkers = 0\n", /jobs\.workers/],
    ["an unknown section", "[nonsense]\nx = 1\n", /unknown section \[nonsense\]/],
    ["broken TOML", "[server\nport = 1\n", /bad\.toml/],
  ])(
    "an invalid config file (%s): exit code 2, a clear message, no stack trace",
    async (_what, text, msg) => {
      const file = `${tmp.dir}/bad.toml`;
      writeFileSync(file, text);
      const r = await failsToStart(["--config", file, "--data-dir", `${tmp.dir}/never`]);
      expect(r.code).toBe(2);
      expect(r.output).toMatch(/^roost: /m);
      expect(r.output).toMatch(msg);
      expectNoStack(r.output);
    },
  );

  it("an invalid environment value: exit code 2 naming the variable", async () => {
    const r = await failsToStart(["--data-dir", `${tmp.dir}/never`], { ROOST_JOBS_WORKERS: "lots" });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/ROOST_JOBS_WORKERS/);
    expectNoStack(r.output);
  });

  it("a missing config file: exit code 2 naming it", async () => {
    const r = await failsToStart(["--config", `${tmp.dir}/nope.toml`]);
    expect(r.code).toBe(2);
    expect(r.output).toContain("nope.toml");
    expectNoStack(r.output);
  });

  it.each([
    ["throws when imported", FIXTURE.broken],
    ["does not exist", `${tmp.dir}/missing-module.ts`],
  ])("a process module that %s: start-up fails with a message naming the file", async (_what, path) => {
    const file = `${tmp.dir}/broken-module.toml`;
    writeFileSync(file, `[processes]\nmodules = [${JSON.stringify(path)}]\n`);
    const r = await failsToStart(["--config", file, "--data-dir", `${tmp.dir}/data-broken`]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.output).toContain(path);
    expectNoStack(r.output);
  });
});
