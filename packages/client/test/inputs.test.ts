/**
 * Client-side checking of Execute inputs against a description (typed parsing, allowed values, ranges, occurrences,
 * formats, CRSs, sizes) and the Execute XML the client sends, decoded by the server's own request decoder.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineProcess, Formats, Input, Output, parseXml, validateInputs, wps1 } from "@roost/core/internal";
import { afterAll, describe, expect, it } from "vitest";
import { InputValidationError } from "../src/errors.js";
import { encodeExecuteRequest } from "../src/execute-request.js";
import { type InputValues, parseDataUrl, prepareInputs, prepareOutputs } from "../src/inputs.js";
import { processNamed, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

async function problems(id: string, values: InputValues): Promise<string[]> {
  try {
    await prepareInputs(processNamed(id), values);
  } catch (e) {
    expect(e).toBeInstanceOf(InputValidationError);
    return (e as InputValidationError).problems.map((p) => `${p.id ?? ""}: ${p.message}`);
  }
  throw new Error("expected an InputValidationError");
}

describe("prepareInputs: literals", () => {
  it("sends falsy values and canonical numbers/booleans; leaves defaults to the server", async () => {
    const r = await prepareInputs(processNamed("inout"), {
      float: [0, "2.50", "-1e1"],
      boolean: "0",
      int: 1,
      string: "",
      date: " 2024-02-29 ",
    });
    expect(r).toEqual([
      { id: "string", value: { kind: "literal", value: "", dataType: "string" } },
      { id: "int", value: { kind: "literal", value: "1", dataType: "integer" } },
      { id: "float", value: { kind: "literal", value: "0", dataType: "float" } },
      { id: "float", value: { kind: "literal", value: "2.5", dataType: "float" } },
      { id: "float", value: { kind: "literal", value: "-10", dataType: "float" } },
      { id: "boolean", value: { kind: "literal", value: "false", dataType: "boolean" } },
      { id: "date", value: { kind: "literal", value: "2024-02-29", dataType: "date" } },
    ]);
    expect(await prepareInputs(processNamed("inout"), { boolean: false })).toEqual([
      { id: "boolean", value: { kind: "literal", value: "false", dataType: "boolean" } },
    ]);
  });

  it("reports every problem at once: types, allowed values, ranges with spacing, occurrences, unknown inputs", async () => {
    const p = await problems("inout", {
      int: "4",
      float: ["1", "2", "3", "4", "5", "6"],
      boolean: "no",
      date: "2023-02-29",
      string_choice: "lizard",
      int_range: "105",
      inpt: "x",
    });
    expect(p).toEqual([
      expect.stringMatching(
        /^inpt: the process 'inout' has no such input \(did you mean 'int'\?\); inputs: string, int,/,
      ),
      "int: '4' is not one of the allowed values: 1, 2, 3, 5, 7, 11",
      "float: given 6 times; at most 5 allowed",
      "boolean: 'no' is not a boolean (use true, false, 1 or 0) (expected boolean)",
      "date: '2023-02-29' is not a valid date: day must be 01–28 (expected date)",
      "string_choice: 'lizard' is not one of the allowed values: rock, paper, scissor",
      "int_range: '105' is not one of the allowed values: [1, 10], [100, 200] step 10",
    ]);
    expect(await prepareInputs(processNamed("inout"), { int_range: 110 })).toHaveLength(1);
    expect(await problems("inout", { int: "seven" })).toEqual([
      "int: 'seven' is not an integer (expected integer)",
    ]);
  });

  it("requires inputs without defaults, and accepts a missing one that has a default", async () => {
    expect(await problems("non.py-id", {})).toEqual(["input-2: is required"]);
    expect(await problems("wordcounter", { text: undefined })).toEqual(["text: is required"]);
    // `input 1` is required but has a default: the server fills it in.
    expect(await prepareInputs(processNamed("non.py-id"), { "input-2": { data: "{}" } })).toHaveLength(1);
  });
});

describe("prepareInputs: complex and bounding-box values", () => {
  const dir = tempDir("inputs");
  const text = join(dir, "alice.txt");
  writeFileSync(text, "Alice <was> & ]]> tired\n");
  const json = join(dir, "in.json");
  writeFileSync(json, '{"a": [1, 2]}');
  const binary = join(dir, "data.nc");
  writeFileSync(binary, Buffer.from([0x43, 0x44, 0x46, 0x01, 0x00, 0xff, 0xfe]));
  const big = join(dir, "big.nc");
  writeFileSync(big, Buffer.alloc(1024 * 1024 + 1));

  it("embeds text files as text and binary files as base64, with the format from the extension", async () => {
    const r = await prepareInputs(processNamed("inout"), { text: { file: text }, dataset: `@${binary}` });
    expect(r[0]).toEqual({
      id: "text",
      value: { kind: "complex", data: "Alice <was> & ]]> tired\n", xml: false, mimeType: "text/plain" },
    });
    expect(r[1]).toEqual({
      id: "dataset",
      value: {
        kind: "complex",
        data: Buffer.from([0x43, 0x44, 0x46, 0x01, 0x00, 0xff, 0xfe]).toString("base64"),
        xml: false,
        mimeType: "application/x-netcdf",
        encoding: "base64",
      },
    });
    const j = await prepareInputs(processNamed("non.py-id"), { "input-2": json });
    expect(j[0]!.value).toEqual({
      kind: "complex",
      data: '{"a": [1, 2]}',
      xml: false,
      mimeType: "application/json",
    });
  });

  it("sends URLs by reference and decodes data: URLs", async () => {
    const r = await prepareInputs(processNamed("wordcounter"), {
      text: "https://example.org/books/alice.txt",
    });
    expect(r).toEqual([
      {
        id: "text",
        value: { kind: "reference", href: "https://example.org/books/alice.txt", mimeType: "text/plain" },
      },
    ]);
    expect(parseDataUrl("data:application/json;base64,eyJhIjoxfQ==")).toEqual({
      mimeType: "application/json",
      bytes: Buffer.from('{"a":1}'),
    });
    expect(parseDataUrl("data:,Hello%2C%20World")).toEqual({ bytes: Buffer.from("Hello, World") });
    expect(parseDataUrl("/tmp/x")).toBeUndefined();
  });

  it("refuses unsupported formats, missing files, oversized files and non-URLs", async () => {
    expect(await problems("wordcounter", { text: { file: text, mimeType: "application/pdf" } })).toEqual([
      "text: format application/pdf is not supported; supported: text/plain",
    ]);
    expect(await problems("wordcounter", { text: { file: join(dir, "nope.txt") } })).toEqual([
      `text: file '${join(dir, "nope.txt")}' does not exist`,
    ]);
    expect((await problems("inout", { dataset: { file: big } }))[0]).toMatch(/accepts at most 1 MB/);
    expect(await problems("wordcounter", { text: { href: "mailto:x@y" } })).toEqual([
      "text: 'mailto:x@y' is not an http(s), ftp or file URL",
    ]);
    expect(await problems("wordcounter", { text: 42 })).toEqual([
      "text: is a complex input; pass a URL, a file or data (got number)",
    ]);
  });

  it("parses bounding boxes, checks the CRS and fills in the default CRS", async () => {
    expect(await prepareInputs(processNamed("bbox"), { bbox: "101,42,110,46,EPSG:3035" })).toEqual([
      {
        id: "bbox",
        value: {
          kind: "bbox",
          crs: "EPSG:3035",
          dimensions: 2,
          lowerCorner: [101, 42],
          upperCorner: [110, 46],
        },
      },
    ]);
    expect(
      (await prepareInputs(processNamed("bbox"), { bbox: { bbox: [0, 1, 2, 3] } }))[0]!.value,
    ).toMatchObject({
      crs: "epsg:4326",
    });
    expect(await problems("bbox", { bbox: "1,2,3" })).toEqual([
      "bbox: '1,2,3' must be minx,miny,maxx,maxy[,crs] (2 or more dimensions)",
    ]);
    expect(await problems("bbox", { bbox: "0,0,1,1,epsg:32632" })).toEqual([
      "bbox: CRS 'epsg:32632' is not supported; supported: epsg:4326, epsg:3035",
    ]);
  });
});

describe("prepareOutputs", () => {
  it("checks identifiers, formats and by-reference support", () => {
    expect(
      prepareOutputs(processNamed("output_formats"), [
        { id: "json", mimeType: "application/zip", asReference: true },
      ]),
    ).toEqual([{ id: "json", mimeType: "application/zip", asReference: true }]);
    expect(() =>
      prepareOutputs(processNamed("output_formats"), [{ id: "json", mimeType: "image/png" }]),
    ).toThrow(
      /format image\/png is not supported; supported: application\/json, application\/zip, text\/plain/,
    );
    expect(() => prepareOutputs(processNamed("output_formats"), [{ id: "jsn" }])).toThrow(
      /has no such output/,
    );
    expect(() => prepareOutputs(processNamed("nap"), [{ id: "output", asReference: true }])).toThrow(
      /cannot return outputs by reference/,
    );
    expect(() => prepareOutputs(processNamed("nap"), [{ id: "output", mimeType: "text/plain" }])).toThrow(
      /not a complex output/,
    );
  });
});

describe("encodeExecuteRequest", () => {
  // The same process on the server side: what the client sends must pass Roost's own decoder and validator.
  const serverSide = defineProcess({
    identifier: "non.py-id",
    title: "Odd ids",
    inputs: {
      "input 1": Input.integer({ title: "Input 1", default: 100 }),
      "input-2": Input.complex({ title: "JSON", formats: [Formats.JSON] }),
      json: Input.string({ title: "Named like an option", minOccurs: 0 }),
      "a=b": Input.string({ title: "Equals", minOccurs: 0 }),
    },
    outputs: {
      "output.1": Output.float({ title: "Out" }),
      "output 2": Output.complex({ title: "Echo", formats: [Formats.JSON] }),
    },
    handler: () => ({}),
  });

  it("writes an XML request Roost's decoder reads back exactly, awkward identifiers and markup included", async () => {
    const prepared = await prepareInputs(processNamed("non.py-id"), {
      "input 1": 0,
      "input-2": { data: '{"x": "<a> & ]]> b"}' },
      json: "a;b@c=d",
    });
    const xml = encodeExecuteRequest(
      "non.py-id",
      prepared,
      {
        store: true,
        status: true,
        outputs: [{ id: "output 2", asReference: true, mimeType: "application/json" }, { id: "output.1" }],
      },
      "fr-CA",
    );
    const r = wps1.decodeXml(parseXml(xml));
    if (r.operation !== "Execute") throw new Error("not an Execute");
    expect(r.execute).toMatchObject({
      processId: "non.py-id",
      language: "fr-CA",
      mode: "async",
      statusUpdates: true,
      outputs: [{ id: "output 2", asReference: true, mimeType: "application/json" }, { id: "output.1" }],
    });
    expect(r.execute.inputs).toEqual([
      { id: "input 1", value: { kind: "literal", value: "0" } },
      {
        id: "input-2",
        value: { kind: "complex", data: '{"x": "<a> & ]]> b"}', mimeType: "application/json" },
      },
      { id: "json", value: { kind: "literal", value: "a;b@c=d" } },
    ]);
    const checked = validateInputs(serverSide, r.execute.inputs);
    expect(checked.get("input 1")).toEqual([{ kind: "literal", value: 0 }]);
  });

  it("writes references, base64 data and bounding boxes", async () => {
    const xml = encodeExecuteRequest(
      "p",
      [
        { id: "r", value: { kind: "reference", href: "http://h/a?x=1&y=2", mimeType: "text/plain" } },
        {
          id: "b",
          value: {
            kind: "complex",
            data: "AAE=",
            xml: false,
            mimeType: "application/x-netcdf",
            encoding: "base64",
          },
        },
        {
          id: "g",
          value: {
            kind: "complex",
            data: '<g:P xmlns:g="urn:g">1 2</g:P>',
            xml: true,
            mimeType: "application/gml+xml",
          },
        },
        {
          id: "box",
          value: { kind: "bbox", crs: "epsg:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
        },
      ],
      { store: false, status: false, outputs: [] },
    );
    const r = wps1.decodeXml(parseXml(xml));
    if (r.operation !== "Execute") throw new Error("not an Execute");
    expect(r.execute.mode).toBe("sync");
    expect(r.execute.inputs).toEqual([
      {
        id: "r",
        value: { kind: "reference", href: "http://h/a?x=1&y=2", method: "GET", mimeType: "text/plain" },
      },
      {
        id: "b",
        value: { kind: "complex", data: "AAE=", mimeType: "application/x-netcdf", encoding: "base64" },
      },
      {
        id: "g",
        value: {
          kind: "complex",
          // Embedded XML arrives as XML (the server re-serialises it with the namespaces in scope).
          data: expect.stringMatching(/^<g:P [^>]*xmlns:g="urn:g"[^>]*>1 2<\/g:P>$/),
          mimeType: "application/gml+xml",
        },
      },
      {
        id: "box",
        value: { kind: "bbox", crs: "epsg:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
      },
    ]);
  });
});
