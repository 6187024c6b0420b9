/**
 * Client acceptance with OWSLib, the library birdy and most Python WPS clients build on: `roost_owslib.py` drives
 * a real server with Debian's python3-owslib (GetCapabilities, DescribeProcess, sync and async Execute with
 * polling, an output by reference downloaded, a failing process) and prints a JSON summary asserted here.
 * Without OWSLib the suite is skipped locally and fails under CI=true.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { DEBIAN_PYTHON, havePythonModule, requireService } from "../helpers/services.js";

const SCRIPT = fileURLToPath(new URL("./roost_owslib.py", import.meta.url));
const run = requireService(
  "OWSLib",
  havePythonModule("owslib"),
  `apt-get install python3-owslib (for ${DEBIAN_PYTHON})`,
);

type Pair = [string, number];
interface OutputSummary {
  identifier: string;
  data: string[];
  reference: string | null;
  mimeType: string | null;
  dataType: string | null;
}
interface IoSummary {
  identifier: string;
  title: string | null;
  dataType: string | null;
  minOccurs: number | null;
  maxOccurs: number | null;
  allowedValues: string[];
  anyValue: boolean;
  defaultValue: string | number | boolean | null;
}
interface ProcessSummary {
  identifier: string;
  title: string;
  version: string;
  storeSupported: boolean;
  statusSupported: boolean;
  inputs: IoSummary[];
  outputs: IoSummary[];
}
/** What roost_owslib.py prints. */
interface Summary {
  owslib: string;
  errors: Record<string, string>;
  capabilities: {
    version: string;
    title: string;
    type: string;
    processes: string[];
    operations: string[];
    defaultLanguage: string | null;
    languages: string[];
  };
  describe: Record<string, ProcessSummary>;
  describe_translation_de: string;
  describe_unknown: { raised: string | null; message?: string };
  sync_hello: {
    status: string;
    statusLocation: string | null;
    creationTime: string;
    serviceInstance: string;
    outputs: OutputSummary[];
  };
  sync_nonpy: { status: string; outputs: OutputSummary[]; sent: string };
  async_sleep: {
    first: { status: string; statusLocation: string | null; seconds: number };
    seen: Pair[];
    final: string;
    succeeded: boolean;
    outputs: OutputSummary[];
  };
  by_reference: {
    status: string;
    reference: string | null;
    mimeType: string | null;
    fileName: string | null;
    content: string;
    retrieved: string;
  };
  failing_sync: {
    status: string;
    statusElement: string | null;
    errors: { code: string; locator: string | null; text: string }[];
  };
  failing_async: {
    seen: Pair[];
    status: string;
    statusElement: string | null;
    errors: { code: string; locator: string | null; text: string }[];
  };
}

let t: TestServer;
let s: Summary;

describe.runIf(run)("OWSLib against Roost", () => {
  beforeAll(async () => {
    t = await startTestServer({ "jobs.workers": 2 });
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        DEBIAN_PYTHON,
        [SCRIPT, `${t.base}/wps`],
        // requests honours proxy variables; the server is on loopback.
        {
          env: { ...process.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
          timeout: 90_000,
        },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
      );
    });
    try {
      s = JSON.parse(stdout) as Summary;
    } catch {
      throw new Error(`roost_owslib.py did not print JSON:\n${stdout}\n--- stderr ---\n${stderr}`);
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it("every step ran without an OWSLib exception", () => {
    expect(s.errors).toEqual({});
  });

  it("GetCapabilities: WPS 1.0.0, every demo process, three operations, the languages", () => {
    expect(s.capabilities.version).toBe("1.0.0");
    expect(s.capabilities.type).toBe("WPS");
    expect(s.capabilities.processes).toHaveLength(18);
    expect(s.capabilities.processes).toEqual(
      expect.arrayContaining(["hello", "sleep", "non.py-id", "chomsky"]),
    );
    expect(s.capabilities.operations).toEqual(["DescribeProcess", "Execute", "GetCapabilities"]);
    expect(s.capabilities.defaultLanguage).toBe("en-US");
    expect(s.capabilities.languages).toEqual(["en-US", "fr-CA", "de-DE"]);
  });

  it("DescribeProcess hello: one required string input, one string output, async supported", () => {
    const h = s.describe.hello!;
    expect([h.identifier, h.title, h.version, h.storeSupported, h.statusSupported]).toEqual([
      "hello",
      "Say Hello",
      "1.5",
      true,
      true,
    ]);
    expect(h.inputs).toEqual([
      expect.objectContaining({
        identifier: "name",
        dataType: "string",
        minOccurs: 1,
        maxOccurs: 1,
        anyValue: true,
      }),
    ]);
    expect(h.outputs.map((o) => [o.identifier, o.dataType])).toEqual([["output", "string"]]);
  });

  it("DescribeProcess inout: types, occurrences, allowed values and defaults as OWSLib reads them", () => {
    const byId = new Map(s.describe.inout!.inputs.map((i) => [i.identifier, i]));
    expect(byId.get("int")).toMatchObject({
      dataType: "integer",
      allowedValues: ["1", "2", "3", "5", "7", "11"],
      anyValue: false,
      defaultValue: 7,
    });
    expect(byId.get("float")).toMatchObject({
      dataType: "float",
      minOccurs: 0,
      maxOccurs: 5,
      defaultValue: 3.14,
    });
    expect(byId.get("boolean")).toMatchObject({ dataType: "boolean", defaultValue: true });
    expect(byId.get("datetime")).toMatchObject({
      dataType: "dateTime",
      defaultValue: "2016-09-02T12:00:00Z",
    });
    expect(byId.get("string_choice")?.allowedValues).toEqual(["rock", "paper", "scissor"]);
    expect(byId.get("text")).toMatchObject({ dataType: "ComplexData", minOccurs: 0 });
  });

  it("DescribeProcess non.py-id: identifiers with spaces, dots and dashes survive", () => {
    const p = s.describe["non.py-id"]!;
    expect(p.inputs.map((i) => [i.identifier, i.dataType])).toEqual([
      ["input 1", "integer"],
      ["input-2", "ComplexData"],
    ]);
    expect(p.outputs.map((o) => [o.identifier, o.dataType])).toEqual([
      ["output.1", "float"],
      ["output 2", "ComplexData"],
    ]);
  });

  it("DescribeProcess nap: store and status not supported; translation in de-DE; unknown process raises", () => {
    expect([s.describe.nap!.storeSupported, s.describe.nap!.statusSupported]).toEqual([false, false]);
    expect(s.describe_translation_de).toBe("Mehrsprachiger Prozess");
    expect(s.describe_unknown.raised).toBe("ServiceException");
    expect(s.describe_unknown.message).toContain("No process 'no_such_process'");
  });

  it("sync Execute hello: succeeded, no statusLocation, the greeting, UTC creationTime", () => {
    const r = s.sync_hello;
    expect(r.status).toBe("ProcessSucceeded");
    expect(r.statusLocation).toBeNull();
    expect(r.creationTime).toMatch(/Z$/);
    expect(r.serviceInstance).toBe(`${t.base}/wps?service=WPS&request=GetCapabilities`);
    expect(r.outputs).toEqual([
      { identifier: "output", data: ["Hello OWSLib"], reference: null, mimeType: null, dataType: "string" },
    ]);
  });

  it("sync Execute non.py-id: ComplexDataInput JSON with markup echoed intact", () => {
    const r = s.sync_nonpy;
    expect(r.status).toBe("ProcessSucceeded");
    const out = new Map(r.outputs.map((o) => [o.identifier, o]));
    expect(out.get("output.1")?.data).toEqual(["42.0"]);
    expect(out.get("output 2")).toMatchObject({ mimeType: "application/json", data: [r.sent] });
  });

  it("async Execute sleep: accepted at once, progress seen while polling, succeeded with the output", () => {
    const r = s.async_sleep;
    expect(r.first.status).toBe("ProcessAccepted");
    expect(r.first.statusLocation).toMatch(new RegExp(`^${t.base}/outputs/[0-9a-f-]{36}\\.xml$`));
    const statuses = r.seen.map(([st]) => st);
    expect(statuses).toContain("ProcessStarted");
    expect(statuses.at(-1)).toBe("ProcessSucceeded");
    const percents = r.seen.filter(([st]) => st === "ProcessStarted").map(([, p]) => p);
    expect(new Set(percents).size, `percents seen: ${percents}`).toBeGreaterThan(1);
    expect(percents.every((p) => p >= 0 && p <= 99)).toBe(true);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    // OWSLib reports 100 for ProcessSucceeded itself (the document carries no percent).
    expect(r.seen.at(-1)).toEqual(["ProcessSucceeded", 100]);
    expect(r.succeeded).toBe(true);
    expect(r.outputs.map((o) => [o.identifier, o.data])).toEqual([["sleep_output", ["done sleeping"]]]);
  });

  it("an output by reference (chomsky) is downloaded by OWSLib with its content", () => {
    const r = s.by_reference;
    expect(r.status).toBe("ProcessSucceeded");
    expect(r.reference).toMatch(new RegExp(`^${t.base}/outputs/[0-9a-f-]{36}/out\\.txt$`));
    expect(r.mimeType).toBe("text/plain");
    expect(r.fileName).toBe("out.txt");
    expect(r.content.length).toBeGreaterThan(50);
    // Three sentences of the Chomsky generator, wrapped at 72 columns, downloaded identically twice.
    expect(r.content.split("\n").every((l) => l.length <= 72)).toBe(true);
    expect(r.content.match(/\.(\s|$)/g)?.length).toBeGreaterThanOrEqual(3);
    expect(r.retrieved).toBe(r.content);
  });

  it("a failing process is a ProcessFailed whose message reaches execution.errors (sync and async)", () => {
    // OWSLib turns ProcessFailed into its pseudo-status "Exception"; the document itself said ProcessFailed.
    expect(s.failing_sync.statusElement).toBe("ProcessFailed");
    expect(s.failing_sync.status).toBe("Exception");
    expect(s.failing_sync.errors).toEqual([
      { code: "NoApplicableCode", locator: null, text: "Process error: OWSLib sees this failure" },
    ]);
    expect(s.failing_async.statusElement).toBe("ProcessFailed");
    expect(s.failing_async.seen[0]![0]).toBe("ProcessAccepted");
    expect(s.failing_async.errors.map((e) => e.text)).toEqual(["Process error: async failure for OWSLib"]);
  });
});
