/**
 * WPS 2.0.0 exceptions of DescribeProcess and Execute, each from a bad request, with its locator and HTTP status
 * (OGC 14-065r2 §9.8.3 and §9.9.3: all 400), every report valid against OWS 2.0 `owsExceptionReport.xsd` and
 * leaking nothing. The server trusts 127.0.0.1 for references and accepts complex inputs up to 4 KiB, so that
 * reachability and size errors can be produced. Job operations and request-level errors: `exceptions-jobs.test.ts`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, type TestServer } from "../helpers/server.js";
import { execute, executeXml, expectException2, FIXTURE, kvp2, post2, ROOT_ATTRS } from "./helpers.js";

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
    "processes.modules": [FIXTURE.wps2],
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => files?.close(() => r()));
});

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
