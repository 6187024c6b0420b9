/**
 * Synchronous Execute of every demo process over KVP and XML POST: each ExecuteResponse valid against the XSD,
 * with the values the process must produce — literals, inline complex data (JSON with `<`, `&`, `]]>`), outputs by
 * reference that download, bounding boxes, several outputs — plus failures reported as ProcessFailed, RawDataOutput
 * bodies and media types, lineage, output-format negotiation, and awkward input values.
 */
import type { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import {
  dataInputs,
  expectException,
  expectExecuteResponse,
  expectNoLeak,
  expectUtcCreationTime,
  failureOf,
  get,
  kvpExecute,
  literal,
  output,
  post,
  postExecute,
  type Res,
  rootAttr,
  rootLang,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 3 });
});

afterAll(async () => {
  await t?.close();
});

const kvpSync = (
  id: string,
  inputs: Parameters<typeof dataInputs>[0] = {},
  extra: Record<string, string> = {},
) =>
  kvpExecute(t.base, id, {
    ...(Object.keys(inputs).length > 0 ? { DataInputs: dataInputs(inputs) } : {}),
    ...extra,
  });

/** Checks every synchronous ExecuteResponse must pass besides XSD validity. */
function expectSyncShape(r: wps1.Wps1ExecuteResponse, raw: string, processId: string): void {
  expect(r.process.identifier).toBe(processId);
  // statusLocation belongs to stored responses only; PyWPS writes statusLocation="" on sync ones.
  expect(r.statusLocation).toBeUndefined();
  expect(raw).not.toContain("statusLocation");
  // serviceInstance is the GetCapabilities URL, escaped exactly once.
  expect(r.serviceInstance).toBe(`${t.base}/wps?service=WPS&request=GetCapabilities`);
  expect(/serviceInstance="([^"]*)"/.exec(raw)?.[1]).toBe(
    `${t.base}/wps?service=WPS&amp;request=GetCapabilities`,
  );
  expectUtcCreationTime(r, raw);
  expect(rootAttr(raw, "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")).toBe(
    "http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsExecute_response.xsd",
  );
}

async function succeeded(res: Res, processId: string): Promise<wps1.Wps1ExecuteResponse> {
  const r = await expectExecuteResponse(res);
  expect(r.status.kind, JSON.stringify(r.status)).toBe("succeeded");
  expectSyncShape(r, res.body, processId);
  return r;
}

async function failed(res: Res, processId: string): Promise<readonly wps1.Wps1Exception[]> {
  const r = await expectExecuteResponse(res);
  expectSyncShape(r, res.body, processId);
  expect(r.status.kind).toBe("failed");
  expect(r.outputs).toEqual([]);
  // ProcessFailed carries an ows:ExceptionReport (PyWPS writes a wps: one).
  expect(res.body).toMatch(/<wps:ProcessFailed> <ows:ExceptionReport /);
  return failureOf(r.status);
}

/** Download an output reference: it must be served by this server with the advertised media type. */
async function download(ref: wps1.Wps1OutputValue): Promise<Res> {
  expect(ref.kind).toBe("reference");
  const href = (ref as { href: string }).href;
  expect(href.startsWith(`${t.base}/outputs/`), href).toBe(true);
  const res = await get(href);
  expect(res.status).toBe(200);
  const mime = (ref as { mimeType?: string }).mimeType;
  // Media type parameters (Metalink's `version=3.0`) may be dropped by the file server; the type may not.
  const base = (m: string) => m.split(";")[0]!.trim();
  if (mime !== undefined) expect(base(res.type)).toBe(base(mime));
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  return res;
}

describe("sync Execute of every demo process (KVP and POST, XSD-valid)", () => {
  it("hello: literal with UoM", async () => {
    for (const res of [
      await kvpSync("hello", { name: "LovelySugarBird" }),
      await postExecute(t.base, "hello", { name: "LovelySugarBird" }),
    ]) {
      const r = await succeeded(res, "hello");
      expect(output(r, "output")).toEqual({
        kind: "literal",
        value: "Hello LovelySugarBird",
        dataType: "string",
        uom: "unity",
      });
    }
  });

  it("sleep and nap: a short delay runs synchronously", async () => {
    const s = await succeeded(await kvpSync("sleep", { delay: 0.01 }), "sleep");
    expect(literal(s, "sleep_output")).toBe("done sleeping");
    const n = await succeeded(await postExecute(t.base, "nap", { delay: 0.01 }), "nap");
    expect(literal(n, "output")).toBe("done sleeping");
  });

  it("ultimate_question: a process without inputs", async () => {
    expect(literal(await succeeded(await kvpSync("ultimate_question"), "ultimate_question"), "answer")).toBe(
      "42",
    );
    expect(
      literal(await succeeded(await postExecute(t.base, "ultimate_question"), "ultimate_question"), "answer"),
    ).toBe("42");
  });

  it("inout with defaults only: every literal type echoed, inline text, text dataset by reference, bbox", async () => {
    const r = await succeeded(await kvpSync("inout"), "inout");
    expect(
      Object.fromEntries(
        [
          "string",
          "int",
          "float",
          "boolean",
          "angle",
          "time",
          "date",
          "datetime",
          "string_choice",
          "string_multiple_choice",
          "int_range",
          "any_value",
          "ref_value",
        ].map((id) => [id, literal(r, id)]),
      ),
    ).toEqual({
      string: "This is just a string",
      int: "7",
      float: "3.14",
      boolean: "true",
      angle: "90",
      time: "12:00:00",
      date: "2012-05-01",
      datetime: "2016-09-02T12:00:00Z",
      string_choice: "scissor",
      string_multiple_choice: "gentle albatros",
      int_range: "1",
      any_value: "any value",
      ref_value: "Scotland",
    });
    const text = output(r, "text");
    expect(text).toMatchObject({ kind: "complex", mimeType: "text/plain", xml: false });
    expect((text as { data: string }).data).toBe("request didn't have a text file.");
    // The dataset output switches to its text format when no netCDF was given, and stays by reference.
    const ds = output(r, "dataset");
    expect(ds).toMatchObject({ kind: "reference", mimeType: "text/plain" });
    expect((await download(ds)).body).toBe("request didn't have a netcdf file.");
    expect(output(r, "bbox")).toEqual({
      kind: "bbox",
      crs: "epsg:4326",
      dimensions: 2,
      lowerCorner: [0, 0],
      upperCorner: [10, 10],
    });
  });

  it("inout: repeated floats are summed, both booleans false and 0 are honoured, choices joined", async () => {
    const r = await succeeded(
      await kvpSync("inout", {
        float: ["1.5", "2.25", "3"],
        boolean: "false",
        string_multiple_choice: ["sitting duck", "happy pinguin"],
        int: 11,
        int_range: 150,
      }),
      "inout",
    );
    expect(literal(r, "float")).toBe("6.75");
    expect(literal(r, "boolean")).toBe("false");
    expect(literal(r, "string_multiple_choice")).toBe("sitting duck, happy pinguin");
    expect(literal(r, "int")).toBe("11");
    expect(literal(r, "int_range")).toBe("150");
    const zero = await succeeded(
      await postExecute(
        t.base,
        "inout",
        {},
        {
          repeated: [
            ["boolean", "0"],
            ["float", 2],
            ["float", 0.5],
          ],
        },
      ),
      "inout",
    );
    expect(literal(zero, "boolean")).toBe("false");
    expect(literal(zero, "float")).toBe("2.5");
    const one = await succeeded(await kvpSync("inout", { boolean: "1" }), "inout");
    expect(literal(one, "boolean")).toBe("true");
  });

  it("inout: a text input comes back inline, escaped or in CDATA", async () => {
    const text = `a < b && c > d ]]> "quoted" 'single' — ünïcödé 🐦`;
    const r = await succeeded(
      await postExecute(t.base, "inout", { text: { complex: text, mimeType: "text/plain" } }),
      "inout",
    );
    expect(output(r, "text")).toMatchObject({ kind: "complex", data: text, xml: false });
  });

  it("wordcounter: inline text in, JSON out by reference (default) and inline on request", async () => {
    const text = "the cat and the hat and the bat";
    const expected = [
      [3, "the"],
      [2, "and"],
      [1, "hat"],
      [1, "cat"],
      [1, "bat"],
    ];
    const byRef = await succeeded(
      await postExecute(t.base, "wordcounter", { text: { complex: text } }),
      "wordcounter",
    );
    const dl = await download(output(byRef, "output"));
    expect(JSON.parse(dl.body)).toEqual(expected);
    const inline = await succeeded(
      await kvpSync("wordcounter", { text: text }, { ResponseDocument: "output@asReference=false" }),
      "wordcounter",
    );
    const v = output(inline, "output");
    expect(v).toMatchObject({ kind: "complex", mimeType: "application/json" });
    expect(JSON.parse((v as { data: string }).data)).toEqual(expected);
  });

  it("show_error: ProcessFailed with the user-facing message (nice) or the generic one", async () => {
    const nice = await failed(
      await kvpSync("show_error", { message: "Something went <wrong> & stayed" }),
      "show_error",
    );
    expect(nice[0]).toMatchObject({
      code: "NoApplicableCode",
      text: "Process error: Something went <wrong> & stayed",
    });
    const rude = await failed(await postExecute(t.base, "show_error", { nice: false }), "show_error");
    expect(rude[0]!.text).toBe("Process failed, please check server error log");
    // The real exception text stays in the server log.
    expect(JSON.stringify(rude)).not.toContain("no explanation");
  });

  it("bbox: echoed with its CRS and axis order (KVP and POST)", async () => {
    const k = await succeeded(await kvpSync("bbox", { bbox: "101,42,110,46,epsg:4326" }), "bbox");
    expect(output(k, "bbox")).toEqual({
      kind: "bbox",
      crs: "epsg:4326",
      dimensions: 2,
      lowerCorner: [101, 42],
      upperCorner: [110, 46],
    });
    const p = await succeeded(
      await postExecute(t.base, "bbox", {
        bbox: { bbox: [4321000, 3210000, 4500000, 3400000], crs: "epsg:3035" },
      }),
      "bbox",
    );
    expect(output(p, "bbox")).toMatchObject({
      crs: "epsg:3035",
      lowerCorner: [4321000, 3210000],
      upperCorner: [4500000, 3400000],
    });
  });

  it("chomsky: a text file by reference that downloads", async () => {
    const r = await succeeded(await kvpSync("chomsky", { times: 3 }), "chomsky");
    const body = (await download(output(r, "output"))).body;
    expect(body.length).toBeGreaterThan(50);
    // Three sentences, each ending with a full stop; lines wrapped at 72.
    expect(body.replace(/\n/g, " ").match(/\.(\s|$)/g)?.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...body.split("\n").map((l) => l.length))).toBeLessThanOrEqual(72);
  });

  it("output_formats: defaults (netCDF by reference, JSON inline) and negotiated ZIPs both ways", async () => {
    const d = await succeeded(await kvpSync("output_formats"), "output_formats");
    expect(output(d, "netcdf")).toMatchObject({ kind: "reference", mimeType: "application/x-netcdf" });
    const json = output(d, "json");
    expect(json).toMatchObject({ kind: "complex", mimeType: "application/json" });
    JSON.parse((json as { data: string }).data);

    // ZIP inline must travel base64 (binary cannot be XML text); ZIP by reference downloads as a ZIP.
    const z = await succeeded(
      await kvpSync(
        "output_formats",
        {},
        {
          ResponseDocument:
            "netcdf@mimeType=application/zip@asReference=false;json@mimeType=application/zip@asReference=true",
        },
      ),
      "output_formats",
    );
    const nc = output(z, "netcdf");
    expect(nc).toMatchObject({ kind: "complex", mimeType: "application/zip", encoding: "base64" });
    expect(
      Buffer.from((nc as { data: string }).data, "base64")
        .subarray(0, 2)
        .toString("latin1"),
    ).toBe("PK");
    const jz = output(z, "json");
    expect(jz).toMatchObject({ kind: "reference", mimeType: "application/zip" });
    const zip = await fetch((jz as { href: string }).href);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString("latin1"),
    ).toBe("PK");

    // Same through XML POST.
    const p = await succeeded(
      await postExecute(
        t.base,
        "output_formats",
        {},
        {
          outputs: [
            { id: "json", mimeType: "text/plain", asReference: false },
            { id: "netcdf", asReference: true },
          ],
        },
      ),
      "output_formats",
    );
    expect(output(p, "json")).toMatchObject({ kind: "complex", mimeType: "text/plain" });
    expect(output(p, "netcdf")).toMatchObject({ kind: "reference", mimeType: "application/x-netcdf" });
  });

  it("output_formats: an unsupported mimeType is InvalidParameterValue with the output as locator", async () => {
    await expectException(
      await kvpSync("output_formats", {}, { ResponseDocument: "json@mimeType=image/png" }),
      { status: 400, code: "InvalidParameterValue", locator: "json" },
    );
    await expectException(
      await postExecute(t.base, "output_formats", {}, { outputs: [{ id: "netcdf", mimeType: "text/csv" }] }),
      { status: 400, code: "InvalidParameterValue", locator: "netcdf" },
    );
    await expectException(
      await kvpSync("output_formats", {}, { RawDataOutput: "json@mimeType=application/x-netcdf" }),
      { status: 400, code: "InvalidParameterValue", locator: "json" },
    );
  });

  it("multiple_outputs: two Metalink references listing files that download", async () => {
    const r = await succeeded(await kvpSync("multiple_outputs", { count: 3 }), "multiple_outputs");
    const m3 = await download(output(r, "output"));
    const m4 = await download(output(r, "output_meta4"));
    for (const doc of [m3.body, m4.body]) {
      // Metalink 4 names each file twice (url and metaurl, where PyWPS puts it).
      const urls = [...new Set([...doc.matchAll(/>(http[^<]+output_\d\.txt)</g)].map((m) => m[1]!))];
      expect(urls.length).toBe(3);
      for (const [i, u] of urls.entries()) {
        const f = await get(u);
        expect(f.status).toBe(200);
        expect(f.body).toBe(`output: ${i}`);
      }
    }
  });

  it("show_defaults: defaults apply to absent inputs, given values win (RawDataOutput)", async () => {
    for (const res of [
      await kvpSync("show_defaults", { string_0: "ZERO", string_3: "THREE" }, { RawDataOutput: "output" }),
      await postExecute(
        t.base,
        "show_defaults",
        { string_0: "ZERO", string_3: "THREE" },
        { raw: { id: "output" } },
      ),
    ]) {
      expect(res.status, res.body).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toEqual({
        string0: "ZERO",
        string1: "one",
        string2: "two",
        string3: "THREE",
      });
    }
  });

  it("show_defaults: as a response document, by reference (default) and inline, and with nothing given", async () => {
    const byRef = await succeeded(await kvpSync("show_defaults", { string_0: "ZERO" }), "show_defaults");
    expect(JSON.parse((await download(output(byRef, "output"))).body)).toEqual({
      string0: "ZERO",
      string1: "one",
      string2: "two",
      string3: "three",
    });
    // An optional input without a default stays absent.
    const inline = await succeeded(
      await postExecute(t.base, "show_defaults", {}, { outputs: [{ id: "output", asReference: false }] }),
      "show_defaults",
    );
    const v = output(inline, "output");
    expect(v).toMatchObject({ kind: "complex", mimeType: "application/json" });
    expect(JSON.parse((v as { data: string }).data)).toEqual({
      string0: "no value",
      string1: "one",
      string2: "two",
      string3: "three",
    });
  });

  it("non.py-id: awkward identifiers in, JSON with <, & and ]]> echoed inline and well-formed", async () => {
    const json = JSON.stringify({ html: "<b>bold</b> & <i>it</i>", cdata: "]]>", q: `"'`, u: "Zoë" });
    const k = await succeeded(
      await kvpSync(
        "non.py-id",
        {},
        {
          DataInputs: `${encodeURIComponent("input 1")}=41;${encodeURIComponent("input-2")}=${encodeURIComponent(json)}@mimeType=application/json`,
          ResponseDocument: `${encodeURIComponent("output.1")};${encodeURIComponent("output 2")}`,
        },
      ),
      "non.py-id",
    );
    // A float output keeps a decimal point (PyWPS writes 42.0 too).
    expect(literal(k, "output.1")).toBe("42.0");
    const echo = output(k, "output 2");
    expect(echo).toMatchObject({ kind: "complex", mimeType: "application/json", xml: false });
    expect((echo as { data: string }).data).toBe(json);
    expect(k.outputs.map((o) => o.identifier)).toEqual(["output.1", "output 2"]);

    const p = await succeeded(
      await postExecute(t.base, "non.py-id", {
        "input 1": 1,
        "input-2": { complex: json, mimeType: "application/json", cdata: true },
      }),
      "non.py-id",
    );
    expect(literal(p, "output.1")).toBe("2.0");
    expect((output(p, "output 2") as { data: string }).data).toBe(json);
  });

  it("translation: Execute in fr-CA/de-DE titles the output in that language", async () => {
    const titles = { "fr-CA": "Sortie #1", "de-DE": "Ausgabe #1", "en-US": "Output1 add 1 result" } as const;
    for (const [lang, title] of Object.entries(titles)) {
      const res = await kvpSync("translation", { input1: 1 }, { language: lang });
      const r = await succeeded(res, "translation");
      expect(rootLang(res.body)).toBe(lang);
      expect(r.outputs[0]).toMatchObject({ identifier: "output1", title });
      expect(literal(r, "output1")).toBe("2");
    }
    const viaHeader = await kvpExecute(
      t.base,
      "translation",
      { DataInputs: "input1=5" },
      { "accept-language": "de-DE,de;q=0.9" },
    );
    expect((await succeeded(viaHeader, "translation")).process.title).toBe("Mehrsprachiger Prozess");
    const viaPost = await postExecute(t.base, "translation", { input1: 5 }, { language: "fr-CA" });
    expect((await succeeded(viaPost, "translation")).outputs[0]!.title).toBe("Sortie #1");
    await expectException(await kvpSync("translation", {}, { language: "xx" }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "language",
    });
  });

  it("binaryoperatorfornumbers: arithmetic, and division by zero as ProcessFailed", async () => {
    const r = await succeeded(
      await kvpSync("binaryoperatorfornumbers", { inputa: 7, inputb: 2, operator: "divide" }),
      "binaryoperatorfornumbers",
    );
    expect(output(r, "output")).toMatchObject({ kind: "literal", value: "3.5", dataType: "float" });
    const z = await failed(
      await postExecute(t.base, "binaryoperatorfornumbers", { inputb: 0, operator: "divide" }),
      "binaryoperatorfornumbers",
    );
    expect(z[0]!.text).toContain("Cannot divide by zero");
  });

  it("simple_dry_run: success, storage limit and dry-run failures", async () => {
    const ok = await succeeded(await kvpSync("simple_dry_run", { count: 3 }), "simple_dry_run");
    expect(literal(ok, "output")).toBe("File downloads done: 3");
    const limit = await failed(await kvpSync("simple_dry_run", { count: 15 }), "simple_dry_run");
    expect(limit[0]!.text).toMatch(/^Process error: Too many files too download/);
    const dry = await failed(
      await postExecute(t.base, "simple_dry_run", { dry_run: true }),
      "simple_dry_run",
    );
    expect(dry[0]!.text).toMatch(/^Process error: .*storage=1 files, time=unknown/);
  });

  it("dummyprocess: several literal outputs, in request order when requested", async () => {
    const r = await succeeded(await kvpSync("dummyprocess", { input1: 1, input2: 2 }), "dummyprocess");
    expect(r.outputs.map((o) => [o.identifier, (o.value as { value: string }).value])).toEqual([
      ["output1", "2"],
      ["output2", "1"],
    ]);
    const only = await succeeded(
      await postExecute(t.base, "dummyprocess", {}, { outputs: [{ id: "output2" }, { id: "output1" }] }),
      "dummyprocess",
    );
    expect(only.outputs.map((o) => o.identifier)).toEqual(["output2", "output1"]);
    const one = await succeeded(
      await kvpSync("dummyprocess", {}, { ResponseDocument: "output2" }),
      "dummyprocess",
    );
    expect(one.outputs.map((o) => o.identifier)).toEqual(["output2"]);
  });
});

describe("RawDataOutput", () => {
  it("a literal comes back as the bare value with its media type (KVP and POST)", async () => {
    const k = await kvpSync("hello", { name: "Raw" }, { RawDataOutput: "output" });
    expect([k.status, k.type, k.body]).toEqual([200, "text/plain; charset=utf-8", "Hello Raw"]);
    const p = await postExecute(t.base, "dummyprocess", { input2: 10 }, { raw: { id: "output2" } });
    expect([p.status, p.body]).toEqual([200, "9"]);
    expect(p.type).toMatch(/^text\/plain/);
  });

  it("a complex file output is the file itself, with its type and a Content-Location", async () => {
    const w = await kvpSync(
      "wordcounter",
      { text: "b a b" },
      { RawDataOutput: "output@mimeType=application/json" },
    );
    expect(w.status).toBe(200);
    expect(w.type).toMatch(/^application\/json/);
    expect(JSON.parse(w.body)).toEqual([
      [2, "b"],
      [1, "a"],
    ]);
    expect(w.headers.get("content-location")).toMatch(new RegExp(`^${t.base}/outputs/`));
    const c = await postExecute(t.base, "chomsky", { times: 1 }, { raw: { id: "output" } });
    expect(c.status).toBe(200);
    expect(c.type).toMatch(/^text\/plain/);
    expect(c.body.trim().length).toBeGreaterThan(20);
    expect(c.body).not.toContain("<");
  });

  it("negotiated formats: a ZIP is binary application/zip, JSON as text/plain keeps the bytes", async () => {
    const r = await fetch(
      `${t.base}/wps?service=WPS&request=Execute&version=1.0.0&identifier=output_formats&RawDataOutput=netcdf@mimeType=application/zip`,
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/zip");
    expect(
      Buffer.from(await r.arrayBuffer())
        .subarray(0, 4)
        .toString("latin1"),
    ).toBe("PK\u0003\u0004");
    const j = await kvpSync("output_formats", {}, { RawDataOutput: "json@mimeType=text/plain" });
    expect(j.status).toBe(200);
    expect(j.type).toMatch(/^text\/plain/);
    JSON.parse(j.body);
  });

  it("a bounding box is minx,miny,maxx,maxy,crs as text", async () => {
    const b = await kvpSync("bbox", { bbox: "1,2,3,4,epsg:3035" }, { RawDataOutput: "bbox" });
    expect([b.status, b.body]).toEqual([200, "1,2,3,4,epsg:3035"]);
  });

  it("a failing process answers with an ExceptionReport carrying its message, not a body of garbage", async () => {
    const res = await kvpSync("show_error", { message: "raw failure" }, { RawDataOutput: "output" });
    const ex = await expectException(res, { status: 500, code: "NoApplicableCode" });
    expect(ex[0]!.text).toBe("Process error: raw failure");
  });

  it("an unknown output is InvalidParameterValue with the output as locator (KVP and POST)", async () => {
    await expectException(await kvpSync("hello", { name: "x" }, { RawDataOutput: "nope" }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "nope",
    });
    await expectException(await postExecute(t.base, "hello", { name: "x" }, { raw: { id: "nope" } }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "nope",
    });
  });
});

describe("lineage", () => {
  it("lineage=true echoes DataInputs and OutputDefinitions (KVP), valid", async () => {
    const res = await kvpSync(
      "dummyprocess",
      { input1: 5 },
      { lineage: "true", ResponseDocument: "output1@asReference=false" },
    );
    const r = await succeeded(res, "dummyprocess");
    expect(r.inputs).toEqual([{ id: "input1", value: { kind: "literal", value: "5" } }]);
    expect(r.outputDefinitions).toEqual([{ id: "output1", asReference: false }]);
    expect(literal(r, "output1")).toBe("6");
  });

  it("lineage with literal, complex, bbox and reference-free inputs via POST, valid", async () => {
    const inout = await succeeded(
      await postExecute(
        t.base,
        "inout",
        {},
        {
          lineage: true,
          repeated: [
            ["string", "a <b> & c"],
            ["float", 1],
            ["float", 2],
            ["text", { complex: "text with ]]> and <tags>", mimeType: "text/plain" }],
          ],
          outputs: [{ id: "float" }, { id: "text", asReference: true }],
        },
      ),
      "inout",
    );
    expect(inout.inputs?.map((i) => i.id)).toEqual(["string", "float", "float", "text"]);
    expect(inout.inputs?.[0]?.value).toMatchObject({ kind: "literal", value: "a <b> & c" });
    expect(inout.inputs?.[3]?.value).toMatchObject({ kind: "complex", data: "text with ]]> and <tags>" });
    expect(inout.outputDefinitions).toEqual([{ id: "float" }, { id: "text", asReference: true }]);
    expect(literal(inout, "float")).toBe("3.0");
    expect(output(inout, "text").kind).toBe("reference");

    const bbox = await succeeded(
      await postExecute(
        t.base,
        "bbox",
        { bbox: { bbox: [1, 2, 3, 4], crs: "epsg:4326" } },
        { lineage: true },
      ),
      "bbox",
    );
    expect(bbox.inputs?.[0]?.value).toMatchObject({ kind: "bbox", crs: "epsg:4326", lowerCorner: [1, 2] });
    // Without requested outputs, the definitions echo every output of the process.
    expect(bbox.outputDefinitions).toEqual([{ id: "bbox" }]);
  });

  it("a failed sync job with lineage still echoes the request and is valid", async () => {
    const res = await postExecute(t.base, "show_error", { message: "lineage failure" }, { lineage: true });
    const r = await expectExecuteResponse(res);
    expect(r.status.kind).toBe("failed");
    expect(r.inputs).toEqual([{ id: "message", value: { kind: "literal", value: "lineage failure" } }]);
    expect(r.outputDefinitions).toEqual([{ id: "output" }]);
  });
});

describe("awkward input values", () => {
  const SPECIAL = [
    ["markup", `<script>alert("x")</script>`],
    ["ampersands", "a & b &amp; c &#60; &lt;"],
    ["CDATA end", "x ]]> y ]]]]> z"],
    ["quotes", `"double" and 'single'`],
    ["non-ASCII", "Zoë Ærøskøbing 北京 Ελλάδα 🐦‍⬛"],
    ["whitespace", "tab\tnew\nline and  spaces"],
    ["percent and plus", "100% + 1 = 101%; a@b=c"],
  ] as const;

  it.each(SPECIAL)("%s survives KVP and POST round trips into a valid response", async (_label, value) => {
    for (const res of [
      await kvpSync("hello", { name: value }),
      await postExecute(t.base, "hello", { name: value }),
    ]) {
      const r = await succeeded(res, "hello");
      // XML normalises CR/LF only; tabs and newlines in element content come back as sent.
      expect(literal(r, "output")).toBe(`Hello ${value}`);
    }
  });

  it("a very long value (200 000 characters, POST; 6 000, KVP) is echoed intact", async () => {
    const long = "λ<&>".repeat(50_000);
    const p = await succeeded(await postExecute(t.base, "hello", { name: long }), "hello");
    expect(literal(p, "output")).toBe(`Hello ${long}`);
    const k = await succeeded(await kvpSync("hello", { name: "x".repeat(6000) }), "hello");
    expect(literal(k, "output")).toHaveLength(6006);
  });

  it.each([
    ["NUL", "\u0000"],
    ["BEL", "\u0007"],
    ["ESC", "\u001b"],
    ["vertical tab", "\u000b"],
    ["form feed", "\u000c"],
    ["U+FFFE", "\ufffe"],
  ])("%s in a KVP literal is InvalidParameterValue for that input, never invalid XML", async (_l, ch) => {
    const ex = await expectException(await kvpSync("hello", { name: `a${ch}b` }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "name",
    });
    expect(ex[0]!.text).toContain("control characters");
    // The echoed value in the message must itself be clean.
    expect(JSON.stringify(ex)).not.toContain(ch);
  });

  it("control characters in a KVP complex value are refused with the input as locator", async () => {
    await expectException(
      await kvpSync(
        "non.py-id",
        {},
        { DataInputs: `input-2=${encodeURIComponent('{"a":"\u0000\u0001"}')}@mimeType=application/json` },
      ),
      { status: 400, code: "InvalidParameterValue", locator: "input-2" },
    );
  });

  it("NUL or control characters as XML character references are not well-formed: 400, never echoed", async () => {
    for (const ref of ["&#0;", "&#x7;", "&#27;", "&#xFFFE;"]) {
      const body = (await import("./helpers.js"))
        .executeXml("hello", { name: "PLACEHOLDER" })
        .replace("PLACEHOLDER", `a${ref}b`);
      const res = await post(t.base, body);
      await expectException(res, { status: 400, code: "NoApplicableCode" });
    }
  });

  it("show_error echoes a hostile message escaped once inside ProcessFailed", async () => {
    const msg = `<wps:ProcessSucceeded>&amp; ]]> "x"</wps:ProcessSucceeded>`;
    const res = await postExecute(t.base, "show_error", { message: msg });
    const r = await expectExecuteResponse(res);
    expect(r.status.kind).toBe("failed");
    expect(failureOf(r.status)[0]!.text).toBe(`Process error: ${msg}`);
    await expectValid(res.body, "wps1");
    expectNoLeak(res.body);
  });
});
