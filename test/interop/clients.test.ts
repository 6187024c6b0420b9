/**
 * Client compatibility: the requests birdy's Python `WPSClient`, birdy's command line and OWSLib send for each Emu
 * process, against a real Roost server, with the responses read the way those clients read them. `roost_clients.py`
 * drives Debian's python3-owslib; birdy (not installable here) is reproduced from its 0.9.1 source — see that file.
 * Each quirk Roost absorbs on purpose is listed in the README ("Client quirks Roost absorbs") and checked here, as
 * are the birdy defects no server can absorb, so the table stays honest.
 * Without OWSLib the suite is skipped locally and fails under CI=true.
 */
import { execFile } from "node:child_process";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFiles } from "../client/helpers.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { DEBIAN_PYTHON, havePythonModule, requireService } from "../helpers/services.js";

const SCRIPT = fileURLToPath(new URL("./roost_clients.py", import.meta.url));
const run = requireService(
  "OWSLib",
  havePythonModule("owslib") && havePythonModule("dateutil"),
  `apt-get install python3-owslib (for ${DEBIAN_PYTHON})`,
);

interface OutputSummary {
  identifier: string;
  data: unknown[];
  reference: string | null;
  mimeType: string | null;
  dataType: string | null;
}
/** One case of roost_clients.py. */
interface Case {
  exception?: string;
  request: string;
  status: string;
  statusMessage: string | null;
  percent: number;
  errors: { code: string; locator: string | null; text: string }[];
  outputs: OutputSummary[];
  birdy?: { outputs?: Record<string, unknown>; raised?: string };
  log?: string[];
  printed?: string[];
  retrieved?: string;
  title?: string;
}

const WORDS = "the birds sang, the birds flew";
let t: TestServer;
let files: { base: string; server: Server };
let report: Record<string, Case>;

/** A case that ran without a Python exception. */
function ran(name: string): Case {
  const c = report[name];
  if (!c) throw new Error(`no case ${name}`);
  if (c.exception) throw new Error(`${name}: ${c.exception}`);
  return c;
}

/** The value of one input as the client sent it (what its request document says). */
function sent(c: Case, id: string): string[] {
  const re = new RegExp(
    `<ows110:Identifier[^>]*>${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</ows110:Identifier><wps100:Data><wps100:LiteralData>([^<]*)</wps100:LiteralData>`,
    "g",
  );
  return [...c.request.matchAll(re)].map((m) => m[1]!);
}

function data(c: Case, id: string): unknown[] {
  const o = c.outputs.find((x) => x.identifier === id);
  if (!o) throw new Error(`no output ${id} in ${c.outputs.map((x) => x.identifier).join(", ")}`);
  return o.data;
}

describe.runIf(run)("real WPS clients against Roost", () => {
  beforeAll(async () => {
    files = await serveFiles({ "/words.txt": WORDS, "/a.json": '{"a": 1}' });
    // The birdy CLI sends complex inputs by reference; the test's file server is on loopback.
    t = await startTestServer({ "inputs.allowed_hosts": ["127.0.0.1"] });
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        DEBIAN_PYTHON,
        [SCRIPT, `${t.base}/wps`, files.base],
        {
          env: { ...process.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
          timeout: 120_000,
          maxBuffer: 32 * 1024 * 1024,
        },
        (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
      );
    });
    report = JSON.parse(stdout) as Record<string, Case>;
  }, 150_000);
  afterAll(async () => {
    await t?.close();
    files?.server.close();
  });

  describe("birdy's Python API (WPSClient), which sends every default it was advertised", () => {
    it("booleans go out as Python's True/False — including the advertised defaults — and are understood", () => {
      const inout = ran("api.inout");
      expect(sent(inout, "boolean")).toEqual(["True"]);
      expect(inout.status).toBe("ProcessSucceeded");
      expect(data(inout, "boolean")).toEqual(["true"]);

      const dry = ran("api.simple_dry_run");
      expect(sent(dry, "dry_run")).toEqual(["False"]);
      expect(dry.birdy).toEqual({ outputs: { output: "File downloads done: 2" } });

      const err = ran("api.show_error");
      expect(sent(err, "nice")).toEqual(["True"]);
      const notNice = ran("api.show_error.not_nice");
      expect(sent(notNice, "nice")).toEqual(["False"]);
      expect(notNice.errors).toEqual([
        { code: "NoApplicableCode", locator: null, text: "Process failed, please check server error log" },
      ]);
    });

    it("dateTimes go out as str(datetime) — a space, an offset, microseconds or none — and come back in the T form", () => {
      const inout = ran("api.inout");
      expect(sent(inout, "datetime")).toEqual(["2016-09-02 12:00:00+00:00"]);
      expect(data(inout, "datetime")).toEqual(["2016-09-02T12:00:00+00:00"]);
      expect(sent(inout, "angle")).toEqual(["90.0"]);
      expect(sent(inout, "time")).toEqual(["12:00:00"]);
      const explicit = ran("api.inout.explicit");
      expect(sent(explicit, "datetime")).toEqual(["2020-01-02 03:04:05.678000"]);
      expect(data(explicit, "datetime")).toEqual(["2020-01-02T03:04:05.678000"]);
      expect(sent(explicit, "float")).toEqual(["1.5", "2.5"]);
      expect(data(explicit, "float")).toEqual(["4.0"]);
    });

    it("reads the results as birdy's get() does: literals converted, references as URLs", () => {
      expect(ran("api.hello").birdy).toEqual({ outputs: { output: "Hello Birdy" } });
      expect(ran("api.inout").birdy?.outputs).toMatchObject({
        string: "This is just a string",
        int: 7,
        float: 3.14,
        boolean: true,
        angle: 90,
        time: "12:00:00",
        date: "2012-05-01",
        datetime: "2016-09-02T12:00:00+00:00",
        string_choice: "scissor",
        string_multiple_choice: "gentle albatros",
        int_range: 1,
        ref_value: "Scotland",
        bbox: { crs: "urn:ogc:def:crs:EPSG::4326", corners: ["0", "0", "10", "10"] },
      });
      // birdy reads a literal output with bool("false"): a defect of birdy that no server can absorb (README).
      expect(data(ran("api.inout.explicit"), "boolean")).toEqual(["false"]);
      expect(ran("api.inout.explicit").birdy?.outputs?.boolean).toBe(true);

      expect(ran("api.ultimate_question").birdy).toEqual({ outputs: { answer: "42" } });
      expect(ran("api.binaryoperatorfornumbers").birdy).toEqual({ outputs: { output: 6 } });
      expect(ran("api.dummyprocess").birdy).toEqual({ outputs: { output1: "101", output2: "199" } });
      expect(ran("api.sleep").birdy).toEqual({ outputs: { sleep_output: "done sleeping" } });
      expect(ran("api.nap").birdy).toEqual({ outputs: { output: "done sleeping" } });
      for (const [name, id] of [
        ["api.chomsky", "output"],
        ["api.output_formats", "netcdf"],
        ["api.output_formats", "json"],
        ["api.multiple_outputs", "output"],
        ["api.multiple_outputs", "output_meta4"],
        ["api.show_defaults", "output"],
        ["api.wordcounter", "output"],
      ] as const)
        expect(ran(name).birdy?.outputs?.[id], `${name} ${id}`).toMatch(
          new RegExp(`^${t.base}/outputs/[0-9a-f-]{36}/[\\w.]+$`),
        );
      expect(ran("api.chomsky").retrieved?.length).toBeGreaterThan(20);
    });

    it("embeds complex values with encoding utf-8, and a sanitised non-Python identifier maps back", () => {
      const wc = ran("api.wordcounter");
      expect(wc.request).toContain(
        `<wps100:ComplexData encoding="utf-8" mimeType="text/plain">${WORDS}</wps100:ComplexData>`,
      );
      const counts = JSON.parse(wc.retrieved!) as unknown;
      expect(JSON.stringify(counts)).toContain('"birds"');
      const nonPy = ran("api.non.py-id");
      expect(nonPy.request).toContain(
        '<wps100:ComplexData encoding="utf-8" mimeType="application/json">{"a": 1}</wps100:ComplexData>',
      );
      expect(nonPy.birdy?.outputs?.["output.1"]).toBe(101);
    });

    it("a local file for a service on localhost goes as a file:// reference, refused unless allowed_paths", () => {
      const local = report["api.wordcounter.localhost_file"]!;
      expect(local.exception).toMatch(
        /locator="text">.*file:\/\/ references are not enabled on this server/s,
      );
    });

    it("bounding boxes: as OWSLib BoundingBoxData or as a plain string (sent as LiteralData)", () => {
      // Echoed in the order given; OWSLib reads EPSG:4326 corners as latitude, longitude, so its minx is the
      // second number.
      for (const name of ["api.bbox", "api.bbox.string"]) {
        expect(ran(name).birdy?.outputs?.bbox, name).toEqual({
          crs: "urn:ogc:def:crs:EPSG::4326",
          corners: ["1", "0", "11", "10"],
        });
      }
      expect(ran("api.bbox").request).toContain(
        '<wps100:BoundingBoxData crs="epsg:4326" dimensions="2"><ows110:LowerCorner xmlns:ows110="http://www.opengis.net/ows/1.1">0 1</ows110:LowerCorner>',
      );
      expect(ran("api.bbox.string").request).toContain("<wps100:LiteralData>0,1,10,11</wps100:LiteralData>");
    });

    it("failures arrive as OWSLib's 'Exception' status with the process's text; birdy raises ProcessFailed", () => {
      const err = ran("api.show_error");
      expect(err.status).toBe("Exception");
      expect(err.errors).toEqual([
        { code: "NoApplicableCode", locator: null, text: "Process error: birdy sees this" },
      ]);
      expect(err.birdy).toEqual({ raised: "ProcessFailed" });
    });

    it("language: DescribeProcess and Execute in German", () => {
      const de = ran("api.translation.de");
      expect(de.request).toContain('language="de-DE"');
      expect(de.status).toBe("ProcessSucceeded");
    });
  });

  describe("birdy's Python API with progress=True (asynchronous, polled)", () => {
    it("its monitor loop reads statusMessage[:50] of every status, ProcessFailed included, without crashing", () => {
      const failed = ran("progress.show_error");
      expect(failed.request).toContain('storeExecuteResponse="true" status="true"');
      expect(failed.status).toBe("Exception");
      // The text OWSLib reads from ProcessFailed: the schema allows only whitespace beside the ExceptionReport.
      expect(failed.statusMessage).toBe(" ");
      expect(failed.log!.length).toBeGreaterThan(0);
      for (const line of failed.log!) expect(line).toMatch(/^show_error \[\d+\/100\] - /);
      expect(failed.errors[0]!.text).toBe("Process error: async failure for birdy");
      expect(failed.birdy).toEqual({ raised: "ProcessFailed" });

      const sleep = ran("progress.sleep");
      expect(sleep.status).toBe("ProcessSucceeded");
      expect(sleep.log!.at(-1)).toBe("sleep [100/100] - Process succeeded ");
      expect(ran("progress.simple_dry_run").birdy).toEqual({ outputs: { output: "File downloads done: 3" } });
    });

    it("runs a sync-only process synchronously, as birdy decides from storeSupported", () => {
      const nap = ran("progress.nap");
      expect(nap.request).toContain('storeExecuteResponse="false"');
      expect(nap.birdy).toEqual({ outputs: { output: "done sleeping" } });
    });
  });

  describe("birdy's command line", () => {
    it("runs every Emu process with click-converted values, printing output=<data or reference>", () => {
      expect(ran("cli.hello").printed).toEqual(["output=['Hello Birdy']"]);
      expect(ran("cli.sleep").printed).toEqual(["sleep_output=['done sleeping']"]);
      expect(ran("cli.nap").printed).toEqual(["output=['done sleeping']"]);
      expect(ran("cli.ultimate_question").printed).toEqual(["answer=['42']"]);
      expect(ran("cli.dummyprocess").printed).toEqual(["output1=['2']", "output2=['1']"]);
      expect(ran("cli.translation").printed).toEqual(["output1=['2']"]);
      expect(ran("cli.binaryoperatorfornumbers").printed).toEqual(["output=['8.0']"]);
      const inout = ran("cli.inout");
      expect(sent(inout, "boolean")).toEqual(["True"]);
      expect(inout.printed).toContain("int=['5']");
      expect(inout.printed).toContain("boolean=['true']");
      // Without --output_formats birdy sends no ResponseForm: a synchronous response document.
      expect(inout.request).not.toContain("ResponseForm");
      // birdy prints the list of OWSLib objects as Python shows it.
      expect(ran("cli.bbox").printed).toEqual([
        expect.stringMatching(/^bbox=\[<owslib\.ows\.BoundingBox object/),
      ]);
      expect(ran("cli.show_error").printed).toEqual(["Process execution failed."]);
      expect(ran("cli.simple_dry_run").errors[0]!.text).toMatch(
        /^Process error: You have submitted a job in dry-run mode/,
      );
    });

    it("complex inputs go by reference (fetched by Roost); outputs by reference only when asked", () => {
      const wc = ran("cli.wordcounter");
      expect(wc.request).toContain(`xlink:href="${files.base}/words.txt"`);
      expect(wc.printed![0]).toMatch(new RegExp(`^output=${t.base}/outputs/[0-9a-f-]{36}/output\\.json$`));
      expect(ran("cli.output_formats").printed![1]).toMatch(/^json=\['\{/);
      expect(ran("cli.output_formats.json_ref").printed).toEqual([
        expect.stringMatching(new RegExp(`^json=${t.base}/outputs/[0-9a-f-]{36}/dummy\\.json$`)),
      ]);
      expect(ran("cli.multiple_outputs").printed![0]).toMatch(/^output=http.*\.metalink$/);
      expect(ran("cli.show_defaults").printed![0]).toMatch(/^output=http.*\.json$/);
      expect(ran("cli.chomsky").printed![0]).toMatch(/^output=http.*\.txt$/);
    });

    it("birdy's own defects stay visible: falsy values dropped, identifiers mangled (README)", () => {
      const falsy = ran("cli.inout.false");
      expect(sent(falsy, "boolean")).toEqual([]);
      expect(sent(falsy, "int")).toEqual([]);
      expect(falsy.printed).toContain("int=['7']");
      expect(report["cli.inout.repeated"]!.exception).toMatch(
        /locator="float"><ows:ExceptionText>Input 'float' is not a number \(got '\(1\.5, 2\.5\)'/,
      );
      // `--input-1` becomes `input_1`: Roost answers a clean ExceptionReport naming it (as PyWPS refuses it too).
      expect(report["cli.non.py-id"]!.exception).toMatch(
        /ServiceException: .*exceptionCode="InvalidParameterValue" locator="input_1".*Process 'non\.py-id' has no input 'input_1'/s,
      );
    });
  });

  describe("OWSLib", () => {
    it("accepts what real clients send and returns it normalised", () => {
      const all = ran("owslib.inout.all");
      expect(all.status).toBe("ProcessSucceeded");
      expect(data(all, "boolean")).toEqual(["false"]);
      expect(data(all, "datetime")).toEqual(["2016-09-02T12:00:00.5+00:00"]);
      expect(data(all, "float")).toEqual(["3.25"]);
      expect(data(all, "int_range")).toEqual(["110"]);
      expect(data(all, "string_multiple_choice")).toEqual(["sitting duck, flying goose"]);
      expect(data(all, "date")).toEqual(["2024-02-29"]);
    });

    it("still refuses garbage, every problem named in one ExceptionReport", () => {
      const garbage = report["owslib.inout.garbage"]!;
      expect(garbage.exception).toMatch(
        /locator="boolean"><ows:ExceptionText>Input 'boolean' is not a boolean \(use true, false, 1 or 0\) \(got 'yes'/,
      );
      expect(garbage.exception).toMatch(
        /locator="datetime"><ows:ExceptionText>Input 'datetime' is not a date-time/,
      );
    });

    it("bounding boxes, references and asynchronous failures", () => {
      expect(data(ran("owslib.bbox"), "bbox")).toEqual([
        { crs: "urn:ogc:def:crs:EPSG::4326", corners: ["7", "51.9", "8", "53"] },
      ]);
      const wc = ran("owslib.wordcounter.ref");
      expect(wc.outputs[0]!.reference).toMatch(new RegExp(`^${t.base}/outputs/`));
      const failed = ran("owslib.show_error.async");
      expect(failed.status).toBe("Exception");
      expect(failed.statusMessage).toBe(" ");
      expect(failed.errors[0]!.text).toBe("Process error: async owslib");
    });
  });
});
