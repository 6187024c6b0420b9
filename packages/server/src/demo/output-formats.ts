/**
 * `output_formats` (Emu's OutputFormats): returns small bundled files in whichever of the declared formats the
 * client asks for (a plain file or a ZIP of it): output-format negotiation and the asReference override.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineProcess, Formats, normalizeMimeType, Output, type ProcessContext } from "@roost/core/internal";
import { DUMMY_JSON, DUMMY_NETCDF, dummyJsonZip, dummyNetcdfZip } from "./dummy-data.js";

/** The MIME type the client asked for `output`, normalised; undefined means the default (first) format. */
function requested(ctx: ProcessContext, output: string): string | undefined {
  const m = ctx.outputRequests.get(output)?.mimeType;
  return m === undefined ? undefined : normalizeMimeType(m);
}

/** Write `data` into the workdir under Emu's file name (so reference URLs end as Emu's do) and return it. */
function emit(ctx: ProcessContext, fileName: string, data: string | Uint8Array, mimeType: string) {
  const file = join(ctx.workdir, fileName);
  writeFileSync(file, data);
  return { file, mimeType };
}

const ZIP = normalizeMimeType(Formats.ZIP.mimeType);
const TEXT = normalizeMimeType(Formats.TEXT.mimeType);

/** Returns dummy netCDF and JSON files in the requested formats. */
export default defineProcess({
  identifier: "output_formats",
  title: "Return different output formats.",
  abstract:
    "Dummy process returning various output file formats. Output format can be specified between supported formats",
  version: "2.0",
  inputs: {},
  outputs: {
    netcdf: Output.complex({
      title: "netCDF dummy output file.",
      abstract: "A very small test netCDF file. ",
      asReference: true,
      formats: [Formats.NETCDF, Formats.ZIP],
    }),
    json: Output.complex({
      title: "json dummy output file.",
      abstract: "A very small test json file. ",
      formats: [Formats.JSON, Formats.ZIP, Formats.TEXT],
    }),
  },
  handler: async (_inputs, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    const netcdf =
      requested(ctx, "netcdf") === ZIP
        ? emit(ctx, "dummy_nc.zip", dummyNetcdfZip(), Formats.ZIP.mimeType)
        : emit(ctx, "dummy.nc", DUMMY_NETCDF, Formats.NETCDF.mimeType);
    const wanted = requested(ctx, "json");
    const json =
      wanted === ZIP
        ? emit(ctx, "dummy_json.zip", dummyJsonZip(), Formats.ZIP.mimeType)
        : // Same bytes either way; the declared MIME type of the result follows the request.
          emit(
            ctx,
            "dummy.json",
            DUMMY_JSON,
            wanted === TEXT ? Formats.TEXT.mimeType : Formats.JSON.mimeType,
          );
    ctx.progress(100, "PyWPS Process completed.");
    return { netcdf, json };
  },
});
