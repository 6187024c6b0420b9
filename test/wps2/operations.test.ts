/**
 * Every WPS 2.0.0 operation in each encoding it allows — GetCapabilities, DescribeProcess, GetStatus, GetResult and
 * Dismiss by KVP and XML POST, Execute by XML POST — against the demo processes: every document valid against
 * `wps.xsd`; Execute in sync, async and auto mode, document and raw responses, per-output transmission and format,
 * inputs inline, base64 and by reference; StatusInfo's PercentCompleted, NextPoll and EstimatedCompletion.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { wps2 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import { DEMO_IDS, LANGUAGES } from "../wps1/helpers.js";
import {
  accepted,
  execute,
  executeXml,
  expectDoc,
  expectException2,
  expectResult,
  expectStatusInfo,
  FIXTURE,
  get,
  jobRequest,
  jobRequestXml,
  kvp,
  kvp2,
  literalOf,
  outputOf,
  pollStatus,
  post2,
  ROOT_ATTRS,
} from "./helpers.js";

let t: TestServer;
let files: Server;
let filesUrl: string;
const TEXT = "the quick brown fox jumps over the lazy dog the end";

beforeAll(async () => {
  files = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(TEXT));
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  t = await startTestServer({
    "inputs.allowed_hosts": ["127.0.0.1"],
    "processes.modules": [FIXTURE.wps2],
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => files?.close(() => r()));
});

describe("the request documents used here", () => {
  it("are valid against wps.xsd (as ets-wps20 checks its own)", async () => {
    await expectValid(
      executeXml(
        "hello",
        { name: "x", n: { literal: "1", dataType: "integer" }, b: { bbox: [0, 0, 1, 1], crs: "EPSG:4326" } },
        { outputs: [{ id: "output", transmission: "value", mimeType: "text/plain" }] },
      ),
      "wps2",
    );
    for (const op of ["GetStatus", "GetResult", "Dismiss"] as const)
      await expectValid(jobRequestXml(op, "0b9a3d5e-6f7c-4a8b-9c0d-1e2f3a4b5c6d"), "wps2");
  });
});

describe("GetCapabilities", () => {
  const capsXml = `<?xml version="1.0" encoding="UTF-8"?><wps:GetCapabilities service="WPS" xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"><ows:AcceptVersions><ows:Version>2.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`;

  it("KVP and POST answer the same valid document listing every process with its job control options", async () => {
    const k = await kvp(t.base, "service=WPS&request=GetCapabilities&AcceptVersions=2.0.0");
    await expectDoc(k);
    const p = await post2(t.base, capsXml);
    await expectDoc(p);
    expect(p.body).toBe(k.body);
    const caps = wps2.decodeCapabilities(k.body);
    expect(caps.processes.map((x) => x.identifier)).toEqual([
      ...DEMO_IDS,
      "fx_async_only",
      "fx_hostile_output",
    ]);
    const byId = new Map(caps.processes.map((x) => [x.identifier, x]));
    expect(byId.get("hello")).toMatchObject({
      jobControlOptions: ["sync-execute", "async-execute", "dismiss"],
      outputTransmission: ["value", "reference"],
    });
    // nap runs synchronously only and stores nothing; fx_async_only runs asynchronously only.
    expect(byId.get("nap")).toMatchObject({
      jobControlOptions: ["sync-execute"],
      outputTransmission: ["value"],
    });
    expect(byId.get("fx_async_only")?.jobControlOptions).toEqual(["async-execute", "dismiss"]);
    expect(Object.keys(caps.operations)).toEqual([
      "GetCapabilities",
      "DescribeProcess",
      "Execute",
      "GetStatus",
      "GetResult",
      "Dismiss",
    ]);
    expect(caps.operations.Execute).toEqual({ post: `${t.base}/wps` });
    expect(caps.languages).toEqual(LANGUAGES);
  });

  it("AcceptLanguages picks the first supported language; the process titles are translated", async () => {
    const res = await kvp(
      t.base,
      "service=WPS&request=GetCapabilities&AcceptVersions=2.0.0&AcceptLanguages=xx,fr-CA",
    );
    await expectDoc(res);
    expect(res.headers.get("content-language")).toBe("fr-CA");
    const tr = wps2.decodeCapabilities(res.body).processes.find((x) => x.identifier === "translation");
    expect(tr?.title).not.toBe(
      wps2
        .decodeCapabilities((await kvp(t.base, "service=WPS&request=GetCapabilities&version=2.0.0")).body)
        .processes.find((x) => x.identifier === "translation")?.title,
    );
    // None supported: the default language, no error (OWS 2.0 AcceptLanguages is a preference).
    const none = await kvp(t.base, "service=WPS&request=GetCapabilities&version=2.0.0&AcceptLanguages=xx");
    await expectDoc(none);
    expect(none.headers.get("content-language")).toBe("en-US");
  });
});

describe("DescribeProcess", () => {
  it.each([["ALL"], ["all"]])(
    "identifier=%s (KVP) describes every process in one valid document",
    async (id) => {
      const res = await kvp2(t.base, { request: "DescribeProcess", identifier: id });
      await expectDoc(res);
      expect(wps2.decodeProcessOfferings(res.body).map((p) => p.identifier)).toHaveLength(
        DEMO_IDS.length + 2,
      );
    },
  );

  it("KVP and POST describe the listed processes in the requested order and language", async () => {
    const k = await kvp2(t.base, {
      request: "DescribeProcess",
      identifier: "translation,hello",
      lang: "de-DE",
    });
    await expectDoc(k);
    expect(k.headers.get("content-language")).toBe("de-DE");
    const p = await post2(
      t.base,
      `<wps:DescribeProcess ${ROOT_ATTRS} xml:lang="de-DE"><ows:Identifier>translation</ows:Identifier><ows:Identifier>hello</ows:Identifier></wps:DescribeProcess>`,
    );
    await expectDoc(p);
    expect(p.body).toBe(k.body);
    const offerings = wps2.decodeProcessOfferings(k.body);
    expect(offerings.map((o) => o.identifier)).toEqual(["translation", "hello"]);
    expect(offerings[0]?.language).toBe("de-DE");
  });

  it("LiteralData domains, formats and bounding-box CRSs are described", async () => {
    const res = await kvp2(t.base, { request: "DescribeProcess", identifier: "inout,bbox,output_formats" });
    await expectDoc(res);
    const [inout, bbox, formats] = wps2.decodeProcessOfferings(res.body);
    const int = inout?.inputs.find((i) => i.identifier === "int");
    expect(int).toMatchObject({ kind: "literal", dataType: "integer", default: "7" });
    expect(res.body).toContain("<ows:Value>11</ows:Value>");
    expect(bbox?.inputs[0]).toMatchObject({ kind: "bbox" });
    expect(formats?.outputs.find((o) => o.identifier === "json")).toMatchObject({ kind: "complex" });
    expect(res.body).toMatch(/<wps:Format mimeType="application\/json"[^>]*default="true"/);
  });
});

describe("Execute, sync", () => {
  it("document: a Result with the literal output (text/xml LiteralValue)", async () => {
    const r = await expectResult(await execute(t.base, "hello", { name: "Ada" }));
    expect(literalOf(r, "output")).toBe("Hello Ada");
    expect(r.jobId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an input as text/xml LiteralValue, the output asked as text/plain", async () => {
    const res = await execute(
      t.base,
      "hello",
      { name: { literal: "Ada", dataType: "http://www.w3.org/2001/XMLSchema#string" } },
      { outputs: [{ id: "output", mimeType: "text/plain" }] },
    );
    await expectDoc(res);
    expect(res.body).toContain('<wps:Data mimeType="text/plain">Hello Ada@uom=unity</wps:Data>');
  });

  it("raw: the output itself, with its media type (one output, with or without wps:Output)", async () => {
    for (const outputs of [[{ id: "output" }], []]) {
      const res = await execute(t.base, "hello", { name: "Ada" }, { response: "raw", outputs });
      expect(res.status, res.body).toBe(200);
      expect(res.type).toMatch(/^text\/plain/);
      expect(res.body).toBe("Hello Ada");
    }
  });

  it("raw complex output: the file with its media type; by reference: 303 to the published file", async () => {
    const res = await execute(t.base, "output_formats", {}, { response: "raw", outputs: [{ id: "json" }] });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as unknown;
    expect(doc).toBeTypeOf("object");
    const ref = await fetch(`${t.base}/wps`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: executeXml(
        "output_formats",
        {},
        { response: "raw", outputs: [{ id: "json", transmission: "reference" }] },
      ),
      redirect: "manual",
    });
    expect(ref.status).toBe(303);
    const location = ref.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${t.base}/outputs/[0-9a-f-]{36}/`));
    const followed = await get(location);
    expect(followed.status).toBe(200);
    expect(JSON.parse(followed.body)).toEqual(doc);
  });

  it("per-output transmission: reference → wps:Reference to a fetchable file, value → inline data", async () => {
    const r = await expectResult(
      await execute(
        t.base,
        "output_formats",
        {},
        {
          outputs: [
            { id: "netcdf", transmission: "value" },
            { id: "json", transmission: "reference" },
          ],
        },
      ),
    );
    const json = outputOf(r, "json");
    expect(json.kind).toBe("reference");
    const href = (json as { href: string }).href;
    expect(href.startsWith(`${t.base}/outputs/`)).toBe(true);
    expect((await get(href)).status).toBe(200);
    const nc = outputOf(r, "netcdf");
    expect(nc).toMatchObject({ kind: "complex", encoding: "base64", mimeType: "application/x-netcdf" });
  });

  it("output format chosen by mimeType", async () => {
    const r = await expectResult(
      await execute(
        t.base,
        "output_formats",
        {},
        { outputs: [{ id: "json", mimeType: "text/plain", transmission: "value" }] },
      ),
    );
    expect(outputOf(r, "json")).toMatchObject({ kind: "complex", mimeType: "text/plain" });
  });

  it("a complex input inline, base64 and by reference (the same reference policy as WPS 1.0.0)", async () => {
    const count = async (text: Parameters<typeof execute>[2]) => {
      const r = await expectResult(
        await execute(t.base, "wordcounter", text, { outputs: [{ id: "output", transmission: "value" }] }),
      );
      const o = outputOf(r, "output");
      expect(o.kind).toBe("complex");
      return JSON.parse((o as { data: string }).data) as [number, string][];
    };
    const inline = await count({ text: { complex: TEXT, mimeType: "text/plain" } });
    expect(inline[0]).toEqual([3, "the"]);
    const b64 = await count({
      text: { complex: Buffer.from(TEXT).toString("base64"), mimeType: "text/plain", encoding: "base64" },
    });
    expect(b64).toEqual(inline);
    const ref = await count({ text: { href: `${filesUrl}/fox.txt`, mimeType: "text/plain" } });
    expect(ref).toEqual(inline);
  });

  it("a bounding box in and out (ows:BoundingBox in wps:Data)", async () => {
    const r = await expectResult(
      await execute(t.base, "bbox", { bbox: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" } }),
    );
    expect(outputOf(r, "bbox")).toMatchObject({
      kind: "bbox",
      lowerCorner: [1, 2],
      upperCorner: [3, 4],
      crs: "EPSG:4326",
    });
  });

  it("awkward identifiers (non.py-id: dots, spaces, dashes) and JSON with markup characters", async () => {
    const res = await execute(t.base, "non.py-id", {
      "input 1": "41",
      "input-2": { complex: '{"a": "<&>"}', mimeType: "application/json" },
    });
    const r = await expectResult(res);
    expect(Number(literalOf(r, "output.1"))).toBe(42);
    const o = outputOf(r, "output 2");
    expect(JSON.parse((o as { data: string }).data)).toEqual({ a: "<&>" });
  });
});

describe("Execute, async and auto; GetStatus, GetResult", () => {
  it("async: StatusInfo Accepted (HTTP 200) with NextPoll; polled by KVP and XML to Succeeded; GetResult both ways", async () => {
    const res = await execute(t.base, "hello", { name: "Later" }, { mode: "async" });
    const first = await expectStatusInfo(res);
    expect(first.kind).toBe("accepted");
    expect(first.percentCompleted).toBeUndefined();
    expect(Date.parse(first.nextPoll ?? "")).toBeGreaterThan(Date.now() - 1000);
    const id = first.jobId;
    const seenKvp = await pollStatus(t.base, id);
    expect(seenKvp.at(-1)).toMatchObject({ kind: "succeeded", percentCompleted: 100 });
    expect(seenKvp.at(-1)?.nextPoll).toBeUndefined();
    const seenXml = await pollStatus(t.base, id, { binding: "xml" });
    expect(seenXml.at(-1)?.kind).toBe("succeeded");
    const k = await jobRequest(t.base, "GetResult", id, "kvp");
    const x = await jobRequest(t.base, "GetResult", id, "xml");
    expect(literalOf(await expectResult(k), "output")).toBe("Hello Later");
    expect((await expectResult(x)).jobId).toBe(id);
    expect(x.body).toBe(k.body);
  });

  it("a running job reports PercentCompleted 0–99, NextPoll and, once it has made progress, EstimatedCompletion", async () => {
    const id = await accepted(await execute(t.base, "sleep", { delay: "0.3" }, { mode: "async" }));
    const seen = await pollStatus(t.base, id);
    const running = seen.filter((s) => s.kind === "running");
    expect(running.length).toBeGreaterThan(0);
    for (const s of running) {
      expect(s.percentCompleted).toBeGreaterThanOrEqual(0);
      expect(s.percentCompleted).toBeLessThanOrEqual(99);
      expect(s.nextPoll).toBeDefined();
    }
    // sleep reports 20, 40, 60, 80 % every 0.3 s: the estimate is the linear extrapolation of that pace.
    const estimated = running.filter((s) => s.estimatedCompletion !== undefined);
    expect(estimated.length).toBeGreaterThan(0);
    for (const s of estimated) {
      expect(s.percentCompleted).toBeGreaterThanOrEqual(1);
      expect(Date.parse(s.nextPoll!)).toBeLessThanOrEqual(Date.parse(s.estimatedCompletion!));
    }
    expect(seen.at(-1)?.kind).toBe("succeeded");
  });

  it("async raw: GetResult answers the raw output", async () => {
    const id = await accepted(
      await execute(t.base, "hello", { name: "Raw" }, { mode: "async", response: "raw" }),
    );
    await pollStatus(t.base, id);
    const res = await jobRequest(t.base, "GetResult", id);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body).toBe("Hello Raw");
  });

  it("auto: sync when the process allows it (a Result), async otherwise (a StatusInfo)", async () => {
    const r = await expectResult(await execute(t.base, "hello", { name: "Auto" }, { mode: "auto" }));
    expect(literalOf(r, "output")).toBe("Hello Auto");
    const id = await accepted(await execute(t.base, "fx_async_only", { x: "auto" }, { mode: "auto" }));
    await pollStatus(t.base, id);
    expect(literalOf(await expectResult(await jobRequest(t.base, "GetResult", id)), "y")).toBe("auto");
  });

  it("a sync job is a job too: GetStatus and GetResult find it afterwards", async () => {
    const r = await expectResult(await execute(t.base, "hello", { name: "Kept" }));
    const id = r.jobId!;
    const deadline = Date.now() + 5000;
    // Sync jobs are journalled in batches: wait until the row is written.
    let s = await jobRequest(t.base, "GetStatus", id);
    while (s.status !== 200 && Date.now() < deadline) s = await jobRequest(t.base, "GetStatus", id);
    expect((await expectStatusInfo(s)).kind).toBe("succeeded");
    expect(literalOf(await expectResult(await jobRequest(t.base, "GetResult", id, "xml")), "output")).toBe(
      "Hello Kept",
    );
  });

  it("Dismiss (KVP, then XML) of a finished job withdraws it: Dismissed, and GetResult → NoSuchJob", async () => {
    const id = await accepted(await execute(t.base, "hello", { name: "Done" }, { mode: "async" }));
    await pollStatus(t.base, id);
    expect(literalOf(await expectResult(await jobRequest(t.base, "GetResult", id)), "output")).toBe(
      "Hello Done",
    );
    for (const binding of ["kvp", "xml"] as const)
      expect((await expectStatusInfo(await jobRequest(t.base, "Dismiss", id, binding))).kind).toBe(
        "dismissed",
      );
    await expectException2(await jobRequest(t.base, "GetResult", id), {
      status: 400,
      code: "NoSuchJob",
      locator: id,
    });
  });

  it("the same error answers whatever the binding of the job operation", async () => {
    await expectException2(await jobRequest(t.base, "GetResult", "nope", "xml"), {
      status: 400,
      code: "NoSuchJob",
      locator: "nope",
    });
  });
});
