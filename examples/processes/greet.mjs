/**
 * The smallest process, in plain JavaScript (an ES module, loaded without a TypeScript loader): what a process
 * module needs is a default export made with defineProcess.
 */
import { defineProcess, Input, Output } from "@roost/core";

export default defineProcess({
  identifier: "greet",
  title: "Greet someone",
  inputs: {
    name: Input.string({ title: "Name" }),
    times: Input.integer({ title: "How many times", default: 1, ranges: [{ minimum: 1, maximum: 5 }] }),
    shout: Input.boolean({ title: "Upper case", default: false }),
  },
  outputs: { greeting: Output.string({ title: "Greeting" }) },
  handler: ({ name, times, shout }) => {
    const text = Array.from({ length: times }, () => `Hello ${name}!`).join(" ");
    return { greeting: shout ? text.toUpperCase() : text };
  },
});
