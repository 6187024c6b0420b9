/**
 * `sleep` (Emu's Sleep): the canonical long-running asynchronous job. Sleeps `delay` seconds five times and
 * reports progress in 20 % steps; dismissing the job (or its time limit) interrupts the current sleep at once.
 */
import { defineProcess, Input, Output } from "@roost/core";
import { delayToMs, wait } from "./util.js";

const WAITING = "PyWPS Process started. Waiting...";

/** Sleeps 5 × `delay` seconds, then answers "done sleeping". */
export default defineProcess({
  identifier: "sleep",
  title: "Sleep Process",
  abstract:
    "Testing a long running process, in the sleep. This process will sleep for a given delay or 10 seconds if not a valid value.",
  metadata: [
    { title: "User Guide", href: "https://emu.readthedocs.io/en/latest/processes.html" },
    { title: "PyWPS Demo", href: "https://pywps-demo.readthedocs.io/en/latest/" },
  ],
  version: "1.0",
  inputs: {
    delay: Input.float({ title: "Delay between every update", default: 2 }),
  },
  outputs: {
    sleep_output: Output.string({ title: "Sleep Output" }),
  },
  handler: async ({ delay }, ctx) => {
    const ms = delayToMs(delay);
    for (const percent of [0, 20, 40, 60, 80]) {
      ctx.progress(percent, WAITING);
      // ctx.sleep rejects when the job is dismissed or times out, so a cancelled sleep stops within the step.
      await wait(ctx, ms);
    }
    ctx.progress(100, "PyWPS Process completed.");
    return { sleep_output: "done sleeping" };
  },
});
