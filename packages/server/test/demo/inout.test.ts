/**
 * `inout`: literal echoes, the repeated inputs, the optional complex inputs and the format switch of `dataset`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DUMMY_NETCDF } from "../../src/demo/dummy-data.js";
import inout from "../../src/demo/inout.js";
import {
  complexInputFromData,
  complexInputFromFile,
  createProcessContext,
  type TestProcessContext,
} from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

/** The inputs the server passes when none is given: every default applied. */
const DEFAULTS = {
  string: "This is just a string",
  int: 7,
  float: [3.14],
  boolean: true,
  angle: 90,
  time: "12:00:00",
  date: "2012-05-01",
  datetime: "2016-09-02T12:00:00Z",
  string_choice: "scissor",
  string_multiple_choice: ["gentle albatros"],
  int_range: 1,
  any_value: "any value",
  ref_value: "Scotland",
  text: undefined,
  dataset: undefined,
};

describe("inout", () => {
  it("echoes the literal inputs and returns placeholders for the absent files", async () => {
    ctx = createProcessContext();
    const out = await inout.handler(DEFAULTS, ctx);
    expect(out).toEqual({
      string: "This is just a string",
      int: 7,
      float: 3.14,
      boolean: true,
      angle: 90,
      time: "12:00:00",
      date: "2012-05-01",
      datetime: "2016-09-02T12:00:00Z",
      string_choice: "scissor",
      string_multiple_choice: "gentle albatros",
      int_range: 1,
      any_value: "any value",
      ref_value: "Scotland",
      text: { text: "request didn't have a text file.", mimeType: "text/plain" },
      // The dataset output switches to its text format.
      dataset: { text: "request didn't have a netcdf file.", mimeType: "text/plain" },
      bbox: { crs: "epsg:4326", dimensions: 2, lowerCorner: [0, 0], upperCorner: [10, 10] },
    });
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0, 100]);
  });

  it("sums all float occurrences and joins multiple choices", async () => {
    ctx = createProcessContext();
    const out = await inout.handler(
      { ...DEFAULTS, float: [1.5, 2.25, -0.75], string_multiple_choice: ["sitting duck", "flying goose"] },
      ctx,
    );
    expect(out["float"]).toBe(3);
    expect(out["string_multiple_choice"]).toBe("sitting duck, flying goose");
  });

  it("says 'no value' when no choice is given and sums no floats to 0", async () => {
    ctx = createProcessContext();
    const out = await inout.handler({ ...DEFAULTS, float: [], string_multiple_choice: [] }, ctx);
    expect(out["string_multiple_choice"]).toBe("no value");
    expect(out["float"]).toBe(0);
  });

  it("copies the text and the netCDF dataset (Emu's upstream test inputs)", async () => {
    ctx = createProcessContext();
    const text = complexInputFromData(ctx.inputDir, "some string", { mimeType: "text/plain" });
    const dataset = complexInputFromData(ctx.inputDir, DUMMY_NETCDF, {
      mimeType: "application/x-netcdf",
      href: "file:///data/tests/testdata/test.nc",
      fileName: "input.nc",
    });
    const out = await inout.handler(
      { ...DEFAULTS, string: "onetwothree", int: 7, float: [2.0], boolean: false, text, dataset },
      ctx,
    );
    expect(out["string"]).toBe("onetwothree");
    expect(out["float"]).toBe(2);
    expect(out["boolean"]).toBe(false);
    const textOut = out["text"] as { file: string; mimeType: string };
    expect(textOut.mimeType).toBe("text/plain");
    expect(readFileSync(textOut.file, "utf8")).toBe("some string");
    const dataOut = out["dataset"] as { file: string; mimeType: string };
    expect(dataOut.mimeType).toBe("application/x-netcdf");
    // The reference keeps the referenced file's name, so it ends in .nc as Emu's test expects.
    expect(basename(dataOut.file)).toBe("test.nc");
    expect(readFileSync(dataOut.file).equals(DUMMY_NETCDF)).toBe(true);
    // Copies, not moves: the server moves returned files into the outputs, the inputs must survive.
    expect(existsSync(text.path)).toBe(true);
    expect(existsSync(dataset.path)).toBe(true);
    expect(dataOut.file.startsWith(ctx.workdir)).toBe(true);
  });

  it("names the dataset copy dataset.nc when the referenced name is not a plain file name", async () => {
    ctx = createProcessContext();
    const source = join(ctx.inputDir, "data set with spaces.nc");
    writeFileSync(source, DUMMY_NETCDF);
    const dataset = complexInputFromFile(ctx.inputDir, source, {
      mimeType: "application/x-netcdf",
      href: "https://example.org/opendap/data%20set%20with%20spaces.nc?x=1",
    });
    const out = await inout.handler({ ...DEFAULTS, dataset }, ctx);
    expect(basename((out["dataset"] as { file: string }).file)).toBe("dataset.nc");
  });
});
