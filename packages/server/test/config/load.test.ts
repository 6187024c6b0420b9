import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseSize } from "../../src/config/load.js";

function tomlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "roost-config-"));
  const f = join(dir, "roost.toml");
  writeFileSync(f, text);
  return f;
}

describe("loadConfig", () => {
  it("has working defaults: 127.0.0.1:5000, ./var, SQLite under the data dir, the demo processes", () => {
    const c = loadConfig({ env: {}, cwd: "/srv/app" });
    expect(c.server.host).toBe("127.0.0.1");
    expect(c.server.port).toBe(5000);
    expect(c.server.data_dir).toBe("/srv/app/var");
    expect(c.server.public_url).toBe("http://127.0.0.1:5000");
    expect(c.database.url).toBe("sqlite:/srv/app/var/roost.db");
    expect(c.processes.demo).toBe(true);
    expect(c.scheduler.backend).toBe("local");
    expect(Object.isFrozen(c.server)).toBe(true);
  });

  it("applies precedence flags > env > file > defaults", () => {
    const f = tomlFile(`[server]\nport = 6000\nhost = "0.0.0.0"\ndata_dir = "data"\n[jobs]\nworkers = 3\n`);
    const c = loadConfig({
      file: f,
      env: { ROOST_SERVER_PORT: "7000", ROOST_JOBS_WORKERS: "5" },
      flags: { "server.port": "8000" },
      cwd: "/elsewhere",
    });
    expect(c.server.port).toBe(8000);
    expect(c.jobs.workers).toBe(5);
    expect(c.server.host).toBe("0.0.0.0");
    // A relative path in the file is relative to the file, not to the working directory.
    expect(c.server.data_dir).toBe(join(f, "..", "data"));
    expect(c.server.public_url).toBe("http://localhost:8000");
  });

  it("reads every key from ROOST_<SECTION>_<KEY>, including lists, maps and sizes", () => {
    const c = loadConfig({
      env: {
        ROOST_INPUTS_ALLOWED_HOSTS: "127.0.0.1, 10.0.0.0/8",
        ROOST_DATABASE_URL: "postgres://u@db/roost",
        ROOST_SCHEDULER_ROUTES: "sleep=slurm",
        ROOST_SERVER_MAX_REQUEST_SIZE: "2mb",
        ROOST_PROCESSES_DEMO: "false",
        ROOST_SERVER_PUBLIC_URL: "https://wps.example.org/roost/",
      },
    });
    expect(c.inputs.allowed_hosts).toEqual(["127.0.0.1", "10.0.0.0/8"]);
    expect(c.database.url).toBe("postgres://u@db/roost");
    expect(c.scheduler.routes).toEqual({ sleep: "slurm" });
    expect(c.server.max_request_size).toBe(2_000_000);
    expect(c.processes.demo).toBe(false);
    expect(c.server.public_url).toBe("https://wps.example.org/roost");
  });

  it("refuses unknown keys, bad types and bad values with precise messages", () => {
    expect(() => loadConfig({ env: { ROOST_SERVR_PORT: "1" } })).toThrow(/ROOST_SERVR_PORT: unknown setting/);
    expect(() => loadConfig({ env: { ROOST_SERVER_PORTT: "1" } })).toThrow(/unknown setting server.portt/);
    expect(() => loadConfig({ env: { ROOST_SERVER_PORT: "abc" } })).toThrow(
      /ROOST_SERVER_PORT: 'abc' is not a number/,
    );
    expect(() => loadConfig({ env: { ROOST_SERVER_PORT: "70000" } })).toThrow(/server.port/);
    expect(() => loadConfig({ file: tomlFile(`[server]\nprot = 1\n`) })).toThrow(/unknown setting\(s\) prot/);
    expect(() => loadConfig({ file: tomlFile(`[sever]\n`) })).toThrow(/unknown section \[sever\]/);
    expect(() => loadConfig({ file: tomlFile(`[server\n`) })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { ROOST_SCHEDULER_BACKEND: "pbs" } })).toThrow(/scheduler.backend/);
    expect(() => loadConfig({ env: { ROOST_JOBS_MAX_INPUT_SIZE: "lots" } })).toThrow(/max_input_size/);
  });

  it("parses sizes", () => {
    expect(parseSize("10mb", "x")).toBe(10_000_000);
    expect(parseSize("1MiB", "x")).toBe(1_048_576);
    expect(parseSize(42, "x")).toBe(42);
    expect(() => parseSize("10 parsecs", "x")).toThrow(ConfigError);
  });
});
