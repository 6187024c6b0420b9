/**
 * Every WPS 2.0.0 exception code the front end produces, each from a bad request (KVP and XML where the operation
 * has both), with its locator and HTTP status (OGC 14-065r2 §9.8.3–§9.11.3, OWS Common 2.0; OperationNotSupported
 * 501, ServerBusy 503 with Retry-After, everything else 400 but a process's own failure): every report valid
 * against OWS 2.0 `owsExceptionReport.xsd`, none leaking the server's insides. The server trusts 127.0.0.1 for
 * references and has small limits (4 KiB inputs, one worker, no queue) so that size, reachability and load errors
 * can be produced.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, type TestServer } from "../helpers/server.js";
import {
  accepted,
  execute,
  executeXml,
  expectException2,
  FIXTURE,
  jobRequest,
  kvp,
  kvp2,
  NS2,
  pollStatus,
  post2,
  ROOT_ATTRS,
} from "./helpers.js";

let t: TestServer;
let files: Server;
let filesUrl: string;
let closedPort: number;

beforeAll(async () => {
  files = createServer((req, res) => {
    if (req.url === "/alice.txt") res.writeHead(200, { "content-type": "text/plain" }).end("Alice was tired");
    else res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
  });
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  closedPort = await freePort();
  t = await startTestServer({
    "inputs.allowed_hosts": ["127.0.0.1"],
    "jobs.max_input_size": "4kb",
    "jobs.workers": 1,
    "jobs.max_queued": 0,
    "processes.modules": [FIXTURE.wps2],
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => files?.close(() => r()));
});

const UNKNOWN_JOB = "0b9a3d5e-6f7c-4a8b-9c0d-1e2f3a4b5c6d";

describe("NoSuchProcess", () => {
  it("DescribeProcess (KVP and XML): locator the unknown identifier, every unknown one reported", async () => {
    const ex = await expectException2(
      await kvp2(t.base, { request: "DescribeProcess", identifier: "hello,nope,nada" }),
      {
        status: 400,
        code: "NoSuchProcess",
        locator: "nope",
      },
    );
    expect(ex.map((e) => e.locator)).toEqual(["nope", "nada"]);
    await expectException2(
      await post2(
        t.base,
        `<wps:DescribeProcess ${ROOT_ATTRS}><ows:Identifier>hello</ows:Identifier><ows:Identifier>nope</ows:Identifier></wps:DescribeProcess>`,
      ),
      { status: 400, code: "NoSuchProcess", locator: "nope" },
    );
  });

  it("Execute: locator the identifier", async () => {
    await expectException2(await execute(t.base, "no_such_process"), {
      status: 400,
      code: "NoSuchProcess",
      locator: "no_such_process",
    });
  });
});

describe("Execute: inputs, outputs, modes, formats", () => {
  it.each([
    ["NoSuchInput", "an unknown input", "nome", () => execute(t.base, "hello", { name: "x", nome: "y" })],
    [
      "NoSuchOutput",
      "an unknown output",
      "nope",
      () => execute(t.base, "hello", { name: "x" }, { outputs: [{ id: "nope" }] }),
    ],
    [
      "NoSuchFormat",
      "an output format the process does not offer",
      "json",
      () => execute(t.base, "output_formats", {}, { outputs: [{ id: "json", mimeType: "image/png" }] }),
    ],
    [
      "NoSuchFormat",
      "an input format the process does not accept",
      "text",
      () => execute(t.base, "wordcounter", { text: { complex: "a b", mimeType: "application/pdf" } }),
    ],
    [
      "NoSuchMode",
      "mode=async for a sync-only process (nap)",
      "mode",
      () => execute(t.base, "nap", {}, { mode: "async" }),
    ],
    [
      "NoSuchMode",
      "mode=sync for an async-only process",
      "mode",
      () => execute(t.base, "fx_async_only", {}, { mode: "sync" }),
    ],
    [
      "StorageNotSupported",
      "an output by reference from a process that stores nothing (nap)",
      "output",
      () => execute(t.base, "nap", {}, { outputs: [{ id: "output", transmission: "reference" }] }),
    ],
    [
      "TooManyInputs",
      "an input given twice",
      "name",
      () =>
        execute(t.base, "hello", [
          ["name", "a"],
          ["name", "b"],
        ]),
    ],
    [
      "TooManyOutputs",
      "response=raw with two outputs",
      "response",
      () =>
        execute(
          t.base,
          "dummyprocess",
          {},
          { response: "raw", outputs: [{ id: "output1" }, { id: "output2" }] },
        ),
    ],
    [
      "TooManyOutputs",
      "response=raw without wps:Output for a process with two outputs",
      "response",
      () => execute(t.base, "dummyprocess", {}, { response: "raw" }),
    ],
    [
      "WrongInputData",
      "a literal that is not a number",
      "delay",
      () => execute(t.base, "sleep", { delay: "soon" }),
    ],
    [
      "WrongInputData",
      "a value outside the allowed values",
      "int",
      () => execute(t.base, "inout", { int: "4" }),
    ],
    [
      "WrongInputData",
      "a bounding box with the wrong number of coordinates",
      "bbox",
      () => execute(t.base, "bbox", { bbox: { complex: "1,2,3", mimeType: "text/plain" } }),
    ],
    ["MissingParameterValue", "a required input missing", "name", () => execute(t.base, "hello")],
    [
      "MissingParameterValue",
      "no ows:Identifier",
      "Identifier",
      () =>
        post2(
          t.base,
          executeXml("hello", { name: "x" }).replace("<ows:Identifier>hello</ows:Identifier>", ""),
        ),
    ],
    [
      "MissingParameterValue",
      "no mode attribute",
      "mode",
      () => post2(t.base, executeXml("hello", { name: "x" }).replace(' mode="sync"', "")),
    ],
    [
      "InvalidParameterValue",
      "mode=later",
      "mode",
      () => execute(t.base, "hello", { name: "x" }, { mode: "later" }),
    ],
    [
      "InvalidParameterValue",
      "response=json",
      "response",
      () => execute(t.base, "hello", { name: "x" }, { response: "json" }),
    ],
    [
      "InvalidParameterValue",
      "an unknown transmission",
      "output",
      () =>
        post2(
          t.base,
          executeXml("hello", { name: "x" }, { outputs: [{ id: "output" }] }).replace(
            'id="output"',
            'id="output" transmission="pigeon"',
          ),
        ),
    ],
  ] as const)("%s: %s (locator %s)", async (code, _what, locator, send) => {
    await expectException2(await send(), { status: 400, code, locator });
  });

  it("several bad inputs are all reported, the first deciding the status", async () => {
    const ex = await expectException2(
      await execute(t.base, "inout", { int: "4", nope: "1", boolean: "maybe" }),
      {
        status: 400,
        code: "NoSuchInput",
        locator: "nope",
      },
    );
    expect(ex.map((e) => [e.code, e.locator])).toEqual(
      expect.arrayContaining([
        ["WrongInputData", "int"],
        ["WrongInputData", "boolean"],
      ]),
    );
  });
});

describe("references and sizes", () => {
  it("DataNotAccessible: a reference the policy refuses (a private address), locator the input", async () => {
    await expectException2(
      await execute(t.base, "wordcounter", { text: { href: "http://10.1.2.3/alice.txt" } }),
      {
        status: 400,
        code: "DataNotAccessible",
        locator: "text",
        text: "refused",
      },
    );
    await expectException2(await execute(t.base, "wordcounter", { text: { href: "file:///etc/passwd" } }), {
      status: 400,
      code: "DataNotAccessible",
      locator: "text",
    });
  });

  it("DataNotAccessible: an allowed host that answers 404 or does not listen", async () => {
    await expectException2(
      await execute(t.base, "wordcounter", { text: { href: `${filesUrl}/missing.txt` } }),
      {
        status: 400,
        code: "DataNotAccessible",
        locator: "text",
        text: "404",
      },
    );
    await expectException2(
      await execute(t.base, "wordcounter", { text: { href: `http://127.0.0.1:${closedPort}/x.txt` } }),
      { status: 400, code: "DataNotAccessible", locator: "text" },
    );
  });

  it("SizeExceeded: a complex input over jobs.max_input_size, inline and by reference", async () => {
    await expectException2(
      await execute(t.base, "wordcounter", {
        text: { complex: "word ".repeat(1000), mimeType: "text/plain" },
      }),
      {
        status: 400,
        code: "SizeExceeded",
        locator: "text",
      },
    );
  });

  it("an allowed reference is fetched and used (the control)", async () => {
    const res = await execute(t.base, "wordcounter", {
      text: { href: `${filesUrl}/alice.txt`, mimeType: "text/plain" },
    });
    expect(res.status, res.body).toBe(200);
    expect(res.body).toContain("wps:Result");
  });
});

describe("job operations", () => {
  it.each(["kvp", "xml"] as const)(
    "NoSuchJob (%s): unknown and malformed ids, locator the id",
    async (binding) => {
      for (const op of ["GetStatus", "GetResult", "Dismiss"] as const) {
        await expectException2(await jobRequest(t.base, op, UNKNOWN_JOB, binding), {
          status: 400,
          code: "NoSuchJob",
          locator: UNKNOWN_JOB,
        });
        await expectException2(await jobRequest(t.base, op, "../../etc/passwd", binding), {
          status: 400,
          code: "NoSuchJob",
          locator: "../../etc/passwd",
        });
      }
    },
  );

  it("MissingParameterValue: no JobID (KVP and XML), locator JobID", async () => {
    await expectException2(await kvp2(t.base, { request: "GetStatus" }), {
      status: 400,
      code: "MissingParameterValue",
      locator: "JobID",
    });
    await expectException2(await post2(t.base, `<wps:GetResult ${ROOT_ATTRS}/>`), {
      status: 400,
      code: "MissingParameterValue",
      locator: "JobID",
    });
  });

  it("a failed job's GetResult is its own exception: NoApplicableCode, HTTP 500, the process's message", async () => {
    const id = await accepted(
      await execute(t.base, "show_error", { message: "It <broke> & stopped" }, { mode: "async" }),
    );
    const seen = await pollStatus(t.base, id);
    expect(seen.at(-1)?.kind).toBe("failed");
    for (const binding of ["kvp", "xml"] as const)
      await expectException2(await jobRequest(t.base, "GetResult", id, binding), {
        status: 500,
        code: "NoApplicableCode",
        text: "It <broke> & stopped",
      });
  });

  it("a failed sync Execute answers the same exception", async () => {
    await expectException2(await execute(t.base, "show_error", { message: "sync failure" }), {
      status: 500,
      code: "NoApplicableCode",
      text: "sync failure",
    });
  });

  it("ResultNotReady while the job runs, ServerBusy (503, Retry-After) when nothing can take another job", async () => {
    const id = await accepted(await execute(t.base, "sleep", { delay: "10" }, { mode: "async" }));
    try {
      await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
      for (const binding of ["kvp", "xml"] as const)
        await expectException2(await jobRequest(t.base, "GetResult", id, binding), {
          status: 400,
          code: "ResultNotReady",
          locator: id,
        });
      const busy = await execute(t.base, "hello", { name: "x" }, { mode: "async" });
      await expectException2(busy, { status: 503, code: "ServerBusy" });
      expect(Number(busy.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await jobRequest(t.base, "Dismiss", id);
    }
  });
});

describe("request-level errors", () => {
  it.each([
    ["request=Execute (no KVP Execute in WPS 2.0)", { request: "Execute", identifier: "hello" }, "Execute"],
    ["an unknown operation", { request: "GetFeature" }, "GetFeature"],
  ])("OperationNotSupported, HTTP 501: %s", async (_what, params, locator) => {
    await expectException2(await kvp2(t.base, params), {
      status: 501,
      code: "OperationNotSupported",
      locator,
    });
  });

  it("OperationNotSupported, HTTP 501: an unknown root in the WPS 2.0 namespace", async () => {
    await expectException2(await post2(t.base, `<wps:GetJobs ${ROOT_ATTRS}/>`), {
      status: 501,
      code: "OperationNotSupported",
      locator: "GetJobs",
    });
  });

  it.each([
    [
      "DescribeProcess without identifier",
      { request: "DescribeProcess" },
      "MissingParameterValue",
      "identifier",
    ],
    [
      "DescribeProcess with an empty identifier",
      { request: "DescribeProcess", identifier: " , " },
      "MissingParameterValue",
      "identifier",
    ],
    [
      "DescribeProcess lang=xx",
      { request: "DescribeProcess", identifier: "hello", lang: "xx" },
      "InvalidParameterValue",
      "lang",
    ],
    [
      "service=WMS",
      { request: "GetStatus", service: "WMS", JobID: UNKNOWN_JOB },
      "InvalidParameterValue",
      "service",
    ],
  ])("%s: %s (locator %s)", async (_what, params, code, locator) => {
    await expectException2(await kvp2(t.base, params as Record<string, string>), {
      status: 400,
      code,
      locator,
    });
  });

  it("a POST without service: MissingParameterValue, locator service", async () => {
    await expectException2(
      await post2(
        t.base,
        `<wps:GetStatus version="2.0.0" ${NS2}><wps:JobID>${UNKNOWN_JOB}</wps:JobID></wps:GetStatus>`,
      ),
      { status: 400, code: "MissingParameterValue", locator: "service" },
    );
  });

  it("VersionNegotiationFailed (OWS 2.0): a WPS 2.0 GetCapabilities naming only 3.0.0", async () => {
    await expectException2(
      await post2(
        t.base,
        `<wps:GetCapabilities service="WPS" ${NS2}><ows:AcceptVersions><ows:Version>3.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`,
      ),
      { status: 400, code: "VersionNegotiationFailed", locator: "AcceptVersions" },
    );
    // By KVP the client names no version for the report: WPS 1.0.0's (pinned by test/wps1).
    const res = await kvp(t.base, "service=WPS&request=GetCapabilities&AcceptVersions=3.0.0");
    expect(res.status).toBe(400);
    expect(res.body).toContain('exceptionCode="VersionNegotiationFailed"');
  });
});
