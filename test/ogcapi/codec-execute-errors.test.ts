/**
 * Bad execute requests against the real demo processes, through the whole decoding path a front end runs: strict
 * JSON parsing, `decodeExecute`, then `validateInputs`/`validateOutputRequests`. Each case expects the catalogue code,
 * the locator (the input, output or member concerned) and the words of the message; every error must become a valid
 * RFC 7807 problem document naming it. Nothing may throw anything but a RoostError, and no message may echo more than
 * a short, de-controlled preview of what the client sent.
 */
import {
  type ErrorCode,
  errorList,
  isRoostError,
  ogcapi,
  parseJson,
  type RoostError,
  validateInputs,
  validateOutputRequests,
} from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { processById } from "./helpers.js";

/** The errors the full path reports for `body` (a JSON text, or a value for bodies JSON.parse would produce). */
function errorsFor(processId: string, body: string | object): RoostError[] {
  const p = processById(processId);
  try {
    const parsed = typeof body === "string" ? parseJson(body, { maxBytes: 1 << 20 }) : body;
    const r = ogcapi.decodeExecute(parsed, p);
    validateInputs(p, r.inputs);
    validateOutputRequests(p, r.outputs);
  } catch (e) {
    if (!isRoostError(e)) throw e;
    return [...errorList(e)];
  }
  throw new Error(`request accepted: ${typeof body === "string" ? body : JSON.stringify(body)}`);
}

type Case = readonly [
  label: string,
  process: string,
  body: string | object,
  code: ErrorCode,
  locator: string | undefined,
  text: RegExp,
];

const inputs = (v: object) => JSON.stringify({ inputs: v });

function check([, processId, body, code, locator, text]: Case): void {
  const errors = errorsFor(processId, body);
  const e = errors[0] as RoostError;
  expect({ code: e.code, locator: e.locator }).toEqual({ code, locator });
  expect(e.message).toMatch(text);
  const problem = ogcapi.encodeProblem(e, 400);
  expectValidOgc("exception", problem);
  expect(problem.locator).toBe(locator);
}

describe("request structure", () => {
  it.each<Case>([
    ["an array body", "hello", "[]", "MalformedRequest", undefined, /must be a JSON object, got an array/],
    ["a string body", "hello", '"name"', "MalformedRequest", undefined, /got a string/],
    ["null body", "hello", "null", "MalformedRequest", undefined, /got null/],
    [
      "inputs as an array (old drafts)",
      "hello",
      '{"inputs":[{"id":"name","value":"x"}]}',
      "MalformedRequest",
      "inputs",
      /"inputs" must be an object keyed by input identifier, got an array/,
    ],
    ["inputs as a string", "hello", '{"inputs":"name=x"}', "MalformedRequest", "inputs", /got a string/],
    [
      "outputs as an array",
      "hello",
      '{"inputs":{"name":"x"},"outputs":["output"]}',
      "MalformedRequest",
      "outputs",
      /"outputs" must be an object/,
    ],
    [
      "a misspelt member",
      "hello",
      '{"input":{"name":"x"}}',
      "MalformedRequest",
      "input",
      /Unknown member "input"/,
    ],
    [
      "response not raw/document",
      "hello",
      '{"inputs":{"name":"x"},"response":"json"}',
      "InvalidParameter",
      "response",
      /"raw" or "document", got "json"/,
    ],
    [
      "response not a string",
      "hello",
      '{"inputs":{"name":"x"},"response":1}',
      "InvalidParameter",
      "response",
      /got a number/,
    ],
  ])("%s", (...c) => check(c));
});

describe("unknown identifiers", () => {
  it.each<Case>([
    [
      "an unknown input",
      "hello",
      inputs({ name: "x", nme: "y" }),
      "NoSuchInput",
      "nme",
      /Process 'hello' has no input 'nme'/,
    ],
    [
      "an input of another process",
      "sleep",
      inputs({ name: "x" }),
      "NoSuchInput",
      "name",
      /has no input 'name'/,
    ],
    [
      "an input id differing in case",
      "hello",
      inputs({ Name: "x" }),
      "NoSuchInput",
      "Name",
      /no input 'Name'/,
    ],
    [
      "an unknown output",
      "hello",
      '{"inputs":{"name":"x"},"outputs":{"greeting":{}}}',
      "NoSuchOutput",
      "greeting",
      /has no output 'greeting'/,
    ],
    [
      "__proto__ as an input (JSON.parse body)",
      "hello",
      JSON.parse('{"inputs":{"name":"x","__proto__":{"polluted":1}}}'),
      "NoSuchInput",
      "__proto__",
      /no input '__proto__'/,
    ],
    [
      "constructor as an output (JSON.parse body)",
      "hello",
      JSON.parse('{"inputs":{"name":"x"},"outputs":{"constructor":{}}}'),
      "NoSuchOutput",
      "constructor",
      /no output 'constructor'/,
    ],
    [
      "an id with control characters, previewed",
      "hello",
      inputs({ name: "x", "a\u0000b\u001bc": 1 }),
      "NoSuchInput",
      "a\u0000b\u001bc",
      /no input 'a\?b\?c'/,
    ],
  ])("%s", (...c) => check(c));

  it("previews a huge identifier instead of echoing it", () => {
    const id = "x".repeat(5000);
    const [e] = errorsFor("hello", inputs({ name: "n", [id]: 1 }));
    expect(e?.message.length).toBeLessThan(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("literal inputs of the wrong JSON type name the input", () => {
  it.each<Case>([
    [
      "an object for a float",
      "sleep",
      inputs({ delay: {} }),
      "InvalidParameter",
      "delay",
      /^Input 'delay' must be a number, got an object$/,
    ],
    [
      "a boolean for a float",
      "sleep",
      inputs({ delay: true }),
      "InvalidParameter",
      "delay",
      /must be a number, got a boolean/,
    ],
    [
      "null for a float",
      "sleep",
      inputs({ delay: null }),
      "InvalidParameter",
      "delay",
      /must be a number, got null/,
    ],
    [
      "an array for a single-valued input",
      "sleep",
      inputs({ delay: [1, 2] }),
      "InvalidParameter",
      "delay",
      /takes a single value \(maxOccurs 1\), got an array/,
    ],
    [
      "a one-element array for a single-valued input",
      "hello",
      inputs({ name: ["x"] }),
      "InvalidParameter",
      "name",
      /takes a single value/,
    ],
    [
      "a number for a string",
      "hello",
      inputs({ name: 42 }),
      "InvalidParameter",
      "name",
      /must be a string, got a number/,
    ],
    [
      "a number for a boolean",
      "show_error",
      inputs({ nice: 1 }),
      "InvalidParameter",
      "nice",
      /must be a boolean, got a number/,
    ],
    [
      "a number for an integer named with a space",
      "non.py-id",
      inputs({ "input 1": "ten", "input-2": { value: {} } }),
      "InvalidParameter",
      "input 1",
      /'input 1' is not an integer/,
    ],
    [
      "a boolean for an integer",
      "dummyprocess",
      inputs({ input1: false }),
      "InvalidParameter",
      "input1",
      /must be an integer, got a boolean/,
    ],
    [
      "a number for a dateTime",
      "inout",
      inputs({ datetime: 20160902 }),
      "InvalidParameter",
      "datetime",
      /must be a string, got a number/,
    ],
    [
      "an object qualified value",
      "sleep",
      inputs({ delay: { value: { seconds: 1 } } }),
      "InvalidParameter",
      "delay",
      /member "value" must be a number, got an object/,
    ],
    [
      "a non-string uom",
      "sleep",
      inputs({ delay: { value: 1, uom: 5 } }),
      "InvalidParameter",
      "delay",
      /member "uom" must be a string, got a number/,
    ],
    [
      "a bounding box for a literal",
      "hello",
      inputs({ name: { bbox: [1, 2, 3, 4] } }),
      "InvalidParameter",
      "name",
      /must be a string, got an object/,
    ],
    [
      "a link for a literal",
      "hello",
      inputs({ name: { href: "https://example.org/name.txt" } }),
      "InvalidParameter",
      "name",
      /literal input and cannot be passed by reference/,
    ],
    [
      "nested arrays for a repeatable input",
      "inout",
      inputs({ float: [[1, 2]] }),
      "InvalidParameter",
      "float",
      /occurrence 1 is an array/,
    ],
    [
      "a wrong type inside a repeated input",
      "inout",
      inputs({ float: [1, "x", {}] }),
      "InvalidParameter",
      "float",
      /must be a number, got an object/,
    ],
  ])("%s", (...c) => check(c));
});

describe("literal values checked by validateInputs after decoding", () => {
  it.each<Case>([
    [
      "a non-numeric string for a float",
      "sleep",
      inputs({ delay: "soon" }),
      "InvalidParameter",
      "delay",
      /is not a number/,
    ],
    [
      "a fraction for an integer",
      "dummyprocess",
      inputs({ input1: 1.5 }),
      "InvalidParameter",
      "input1",
      /is not an integer/,
    ],
    [
      "a value outside the allowed list",
      "inout",
      inputs({ int: 4 }),
      "InvalidParameter",
      "int",
      /not one of the allowed values: 1, 2, 3, 5, 7, 11/,
    ],
    [
      "a value between the ranges",
      "inout",
      inputs({ int_range: 55 }),
      "InvalidParameter",
      "int_range",
      /not one of the allowed values/,
    ],
    [
      "a value off the spacing grid",
      "inout",
      inputs({ int_range: 105 }),
      "InvalidParameter",
      "int_range",
      /allowed values/,
    ],
    [
      "a choice not offered",
      "inout",
      inputs({ string_choice: "lizard" }),
      "InvalidParameter",
      "string_choice",
      /rock, paper, scissor/,
    ],
    ["above a range", "multiple_outputs", inputs({ count: 11 }), "InvalidParameter", "count", /\[1, 10\]/],
    ["echo's pause above 60 s", "echo", inputs({ pause: 61 }), "InvalidParameter", "pause", /\[0, 60\]/],
    ["echo's pause negative", "echo", inputs({ pause: -1 }), "InvalidParameter", "pause", /allowed values/],
    [
      "a boolean as a word",
      "show_error",
      inputs({ nice: "yes" }),
      "InvalidParameter",
      "nice",
      /not a boolean/,
    ],
    [
      "an impossible date",
      "inout",
      inputs({ date: "2023-02-29" }),
      "InvalidParameter",
      "date",
      /day must be 01–28/,
    ],
    [
      "a date-time without seconds (a space separator alone is accepted: issue 12)",
      "inout",
      inputs({ datetime: "2016-09-02 12:00" }),
      "InvalidParameter",
      "datetime",
      /is not a date-time/,
    ],
    [
      "control characters in a string",
      "hello",
      inputs({ name: "a\u0007b" }),
      "InvalidParameter",
      "name",
      /control characters/,
    ],
    ["a required input left out", "hello", "{}", "MissingParameter", "name", /Input 'name' is required/],
    [
      "a required input as an empty array",
      "wordcounter",
      inputs({ text: [] }),
      "InvalidParameter",
      "text",
      /takes a single value/,
    ],
    [
      "too many occurrences",
      "inout",
      inputs({ float: [1, 2, 3, 4, 5, 6] }),
      "TooManyInputs",
      "float",
      /occurs 6 times; at most 5/,
    ],
    [
      "too many values of a repeatable echo input",
      "echo",
      inputs({ arrayInput: Array.from({ length: 11 }, (_, i) => i) }),
      "TooManyInputs",
      "arrayInput",
      /at most 10/,
    ],
  ])("%s", (...c) => check(c));
});

describe("bounding boxes", () => {
  it.each<Case>([
    [
      "three numbers",
      "bbox",
      inputs({ bbox: { bbox: [1, 2, 3] } }),
      "InvalidParameter",
      "bbox",
      /"bbox" must be an array of 4 numbers \(2 dimensions\), got 3 items/,
    ],
    [
      "six numbers for a 2-D input",
      "bbox",
      inputs({ bbox: { bbox: [1, 2, 3, 4, 5, 6] } }),
      "InvalidParameter",
      "bbox",
      /4 numbers \(2 dimensions\), got 6 items/,
    ],
    [
      "a string of coordinates",
      "bbox",
      inputs({ bbox: { bbox: "1,2,3,4" } }),
      "InvalidParameter",
      "bbox",
      /must be an array of 4 numbers .*got a string/,
    ],
    [
      "a coordinate that is a string",
      "bbox",
      inputs({ bbox: { bbox: [1, 2, "3", 4] } }),
      "InvalidParameter",
      "bbox",
      /4 numbers/,
    ],
    [
      "a CRS that is not a string",
      "bbox",
      inputs({ bbox: { bbox: [1, 2, 3, 4], crs: 4326 } }),
      "InvalidParameter",
      "bbox",
      /member "crs" must be a string, got a number/,
    ],
    [
      "an unsupported CRS",
      "bbox",
      inputs({ bbox: { bbox: [1, 2, 3, 4], crs: "EPSG:31467" } }),
      "InvalidParameter",
      "bbox",
      /CRS 'EPSG:31467' is not supported; supported: epsg:4326, epsg:3035/,
    ],
    [
      "a bare array",
      "bbox",
      inputs({ bbox: [1, 2, 3, 4] }),
      "InvalidParameter",
      "bbox",
      /takes a single value/,
    ],
    [
      "a KVP string",
      "bbox",
      inputs({ bbox: "1,2,3,4,EPSG:4326" }),
      "InvalidParameter",
      "bbox",
      /must be a bounding box \{"bbox": \[minx, miny, maxx, maxy\], "crs": "…"\}, got a string/,
    ],
    [
      "an object without bbox",
      "bbox",
      inputs({ bbox: { lowerCorner: [1, 2], upperCorner: [3, 4] } }),
      "InvalidParameter",
      "bbox",
      /must be a bounding box/,
    ],
    [
      "a link",
      "bbox",
      inputs({ bbox: { href: "https://example.org/box.json" } }),
      "InvalidParameter",
      "bbox",
      /cannot be passed by reference/,
    ],
    [
      "a qualified value that is not a box",
      "bbox",
      inputs({ bbox: { value: [1, 2, 3, 4] } }),
      "InvalidParameter",
      "bbox",
      /member "value" must be a bounding box/,
    ],
    [
      "echo's box in a CRS it does not list",
      "echo",
      inputs({ boundingBoxInput: { bbox: [1, 2, 3, 4], crs: "EPSG:3857" } }),
      "InvalidParameter",
      "boundingBoxInput",
      /not supported/,
    ],
  ])("%s", (...c) => check(c));
});

describe("complex inputs and links", () => {
  it.each<Case>([
    [
      "an href that is not a string",
      "wordcounter",
      inputs({ text: { href: 42 } }),
      "InvalidParameter",
      "text",
      /link member "href" must be a string, got a number/,
    ],
    [
      "a relative href",
      "wordcounter",
      inputs({ text: { href: "/data/alice.txt" } }),
      "InvalidParameter",
      "text",
      /href '\/data\/alice.txt' is not an absolute URL/,
    ],
    [
      "an href with spaces",
      "wordcounter",
      inputs({ text: { href: "not a url" } }),
      "InvalidParameter",
      "text",
      /not an absolute URL/,
    ],
    [
      "an empty href",
      "wordcounter",
      inputs({ text: { href: "" } }),
      "InvalidParameter",
      "text",
      /not an absolute URL/,
    ],
    [
      "an ftp href",
      "wordcounter",
      inputs({ text: { href: "ftp://example.org/a.txt" } }),
      "InvalidParameter",
      "text",
      /must be an http, https \(or file\) URL/,
    ],
    [
      "a javascript: href",
      "wordcounter",
      inputs({ text: { href: "javascript:alert(1)" } }),
      "InvalidParameter",
      "text",
      /must be an http, https/,
    ],
    [
      "a data: href",
      "wordcounter",
      inputs({ text: { href: "data:text/plain,hello" } }),
      "InvalidParameter",
      "text",
      /must be an http, https/,
    ],
    [
      "credentials in the href",
      "wordcounter",
      inputs({ text: { href: "https://user:secret@example.org/a.txt" } }),
      "InvalidParameter",
      "text",
      /must not contain credentials/,
    ],
    [
      "a link type that is not a string",
      "wordcounter",
      inputs({ text: { href: "https://example.org/a.txt", type: ["text/plain"] } }),
      "InvalidParameter",
      "text",
      /member "type" must be a string, got an array/,
    ],
    [
      "a link to an unsupported format",
      "wordcounter",
      inputs({ text: { href: "https://example.org/a.pdf", type: "application/pdf" } }),
      "NoSuchFormat",
      "text",
      /application\/pdf is not supported; supported: text\/plain/,
    ],
    [
      "an object value for a text input",
      "wordcounter",
      inputs({ text: { value: { words: 3 } } }),
      "InvalidParameter",
      "text",
      /member "value" must be a string for media type text\/plain, got an object/,
    ],
    [
      "a number for a text input",
      "wordcounter",
      inputs({ text: 42 }),
      "InvalidParameter",
      "text",
      /must be a string, a qualified value \{"value": …\} or a link \{"href": …\}, got a number/,
    ],
    [
      "a bare object for a text input",
      "wordcounter",
      inputs({ text: { words: "a b" } }),
      "InvalidParameter",
      "text",
      /got an object/,
    ],
    [
      "a mediaType that is not a string",
      "wordcounter",
      inputs({ text: { value: "a", mediaType: 7 } }),
      "InvalidParameter",
      "text",
      /member "mediaType" must be a string/,
    ],
    [
      "a format that is not an object",
      "wordcounter",
      inputs({ text: { value: "a", format: "text/plain" } }),
      "InvalidParameter",
      "text",
      /member "format" must be an object, got a string/,
    ],
    [
      "an encoding that is not a string",
      "wordcounter",
      inputs({ text: { value: "a", format: { encoding: true } } }),
      "InvalidParameter",
      "text",
      /member "encoding" must be a string/,
    ],
    [
      "a schema that is a number",
      "wordcounter",
      inputs({ text: { value: "a", schema: 1 } }),
      "InvalidParameter",
      "text",
      /member "schema" must be a URL or an object/,
    ],
    [
      "an unsupported media type",
      "wordcounter",
      inputs({ text: { value: "%PDF", mediaType: "application/pdf" } }),
      "NoSuchFormat",
      "text",
      /not supported/,
    ],
    [
      "invalid base64",
      "echo",
      inputs({ imageInput: { value: "not base64!!", mediaType: "image/png", encoding: "base64" } }),
      "InvalidParameter",
      "imageInput",
      /declared base64 but is not valid base64/,
    ],
    [
      "a plain non-base64 string for a binary input",
      "echo",
      inputs({ imageInput: "<svg/>" }),
      "InvalidParameter",
      "imageInput",
      /not valid base64/,
    ],
    [
      "a JSON array for a single JSON input",
      "non.py-id",
      inputs({ "input-2": [1, 2] }),
      "InvalidParameter",
      "input-2",
      /takes a single value \(maxOccurs 1\), got an array \(wrap a JSON array as \{"value": \[…\]\}\)/,
    ],
    [
      "null for a JSON input",
      "non.py-id",
      inputs({ "input-2": null }),
      "InvalidParameter",
      "input-2",
      /got null \(leave the input out to omit it\)/,
    ],
    [
      "control characters in inline text",
      "wordcounter",
      inputs({ text: "a\u0000b" }),
      "InvalidParameter",
      "text",
      /control characters/,
    ],
  ])("%s", (...c) => check(c));
});

describe("outputs and subscriber", () => {
  it.each<Case>([
    [
      "an output as a string",
      "hello",
      '{"inputs":{"name":"x"},"outputs":{"output":"value"}}',
      "InvalidParameter",
      "output",
      /must be an object \{"format": …, "transmissionMode": …\}, got a string/,
    ],
    [
      "transmissionMode ref",
      "wordcounter",
      '{"inputs":{"text":"a"},"outputs":{"output":{"transmissionMode":"ref"}}}',
      "InvalidParameter",
      "output",
      /transmissionMode must be "value" or "reference", got "ref"/,
    ],
    [
      "transmissionMode as a boolean",
      "wordcounter",
      '{"inputs":{"text":"a"},"outputs":{"output":{"transmissionMode":true}}}',
      "InvalidParameter",
      "output",
      /got a boolean/,
    ],
    [
      "a format as a string",
      "wordcounter",
      '{"inputs":{"text":"a"},"outputs":{"output":{"format":"application/json"}}}',
      "InvalidParameter",
      "output",
      /format must be an object, got a string/,
    ],
    [
      "a mediaType as a number",
      "wordcounter",
      '{"inputs":{"text":"a"},"outputs":{"output":{"format":{"mediaType":1}}}}',
      "InvalidParameter",
      "output",
      /format.mediaType must be a string, got a number/,
    ],
    [
      "an output format the process lacks",
      "wordcounter",
      '{"inputs":{"text":"a"},"outputs":{"output":{"format":{"mediaType":"application/xml"}}}}',
      "NoSuchFormat",
      "output",
      /application\/xml is not supported; supported: application\/json/,
    ],
    [
      "subscriber not an object",
      "hello",
      '{"inputs":{"name":"x"},"subscriber":"https://c/x"}',
      "InvalidParameter",
      "subscriber",
      /"subscriber" must be an object, got a string/,
    ],
    [
      "a relative callback",
      "hello",
      '{"inputs":{"name":"x"},"subscriber":{"successUri":"/cb"}}',
      "InvalidParameter",
      "subscriber.successUri",
      /absolute http\(s\) URL, got '\/cb'/,
    ],
    [
      "an ftp callback",
      "hello",
      '{"inputs":{"name":"x"},"subscriber":{"failedUri":"ftp://c/x"}}',
      "InvalidParameter",
      "subscriber.failedUri",
      /absolute http\(s\) URL/,
    ],
    [
      "a callback that is a number",
      "hello",
      '{"inputs":{"name":"x"},"subscriber":{"inProgressUri":5}}',
      "InvalidParameter",
      "subscriber.inProgressUri",
      /got a number/,
    ],
  ])("%s", (...c) => check(c));
});

describe("several problems", () => {
  it("are all reported, decoding problems first, in request order; the problem document lists them", () => {
    const errors = errorsFor(
      "inout",
      '{"inputs":{"int":{},"nope":1,"float":[1,"x"],"bool":true},"outputs":{"nada":{}},"response":"all"}',
    );
    expect(errors.map((e) => [e.code, e.locator])).toEqual([
      ["InvalidParameter", "int"],
      ["NoSuchInput", "nope"],
      ["NoSuchInput", "bool"],
      ["NoSuchOutput", "nada"],
      ["InvalidParameter", "response"],
    ]);
  });

  it("JSON syntax errors come from the parser (a RoostError too) with a pointer into the body", () => {
    const errors = errorsFor("hello", '{"inputs":{"name":"x","name":"y"}}');
    expect(errors[0]).toMatchObject({ code: "MalformedRequest", locator: "/inputs/name" });
    expect(errors[0]?.message).toMatch(/duplicate member name "name"/);
    expect(errorsFor("hello", '{"inputs":{"name":"x"')[0]?.message).toMatch(/end of input/);
    expectValidOgc("exception", ogcapi.encodeProblem(errors[0] as RoostError, 400));
  });
});
