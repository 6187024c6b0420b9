/**
 * `show_error` (Emu's ShowError): always fails, either with a message meant for the user (`nice=true`, a
 * ProcessError) or with an unexpected error the client only sees as the generic failure text (`nice=false`).
 */
import { defineProcess, Input, Output, ProcessError } from "@roost/core";

/** Fails on purpose, nicely or not. */
export default defineProcess({
  identifier: "show_error",
  title: "Show a WPS Error",
  abstract: "This process will fail intentionally with a friendly WPS error message.",
  metadata: [
    { title: "PyWPS", href: "https://pywps.org/" },
    { title: "Birdhouse", href: "http://bird-house.github.io/" },
    { title: "User Guide", href: "http://emu.readthedocs.io/en/latest/" },
  ],
  version: "1.0",
  inputs: {
    message: Input.string({
      title: "Error Message",
      abstract: "Enter an error message that will be returned.",
      default: "This process failed intentionally.",
    }),
    nice: Input.boolean({ title: "Be nice and show a friendly error message. Default: true", default: true }),
  },
  outputs: {
    // Emu declares no output, but a WPS 1.0.0 description needs at least one (defineProcess enforces it).
    output: Output.string({
      title: "Output (never produced)",
      abstract: "Never produced: this process always fails.",
    }),
  },
  handler: async ({ message, nice }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.logger.info("wps_error started ...");
    if (nice) throw new ProcessError(message);
    throw new Error("Sorry, we have no explanation for this error.");
  },
});
