/**
 * `nap` (Emu's Nap): like `sleep` with four naps, but synchronous execution only. The server refuses asynchronous
 * requests for it (WPS 1.0.0 `StorageNotSupported`, OGC API `jobControlOptions: ["sync-execute"]`).
 */
import { defineProcess, Input, Output } from "@roost/core";
import { delayToMs, wait } from "./util.js";

/** Naps 4 × `delay` seconds, then answers "done sleeping"; sync only. */
export default defineProcess({
  identifier: "nap",
  title: "Afternoon Nap (supports sync calls only)",
  abstract:
    "This process will have a short nap for a given delay or 1 second if not a valid value. " +
    "This process only supports synchronous WPS requests... " +
    "so, make sure the nap does not take to long.",
  metadata: [
    { title: "Birdhouse", href: "http://bird-house.github.io/" },
    { title: "User Guide", href: "http://emu.readthedocs.io/en/latest/" },
  ],
  version: "1.0",
  inputs: {
    delay: Input.float({ title: "Delay between every update", default: 1 }),
  },
  outputs: {
    output: Output.string({ title: "Nap Output" }),
  },
  jobControl: { async: false },
  handler: async ({ delay }, ctx) => {
    // Emu treats a zero delay as "not a valid value" and naps 1 second instead, as the abstract says.
    const ms = delay === 0 ? 1000 : delayToMs(delay);
    ctx.progress(0, "PyWPS Process started.");
    await wait(ctx, ms);
    for (const percent of [25, 50, 75]) {
      ctx.progress(percent, "PyWPS Process started. Waiting...");
      await wait(ctx, ms);
    }
    ctx.progress(100, "PyWPS Process completed.");
    return { output: "done sleeping" };
  },
});
