/**
 * `inout` (Emu's InOut): every literal data type, allowed-value lists, ranges with spacing, AnyValue,
 * ValuesReference, repeated inputs, optional complex inputs and a bounding-box output. Each literal input is echoed
 * on the output of the same name; `dataset` changes its format at run time.
 */
import { copyFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { defineProcess, Formats, Input, Output } from "@roost/core";

const DOCUMENTATION_ROLE = "http://www.opengis.net/spec/wps/2.0/def/process/description/documentation";

/** Name of the copied dataset: the referenced file's own name when it is a plain one, always ending in `.nc`. */
function datasetFileName(href: string | undefined): string {
  let name = "";
  if (href !== undefined) {
    try {
      name = basename(decodeURIComponent(new URL(href).pathname));
    } catch {
      // Not a URL (or not decodable): fall back to the generic name below.
    }
  }
  // Anything but a plain file name (spaces, control characters, leading dots) would make an awkward output URL.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) name = "dataset";
  return extname(name) === ".nc" ? name : `${name}.nc`;
}

/** Echoes all kinds of literal and complex inputs. */
export default defineProcess({
  identifier: "inout",
  title: "In and Out",
  abstract: "Testing all WPS input and output parameters.",
  metadata: [
    { title: "Birdhouse", href: "http://bird-house.github.io/" },
    { title: "User Guide", href: "http://emu.readthedocs.io/en/latest/", role: DOCUMENTATION_ROLE },
  ],
  version: "1.0",
  inputs: {
    string: Input.string({
      title: "String",
      abstract: "Enter a simple string.",
      default: "This is just a string",
    }),
    int: Input.integer({
      title: "Integer",
      abstract: "Choose an integer number from allowed values.",
      default: 7,
      allowed: [1, 2, 3, 5, 7, 11],
    }),
    float: Input.float({
      title: "Float",
      abstract: "Enter a float number.",
      default: 3.14,
      minOccurs: 0,
      maxOccurs: 5,
    }),
    // Emu declares the default as "1", which Phoenix cannot display; `true` is the same value, spelled clearly.
    boolean: Input.boolean({ title: "Boolean", abstract: "Make your choice :)", default: true }),
    angle: Input.angle({ title: "Angle", abstract: "Enter an angle [0, 360] :)", default: 90 }),
    time: Input.time({ title: "Time", abstract: "Enter a time like 12:00:00", default: "12:00:00" }),
    date: Input.date({ title: "Date", abstract: "Enter a date like 2012-05-01", default: "2012-05-01" }),
    datetime: Input.dateTime({
      title: "Datetime",
      abstract: "Enter a datetime like 2016-09-02T12:00:00Z",
      default: "2016-09-02T12:00:00Z",
    }),
    string_choice: Input.string({
      title: "String Choice",
      abstract: "Choose one item form list.",
      allowed: ["rock", "paper", "scissor"],
      default: "scissor",
    }),
    string_multiple_choice: Input.string({
      title: "String Multiple Choice",
      abstract: "Choose one or two items from list.",
      allowed: ["sitting duck", "flying goose", "happy pinguin", "gentle albatros"],
      minOccurs: 0,
      maxOccurs: 2,
      default: "gentle albatros",
    }),
    int_range: Input.integer({
      title: "Integer Range",
      abstract: "Choose number from range: 1-10 (step 1), 100-200 (step 10)",
      metadata: [
        {
          title: "AllowedValue PyWPS Docs",
          href: "https://pywps.readthedocs.io/en/master/api.html#pywps.inout.literaltypes.AllowedValue",
        },
        { title: "AllowedValue Example", href: "http://docs.opengeospatial.org/is/14-065/14-065.html#98" },
      ],
      default: 1,
      // As in PyWPS, spacing counts from the range's minimum: 100, 110, …, 200 pass, 105 does not. The first
      // range has no spacing, like Emu's (any integer 1–10).
      ranges: [
        { minimum: 1, maximum: 10 },
        { minimum: 100, maximum: 200, spacing: 10 },
      ],
    }),
    any_value: Input.string({
      title: "Any Value",
      abstract: "Enter any value.",
      metadata: [
        {
          title: "AnyValue PyWPS Docs",
          href: "https://pywps.readthedocs.io/en/master/api.html#pywps.inout.literaltypes.AnyValue",
        },
      ],
      default: "any value",
    }),
    ref_value: Input.string({
      title: "Referenced Value",
      abstract: "Choose a referenced value",
      metadata: [
        {
          title: "PyWPS Docs",
          href: "https://pywps.readthedocs.io/en/master/_modules/pywps/inout/literaltypes.html",
        },
      ],
      valuesReference: "https://en.wikipedia.org/w/api.php?action=opensearch&search=scotland&format=json",
      default: "Scotland",
    }),
    text: Input.complex({
      title: "Text",
      abstract: "Enter a URL pointing to a text document (optional)",
      metadata: [{ title: "Info" }],
      minOccurs: 0,
      formats: [Formats.TEXT],
    }),
    dataset: Input.complex({
      title: "Dataset",
      abstract: "Enter a URL pointing to a NetCDF file (optional)",
      metadata: [
        { title: "NetCDF Format", href: "https://en.wikipedia.org/wiki/NetCDF", role: DOCUMENTATION_ROLE },
      ],
      minOccurs: 0,
      formats: [Formats.NETCDF],
    }),
  },
  outputs: {
    string: Output.string({ title: "String" }),
    int: Output.integer({ title: "Integer" }),
    float: Output.float({ title: "Float" }),
    boolean: Output.boolean({ title: "Boolean" }),
    angle: Output.angle({ title: "Angle" }),
    time: Output.time({ title: "Time" }),
    date: Output.date({ title: "Date" }),
    datetime: Output.dateTime({ title: "DateTime" }),
    string_choice: Output.string({ title: "String Choice" }),
    string_multiple_choice: Output.string({ title: "String Multiple Choice" }),
    int_range: Output.integer({ title: "Integer Range" }),
    any_value: Output.string({ title: "Any Value" }),
    ref_value: Output.string({ title: "Referenced Value" }),
    text: Output.complex({ title: "Text", abstract: "Copy of input text file.", formats: [Formats.TEXT] }),
    dataset: Output.complex({
      title: "Dataset",
      abstract: "Copy of input netcdf file.",
      asReference: true,
      formats: [Formats.NETCDF, Formats.TEXT],
    }),
    bbox: Output.bbox({ title: "Bounding Box", crs: ["epsg:4326"] }),
  },
  handler: async (inputs, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    const choices = inputs.string_multiple_choice;
    // Copies go through the workdir: a returned file is moved into the outputs, and the input must stay intact.
    let text: { file: string; mimeType: string } | { text: string; mimeType: string };
    if (inputs.text !== undefined) {
      const copy = join(ctx.workdir, "text.txt");
      copyFileSync(inputs.text.path, copy);
      text = { file: copy, mimeType: Formats.TEXT.mimeType };
    } else {
      text = { text: "request didn't have a text file.", mimeType: Formats.TEXT.mimeType };
    }
    let dataset: { file: string; mimeType: string } | { text: string; mimeType: string };
    if (inputs.dataset !== undefined) {
      const copy = join(ctx.workdir, datasetFileName(inputs.dataset.href));
      copyFileSync(inputs.dataset.path, copy);
      dataset = { file: copy, mimeType: Formats.NETCDF.mimeType };
    } else {
      // The output switches to its second format, as Emu's does.
      dataset = { text: "request didn't have a netcdf file.", mimeType: Formats.TEXT.mimeType };
    }
    const outputs = {
      string: inputs.string,
      int: inputs.int,
      float: inputs.float.reduce((sum, f) => sum + f, 0),
      boolean: inputs.boolean,
      angle: inputs.angle,
      time: inputs.time,
      date: inputs.date,
      datetime: inputs.datetime,
      string_choice: inputs.string_choice,
      string_multiple_choice: choices.length > 0 ? choices.join(", ") : "no value",
      int_range: inputs.int_range,
      any_value: inputs.any_value,
      ref_value: inputs.ref_value,
      text,
      dataset,
      bbox: { crs: "epsg:4326", dimensions: 2, lowerCorner: [0, 0], upperCorner: [10, 10] },
    };
    ctx.progress(100, "PyWPS Process completed.");
    return outputs;
  },
});
