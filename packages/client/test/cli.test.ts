import { afterAll, describe, expect, it } from "vitest";
import { bashEscape, completeWords, FILES } from "../src/cli/completion.js";
import { ExitCode, exitCodeFor, UsageError } from "../src/cli/exit.js";
import { parseHeader } from "../src/cli/options.js";
import { formatBytes, Progress, renderBar } from "../src/cli/progress.js";
import { renderDescription, renderRunHelp, table } from "../src/cli/render.js";
import { errorDocument, jobDocument, renderError, renderOutputs } from "../src/cli/results.js";
import { readEnvironment } from "../src/env.js";
import {
  AbortedError,
  ConnectionError,
  InputValidationError,
  JobTimeoutError,
  NotSupportedError,
  ProcessFailedError,
  ServerError,
  ServiceExceptionError,
  UnknownProcessError,
} from "../src/errors.js";
import { JobHistory } from "../src/history.js";
import { PROCESSES, processNamed, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

describe("exit codes", () => {
  it("maps every error class onto 1, 2, 3 or 130", () => {
    const cases: [unknown, number][] = [
      [new ProcessFailedError([{ code: "NoApplicableCode", text: "x" }], "x"), ExitCode.processFailed],
      [new UsageError("bad option"), ExitCode.usage],
      [new InputValidationError([{ id: "int", message: "not allowed" }]), ExitCode.usage],
      [new UnknownProcessError("frob", ["hello"]), ExitCode.usage],
      [new NotSupportedError("sync only"), ExitCode.usage],
      [new ConnectionError("refused", { code: "ECONNREFUSED" }), ExitCode.server],
      [new ServerError("HTTP 500", { status: 500 }), ExitCode.server],
      [new ServiceExceptionError([{ code: "InvalidParameterValue", text: "no" }], 400), ExitCode.server],
      [new JobTimeoutError("still running"), ExitCode.server],
      [new AbortedError(), ExitCode.interrupted],
      [new TypeError("bug"), ExitCode.server],
    ];
    for (const [e, code] of cases) expect([String(e), exitCodeFor(e)]).toEqual([String(e), code]);
    expect(ExitCode).toEqual({ ok: 0, processFailed: 1, usage: 2, server: 3, interrupted: 130 });
  });
});

describe("error reports", () => {
  it("show the server's exception code, locator and text", () => {
    const failed = new ProcessFailedError(
      [
        {
          code: "NoApplicableCode",
          locator: "nice",
          text: "Process error: This process failed intentionally.",
        },
      ],
      "",
      "j1",
    );
    expect(renderError(failed, "show_error")).toBe(
      "roost: process 'show_error' failed (job j1):\n  NoApplicableCode (locator: nice): Process error: This process failed intentionally.",
    );
    expect(
      renderError(
        new ServiceExceptionError(
          [{ code: "InvalidParameterValue", locator: "int", text: "4 not allowed" }],
          400,
        ),
      ),
    ).toBe(
      "roost: the server refused the request (HTTP 400):\n  InvalidParameterValue (locator: int): 4 not allowed",
    );
    expect(renderError(new UnknownProcessError("helo", ["hello", "sleep"]))).toBe(
      "roost: the server has no process 'helo' (did you mean hello?)\n  processes: hello, sleep",
    );
    const doc = errorDocument(
      new InputValidationError([{ id: "int", message: "'4' is not one of the allowed values" }]),
      {
        process: "inout",
      },
    );
    expect(doc).toMatchObject({
      process: "inout",
      status: "error",
      exitCode: 2,
      error: { code: "InvalidInput", locator: "int", text: "'4' is not one of the allowed values" },
    });
    expect(errorDocument(new JobTimeoutError("slow")).status).toBe("timeout");
    expect(errorDocument(new AbortedError()).status).toBe("interrupted");
  });
});

describe("progress", () => {
  function sink(isTTY: boolean) {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 120, write: (s: string) => chunks.push(s) } };
  }

  it("prints plain lines only on change, without control codes, when not a terminal", () => {
    const { chunks, stream } = sink(false);
    const p = new Progress(stream);
    p.status("accepted", undefined, "queued");
    p.status("running", 20, "Waiting...");
    p.status("running", 20, "Waiting...");
    p.status("running", 40, "Waiting...");
    p.bytes("file.nc", 10, 100);
    p.clear();
    expect(chunks.join("")).toBe("[accepted] queued\n[ 20%] Waiting...\n[ 40%] Waiting...\n");
    expect(chunks.join("")).not.toMatch(/[\r\u001b]/);
  });

  it("redraws one line in place on a terminal", () => {
    const { chunks, stream } = sink(true);
    const p = new Progress(stream);
    p.status("running", 40, "PyWPS Process started. Waiting...");
    p.clear();
    expect(chunks[0]).toBe(`\r\u001b[2K${renderBar(40)} PyWPS Process started. Waiting...`);
    expect(chunks[1]).toBe("\r\u001b[2K");
    expect(renderBar(40)).toBe("[########............]  40%");
  });

  it("shows download sizes on a terminal only", () => {
    const tty = sink(true);
    new Progress(tty.stream).bytes("big.nc", 5 * 1024 * 1024, 10 * 1024 * 1024);
    expect(tty.chunks).toEqual([`\r\u001b[2K${renderBar(50)} 5.0 MB/10 MB big.nc`]);
    const pipe = sink(false);
    new Progress(pipe.stream).bytes("big.nc", 1, 2);
    expect(pipe.chunks).toEqual([]);
  });

  it("is silent in quiet mode", () => {
    const { chunks, stream } = sink(false);
    const p = new Progress(stream, { enabled: false });
    p.status("running", 50, "x");
    p.line("done");
    expect(chunks).toEqual([]);
    expect(formatBytes(1536)).toBe("1.5 KB");
  });
});

describe("help and output rendering", () => {
  it("generates `run --help` from the description: types, defaults, allowed values, occurrences", () => {
    const help = renderRunHelp(processNamed("inout"));
    expect(help).toContain("Usage: roost run [options] inout [inputs] [run options]");
    expect(help).toContain("Testing all WPS input and output parameters.");
    expect(help).toMatch(
      /--int <integer>\s+Integer\n\s+integer\n\s+default: 7\n\s+one of: 1, 2, 3, 5, 7, 11/,
    );
    expect(help).toMatch(
      /--float <float>\s+Float\n\s+float, 0\.\.5 times \(repeat the option\)\n\s+default: 3\.14/,
    );
    expect(help).toContain("in ranges [1, 10], [100, 200] step 10");
    expect(help).toMatch(
      /--dataset <url\|@file>\s+Dataset\n\s+complex, optional\n\s+formats: application\/x-netcdf \(default\)\n\s+at most 1 MB/,
    );
    const odd = renderRunHelp(processNamed("non.py-id"));
    expect(odd).toContain(
      "Usage: roost run [options] non.py-id --input-2 <url|@file> [inputs] [run options]",
    );
    expect(odd).toContain("--'input 1' <integer>");
    expect(renderRunHelp(processNamed("bbox"))).toContain("CRS: epsg:4326 (default), epsg:3035");
    expect(renderDescription(processNamed("nap"))).toContain("runs: sync only");
  });

  it("prints literals, references, bounding boxes and multi-line values", () => {
    expect(
      renderOutputs([
        { id: "output", kind: "literal", value: "Hello Birdy", uom: "unity" },
        { id: "json", kind: "reference", href: "http://h/o/a.json", mimeType: "application/json" },
        { id: "bbox", kind: "bbox", bbox: { crs: "epsg:4326", lowerCorner: [0, 0], upperCorner: [10, 10] } },
        { id: "text", kind: "complex", value: "line 1\nline 2\n", mimeType: "text/plain" },
        { id: "nc", kind: "complex", value: "AAEC", encoding: "base64", mimeType: "application/x-netcdf" },
      ]),
    ).toBe(
      [
        "output: Hello Birdy",
        "json: http://h/o/a.json (application/json)",
        "bbox: 0,0,10,10 (epsg:4326)",
        "text:",
        "line 1\nline 2",
        "nc: <4 characters of base64 (application/x-netcdf); save with --output-dir>",
      ].join("\n"),
    );
    expect(
      table([
        ["A", "BB"],
        ["ccc", "d"],
      ]),
    ).toBe("A    BB\nccc  d");
  });

  it("builds the --json document of a finished job", () => {
    const doc = jobDocument(
      {
        jobId: "j1",
        processId: "hello",
        statusLocation: "http://h/outputs/j1.xml",
        status: { state: "succeeded", percent: 100, message: "done" },
        outputs: [],
      },
      "async",
      [{ id: "output", title: "Output", kind: "literal", value: "Hello Birdy", dataType: "string" }],
      0,
    );
    expect(doc).toEqual({
      process: "hello",
      jobId: "j1",
      status: "succeeded",
      mode: "async",
      statusLocation: "http://h/outputs/j1.xml",
      percent: 100,
      message: "done",
      outputs: { output: { kind: "literal", title: "Output", value: "Hello Birdy", dataType: "string" } },
      error: null,
      errors: [],
      exitCode: 0,
    });
  });
});

describe("completion", () => {
  const ctx = {
    processes: [...PROCESSES.values()],
    jobs: [{ id: "abc", service: "s", process: "p", submitted: "t", state: "running", updated: "t" }],
  };
  it("completes commands, processes, inputs, allowed values and files", () => {
    expect(completeWords(["roost", "de"], 1, ctx)).toEqual(["describe"]);
    expect(completeWords(["roost", "run", "n"], 2, ctx)).toEqual(["non.py-id", "nap"]);
    expect(completeWords(["roost", "run", "--url", "http://x", "w"], 4, ctx)).toEqual(["wordcounter"]);
    expect(completeWords(["roost", "run", "non.py-id", "--in"], 3, ctx)).toEqual([
      "--input 1",
      "--input-2",
      "--insecure",
    ]);
    expect(completeWords(["roost", "run", "inout", "--string_choice", ""], 4, ctx)).toEqual([
      "rock",
      "paper",
      "scissor",
    ]);
    expect(completeWords(["roost", "run", "inout", "--boolean", "f"], 4, ctx)).toEqual(["false"]);
    expect(completeWords(["roost", "run", "wordcounter", "--text", ""], 4, ctx)).toEqual([FILES]);
    expect(completeWords(["roost", "run", "output_formats", "--output", "j"], 4, ctx)).toEqual(["json"]);
    expect(completeWords(["roost", "status", ""], 2, ctx)).toEqual(["abc"]);
    expect(completeWords(["roost", "completion", ""], 2, ctx)).toEqual(["bash", "zsh"]);
    expect(bashEscape("--input 1")).toBe("--input\\ 1");
  });
});

describe("environment, headers and history", () => {
  it("reads birdy's variables and the XDG directories in one place", () => {
    expect(readEnvironment({ HOME: "/home/u" })).toEqual({
      tlsVerify: true,
      cacheDir: "/home/u/.cache/roost",
      stateDir: "/home/u/.local/state/roost",
    });
    expect(
      readEnvironment({
        HOME: "/home/u",
        WPS_SERVICE: "http://h/wps",
        WPS_TOKEN: "t",
        WPS_SSL_VERIFY: "False",
        XDG_CACHE_HOME: "/c",
        XDG_STATE_HOME: "relative/is/ignored",
      }),
    ).toEqual({
      serviceUrl: "http://h/wps",
      token: "t",
      tlsVerify: false,
      cacheDir: "/c/roost",
      stateDir: "/home/u/.local/state/roost",
    });
    expect(readEnvironment({ HOME: "/h", WPS_SSL_VERIFY: "/etc/ca.pem" })).toMatchObject({
      tlsVerify: true,
      caFile: "/etc/ca.pem",
    });
    expect(readEnvironment({ HOME: "/h", WPS_TOKEN: "  " })).not.toHaveProperty("token");
  });

  it("parses --header values", () => {
    expect(parseHeader("X-Api-Key: abc")).toEqual(["X-Api-Key", "abc"]);
    expect(parseHeader("Cookie=a=b")).toEqual(["Cookie", "a=b"]);
    expect(() => parseHeader("no header")).toThrow(UsageError);
  });

  it("merges history lines by job id, newest submission first", async () => {
    const h = new JobHistory(tempDir("hist"));
    await h.record({
      id: "a",
      service: "s",
      process: "sleep",
      submitted: "2026-01-01T00:00:00Z",
      state: "accepted",
    });
    await h.record({
      id: "b",
      service: "s",
      process: "hello",
      submitted: "2026-01-02T00:00:00Z",
      state: "accepted",
    });
    await h.record({ id: "a", state: "succeeded", percent: 100 });
    const list = await h.list();
    expect(list.map((e) => [e.id, e.state])).toEqual([
      ["b", "accepted"],
      ["a", "succeeded"],
    ]);
    expect((await h.find("a"))?.process).toBe("sleep");
    expect(await h.find("zzz")).toBeUndefined();
  });
});
