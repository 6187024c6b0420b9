import { describe, expect, it } from "vitest";
import {
  defineProcess,
  Formats,
  Input,
  Output,
  type RawInput,
  type RoostError,
  ValidationError,
  validateInputs,
  validateOutputRequests,
} from "../src/internal.js";

const p = defineProcess({
  identifier: "v",
  title: "V",
  inputs: {
    name: Input.string({ title: "Name" }),
    n: Input.integer({ title: "N", default: 7, allowed: [1, 2, 3, 5, 7, 11] }),
    f: Input.float({ title: "F", minOccurs: 0, maxOccurs: 5 }),
    b: Input.boolean({ title: "B", minOccurs: 0 }),
    text: Input.complex({ title: "Text", minOccurs: 0, formats: [Formats.TEXT, Formats.JSON] }),
    box: Input.bbox({ title: "Box", minOccurs: 0, crs: ["EPSG:4326", "EPSG:3035"] }),
  },
  outputs: {
    out: Output.string({ title: "Out" }),
    file: Output.complex({ title: "File", formats: [Formats.JSON, Formats.ZIP] }),
  },
  handler: () => ({}),
});

const text = (id: string, value: string, attrs: Record<string, string> = {}): RawInput => ({
  id,
  value: { kind: "text", value, attributes: new Map(Object.entries(attrs)) },
});

function errorsOf(f: () => unknown): RoostError[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return [...(e as ValidationError).errors];
  }
  throw new Error("expected a ValidationError");
}

describe("validateInputs", () => {
  it("types values, fills defaults, keeps repeated occurrences and falsy values", () => {
    const v = validateInputs(p, [
      text("name", "Birdy"),
      text("f", "0"),
      text("f", "2.5"),
      text("b", "false"),
    ]);
    expect(v.get("name")).toEqual([{ kind: "literal", value: "Birdy" }]);
    expect(v.get("n")).toEqual([{ kind: "literal", value: 7 }]);
    expect(v.get("f")).toEqual([
      { kind: "literal", value: 0 },
      { kind: "literal", value: 2.5 },
    ]);
    expect(v.get("b")).toEqual([{ kind: "literal", value: false }]);
    expect(v.has("text")).toBe(false);
  });

  it("reports every problem with its locator and the right code", () => {
    const errs = errorsOf(() =>
      validateInputs(p, [text("n", "4"), text("f", "x"), text("__proto__", "1"), text("b", "no")]),
    );
    const byLocator = Object.fromEntries(errs.map((e) => [e.locator, e.code]));
    expect(byLocator).toMatchObject({
      name: "MissingParameter",
      n: "InvalidParameter",
      f: "InvalidParameter",
      __proto__: "NoSuchInput",
      b: "InvalidParameter",
    });
    expect(errs.find((e) => e.locator === "n")?.message).toMatch(/allowed values/);
  });

  it("refuses too many occurrences instead of truncating", () => {
    const errs = errorsOf(() =>
      validateInputs(p, [text("name", "x"), ...Array.from({ length: 6 }, () => text("f", "1"))]),
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: "TooManyInputs", locator: "f" });
  });

  it("interprets KVP tokens by the input kind: references, inline complex, bounding boxes with CRS", () => {
    const v = validateInputs(p, [
      text("name", "x"),
      text("text", "", { "xlink:href": "https://example.org/a.txt", mimeType: "text/plain" }),
      text("box", "101,42,110,46,EPSG:4326"),
    ]);
    expect(v.get("text")?.[0]).toMatchObject({
      kind: "complex",
      source: { kind: "reference", href: "https://example.org/a.txt" },
    });
    expect(v.get("box")?.[0]).toEqual({
      kind: "bbox",
      value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [101, 42], upperCorner: [110, 46] },
    });
    const inline = validateInputs(p, [
      text("name", "x"),
      text("text", '{"a":1}', { mimeType: "application/json" }),
    ]);
    expect(inline.get("text")?.[0]).toMatchObject({
      kind: "complex",
      format: { mimeType: "application/json" },
      source: { kind: "inline", data: '{"a":1}' },
    });
  });

  it("checks formats, CRS, base64 and URLs", () => {
    const errs = errorsOf(() =>
      validateInputs(p, [
        text("name", "x"),
        { id: "text", value: { kind: "complex", data: "x", mimeType: "image/png" } },
        { id: "box", value: { kind: "bbox", crs: "EPSG:32632", lowerCorner: [0, 0], upperCorner: [1, 1] } },
      ]),
    );
    expect(errs.map((e) => [e.locator, e.code])).toEqual([
      ["text", "NoSuchFormat"],
      ["box", "InvalidParameter"],
    ]);
    expect(
      errorsOf(() =>
        validateInputs(p, [
          text("name", "x"),
          { id: "text", value: { kind: "complex", data: "%%%", encoding: "base64" } },
        ]),
      )[0]?.message,
    ).toMatch(/base64/);
    expect(
      errorsOf(() =>
        validateInputs(p, [
          text("name", "x"),
          { id: "text", value: { kind: "reference", href: "not a url" } },
        ]),
      )[0]?.message,
    ).toMatch(/valid URL/);
    // The CRS check normalises spellings.
    expect(
      validateInputs(p, [text("name", "x"), text("box", "0,0,1,1,urn:ogc:def:crs:EPSG::3035")]).get("box"),
    ).toHaveLength(1);
  });
});

describe("validateOutputRequests", () => {
  it("refuses unknown outputs, unsupported formats and duplicates", () => {
    expect(validateOutputRequests(p, [{ id: "file", mimeType: "application/zip" }])).toHaveLength(1);
    const errs = errorsOf(() =>
      validateOutputRequests(p, [
        { id: "nope" },
        { id: "file", mimeType: "image/png" },
        { id: "out" },
        { id: "out" },
      ]),
    );
    expect(errs.map((e) => [e.locator, e.code])).toEqual([
      ["nope", "NoSuchOutput"],
      ["file", "NoSuchFormat"],
      ["out", "InvalidParameter"],
    ]);
  });
});
