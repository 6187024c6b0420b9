/**
 * `show_defaults` (Emu's ShowDefaults): echoes which values were used, showing how defaults apply to optional
 * (minOccurs 0) and required (minOccurs 1) inputs. An input with a default is filled with it when absent, whatever
 * its minOccurs; an optional input without a default stays absent ("no value").
 */
import { defineProcess, Formats, Input, Output } from "@roost/core";

/** Echoes the four strings as JSON. */
export default defineProcess({
  identifier: "show_defaults",
  title: "Show defaults",
  abstract: "Show usage of default values in WPS",
  version: "1.0",
  inputs: {
    string_0: Input.string({ title: "String 0: optional, no default", minOccurs: 0 }),
    string_1: Input.string({ title: "String 1: optional with default", default: "one", minOccurs: 0 }),
    string_2: Input.string({ title: "String 2: required with default", default: "two", minOccurs: 1 }),
    // Emu's title says "no default" although the input has one; kept as Emu describes it.
    string_3: Input.string({ title: "String 3: required no default", default: "three", minOccurs: 1 }),
  },
  outputs: {
    output: Output.complex({ title: "Output", asReference: true, formats: [Formats.JSON] }),
  },
  handler: async (inputs, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    const result = {
      string0: inputs.string_0 ?? "no value",
      string1: inputs.string_1,
      string2: inputs.string_2,
      string3: inputs.string_3,
    };
    ctx.progress(100, "PyWPS Process completed.");
    return { output: { json: result, mimeType: Formats.JSON.mimeType } };
  },
});
