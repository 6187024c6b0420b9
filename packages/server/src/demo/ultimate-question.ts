/**
 * `ultimate_question` (Emu's UltimateQuestion): a process without inputs that reports a few status messages in
 * quick succession; a near-instant asynchronous job, handy for measuring queue latency.
 */
import { defineProcess, Output } from "@roost/core";
import { wait } from "./util.js";

const STEP_MS = 100;

/** Answers "42" after about half a second of "thinking". */
export default defineProcess({
  identifier: "ultimate_question",
  title: "Answer to the ultimate question",
  abstract: "This process gives the answer to the ultimate question of life, the universe, and everything.",
  metadata: [{ title: "Ultimate Question" }, { title: "What is the meaning of life" }],
  version: "2.0",
  inputs: {},
  outputs: {
    answer: Output.string({ title: "Answer to Ultimate Question" }),
  },
  handler: async (_inputs, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    await wait(ctx, STEP_MS);
    ctx.progress(10, "Contacting the Deep Thought supercomputer.");
    await wait(ctx, STEP_MS);
    for (const percent of [20, 40, 60]) {
      ctx.progress(percent, "Thinking...");
      await wait(ctx, STEP_MS);
    }
    ctx.progress(80, "Thinking...");
    ctx.progress(100, "PyWPS Process completed.");
    return { answer: "42" };
  },
});
