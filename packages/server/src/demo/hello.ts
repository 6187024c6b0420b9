/**
 * `hello` (Emu's SayHello): the smoke test. One string in, one string out with the unit of measure `unity`.
 */
import { defineProcess, Input, Output } from "@roost/core";

/** Says "Hello <name>". */
export default defineProcess({
  identifier: "hello",
  title: "Say Hello",
  abstract: "Just says a friendly Hello. Returns a literal string output with Hello plus the inputted name.",
  keywords: ["hello", "demo"],
  metadata: [
    { title: "PyWPS", href: "https://pywps.org/" },
    { title: "Birdhouse", href: "https://bird-house.github.io/" },
    { title: "PyWPS Demo", href: "https://pywps-demo.readthedocs.io/en/latest/" },
    { title: "Emu: PyWPS examples", href: "https://emu.readthedocs.io/en/latest/" },
  ],
  version: "1.5",
  inputs: {
    name: Input.string({
      title: "Your name",
      abstract: "Please enter your name.",
      keywords: ["name", "firstname"],
    }),
  },
  outputs: {
    output: Output.string({
      title: "Output response",
      abstract: "A friendly Hello from us.",
      keywords: ["output", "result", "response"],
      // Emu sets the UoM only at run time; declaring it lets descriptions advertise what Execute returns.
      uoms: ["unity"],
    }),
  },
  handler: async ({ name }, ctx) => {
    ctx.logger.info("say hello");
    return { output: { value: `Hello ${name}`, uom: "unity" } };
  },
});
