/**
 * The waiting processes: progress reports and reaction to the abort signal (dismissal, time limit).
 */
import { ProcessError } from "@roost/core";
import { afterEach, describe, expect, it } from "vitest";
import nap from "../../src/demo/nap.js";
import sleep from "../../src/demo/sleep.js";
import ultimateQuestion from "../../src/demo/ultimate-question.js";
import { createProcessContext, type TestProcessContext } from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

describe("sleep", () => {
  it("reports 0/20/40/60/80, then 100, and returns 'done sleeping'", async () => {
    ctx = createProcessContext();
    const started = performance.now();
    const out = await sleep.handler({ delay: 0.01 }, ctx);
    expect(out).toEqual({ sleep_output: "done sleeping" });
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ctx.progressCalls[1]?.message).toBe("PyWPS Process started. Waiting...");
    expect(ctx.progressCalls[5]?.message).toBe("PyWPS Process completed.");
    // Five waits of 10 ms each.
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("stops quickly when its job is dismissed in the middle of a long sleep", async () => {
    ctx = createProcessContext();
    const started = performance.now();
    setTimeout(() => ctx.abort("dismissed"), 50);
    await expect(sleep.handler({ delay: 10 }, ctx)).rejects.toBe("dismissed");
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(40);
    expect(elapsed).toBeLessThan(2000);
    // It was interrupted during the first wait: no further progress.
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0]);
  });

  it("does not start when the job is already aborted", async () => {
    ctx = createProcessContext();
    ctx.abort("timeout");
    await expect(sleep.handler({ delay: 0 }, ctx)).rejects.toBe("timeout");
  });

  it("refuses a negative delay with a ProcessError", async () => {
    ctx = createProcessContext();
    await expect(sleep.handler({ delay: -1 }, ctx)).rejects.toBeInstanceOf(ProcessError);
  });
});

describe("nap", () => {
  it("is sync-only", () => {
    expect(nap.jobControl).toMatchObject({ sync: true, async: false });
  });

  it("naps four times, reporting 0/25/50/75/100", async () => {
    ctx = createProcessContext();
    expect(await nap.handler({ delay: 0.005 }, ctx)).toEqual({ output: "done sleeping" });
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0, 25, 50, 75, 100]);
  });

  it("naps 1 s per step for delay 0, as Emu does, and can be interrupted", async () => {
    ctx = createProcessContext();
    const started = performance.now();
    setTimeout(() => ctx.abort("dismissed"), 100);
    await expect(nap.handler({ delay: 0 }, ctx)).rejects.toBe("dismissed");
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0]);
    expect(performance.now() - started).toBeLessThan(900);
  });
});

describe("ultimate_question", () => {
  it("answers 42 after its status messages", async () => {
    ctx = createProcessContext();
    expect(await ultimateQuestion.handler({}, ctx)).toEqual({ answer: "42" });
    expect(ctx.progressCalls).toEqual([
      { percent: 0, message: "PyWPS Process started." },
      { percent: 10, message: "Contacting the Deep Thought supercomputer." },
      { percent: 20, message: "Thinking..." },
      { percent: 40, message: "Thinking..." },
      { percent: 60, message: "Thinking..." },
      { percent: 80, message: "Thinking..." },
      { percent: 100, message: "PyWPS Process completed." },
    ]);
  });
});
