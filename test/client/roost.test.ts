/**
 * The `roost` CLI as a subprocess against a real Roost server (also a subprocess): every demo process, sync and
 * async, repeated and falsy values, awkward identifiers, file and URL inputs, downloads, output format choices,
 * `--json`, `run --help`, job commands, Ctrl-C, and every exit code.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLI,
  type CliHome,
  cliHome,
  freePort,
  json,
  requireBuiltCli,
  runCli,
  type ServiceProcess,
  serveFiles,
  startRoost,
} from "./helpers.js";

let roost: ServiceProcess;
let home: CliHome;
let files: { base: string; server: Server };

const TEXT = "The cat sat on the mat.\nThe dog sat on the cat.\n";
const roostCli = (args: string[], o: Parameters<typeof runCli>[1] = {}) =>
  runCli(args, { env: home.env, ...o });

beforeAll(async () => {
  requireBuiltCli();
  roost = await startRoost();
  home = cliHome(roost.url);
  files = await serveFiles({ "/books/cat.txt": TEXT });
  writeFileSync(join(home.dir, "cat.txt"), TEXT);
  writeFileSync(join(home.dir, "in.json"), '{"numbers": [1, 2, 3], "text": "a < b & c"}');
}, 60_000);

afterAll(async () => {
  files?.server.close();
  await roost?.stop();
  home?.cleanup();
});

describe("roost CLI against Roost: discovery", { timeout: 90_000 }, () => {
  it("lists the processes with their execution modes", async () => {
    const r = await roostCli(["processes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^IDENTIFIER\s+TITLE\s+EXECUTION$/m);
    expect(r.stdout).toMatch(/^hello\s+Say Hello\s+async, sync$/m);
    expect(r.stdout).toMatch(/^nap\s+.*\s+sync only$/m);
    expect(r.stdout).toMatch(/^non\.py-id\s/m);
    const list = JSON.parse((await roostCli(["processes", "--json"])).stdout) as {
      identifier: string;
      async: boolean;
    }[];
    expect(list.find((p) => p.identifier === "sleep")?.async).toBe(true);
    expect(list.find((p) => p.identifier === "nap")?.async).toBe(false);
    expect(list.map((p) => p.identifier)).toEqual(
      expect.arrayContaining([
        "hello",
        "sleep",
        "inout",
        "wordcounter",
        "show_error",
        "bbox",
        "chomsky",
        "dummyprocess",
      ]),
    );
  });

  it("describes inputs (type, occurrences, default, allowed values) and outputs (formats)", async () => {
    const r = await roostCli(["describe", "inout"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/int {2}Integer\n\s+integer\n\s+default: 7\n\s+one of: 1, 2, 3, 5, 7, 11/);
    expect(r.stdout).toMatch(/float {2}Float\n\s+float, 0\.\.5 times \(repeat the option\)/);
    expect(r.stdout).toContain("in ranges [1, 10], [100, 200] step 10");
    expect(r.stdout).toMatch(
      /dataset {2}Dataset\n\s+complex: application\/x-netcdf \(default\), text\/plain/,
    );
    const odd = await roostCli(["describe", "non.py-id", "--json"]);
    expect(json(odd).inputs).toEqual([
      expect.objectContaining({ identifier: "input 1", kind: "literal", default: "100" }),
      expect.objectContaining({ identifier: "input-2", kind: "complex" }),
    ]);
    const fr = await roostCli(["describe", "translation", "--language", "fr-CA"]);
    expect(fr.stdout).toContain("translation — Processus traduit");
  });

  it("prints a process's help generated from its description", async () => {
    const r = await roostCli(["run", "hello", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: roost run [options] hello --name <string> [run options]");
    expect(r.stdout).toContain("Just says a friendly Hello");
    expect(r.stdout).toMatch(/--name <string>\s+Your name\n\s+string, required\n\s+Please enter your name\./);
    const inout = await roostCli(["run", "inout", "--help"]);
    expect(inout.stdout).toMatch(
      /--string_choice <string>\s+String Choice\n\s+string\n\s+default: scissor\n\s+one of: rock, paper, scissor/,
    );
    expect((await roostCli(["run", "non.py-id", "-h"])).stdout).toContain("--'input 1' <integer>");
  });
});

describe("roost CLI against Roost: running the demo processes", { timeout: 90_000 }, () => {
  it("runs hello async by default and sync with --sync (the birdy session)", async () => {
    const r = await roostCli(["run", "hello", "--name", "Birdy"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("output: Hello Birdy\n");
    expect(r.stderr).toMatch(/hello succeeded \(job [0-9a-f-]{36}\)/);
    const s = await roostCli(["run", "hello", "--name", "Birdy", "--sync"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toBe("output: Hello Birdy\n");
    expect(s.stderr).not.toContain("(job ");
  });

  it("shows sleep's progress and message while polling, as plain lines in a pipe", async () => {
    const r = await roostCli(["run", "sleep", "--delay", "0.4"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("sleep_output: done sleeping\n");
    expect(r.stderr).toMatch(/^\[\s*\d+%\] .+$/m);
    expect(r.stderr).toContain("Waiting...");
    expect(r.stderr).not.toMatch(/[\r\u001b]/);
  });

  it("runs nap synchronously (sync-only) and refuses --async for it", async () => {
    const r = await roostCli(["run", "nap", "--delay", "0.1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("output: done sleeping\n");
    const a = await roostCli(["run", "nap", "--async"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("can only run synchronously");
  });

  it("runs ultimate_question, dummyprocess with zeros, and binaryoperatorfornumbers", async () => {
    expect((await roostCli(["run", "ultimate_question"])).stdout).toBe("answer: 42\n");
    const d = await roostCli(["run", "dummyprocess", "--input1", "0", "--input2", "0", "--json"]);
    expect(d.code).toBe(0);
    expect(json(d).outputs.output1?.value).toBe("1");
    expect(json(d).outputs.output2?.value).toBe("-1");
    const b = await roostCli([
      "run",
      "binaryoperatorfornumbers",
      "--inputa",
      "6",
      "--inputb",
      "-3",
      "--operator",
      "multiply",
    ]);
    expect(b.stdout).toMatch(/^output: -18(\.0)?\n$/);
  });

  it("sends repeated values as separate occurrences and falsy values as values (inout)", async () => {
    const r = await roostCli([
      "run",
      "inout",
      "--float",
      "1.5",
      "--float",
      "0",
      "--float",
      "2",
      "--boolean",
      "false",
      "--angle",
      "0",
      "--string_multiple_choice",
      "sitting duck",
      "--string_multiple_choice",
      "happy pinguin",
      "--int_range",
      "110",
      "--datetime",
      "2024-02-29T23:59:59Z",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = json(r).outputs;
    expect(out.float?.value).toBe("3.5");
    expect(out.boolean?.value).toBe("false");
    expect(out.angle?.value).toBe("0");
    expect(out.string_multiple_choice?.value).toBe("sitting duck, happy pinguin");
    expect(out.int_range?.value).toBe("110");
    expect(out.datetime?.value).toBe("2024-02-29T23:59:59Z");
    expect(out.bbox).toMatchObject({ kind: "bbox", bbox: { lowerCorner: [0, 0], upperCorner: [10, 10] } });
    const no = await roostCli(["run", "inout", "--no-boolean", "--json"]);
    expect(json(no).outputs.boolean?.value).toBe("false");
  });

  it("counts words of a local file (embedded) and of a URL (by reference), downloading the result", async () => {
    const local = await roostCli([
      "run",
      "wordcounter",
      "--text",
      join(home.dir, "cat.txt"),
      "--output-dir",
      join(home.dir, "wc1"),
    ]);
    expect(local.code).toBe(0);
    const file = local.stdout.match(/^output: (\S+)/m)?.[1];
    expect(file).toBeDefined();
    const counts = JSON.parse(readFileSync(file!, "utf8")) as [number, string][];
    expect(counts).toContainEqual([2, "sat"]);
    expect(counts).toContainEqual([2, "cat"]);
    const remote = await roostCli([
      "run",
      "wordcounter",
      "--text",
      `${files.base}/books/cat.txt`,
      "--json",
      "--output-dir",
      join(home.dir, "wc2"),
    ]);
    expect(remote.code).toBe(0);
    const doc = json(remote);
    expect(doc.outputs.output).toMatchObject({ kind: "reference", mimeType: "application/json" });
    const saved = doc.outputs.output?.file as string;
    expect(JSON.parse(readFileSync(saved, "utf8"))).toContainEqual([2, "on"]);
    const listed = await roostCli(["run", "wordcounter", "--text", `@${join(home.dir, "cat.txt")}`]);
    expect(listed.stdout).toMatch(
      /^output: http:\/\/127\.0\.0\.1:\d+\/outputs\/[0-9a-f-]+\/\S+\.json \(application\/json\)$/m,
    );
  });

  it("echoes a bounding box with its CRS", async () => {
    const r = await roostCli(["run", "bbox", "--bbox", "101,42,110,46,epsg:4326"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("bbox: 101,42,110,46 (epsg:4326)\n");
    const bad = await roostCli(["run", "bbox", "--bbox", "101,42,110,46,EPSG:32632"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("CRS 'EPSG:32632' is not supported; supported: epsg:4326, epsg:3035");
  });

  it("downloads chomsky's text with --output-dir", async () => {
    const dir = join(home.dir, "chomsky");
    const r = await roostCli(["run", "chomsky", "--times", "3", "--output-dir", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `output: ${join(dir, "out.txt")} (text/plain) ${r.stdout.match(/\) (\d+(\.\d)? [KM]?B)\n$/)?.[1]}\n`,
    );
    const text = readFileSync(join(dir, "out.txt"), "utf8");
    expect(text.split(/[.!?]\s/).length).toBeGreaterThanOrEqual(3);
  });

  it("chooses output formats and by-value/by-reference (output_formats)", async () => {
    const dir = join(home.dir, "formats");
    const r = await roostCli([
      "run",
      "output_formats",
      "--output",
      "json=application/zip@asref",
      "--output",
      "netcdf@asvalue",
      "--json",
      "--output-dir",
      dir,
    ]);
    expect(r.code).toBe(0);
    const out = json(r).outputs;
    expect(out.json).toMatchObject({ kind: "reference", mimeType: "application/zip" });
    expect(String(out.json?.href)).toMatch(/\.zip$/);
    expect(readFileSync(String(out.json?.file)).subarray(0, 2).toString()).toBe("PK");
    expect(out.netcdf).toMatchObject({
      kind: "complex",
      mimeType: "application/x-netcdf",
      encoding: "base64",
    });
    expect(readFileSync(String(out.netcdf?.file)).subarray(0, 3).toString()).toBe("CDF");
    const plain = await roostCli(["run", "output_formats"]);
    expect(plain.stdout).toMatch(/^netcdf: http:\S+\.nc \(application\/x-netcdf\)$/m);
    expect(plain.stdout).toMatch(/^json:\n\{/m);
    const bad = await roostCli(["run", "output_formats", "--output", "json=image/png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("format image/png is not supported");
  });

  it("lists multiple_outputs' metalinks and applies show_defaults' defaults", async () => {
    const m = await roostCli(["run", "multiple_outputs", "--count", "2", "--json"]);
    expect(m.code).toBe(0);
    expect(json(m).outputs.output).toMatchObject({ kind: "reference" });
    expect(String(json(m).outputs.output?.mimeType)).toContain("metalink");
    const dir = join(home.dir, "defaults");
    const d = await roostCli([
      "run",
      "show_defaults",
      "--string_0",
      "ZERO",
      "--string_3",
      "THREE",
      "--output-dir",
      dir,
    ]);
    expect(d.code).toBe(0);
    const file = d.stdout.match(/^output: (\S+)/m)?.[1];
    expect(JSON.parse(readFileSync(file!, "utf8"))).toEqual({
      string0: "ZERO",
      string1: "one",
      string2: "two",
      string3: "THREE",
    });
  });

  it("handles identifiers with dots, spaces and dashes (non.py-id)", async () => {
    const r = await roostCli([
      "run",
      "non.py-id",
      "--input 1",
      "5",
      "--input-2",
      `@${join(home.dir, "in.json")}`,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = json(r).outputs;
    expect(Number(out["output.1"]?.value)).toBe(6);
    expect(JSON.parse(String(out["output 2"]?.value))).toEqual({ numbers: [1, 2, 3], text: "a < b & c" });
    const eq = await roostCli(["run", "non.py-id", "--input 1=0", '--input-2=data:application/json,{"x":0}']);
    expect(eq.code).toBe(0);
    expect(eq.stdout).toMatch(/^output\.1: 1(\.0)?$/m);
  });

  it("asks for a language (translation --language fr-CA)", async () => {
    const r = await roostCli(["run", "translation", "--language", "fr-CA", "--sync", "--json"]);
    expect(r.code).toBe(0);
    expect(json(r).outputs.output1).toMatchObject({ value: "101", title: "Sortie #1" });
  });

  it("runs simple_dry_run: success, and the process's own failure messages", async () => {
    expect((await roostCli(["run", "simple_dry_run", "--count", "2"])).stdout).toBe(
      "output: File downloads done: 2\n",
    );
    const tooMany = await roostCli(["run", "simple_dry_run", "--count", "12"]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain("Too many files too download: used=12, available=10");
  });
});

describe("roost CLI against Roost: failures and exit codes", { timeout: 90_000 }, () => {
  it("exits 1 and shows the server's exception when the process fails (show_error)", async () => {
    const r = await roostCli(["run", "show_error"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /roost: process 'show_error' failed \(job [0-9a-f-]+\):\n {2}NoApplicableCode.*: Process error: This process failed intentionally\./,
    );
    const j = await roostCli(["run", "show_error", "--message", "Bad day at the office", "--json"]);
    expect(j.code).toBe(1);
    expect(json(j)).toMatchObject({
      process: "show_error",
      status: "failed",
      exitCode: 1,
      error: { code: "NoApplicableCode", text: expect.stringContaining("Bad day at the office") },
    });
    const sync = await roostCli(["run", "show_error", "--sync"]);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain("This process failed intentionally.");
  });

  it("exits 2 for usage and validation errors, before sending anything", async () => {
    const cases: [string[], RegExp][] = [
      [["run", "hello"], /name: is required/],
      [["run", "inout", "--int", "4"], /int: '4' is not one of the allowed values: 1, 2, 3, 5, 7, 11/],
      [["run", "inout", "--int_range", "105"], /int_range: '105' is not one of the allowed values/],
      [["run", "sleep", "--delay", "soon"], /delay: 'soon' is not a number \(expected float\)/],
      [["run", "inout", "--boolean", "yes"], /unexpected argument 'yes'/],
      [["run", "inout", "--date", "2023-02-30"], /not a valid date/],
      [["run", "hello", "--nmae", "x"], /unknown option '--nmae'\n {2}did you mean --name\?/],
      [["run", "helo"], /the server has no process 'helo' \(did you mean hello\?\)/],
      [["run", "wordcounter", "--text", "no-such-file.txt"], /neither a URL nor an existing file/],
      [
        [
          "run",
          "inout",
          "--float",
          "1",
          "--float",
          "2",
          "--float",
          "3",
          "--float",
          "4",
          "--float",
          "5",
          "--float",
          "6",
        ],
        /at most 5 allowed/,
      ],
      [["run"], /which process\?/],
      [["processes", "--bogus"], /unknown option '--bogus'/],
      [["describe"], /missing required argument/],
    ];
    const results = await Promise.all(cases.map(([args]) => roostCli(args)));
    cases.forEach(([args, message], i) => {
      const r = results[i]!;
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toMatch(message);
    });
    const j = await roostCli(["run", "inout", "--int", "4", "--json"]);
    expect(json(j)).toMatchObject({
      status: "error",
      exitCode: 2,
      error: { code: "InvalidInput", locator: "int" },
    });
  });

  it("exits 3 when the server is unreachable, refuses a request, or does not speak WPS", async () => {
    const dead = `http://127.0.0.1:${await freePort()}/wps`;
    const refused = await roostCli(["processes", "--url", dead]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+: connection refused/);
    const run = await roostCli(["run", "--url", dead, "hello", "--name", "x", "--json"]);
    expect(run.code).toBe(3);
    expect(json(run)).toMatchObject({ status: "error", exitCode: 3, error: { code: "ConnectionError" } });
    // Roost checks references before accepting the job: a dead link is a refused request, not a failed process.
    const missing = await roostCli(["run", "wordcounter", "--text", `${files.base}/books/missing.txt`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /roost: the server refused the request \(HTTP 400\):\n {2}InvalidParameterValue \(locator: text\): .*missing\.txt answered HTTP 404/,
    );
    const notWps = await roostCli(["processes", "--url", `${files.base}/books/cat.txt`]);
    expect(notWps.code).toBe(3);
    expect(notWps.stderr).toContain("is not a WPS 1.0.0 document");
  });
});

describe("roost CLI against Roost: jobs", { timeout: 90_000 }, () => {
  it("detaches, then follows the job by id and by URL, and lists it", async () => {
    const d = await roostCli(["run", "sleep", "--delay", "0.2", "--detach"]);
    expect(d.code).toBe(0);
    const [id, url] = d.stdout.trim().split("\t");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(url).toBe(`${roost.url.replace(/\/wps$/, "")}/outputs/${id}.xml`);
    const w = await roostCli(["status", id!, "--wait"]);
    expect(w.code).toBe(0);
    expect(w.stdout).toBe("sleep_output: done sleeping\n");
    const byUrl = await roostCli(["status", url!, "--json"]);
    expect(json(byUrl)).toMatchObject({
      jobId: id,
      status: "succeeded",
      outputs: { sleep_output: { value: "done sleeping" } },
    });
    const jobs = await roostCli(["jobs"]);
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(new RegExp(`^${id}\\s+sleep\\s+succeeded\\s`, "m"));
    // A job id unknown to the history: Roost's layout is assumed.
    const fresh = cliHome(roost.url);
    try {
      const other = await runCli(["status", id!], { env: fresh.env });
      expect(other.stdout).toBe("sleep_output: done sleeping\n");
    } finally {
      fresh.cleanup();
    }
    const failed = await roostCli(["run", "show_error", "--detach"]);
    const failedId = failed.stdout.split("\t")[0]!;
    const fs = await roostCli(["status", failedId, "--wait"]);
    expect(fs.code).toBe(1);
    expect(fs.stderr).toContain("This process failed intentionally.");
  });

  it("cancels a job through Roost's job resource: roost jobs cancel", async () => {
    const d = await roostCli(["run", "sleep", "--delay", "30", "--detach"]);
    expect(d.code).toBe(0);
    const [id, url] = d.stdout.trim().split("\t");
    const c = await roostCli(["jobs", "cancel", id!]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe(`${id}: dismissed\n`);
    // The history and the server agree; the status URL works as a reference too.
    expect((await roostCli(["jobs"])).stdout).toMatch(new RegExp(`^${id}\\s+sleep\\s+dismissed\\s`, "m"));
    const again = await roostCli(["jobs", "cancel", url!, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ job: id, state: "dismissed" });
    const s = await roostCli(["status", id!]);
    expect(s.stdout + s.stderr).toContain("dismissed");
    const unknown = await roostCli(["jobs", "cancel", "6f1c1c7e-9a43-4c55-8d3e-1f6f3e0b8a21"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("no job '6f1c1c7e-9a43-4c55-8d3e-1f6f3e0b8a21'");
  });

  it("stops waiting at --timeout (exit 3) and on Ctrl-C (exit 130), saying how to follow the job", async () => {
    const t = await roostCli(["run", "sleep", "--delay", "1", "--timeout", "1"]);
    expect(t.code).toBe(3);
    expect(t.stderr).toMatch(
      /still (accepted|running) after 1 s; it keeps running on the server\n {2}follow it with: roost status http/,
    );
    let sent = false;
    const c = await roostCli(["run", "sleep", "--delay", "1"], {
      onStderr: (child, err) => {
        if (!sent && /\[\s*\d+%\]/.test(err)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(sent).toBe(true);
    expect(c.code).toBe(130);
    // Roost can dismiss (its job resource); without a terminal to ask on, the job is left running.
    expect(c.stderr).not.toContain("no way to dismiss");
    expect(c.stderr).toMatch(/interrupted; follow the job again with: roost status http\S+\.xml/);
  });
});

describe("roost CLI on a terminal", { timeout: 90_000 }, () => {
  it("offers to dismiss on Ctrl-C and dismisses the job when told yes", async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal: Ctrl-C is the byte 0x03 typed on it, turned into
    // SIGINT by the terminal's line discipline, and the answer is typed at the prompt.
    const cmd = [process.execPath, CLI, "run", "sleep", "--delay", "30"].map((a) => `'${a}'`).join(" ");
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      env: { ...home.env, TERM: "xterm" },
      cwd: home.dir,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    const seen = (re: RegExp, ms = 30_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in:\n${out}`)), ms);
        const check = () => {
          const m = re.exec(out);
          if (m) {
            clearTimeout(timer);
            child.stdout.off("data", check);
            resolve(m);
          }
        };
        child.stdout.on("data", check);
        check();
      });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      await seen(/\]\s+\d+% /);
      child.stdin.write("\x03");
      const [, id] = await seen(/Dismiss job (\S+) on the server\? \[y\/N\] /);
      child.stdin.write("y\r");
      expect(await exited).toBe(130);
      expect(out).toContain(`job ${id} dismissed`);
      const res = await fetch(`${roost.url.replace(/\/wps$/, "")}/jobs/${id}`);
      expect(((await res.json()) as { status: string }).status).toBe("dismissed");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("roost CLI: completion and the description cache", { timeout: 90_000 }, () => {
  it("prints completion scripts and completes from the cached descriptions", async () => {
    const bash = await roostCli(["completion", "bash"]);
    expect(bash.stdout).toContain("complete -F _roost_complete roost");
    expect((await roostCli(["completion", "zsh"])).stdout).toContain("compdef _roost roost");
    expect((await roostCli(["completion", "fish"])).code).toBe(2);
    const procs = await roostCli(["__complete", "bash", "2", "roost", "run", "he"]);
    expect(procs.stdout.split("\n")).toEqual(["hello"]);
    const inputs = await roostCli(["__complete", "bash", "3", "roost", "run", "non.py-id", "--inp"]);
    expect(inputs.stdout.split("\n")).toEqual(["--input\\ 1", "--input-2"]);
  });

  it("answers run --help from the cache while the server is down", async () => {
    await roost.stop();
    const help = await roostCli(["run", "sleep", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--delay <float>");
    const refresh = await roostCli(["run", "sleep", "--help", "--refresh"]);
    expect(refresh.code).toBe(3);
    expect(existsSync(join(home.dir, "cache", "roost"))).toBe(true);
  });
});
