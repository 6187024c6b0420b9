/**
 * `roost run` argument parsing: exact identifiers with dots, spaces, dashes and `=`, booleans, repeated options,
 * client options before and after the process, and the errors a user sees for mistakes.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseOutputSpecs,
  parseProcessArgs,
  parseRunCommandLine,
  quoteId,
  splitFormatSuffix,
  toInputValues,
} from "../src/cli/args.js";
import { UsageError } from "../src/cli/exit.js";
import type { CommonOptions } from "../src/cli/options.js";
import { InputValidationError } from "../src/errors.js";
import { processNamed, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

function parse(processId: string, rest: string[]) {
  const cl = { common: {} as CommonOptions, run: {} };
  const raw = parseProcessArgs(rest, processNamed(processId).inputs, cl);
  return { raw: Object.fromEntries(raw), ...cl };
}

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("parseRunCommandLine", () => {
  it("reads client options before the process identifier and keeps the rest untouched", () => {
    const cl = parseRunCommandLine([
      "--url",
      "http://h/wps",
      "-t",
      "tok",
      "--header=X-A: 1",
      "-H",
      "X-B: 2",
      "--sync",
      "--timeout=30",
      "-o",
      "json@asref",
      "non.py-id",
      "--input 1",
      "5",
      "--sync",
    ]);
    expect(cl.common).toEqual({ url: "http://h/wps", token: "tok", header: ["X-A: 1", "X-B: 2"] });
    expect(cl.run).toEqual({ sync: true, timeout: 30, output: ["json@asref"] });
    expect(cl.processId).toBe("non.py-id");
    expect(cl.rest).toEqual(["--input 1", "5", "--sync"]);
  });

  it("has no process identifier for `run --help` and refuses unknown options before the process", () => {
    expect(parseRunCommandLine(["--help"])).toMatchObject({ run: { help: true }, rest: [] });
    expect(parseRunCommandLine(["-h"]).processId).toBeUndefined();
    const e = usageError(() => parseRunCommandLine(["--name", "Birdy", "hello"]));
    expect(e.message).toContain("unknown option '--name' before the process identifier");
    expect(usageError(() => parseRunCommandLine(["--timeout", "soon", "x"])).message).toContain("--timeout");
    expect(usageError(() => parseRunCommandLine(["--url"])).message).toContain("--url needs a value");
    expect(usageError(() => parseRunCommandLine(["--sync=yes", "x"])).message).toContain("takes no value");
  });
});

describe("parseProcessArgs", () => {
  it("keeps identifiers with spaces, dots, dashes and '=' exactly", () => {
    const r = parse("non.py-id", ["--input 1", "5", "--input-2", "@x.json", "--a=b", "v1"]);
    expect(r.raw).toEqual({ "input 1": ["5"], "input-2": ["@x.json"], "a=b": ["v1"] });
    // `--id=value` works too, splitting at the first '=' when that names an input.
    expect(parse("non.py-id", ["--input 1=7", "--input-2=data:,{}"]).raw).toEqual({
      "input 1": ["7"],
      "input-2": ["data:,{}"],
    });
  });

  it("sends falsy values and repeats each occurrence separately", () => {
    const r = parse("inout", [
      "--float",
      "0",
      "--float",
      "-2.5",
      "--boolean",
      "false",
      "--string",
      "",
      "--string_multiple_choice",
      "sitting duck",
      "--string_multiple_choice",
      "happy pinguin",
    ]);
    expect(r.raw).toEqual({
      float: ["0", "-2.5"],
      boolean: ["false"],
      string: [""],
      string_multiple_choice: ["sitting duck", "happy pinguin"],
    });
  });

  it("reads boolean flags alone, with a value, and negated", () => {
    expect(parse("inout", ["--boolean"]).raw).toEqual({ boolean: ["true"] });
    expect(parse("inout", ["--boolean", "0"]).raw).toEqual({ boolean: ["0"] });
    expect(parse("inout", ["--boolean", "--float", "1"]).raw).toEqual({ boolean: ["true"], float: ["1"] });
    expect(parse("inout", ["--no-boolean"]).raw).toEqual({ boolean: ["false"] });
    // A non-boolean word after a boolean flag is not swallowed: it is an unexpected argument.
    expect(usageError(() => parse("inout", ["--boolean", "maybe"])).message).toContain(
      "unexpected argument 'maybe'",
    );
  });

  it("recognises client options after the process, unless an input has the same name", () => {
    const r = parse("inout", [
      "--int",
      "3",
      "--sync",
      "--json",
      "-q",
      "--output-dir",
      "out",
      "--url=http://x/wps",
    ]);
    expect(r.raw).toEqual({ int: ["3"] });
    expect(r.run).toEqual({ sync: true, outputDir: "out" });
    expect(r.common).toEqual({ json: true, quiet: true, url: "http://x/wps" });
    // non.py-id has an input called `json`: there `--json v` is that input, not the client option.
    const n = parse("non.py-id", ["--json", "v"]);
    expect(n.raw).toEqual({ json: ["v"] });
    expect(n.common).toEqual({});
  });

  it("explains unknown options, missing values and stray arguments", () => {
    const unknown = usageError(() => parse("inout", ["--flot", "1"]));
    expect(unknown.message).toBe("unknown option '--flot'");
    const typo = usageError(() => parse("non.py-id", ["--input1", "1"]));
    expect(typo.hint).toContain("did you mean --'input 1'");
    expect(usageError(() => parse("inout", ["--int"])).message).toBe("--int needs a value");
    expect(usageError(() => parse("inout", ["--string", "--sync"])).message).toContain("needs a value");
    expect(usageError(() => parse("inout", ["stray"])).message).toBe("unexpected argument 'stray'");
  });
});

describe("complex values and output choices", () => {
  it("splits ;mimeType=, ;encoding= and ;schema= suffixes, keeping media type parameters", () => {
    expect(splitFormatSuffix("data.json")).toEqual({ source: "data.json", format: {} });
    expect(splitFormatSuffix("f.xml;mimeType=text/xml;schema=http://s/a.xsd")).toEqual({
      source: "f.xml",
      format: { mimeType: "text/xml", schema: "http://s/a.xsd" },
    });
    expect(splitFormatSuffix("@m.meta4;mime=application/metalink+xml; version=4.0;encoding=UTF-8")).toEqual({
      source: "@m.meta4",
      format: { mimeType: "application/metalink+xml; version=4.0", encoding: "UTF-8" },
    });
  });

  it("turns URLs into references and paths into files, and refuses anything else", async () => {
    const dir = tempDir("args");
    const file = join(dir, "a.json");
    writeFileSync(file, "{}");
    const inputs = processNamed("non.py-id").inputs;
    const ok = await toInputValues(
      new Map([
        ["input-2", [`${file};mimeType=application/json`]],
        ["input 1", ["5"]],
      ]),
      inputs,
      async () => Buffer.from(""),
    );
    expect(ok).toEqual({ "input-2": [{ file, mimeType: "application/json" }], "input 1": ["5"] });
    expect(
      await toInputValues(new Map([["input-2", ["https://example.org/x.json"]]]), inputs, async () =>
        Buffer.alloc(0),
      ),
    ).toEqual({
      "input-2": [{ href: "https://example.org/x.json" }],
    });
    expect(
      await toInputValues(new Map([["input-2", ["-"]]]), inputs, async () => Buffer.from("[1]")),
    ).toEqual({
      "input-2": [{ data: Buffer.from("[1]") }],
    });
    expect(
      await toInputValues(new Map([["input-2", ['data:,{"a":1}']]]), inputs, async () => Buffer.alloc(0)),
    ).toEqual({
      "input-2": ['data:,{"a":1}'],
    });
    await expect(
      toInputValues(new Map([["input-2", [join(dir, "missing.json")]]]), inputs, async () => Buffer.alloc(0)),
    ).rejects.toThrow(InputValidationError);
    await expect(
      toInputValues(new Map([["input-2", ["{not a file}"]]]), inputs, async () => Buffer.alloc(0)),
    ).rejects.toThrow(/neither a URL nor an existing file/);
  });

  it("parses --output specs, including identifiers with spaces and dots", () => {
    const ids = ["netcdf", "json", "output 2", "output.1"];
    expect(
      parseOutputSpecs(["json=application/zip@asref", "netcdf@asvalue", "output 2", "output.1@ref"], ids),
    ).toEqual([
      { id: "json", mimeType: "application/zip", asReference: true },
      { id: "netcdf", asReference: false },
      { id: "output 2" },
      { id: "output.1", asReference: true },
    ]);
    expect(() => parseOutputSpecs(["json="], ids)).toThrow(UsageError);
  });

  it("quotes identifiers for the shell only when needed", () => {
    expect(quoteId("input-2")).toBe("input-2");
    expect(quoteId("input 1")).toBe("'input 1'");
    expect(quoteId("it's")).toBe("'it'\\''s'");
  });
});
