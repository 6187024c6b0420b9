/**
 * `wordcounter`: word counts sorted as Emu sorts them.
 */
import { afterEach, describe, expect, it } from "vitest";
import wordcounter, { countWords } from "../../src/demo/wordcounter.js";
import {
  complexInputFromData,
  createProcessContext,
  type TestProcessContext,
} from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

describe("wordcounter", () => {
  // Expected list computed with Emu's code (re \w+, Counter, sorted(reverse=True)) on the same text.
  it("counts words and sorts by count, then word, both descending", async () => {
    ctx = createProcessContext();
    const text = complexInputFromData(
      ctx.inputDir,
      "the cat and the hat\nThe cat sat.\r\nzebra-crossing, the_end 42 the",
      {
        mimeType: "text/plain",
      },
    );
    const out = await wordcounter.handler({ text }, ctx);
    expect(out).toEqual({
      output: {
        json: [
          [3, "the"],
          [2, "cat"],
          [1, "zebra"],
          [1, "the_end"],
          [1, "sat"],
          [1, "hat"],
          [1, "crossing"],
          [1, "and"],
          [1, "The"],
          [1, "42"],
        ],
        mimeType: "application/json",
      },
    });
    expect(ctx.progressCalls.map((p) => p.percent)).toEqual([0, 100]);
  });

  it("treats letters of any script as word characters and orders by code point", async () => {
    ctx = createProcessContext();
    const text = complexInputFromData(ctx.inputDir, "élan café élan 𝒜lpha ｚ", { mimeType: "text/plain" });
    // Python orders by code point: U+1D49C (𝒜) sorts after U+FF5A (ｚ), unlike a UTF-16 comparison.
    expect(await countWords(text.path)).toEqual([
      [2, "élan"],
      [1, "𝒜lpha"],
      [1, "ｚ"],
      [1, "café"],
    ]);
  });

  it("returns an empty list for a text without words", async () => {
    ctx = createProcessContext();
    const text = complexInputFromData(ctx.inputDir, " ... \n -- \n", { mimeType: "text/plain" });
    expect(await countWords(text.path)).toEqual([]);
  });
});
