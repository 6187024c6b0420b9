/**
 * `echo`: the test process of the OGC conformance suites. Its description must meet the contract of
 * ets-ogcapi-processes10 (`/req/core/test-process`) and ets-wps20 (see the process's doc comment), and it must
 * return every input it is given, unchanged, under the same identifier.
 */
import { crsKey, validateInputs, wps1 } from "@roost/core";
import { afterEach, describe, expect, it } from "vitest";
import { expectValid } from "../../../../test/helpers/xsd.js";
import echo from "../../src/demo/echo.js";
import { CONFORMANCE_PROCESSES, DEMO_PROCESSES } from "../../src/demo/index.js";
import {
  complexInputFromData,
  createProcessContext,
  type TestProcessContext,
} from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe("echo: the conformance suites' contract", () => {
  it("is offered as a conformance process and, after Emu's processes, in the demo set", () => {
    expect(CONFORMANCE_PROCESSES).toContain(echo);
    expect(DEMO_PROCESSES.at(-1)).toBe(echo);
  });

  it("names its first output like its first input, a plain string input without allowed values", () => {
    const first = echo.inputs[0];
    expect(first?.kind === "literal" && first.dataType).toBe("string");
    expect(first?.kind === "literal" && first.allowedValues.kind).toBe("any");
    expect(echo.outputs[0]?.identifier).toBe(first?.identifier);
  });

  it("echoes every input under the same identifier", () => {
    expect(echo.outputs.map((o) => o.identifier)).toEqual(echo.inputs.map((i) => i.identifier));
  });

  it("has an integer input named exactly 'pause', 0 to 60 seconds, 0 by default", () => {
    const pause = echo.inputMap.get("pause");
    expect(pause).toMatchObject({
      kind: "literal",
      dataType: "integer",
      default: 0,
      minOccurs: 1,
      maxOccurs: 1,
    });
    expect(pause?.kind === "literal" && pause.allowedValues).toEqual({
      kind: "values",
      values: [],
      ranges: [{ minimum: 0, maximum: 60 }],
    });
  });

  it("needs no input the suites do not send: all but the string and pause (which have defaults) are optional", () => {
    for (const i of echo.inputs) {
      if (i.identifier === "stringInput" || i.identifier === "pause")
        expect(i.kind === "literal" && i.default !== undefined).toBe(true);
      else expect(i.minOccurs, i.identifier).toBe(0);
    }
    // What ets-wps20 sends for its complex echo: one XML input, nothing else.
    expect(() => validateInputs(echo, [])).not.toThrow();
  });

  it("covers the input kinds the OGC suite exercises: double, boolean, dateTime, bbox, JSON, binary, repeatable", () => {
    const kinds = echo.inputs.map((i) => (i.kind === "literal" ? i.dataType : i.kind));
    expect(kinds).toEqual(expect.arrayContaining(["double", "boolean", "dateTime", "bbox", "complex"]));
    expect(echo.inputMap.get("complexObjectInput")).toMatchObject({
      formats: [{ mimeType: "application/json" }],
    });
    expect(echo.inputMap.get("imageInput")).toMatchObject({ formats: [{ mimeType: "image/png" }, {}] });
    expect(echo.inputMap.get("arrayInput")?.maxOccurs).toBeGreaterThan(1);
  });

  it("accepts the bounding-box CRSs the suites send: urn:ogc:def:crs:EPSG:6.6:4326, EPSG:4326 and CRS84", () => {
    const bbox = echo.inputMap.get("boundingBoxInput");
    expect(bbox?.kind).toBe("bbox");
    for (const crs of [
      "urn:ogc:def:crs:EPSG:6.6:4326",
      "EPSG:4326",
      "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    ]) {
      const v = validateInputs(echo, [
        {
          id: "boundingBoxInput",
          value: { kind: "bbox", crs, lowerCorner: [51.9, 7], upperCorner: [52, 7.1] },
        },
      ]);
      expect(v.get("boundingBoxInput")?.[0]).toMatchObject({ kind: "bbox", value: { crs } });
    }
    expect(bbox?.kind === "bbox" && crsKey(bbox.crs[0] as string)).toBe("crs84");
  });

  it("reads an XML complex value without a mimeType as XML (ets-wps20 sends <testElement> bare)", () => {
    const v = validateInputs(echo, [
      { id: "complexInput", value: { kind: "complex", data: "<testElement>hello_complex</testElement>" } },
    ]);
    expect(v.get("complexInput")?.[0]).toMatchObject({
      kind: "complex",
      format: { mimeType: "application/xml" },
    });
  });

  it("runs synchronously and asynchronously", () => {
    expect(echo.jobControl).toMatchObject({ sync: true, async: true });
  });

  it("has a WPS 1.0.0 description valid against the XSD, with LiteralData, ComplexData and BoundingBoxData", async () => {
    const xml = wps1.encodeProcessDescriptions([echo], "en-US");
    await expectValid(xml, "wps1");
    for (const el of ["<LiteralData>", "<ComplexData", "<BoundingBoxData>"]) expect(xml).toContain(el);
  });
});

describe("echo: the handler", () => {
  it("returns every input it is given, unchanged", async () => {
    ctx = createProcessContext();
    const json = '{"a": [1, 2], "b": "é"}';
    const box = {
      crs: "urn:ogc:def:crs:EPSG:6.6:4326",
      dimensions: 2,
      lowerCorner: [1, 2],
      upperCorner: [3, 4],
    };
    const out = await echo.handler(
      {
        stringInput: "teststring",
        pause: 0,
        doubleInput: 3.25,
        booleanInput: false,
        dateTimeInput: "2021-03-06T07:21:00Z",
        boundingBoxInput: box,
        complexObjectInput: complexInputFromData(ctx.inputDir, json, { mimeType: "application/json" }),
        complexInput: complexInputFromData(ctx.inputDir, "<testElement>hello_complex</testElement>", {
          mimeType: "text/xml",
        }),
        imageInput: complexInputFromData(ctx.inputDir, PNG, { mimeType: "image/png" }),
        arrayInput: [1, 2, 3],
      },
      ctx,
    );
    expect(out).toEqual({
      stringInput: "teststring",
      pause: 0,
      doubleInput: 3.25,
      booleanInput: false,
      dateTimeInput: "2021-03-06T07:21:00Z",
      boundingBoxInput: box,
      complexObjectInput: { text: json, mimeType: "application/json" },
      complexInput: { text: "<testElement>hello_complex</testElement>", mimeType: "text/xml" },
      imageInput: { bytes: PNG, mimeType: "image/png" },
      arrayInput: { json: [1, 2, 3] },
    });
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0, 100]);
  });

  it("reports only what it was given; a box without CRS is in the default CRS, CRS84", async () => {
    ctx = createProcessContext();
    const out = await echo.handler(
      {
        stringInput: "hello",
        pause: 0,
        doubleInput: undefined,
        booleanInput: undefined,
        dateTimeInput: undefined,
        boundingBoxInput: { dimensions: 2, lowerCorner: [0, 0], upperCorner: [1, 1] },
        complexObjectInput: undefined,
        complexInput: undefined,
        imageInput: undefined,
        arrayInput: [],
      },
      ctx,
    );
    expect(out).toEqual({
      stringInput: "hello",
      pause: 0,
      boundingBoxInput: {
        crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        dimensions: 2,
        lowerCorner: [0, 0],
        upperCorner: [1, 1],
      },
    });
  });

  const none = {
    doubleInput: undefined,
    booleanInput: undefined,
    dateTimeInput: undefined,
    boundingBoxInput: undefined,
    complexObjectInput: undefined,
    complexInput: undefined,
    imageInput: undefined,
    arrayInput: [],
  };

  it("waits 'pause' seconds before answering", async () => {
    ctx = createProcessContext();
    const started = performance.now();
    const out = await echo.handler({ stringInput: "x", pause: 1, ...none }, ctx);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(out).toMatchObject({ stringInput: "x", pause: 1 });
    expect(ctx.progressCalls[0]?.message).toBe("Pausing 1 s");
  });

  it("stops waiting at once when the job is dismissed", async () => {
    ctx = createProcessContext();
    const started = performance.now();
    const run = echo.handler({ stringInput: "x", pause: 60, ...none }, ctx);
    ctx.abort("dismissed");
    await expect(run).rejects.toBe("dismissed");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
