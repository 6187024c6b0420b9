/**
 * `non.py-id` (Emu's NonPyID): identifiers with spaces, dots and dashes for the process, its inputs and its
 * outputs, which break clients that turn identifiers into variable or option names.
 */
import { defineProcess, Formats, Input, Output } from "@roost/core";

/** Adds 1 to `input 1` and echoes the JSON of `input-2`. */
export default defineProcess({
  identifier: "non.py-id",
  title: "Dummy process including non-pythonic identifiers",
  abstract:
    "Dummy process whose process, input and output identifiers include characters not allowed in Python.",
  version: "1.0",
  inputs: {
    "input 1": Input.integer({ title: "Input1 number", default: 100 }),
    "input-2": Input.complex({ title: "json input", formats: [Formats.JSON] }),
  },
  outputs: {
    "output.1": Output.float({ title: "Add 1 to `input 1`." }),
    "output 2": Output.complex({ title: "Same thing as input-2.", formats: [Formats.JSON] }),
  },
  handler: async (inputs, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.logger.debug(`input 1 ${inputs["input 1"]}`);
    // The JSON is echoed byte for byte, as Emu returns the data it received (it does not re-serialise it).
    const echo = await inputs["input-2"].text();
    ctx.progress(100, "PyWPS Process completed.");
    return {
      "output.1": inputs["input 1"] + 1,
      "output 2": { text: echo, mimeType: Formats.JSON.mimeType },
    };
  },
});
