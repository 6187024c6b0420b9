/**
 * `dummyprocess` (Emu's Dummy): the minimal two-in, two-out literal process.
 */
import { defineProcess, Input, Output } from "@roost/core";

/** Returns input1 + 1 and input2 − 1, as strings. */
export default defineProcess({
  identifier: "dummyprocess",
  title: "Dummy Process",
  abstract: "DummyProcess to check the WPS structure",
  version: "2.0",
  inputs: {
    input1: Input.integer({ title: "Input1 number", default: 100 }),
    input2: Input.integer({ title: "Input2 number", default: 200 }),
  },
  outputs: {
    output1: Output.string({ title: "Output1 add 1 result" }),
    output2: Output.string({ title: "Output2 subtract 1 result" }),
  },
  handler: async ({ input1, input2 }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.progress(100, "PyWPS Process completed.");
    return { output1: String(input1 + 1), output2: String(input2 - 1) };
  },
});
