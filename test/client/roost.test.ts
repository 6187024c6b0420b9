/**
 * The `roost` CLI as a subprocess against a real Roost server (also a subprocess), over each protocol Roost speaks:
 * WPS 1.0.0 (pinned), WPS 2.0.0 (detected at `/wps`) and OGC API – Processes (detected at the server root). Every demo
 * process, sync and async, repeated and falsy values, awkward identifiers, file and URL inputs, downloads, output
 * format choices, `--json`, `run --help`, job commands, Ctrl-C and every exit code run over all three
 * (`describe.each`); what differs by protocol (status URL forms, progress messages, exception codes) is asserted per
 * protocol from the table below.
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
  PROTOCOLS,
  type Protocol,
  protocolHome,
  requireBuiltCli,
  rootOf,
  runCli,
  type ServiceProcess,
  serveFiles,
  startRoost,
} from "./helpers.js";

let roost: ServiceProcess;
let files: { base: string; server: Server };
const homes = new Map<Protocol, CliHome>();

const TEXT = "The cat sat on the mat.\nThe dog sat on the cat.\n";

beforeAll(async () => {
  requireBuiltCli();
  roost = await startRoost();
  files = await serveFiles({ "/books/cat.txt": TEXT });
  for (const p of PROTOCOLS) {
    const home = protocolHome(roost, p);
    writeFileSync(join(home.dir, "cat.txt"), TEXT);
    writeFileSync(join(home.dir, "in.json"), '{"numbers": [1, 2, 3], "text": "a < b & c"}');
    homes.set(p, home);
  }
}, 60_000);

afterAll(async () => {
  files?.server.close();
  await roost?.stop();
  for (const h of homes.values()) h.cleanup();
});

/** What differs between the protocols, as a user sees it. */
interface ProtocolFacts {
  /** The status URL `run --detach` prints for job `id`. */
  statusUrl(id: string): string;
  /** How `roost status` is told to follow a job again (the URL, quoted for the shell when it needs to be). */
  followAgain: RegExp;
  /** Progress lines carry the server's message (WPS 2.0.0's StatusInfo has none). */
  progressMessages: boolean;
  /** The exception code of a process failure. */
  failureCode: string;
  /** The exception code of an input reference the server could not fetch. */
  refusedReferenceCode: string;
}

function facts(p: Protocol): ProtocolFacts {
  const base = rootOf(roost).replace(/\/$/, "");
  switch (p) {
    case "wps1":
      return {
        statusUrl: (id) => `${base}/outputs/${id}.xml`,
        followAgain: /roost status http\S+\/outputs\/[0-9a-f-]+\.xml/,
        progressMessages: true,
        failureCode: "NoApplicableCode",
        refusedReferenceCode: "InvalidParameterValue",
      };
    case "wps2":
      return {
        statusUrl: (id) => `${base}/wps?service=WPS&version=2.0.0&request=GetStatus&JobID=${id}`,
        followAgain:
          /roost status 'http\S+\/wps\?service=WPS&version=2\.0\.0&request=GetStatus&JobID=[0-9a-f-]+'/,
        progressMessages: false,
        failureCode: "NoApplicableCode",
        refusedReferenceCode: "DataNotAccessible",
      };
    case "ogcapi":
      return {
        statusUrl: (id) => `${base}/jobs/${id}`,
        followAgain: /roost status http\S+\/jobs\/[0-9a-f-]+(\s|$)/,
        progressMessages: true,
        failureCode: "ProcessFailed",
        refusedReferenceCode: "DataNotAccessible",
      };
  }
}

describe.each(PROTOCOLS)("roost CLI against Roost over %s", { timeout: 120_000 }, (protocol) => {
  const cli = (args: string[], o: Parameters<typeof runCli>[1] = {}) =>
    runCli(args, { env: homes.get(protocol)!.env, ...o });
  const home = () => homes.get(protocol)!;

  describe("discovery", () => {
    it("lists the processes with their execution modes", async () => {
      const r = await cli(["processes"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^IDENTIFIER\s+TITLE\s+EXECUTION$/m);
      expect(r.stdout).toMatch(/^hello\s+Say Hello\s+async, sync$/m);
      expect(r.stdout).toMatch(/^nap\s+.*\s+sync only$/m);
      expect(r.stdout).toMatch(/^non\.py-id\s/m);
      const list = JSON.parse((await cli(["processes", "--json"])).stdout) as {
        identifier: string;
        async: boolean;
        sync: boolean;
      }[];
      expect(list.find((p) => p.identifier === "sleep")).toMatchObject({ async: true, sync: true });
      expect(list.find((p) => p.identifier === "nap")).toMatchObject({ async: false, sync: true });
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
      const r = await cli(["describe", "inout"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/int {2}Integer\n\s+integer\n\s+default: 7\n\s+one of: 1, 2, 3, 5, 7, 11/);
      expect(r.stdout).toMatch(/float {2}Float\n\s+float, 0\.\.5 times \(repeat the option\)/);
      expect(r.stdout).toContain("in ranges [1, 10], [100, 200] step 10");
      expect(r.stdout).toMatch(
        /dataset {2}Dataset\n\s+complex: application\/x-netcdf \(default\), text\/plain/,
      );
      const box = await cli(["describe", "bbox"]);
      expect(box.stdout).toMatch(
        /bbox {2}Bounding Box\n\s+bounding box, optional\n\s+CRS: epsg:4326 \(default\), epsg:3035/,
      );
      const odd = await cli(["describe", "non.py-id", "--json"]);
      expect(json(odd).inputs).toEqual([
        expect.objectContaining({ identifier: "input 1", kind: "literal", default: "100" }),
        expect.objectContaining({ identifier: "input-2", kind: "complex" }),
      ]);
      expect(json(odd).jobControlOptions).toEqual(expect.arrayContaining(["sync-execute", "async-execute"]));
      const fr = await cli(["describe", "translation", "--language", "fr-CA"]);
      expect(fr.stdout).toContain("translation — Processus traduit");
    });

    it("prints a process's help generated from its description", async () => {
      const r = await cli(["run", "hello", "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: roost run [options] hello --name <string> [run options]");
      expect(r.stdout).toContain("Just says a friendly Hello");
      expect(r.stdout).toMatch(
        /--name <string>\s+Your name\n\s+string, required\n\s+Please enter your name\./,
      );
      const inout = await cli(["run", "inout", "--help"]);
      expect(inout.stdout).toMatch(
        /--string_choice <string>\s+String Choice\n\s+string\n\s+default: scissor\n\s+one of: rock, paper, scissor/,
      );
      expect((await cli(["run", "non.py-id", "-h"])).stdout).toContain("--'input 1' <integer>");
    });
  });

  describe("running the demo processes", () => {
    it("runs hello async by default and sync with --sync (the birdy session)", async () => {
      const r = await cli(["run", "hello", "--name", "Birdy"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("output: Hello Birdy\n");
      expect(r.stderr).toMatch(/hello succeeded \(job [0-9a-f-]{36}\)/);
      const s = await cli(["run", "hello", "--name", "Birdy", "--sync"]);
      expect(s.code).toBe(0);
      expect(s.stdout).toBe("output: Hello Birdy\n");
      expect(s.stderr).not.toContain("(job ");
    });

    it("shows sleep's progress while polling, as plain lines in a pipe", async () => {
      const r = await cli(["run", "sleep", "--delay", "0.4"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("sleep_output: done sleeping\n");
      expect(r.stderr).toMatch(/^\[\s*\d+%\]/m);
      expect(r.stderr).not.toMatch(/[\r\u001b]/);
      if (facts(protocol).progressMessages) {
        expect(r.stderr).toMatch(/^\[\s*\d+%\] .+$/m);
        expect(r.stderr).toContain("Waiting...");
      } else {
        // A WPS 2.0.0 StatusInfo carries a percentage and no message.
        expect(r.stderr).toMatch(/^\[\s*\d+%\]$/m);
      }
    });

    it("runs nap synchronously (sync-only) and refuses --async for it", async () => {
      const r = await cli(["run", "nap", "--delay", "0.1"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("output: done sleeping\n");
      const a = await cli(["run", "nap", "--async"]);
      expect(a.code).toBe(2);
      expect(a.stderr).toContain("can only run synchronously");
    });

    it("runs ultimate_question, dummyprocess with zeros, and binaryoperatorfornumbers", async () => {
      expect((await cli(["run", "ultimate_question"])).stdout).toBe("answer: 42\n");
      const d = await cli(["run", "dummyprocess", "--input1", "0", "--input2", "0", "--json"]);
      expect(d.code, d.stderr).toBe(0);
      expect(json(d).outputs.output1?.value).toBe("1");
      expect(json(d).outputs.output2?.value).toBe("-1");
      const b = await cli([
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
      const r = await cli([
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
      expect(r.code, r.stderr).toBe(0);
      const out = json(r).outputs;
      expect(out.float?.value).toBe("3.5");
      expect(out.boolean?.value).toBe("false");
      expect(out.angle?.value).toBe("0");
      expect(out.string_multiple_choice?.value).toBe("sitting duck, happy pinguin");
      expect(out.int_range?.value).toBe("110");
      expect(out.datetime?.value).toBe("2024-02-29T23:59:59Z");
      expect(out.bbox).toMatchObject({ kind: "bbox", bbox: { lowerCorner: [0, 0], upperCorner: [10, 10] } });
      const no = await cli(["run", "inout", "--no-boolean", "--json"]);
      expect(json(no).outputs.boolean?.value).toBe("false");
    });

    it("counts words of a local file (embedded) and of a URL (by reference), downloading the result", async () => {
      const local = await cli([
        "run",
        "wordcounter",
        "--text",
        join(home().dir, "cat.txt"),
        "--output-dir",
        join(home().dir, "wc1"),
      ]);
      expect(local.code, local.stderr).toBe(0);
      const file = local.stdout.match(/^output: (\S+)/m)?.[1];
      expect(file).toBeDefined();
      const counts = JSON.parse(readFileSync(file!, "utf8")) as [number, string][];
      expect(counts).toContainEqual([2, "sat"]);
      expect(counts).toContainEqual([2, "cat"]);
      const remote = await cli([
        "run",
        "wordcounter",
        "--text",
        `${files.base}/books/cat.txt`,
        "--json",
        "--output-dir",
        join(home().dir, "wc2"),
      ]);
      expect(remote.code, remote.stderr).toBe(0);
      const doc = json(remote);
      expect(doc.outputs.output).toMatchObject({ kind: "reference", mimeType: "application/json" });
      const saved = doc.outputs.output?.file as string;
      expect(JSON.parse(readFileSync(saved, "utf8"))).toContainEqual([2, "on"]);
      const listed = await cli(["run", "wordcounter", "--text", `@${join(home().dir, "cat.txt")}`]);
      expect(listed.stdout).toMatch(
        /^output: http:\/\/127\.0\.0\.1:\d+\/outputs\/[0-9a-f-]+\/\S+\.json \(application\/json\)$/m,
      );
    });

    it("echoes a bounding box with its CRS", async () => {
      const r = await cli(["run", "bbox", "--bbox", "101,42,110,46,epsg:4326"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("bbox: 101,42,110,46 (epsg:4326)\n");
      const bad = await cli(["run", "bbox", "--bbox", "101,42,110,46,EPSG:32632"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("CRS 'EPSG:32632' is not supported; supported: epsg:4326, epsg:3035");
    });

    it("downloads chomsky's text with --output-dir", async () => {
      const dir = join(home().dir, "chomsky");
      const r = await cli(["run", "chomsky", "--times", "3", "--output-dir", dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        `output: ${join(dir, "out.txt")} (text/plain) ${r.stdout.match(/\) (\d+(\.\d)? [KM]?B)\n$/)?.[1]}\n`,
      );
      const text = readFileSync(join(dir, "out.txt"), "utf8");
      expect(text.split(/[.!?]\s/).length).toBeGreaterThanOrEqual(3);
    });

    it("chooses output formats and by-value/by-reference (output_formats)", async () => {
      const dir = join(home().dir, "formats");
      const r = await cli([
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
      expect(r.code, r.stderr).toBe(0);
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
      const plain = await cli(["run", "output_formats"]);
      expect(plain.stdout).toMatch(/^netcdf: http:\S+\.nc \(application\/x-netcdf\)$/m);
      // The JSON output comes inline; OGC API carries it as JSON, which the CLI prints indented.
      expect(plain.stdout).toMatch(/^json:\n\{\n\s+"testing": \[/m);
      const bad = await cli(["run", "output_formats", "--output", "json=image/png"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("format image/png is not supported");
    });

    it("lists multiple_outputs' metalinks and applies show_defaults' defaults", async () => {
      const m = await cli(["run", "multiple_outputs", "--count", "2", "--json"]);
      expect(m.code, m.stderr).toBe(0);
      expect(json(m).outputs.output).toMatchObject({ kind: "reference" });
      expect(String(json(m).outputs.output?.mimeType)).toContain("metalink");
      const dir = join(home().dir, "defaults");
      const d = await cli([
        "run",
        "show_defaults",
        "--string_0",
        "ZERO",
        "--string_3",
        "THREE",
        "--output-dir",
        dir,
      ]);
      expect(d.code, d.stderr).toBe(0);
      const file = d.stdout.match(/^output: (\S+)/m)?.[1];
      expect(JSON.parse(readFileSync(file!, "utf8"))).toEqual({
        string0: "ZERO",
        string1: "one",
        string2: "two",
        string3: "THREE",
      });
    });

    it("handles identifiers with dots, spaces and dashes (non.py-id)", async () => {
      const r = await cli([
        "run",
        "non.py-id",
        "--input 1",
        "5",
        "--input-2",
        `@${join(home().dir, "in.json")}`,
        "--json",
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = json(r).outputs;
      expect(Number(out["output.1"]?.value)).toBe(6);
      expect(JSON.parse(String(out["output 2"]?.value))).toEqual({ numbers: [1, 2, 3], text: "a < b & c" });
      const eq = await cli(["run", "non.py-id", "--input 1=0", '--input-2=data:application/json,{"x":0}']);
      expect(eq.code, eq.stderr).toBe(0);
      expect(eq.stdout).toMatch(/^output\.1: 1(\.0)?$/m);
    });

    it("asks for a language (translation --language fr-CA)", async () => {
      const r = await cli(["run", "translation", "--language", "fr-CA", "--sync", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(json(r).outputs.output1).toMatchObject({ value: "101", title: "Sortie #1" });
    });

    it("runs simple_dry_run: success, and the process's own failure messages", async () => {
      expect((await cli(["run", "simple_dry_run", "--count", "2"])).stdout).toBe(
        "output: File downloads done: 2\n",
      );
      const tooMany = await cli(["run", "simple_dry_run", "--count", "12"]);
      expect(tooMany.code).toBe(1);
      expect(tooMany.stderr).toContain("Too many files too download: used=12, available=10");
    });
  });

  describe("failures and exit codes", () => {
    it("exits 1 and shows the server's exception when the process fails (show_error)", async () => {
      const code = facts(protocol).failureCode;
      const r = await cli(["run", "show_error"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        new RegExp(
          `roost: process 'show_error' failed \\(job [0-9a-f-]+\\):\\n {2}${code}.*: Process error: This process failed intentionally\\.`,
        ),
      );
      const j = await cli(["run", "show_error", "--message", "Bad day at the office", "--json"]);
      expect(j.code).toBe(1);
      expect(json(j)).toMatchObject({
        process: "show_error",
        status: "failed",
        mode: "async",
        exitCode: 1,
        error: { code, text: expect.stringContaining("Bad day at the office") },
      });
      const sync = await cli(["run", "show_error", "--sync", "--json"]);
      expect(sync.code).toBe(1);
      expect(json(sync)).toMatchObject({ status: "failed", mode: "sync", exitCode: 1, jobId: null });
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
          ["run", "inout", ...Array.from({ length: 6 }, (_, i) => ["--float", String(i)]).flat()],
          /at most 5 allowed/,
        ],
        [["run"], /which process\?/],
        [["processes", "--bogus"], /unknown option '--bogus'/],
        [
          ["processes", "--protocol", "wps3"],
          /unknown protocol 'wps3' \(--protocol\); use wps2, wps1, ogcapi/,
        ],
        [["describe"], /missing required argument/],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(args)));
      cases.forEach(([args, message], i) => {
        const r = results[i]!;
        expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
        expect(r.stderr).toMatch(message);
      });
      const j = await cli(["run", "inout", "--int", "4", "--json"]);
      expect(json(j)).toMatchObject({
        status: "error",
        exitCode: 2,
        error: { code: "InvalidInput", locator: "int" },
      });
    });

    it("exits 3 when the server is unreachable, refuses a request, or does not speak the protocol", async () => {
      const dead = `http://127.0.0.1:${await freePort()}${protocol === "ogcapi" ? "/" : "/wps"}`;
      const refused = await cli(["processes", "--url", dead]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+: connection refused/);
      const run = await cli(["run", "--url", dead, "hello", "--name", "x", "--json"]);
      expect(run.code).toBe(3);
      expect(json(run)).toMatchObject({ status: "error", exitCode: 3, error: { code: "ConnectionError" } });
      // Roost checks references before accepting the job: a dead link is a refused request, not a failed process.
      const missing = await cli(["run", "wordcounter", "--text", `${files.base}/books/missing.txt`]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(
        new RegExp(
          `roost: the server refused the request \\(HTTP 400\\):\\n {2}${facts(protocol).refusedReferenceCode} \\(locator: text\\): .*missing\\.txt answered HTTP 404`,
        ),
      );
      const notIt = await cli(["processes", "--url", `${files.base}/books/cat.txt`]);
      expect(notIt.code).toBe(3);
      expect(notIt.stderr).toMatch(
        protocol === "wps1"
          ? /is not a WPS 1\.0\.0 document/
          : /is neither an OGC API – Processes landing page nor a WPS endpoint/,
      );
    });
  });

  describe("jobs", () => {
    it("detaches, then follows the job by id and by URL, and lists it", async () => {
      const d = await cli(["run", "sleep", "--delay", "0.2", "--detach"]);
      expect(d.code, d.stderr).toBe(0);
      const [id, url] = d.stdout.trim().split("\t");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(url).toBe(facts(protocol).statusUrl(id!));
      const w = await cli(["status", id!, "--wait"]);
      expect(w.code, w.stderr).toBe(0);
      expect(w.stdout).toBe("sleep_output: done sleeping\n");
      expect(w.stderr).toContain(`sleep succeeded (job ${id})`);
      const byUrl = await cli(["status", url!, "--json"]);
      expect(json(byUrl)).toMatchObject({
        jobId: id,
        status: "succeeded",
        statusLocation: url,
        outputs: { sleep_output: { value: "done sleeping" } },
        exitCode: 0,
      });
      const jobs = await cli(["jobs"]);
      expect(jobs.code, jobs.stderr).toBe(0);
      expect(jobs.stdout).toMatch(new RegExp(`^${id}\\s+sleep\\s+succeeded\\s`, "m"));
      // A job id unknown to the history: the current service is asked.
      const fresh = protocolHome(roost, protocol);
      try {
        const other = await runCli(["status", id!], { env: fresh.env });
        expect(other.stdout).toBe("sleep_output: done sleeping\n");
      } finally {
        fresh.cleanup();
      }
      const failed = await cli(["run", "show_error", "--detach"]);
      const failedId = failed.stdout.split("\t")[0]!;
      const fs = await cli(["status", failedId, "--wait"]);
      expect(fs.code).toBe(1);
      expect(fs.stderr).toContain("This process failed intentionally.");
    });

    it("cancels a job: roost jobs cancel, by id and by URL; a dismissed job's status exits 1", async () => {
      const d = await cli(["run", "sleep", "--delay", "30", "--detach"]);
      expect(d.code, d.stderr).toBe(0);
      const [id, url] = d.stdout.trim().split("\t");
      const c = await cli(["jobs", "cancel", id!]);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toBe(`${id}: dismissed\n`);
      // The history (or the server's list) and the server agree; the status URL works as a reference too.
      expect((await cli(["jobs"])).stdout).toMatch(new RegExp(`^${id}\\s+sleep\\s+dismissed\\s`, "m"));
      const again = await cli(["jobs", "cancel", url!, "--json"]);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ job: id, state: "dismissed" });
      const s = await cli(["status", id!, "--json"]);
      expect(s.code).toBe(1);
      expect(s.stdout + s.stderr).toContain("dismissed");
      expect(json(s)).toMatchObject({ jobId: id, exitCode: 1 });
      const unknown = await cli(["jobs", "cancel", "6f1c1c7e-9a43-4c55-8d3e-1f6f3e0b8a21"]);
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toMatch(/no job '6f1c1c7e-9a43-4c55-8d3e-1f6f3e0b8a21'/i);
    });

    it("stops waiting at --timeout (exit 3) and on Ctrl-C (exit 130), saying how to follow the job", async () => {
      const t = await cli(["run", "sleep", "--delay", "1", "--timeout", "1"]);
      expect(t.code).toBe(3);
      expect(t.stderr).toMatch(
        /still (accepted|running) after 1 s; it keeps running on the server\n {2}follow it with: /,
      );
      expect(t.stderr).toMatch(facts(protocol).followAgain);
      let sent = false;
      const c = await cli(["run", "sleep", "--delay", "1"], {
        onStderr: (child, err) => {
          if (!sent && /\[\s*\d+%\]/.test(err)) {
            sent = true;
            child.kill("SIGINT");
          }
        },
      });
      expect(sent).toBe(true);
      expect(c.code).toBe(130);
      // Roost can dismiss; without a terminal to ask on, the job is left running.
      expect(c.stderr).not.toContain("no way to dismiss");
      expect(c.stderr).toMatch(/interrupted; follow the job again with: /);
      expect(c.stderr).toMatch(facts(protocol).followAgain);
    });
  });
});

describe("roost CLI: protocol detection against Roost", { timeout: 60_000 }, () => {
  it("speaks WPS 2.0.0 at /wps unless pinned, and OGC API at the root and at /processes", async () => {
    const h = cliHome();
    try {
      const base = rootOf(roost);
      const detach = async (url: string, extra: string[] = []) => {
        const r = await runCli(["run", "--url", url, ...extra, "sleep", "--delay", "0.1", "--detach"], {
          env: h.env,
        });
        expect(r.code, r.stderr).toBe(0);
        return r.stdout.trim().split("\t")[1] ?? "";
      };
      expect(await detach(roost.url)).toMatch(/\/wps\?service=WPS&version=2\.0\.0&request=GetStatus&JobID=/);
      expect(await detach(roost.url, ["--protocol", "wps1"])).toMatch(/\/outputs\/[0-9a-f-]+\.xml$/);
      expect(await detach(base)).toMatch(/:\d+\/jobs\/[0-9a-f-]+$/);
      expect(await detach(`${base}processes`)).toMatch(/:\d+\/jobs\/[0-9a-f-]+$/);
      const env = { ...h.env, WPS_PROTOCOL: "ogcapi" };
      const pinned = await runCli(["run", "--url", base, "sleep", "--delay", "0.1", "--detach"], { env });
      expect(pinned.stdout).toMatch(/\/jobs\/[0-9a-f-]+\n$/);
      // A pinned protocol the URL does not speak: a server error, exit 3.
      const wrong = await runCli(["processes", "--url", base, "--protocol", "wps2"], { env: h.env });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain("is not a WPS 2.0.0 document");
      const bad = await runCli(["processes", "--url", base], { env: { ...h.env, WPS_PROTOCOL: "soap" } });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("unknown protocol 'soap' (WPS_PROTOCOL)");
    } finally {
      h.cleanup();
    }
  });
});

/**
 * The reference demo's session on a terminal (util-linux `script` gives the CLI a real pseudo-terminal: Ctrl-C is
 * the byte 0x03 typed on it, turned into SIGINT by the terminal's line discipline, and the answer is typed at the
 * prompt): `hello`, `sleep` with its progress bar, then Ctrl-C and "yes, dismiss".
 */
describe.each(PROTOCOLS)("roost CLI on a terminal over %s", { timeout: 90_000 }, (protocol) => {
  it("runs hello, shows sleep's progress, offers to dismiss on Ctrl-C and dismisses the job", async () => {
    const h = homes.get(protocol)!;
    const hello = await runCli(["run", "hello", "--name", "Birdy"], { env: h.env });
    expect(hello.stdout).toBe("output: Hello Birdy\n");
    const cmd = [process.execPath, CLI, "run", "sleep", "--delay", "30"].map((a) => `'${a}'`).join(" ");
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      env: { ...h.env, TERM: "xterm" },
      cwd: h.dir,
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
      // The bar is drawn in place: `\r`, erase line, `[####....]  20% message`.
      await seen(/\r\u001b\[2K\[[#.]{20}\]\s+\d+%/);
      child.stdin.write("\x03");
      const [, id] = await seen(/Dismiss job (\S+) on the server\? \[y\/N\] /);
      child.stdin.write("y\r");
      expect(await exited).toBe(130);
      expect(out).toContain(`job ${id} dismissed`);
      const res = await fetch(`${rootOf(roost)}jobs/${id}`);
      expect(((await res.json()) as { status: string }).status).toBe("dismissed");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("roost CLI: completion and the description cache", { timeout: 90_000 }, () => {
  it("prints completion scripts and completes from the cached descriptions", async () => {
    const env = homes.get("wps1")!.env;
    const bash = await runCli(["completion", "bash"], { env });
    expect(bash.stdout).toContain("complete -F _roost_complete roost");
    expect((await runCli(["completion", "zsh"], { env })).stdout).toContain("compdef _roost roost");
    expect((await runCli(["completion", "fish"], { env })).code).toBe(2);
    for (const p of PROTOCOLS) {
      const e = homes.get(p)!.env;
      const procs = await runCli(["__complete", "bash", "2", "roost", "run", "he"], { env: e });
      expect([p, procs.stdout.split("\n")]).toEqual([p, ["hello"]]);
      const inputs = await runCli(["__complete", "bash", "3", "roost", "run", "non.py-id", "--inp"], {
        env: e,
      });
      expect([p, inputs.stdout.split("\n")]).toEqual([p, ["--input\\ 1", "--input-2"]]);
    }
  });

  it("answers run --help from the cache while the server is down, whatever the protocol", async () => {
    // Entries are fresh for 5 minutes and this file runs longer: read everything again first.
    for (const p of PROTOCOLS) {
      const r = await runCli(["processes", "--refresh"], { env: homes.get(p)!.env });
      expect([p, r.code]).toEqual([p, 0]);
    }
    await roost.stop();
    for (const p of PROTOCOLS) {
      const env = homes.get(p)!.env;
      const help = await runCli(["run", "sleep", "--help"], { env });
      expect([p, help.code]).toEqual([p, 0]);
      expect(help.stdout).toContain("--delay <float>");
      const refresh = await runCli(["run", "sleep", "--help", "--refresh"], { env });
      expect([p, refresh.code]).toEqual([p, 3]);
      expect(existsSync(join(homes.get(p)!.dir, "cache", "roost"))).toBe(true);
    }
  });
});
