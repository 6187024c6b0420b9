/**
 * Decoding execute requests: every accepted form of every input kind, outputs, response, subscriber and `Prefer`,
 * each followed through `validateInputs` where the value matters. (Bad requests against the real demo processes:
 * `test/ogcapi/codec-execute-errors.test.ts`.)
 */
import { describe, expect, it } from "vitest";
import {
  type JsonValue,
  ogcapi,
  parseJson,
  type RawValue,
  ValidationError,
  validateInputs,
  validateOutputRequests,
} from "../src/internal.js";
import { asyncOnly, kitchenSink, syncOnly } from "./ogcapi-fixtures.js";

const { decodeExecute, parsePrefer } = ogcapi;

/** Parse like the front end will (strict parser), then decode. */
const decode = (body: string, prefer?: string) =>
  decodeExecute(parseJson(body, { maxBytes: 1 << 20 }), kitchenSink, parsePrefer(prefer));

/** The raw values decoded for one input. */
const valuesOf = (inputs: Record<string, unknown>, id: string): RawValue[] =>
  decode(JSON.stringify({ inputs }))
    .inputs.filter((i) => i.id === id)
    .map((i) => i.value);

const one = (id: string, v: unknown): RawValue => {
  const vs = valuesOf({ [id]: v }, id);
  expect(vs).toHaveLength(1);
  return vs[0] as RawValue;
};

/** Decode, then validate: the value the handler would get. */
const validated = (inputs: Record<string, unknown>, id: string) =>
  validateInputs(kitchenSink, decode(JSON.stringify({ inputs: { some: [1, 2], ...inputs } })).inputs).get(id);

describe("request members", () => {
  it("an empty body: no inputs, all outputs, raw, sync for a process offering both modes", () => {
    expect(decode("{}")).toEqual({
      processId: kitchenSink.identifier,
      inputs: [],
      mode: "sync",
      response: "raw",
      outputs: [],
      preferenceApplied: [],
    });
  });

  it("response document/raw; ignores the id/process members some drafts send", () => {
    expect(decode('{"response":"document","id":"x","process":"https://x/processes/x"}').response).toBe(
      "document",
    );
    expect(decode('{"response":"raw"}').response).toBe("raw");
  });

  it("Prefer: respond-async runs async (echoed); return= decides the response form only when the body has none", () => {
    expect(decode("{}", "respond-async ")).toMatchObject({
      mode: "async",
      preferenceApplied: ["respond-async"],
    });
    expect(decode("{}", "return=minimal")).toMatchObject({
      response: "document",
      preferenceApplied: ["return=minimal"],
    });
    expect(decode("{}", "return=representation")).toMatchObject({
      response: "raw",
      preferenceApplied: ["return=representation"],
    });
    expect(decode('{"response":"raw"}', "respond-async, return=minimal")).toMatchObject({
      mode: "async",
      response: "raw",
      preferenceApplied: ["respond-async"],
    });
    expect(decodeExecute({}, syncOnly, parsePrefer("respond-async")).mode).toBe("sync");
    expect(decodeExecute({}, asyncOnly).mode).toBe("async");
  });

  it("subscriber URLs, with the 1.0 schema's successUrl typo read as successUri", () => {
    expect(
      decode(
        '{"subscriber":{"successUri":"https://c/ok","inProgressUri":"http://c/run","failedUri":"https://c/ko"}}',
      ).subscriber,
    ).toEqual({ successUri: "https://c/ok", inProgressUri: "http://c/run", failedUri: "https://c/ko" });
    expect(decode('{"subscriber":{"successUrl":"https://c/ok"}}').subscriber).toEqual({
      successUri: "https://c/ok",
    });
    expect(decode('{"subscriber":{}}').subscriber).toEqual({});
  });

  it("reads bodies from JSON.parse too (plain objects), including an input literally named __proto__", () => {
    const r = decodeExecute(JSON.parse('{"inputs":{"__proto__":"p","constructor":1.5}}'), kitchenSink);
    expect(r.inputs).toEqual([
      { id: "__proto__", value: { kind: "literal", value: "p" } },
      { id: "constructor", value: { kind: "literal", value: "1.5" } },
    ]);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });
});

describe("literal inputs", () => {
  it.each([
    ["input 1", 5, "5"],
    ["input 1", -0, "0"],
    ["input 1", "7", "7"],
    ["angle", 2.5, "2.5"],
    ["angle", 1e-7, "1e-7"],
    ["angle", 1.7976931348623157e308, "1.7976931348623157e+308"],
    ["flag", true, "true"],
    ["flag", false, "false"],
    ["flag", "1", "1"],
    ["choice", "<scissor>", "<scissor>"],
    ["when", "2021-03-06T07:21:00Z", "2021-03-06T07:21:00Z"],
  ])("%s: %j → '%s'", (id, v, text) => {
    expect(one(id, v)).toEqual({ kind: "literal", value: text });
  });

  it("numbers keep their exact value through validateInputs", () => {
    for (const n of [0.1, 0.30000000000000004, 123456.789e-20, 2 ** 53 - 1, -1.5e300])
      expect(validated({ angle: n }, "angle")).toEqual([{ kind: "literal", value: n }]);
    expect(validated({ "input 1": 9007199254740991 }, "input 1")).toEqual([
      { kind: "literal", value: 9007199254740991 },
    ]);
    expect(validated({ flag: false }, "flag")).toEqual([{ kind: "literal", value: false }]);
  });

  it("qualified values, with a unit of measure", () => {
    expect(one("angle", { value: 3, uom: "m" })).toEqual({ kind: "literal", value: "3", uom: "m" });
    expect(one("choice", { value: "paper", mediaType: "text/plain" })).toEqual({
      kind: "literal",
      value: "paper",
    });
  });

  it("repeats: an array for maxOccurs > 1, or a single value", () => {
    expect(valuesOf({ many: ["a", "b", "c"] }, "many")).toEqual([
      { kind: "literal", value: "a" },
      { kind: "literal", value: "b" },
      { kind: "literal", value: "c" },
    ]);
    expect(valuesOf({ many: "a" }, "many")).toEqual([{ kind: "literal", value: "a" }]);
    expect(valuesOf({ many: [] }, "many")).toEqual([]);
    expect(validated({ some: [1, { value: 2.5 }, "3"] }, "some")).toEqual([
      { kind: "literal", value: 1 },
      { kind: "literal", value: 2.5 },
      { kind: "literal", value: 3 },
    ]);
  });

  it("defaults still apply to inputs left out", () => {
    expect(validated({}, "input 1")).toEqual([{ kind: "literal", value: 100 }]);
  });
});

describe("complex inputs", () => {
  it("a plain string is the content; base64 when the default format is binary", () => {
    expect(one("file", "SUkqAA==")).toEqual({ kind: "complex", data: "SUkqAA==", encoding: "base64" });
    expect(validated({ file: "SUkqAA==" }, "file")).toEqual([
      {
        kind: "complex",
        format: { mimeType: "image/tiff; subtype=geotiff", extension: ".tiff" },
        encoding: "base64",
        source: { kind: "inline", data: "SUkqAA==" },
      },
    ]);
  });

  it("qualified values name their format, flat (1.0) or as a format object (2.0 draft, the ETS)", () => {
    expect(one("file", { value: "hello", mediaType: "text/plain" })).toEqual({
      kind: "complex",
      data: "hello",
      mimeType: "text/plain",
    });
    expect(
      one("file", { value: "iVBORw==", format: { mediaType: "image/png", encoding: "base64" } }),
    ).toEqual({
      kind: "complex",
      data: "iVBORw==",
      mimeType: "image/png",
      encoding: "base64",
    });
    expect(one("file", { value: "SUkqAA==", format: { encoding: "base64" } })).toEqual({
      kind: "complex",
      data: "SUkqAA==",
      encoding: "base64",
    });
    // `binary` means base64 in JSON, which cannot carry raw bytes.
    expect(one("file", { value: "iVBORw==", mediaType: "image/png", encoding: "binary" })).toMatchObject({
      encoding: "base64",
    });
    expect(
      one("file", {
        value: "<gml:Point/>",
        mediaType: "application/gml+xml",
        schema: "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
      }),
    ).toEqual({
      kind: "complex",
      data: "<gml:Point/>",
      mimeType: "application/gml+xml",
      schema: "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
    });
    // An inline JSON Schema cannot be matched against a format's schema URL: it is not passed on.
    expect(one("file", { value: "x", mediaType: "text/plain", schema: { type: "string" } })).toEqual({
      kind: "complex",
      data: "x",
      mimeType: "text/plain",
    });
  });

  it("JSON: any JSON value is serialised as JSON text; a string value is the content itself", () => {
    const obj = { type: "Point", coordinates: [1, 2], bbox: [1, 2, 1, 2], href: "not-a-link-here" };
    expect(one("file", { value: obj, mediaType: "application/geo+json" })).toEqual({
      kind: "complex",
      data: JSON.stringify(obj),
      mimeType: "application/geo+json",
    });
    expect(one("doc", { value: [1, "a", null] })).toEqual({ kind: "complex", data: '[1,"a",null]' });
    expect(one("doc", { value: { a: { b: [true] } } })).toEqual({
      kind: "complex",
      data: '{"a":{"b":[true]}}',
    });
    expect(one("doc", { value: '{"a":1}' })).toEqual({ kind: "complex", data: '{"a":1}' });
    // What the ETS sends to an object input.
    expect(one("doc", { value: "teststring" })).toEqual({ kind: "complex", data: "teststring" });
    // Bare JSON for a JSON input (pygeoapi-style clients), when it is not a link or a qualified value.
    expect(one("doc", { type: "Feature", properties: { name: "x" } })).toEqual({
      kind: "complex",
      data: '{"type":"Feature","properties":{"name":"x"}}',
    });
    expect(one("doc", 42)).toEqual({ kind: "complex", data: "42" });
    expect(one("doc", false)).toEqual({ kind: "complex", data: "false" });
  });

  it("null-prototype objects from the strict parser serialise like plain ones", () => {
    const r = decode('{"inputs":{"doc":{"value":{"z":1,"a":[{"k":"v"}]}}}}');
    expect(r.inputs[0]?.value).toEqual({ kind: "complex", data: '{"z":1,"a":[{"k":"v"}]}' });
  });

  it("links: {href, type} becomes a reference", () => {
    expect(
      one("file", {
        href: "https://example.org/a.tif?x=1&y=2",
        type: "image/tiff; subtype=geotiff",
        rel: "x",
      }),
    ).toEqual({
      kind: "reference",
      href: "https://example.org/a.tif?x=1&y=2",
      mimeType: "image/tiff; subtype=geotiff",
    });
    expect(one("doc", { href: "http://example.org/a.json" })).toEqual({
      kind: "reference",
      href: "http://example.org/a.json",
    });
    expect(validated({ doc: { href: "http://example.org/a.json" } }, "doc")).toEqual([
      {
        kind: "complex",
        format: { mimeType: "application/json", extension: ".json" },
        source: { kind: "reference", href: "http://example.org/a.json" },
      },
    ]);
  });

  it("several occurrences of a complex input", () => {
    expect(
      valuesOf(
        { file: ["SUkqAA==", { value: "t", mediaType: "text/plain" }, { href: "https://e/x" }] },
        "file",
      ),
    ).toEqual([
      { kind: "complex", data: "SUkqAA==", encoding: "base64" },
      { kind: "complex", data: "t", mimeType: "text/plain" },
      { kind: "reference", href: "https://e/x" },
    ]);
  });
});

describe("bounding-box inputs", () => {
  it("{bbox, crs}: first half lower corner, second half upper corner", () => {
    expect(one("box", { bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:4326" })).toEqual({
      kind: "bbox",
      crs: "EPSG:4326",
      dimensions: 3,
      lowerCorner: [1, 2, 3],
      upperCorner: [4, 5, 6],
    });
    expect(one("box", { value: { bbox: [1, 2, 3, 4, 5, 6] } })).toEqual({
      kind: "bbox",
      dimensions: 3,
      lowerCorner: [1, 2, 3],
      upperCorner: [4, 5, 6],
    });
  });

  it("goes through validateInputs with CRS checking", () => {
    expect(
      validated({ box: { bbox: [1, 2, 3, 4, 5, 6], crs: "urn:ogc:def:crs:EPSG::3035" } }, "box"),
    ).toEqual([
      {
        kind: "bbox",
        value: {
          crs: "urn:ogc:def:crs:EPSG::3035",
          dimensions: 3,
          lowerCorner: [1, 2, 3],
          upperCorner: [4, 5, 6],
        },
      },
    ]);
    expect(() => validated({ box: { bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:31467" } }, "box")).toThrow(
      /not supported/,
    );
  });
});

describe("outputs", () => {
  it("format and transmission mode become output requests, in request order", () => {
    const r = decode(
      JSON.stringify({
        outputs: {
          text: { transmissionMode: "value" },
          json: {
            format: { mediaType: "application/zip", encoding: "base64" },
            transmissionMode: "reference",
          },
          count: {},
          "output.1": null,
          box: { format: { schema: { type: "object" } } },
        },
      }),
    );
    expect(r.outputs).toEqual([
      { id: "text", asReference: false },
      { id: "json", asReference: true, mimeType: "application/zip", encoding: "base64" },
      { id: "count" },
      { id: "output.1" },
      { id: "box" },
    ]);
    expect(validateOutputRequests(kitchenSink, r.outputs)).toHaveLength(5);
  });

  it("an output id __proto__ from JSON.parse is an ordinary output", () => {
    expect(decodeExecute(JSON.parse('{"outputs":{"__proto__":{}}}'), kitchenSink).outputs).toEqual([
      { id: "__proto__" },
    ]);
  });
});

describe("errors are reported together", () => {
  it("every problem of the request in one ValidationError, the first deciding the code", () => {
    let err: unknown;
    try {
      decode(
        '{"inputs":{"input 1":{},"nope":1,"flag":"x"},"outputs":{"nada":{}},"response":"full","extra":1}',
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const list = (err as ValidationError).errors.map((e) => [e.code, e.locator]);
    expect(list).toEqual([
      ["MalformedRequest", "extra"],
      ["InvalidParameter", "input 1"],
      ["NoSuchInput", "nope"],
      ["NoSuchOutput", "nada"],
      ["InvalidParameter", "response"],
    ]);
  });

  it("a body that is not an object", () => {
    for (const body of [[], "x", 1, null, true] as JsonValue[]) {
      expect(() => decodeExecute(body, kitchenSink)).toThrow(/must be a JSON object/);
    }
  });
});
