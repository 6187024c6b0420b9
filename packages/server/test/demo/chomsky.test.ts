/**
 * `chomsky`: the generated text file in the workdir.
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { ProcessError } from "@roost/core";
import { afterEach, describe, expect, it } from "vitest";
import chomsky, {
  CHOMSKY_PHRASES,
  fill,
  chomsky as generate,
  LINE_WIDTH,
  MAX_SENTENCES,
} from "../../src/demo/chomsky.js";
import { createProcessContext, type TestProcessContext } from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

/** Undo the wrapping: lines broken after a hyphen join without a space, the others with one. */
const unwrap = (text: string) => text.replace(/-\n/g, "-").replace(/\n/g, " ");

/** How many phrases of `list` occur in `text` (no phrase of a list contains another). */
const occurrences = (text: string, list: readonly string[]) => list.filter((p) => text.includes(p)).length;

describe("chomsky", () => {
  it("writes out.txt in the workdir with the requested number of sentences (Emu's test: times=10)", async () => {
    ctx = createProcessContext();
    const out = await chomsky.handler({ times: 10 }, ctx);
    const output = out["output"] as { file: string; mimeType: string };
    expect(output.mimeType).toBe("text/plain");
    expect(basename(output.file)).toBe("out.txt");
    expect(dirname(output.file)).toBe(ctx.workdir);
    const text = readFileSync(output.file, "utf8");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(LINE_WIDTH);
    expect(text.split("\n").length).toBeGreaterThan(1);
    // Ten sentences: ten distinct phrases of each list.
    const flat = unwrap(text);
    for (const list of Object.values(CHOMSKY_PHRASES)) expect(occurrences(flat, list)).toBe(10);
    // Each sentence is lead-in, subject, verb, object.
    const first = CHOMSKY_PHRASES.leadins.find((p) => flat.startsWith(p));
    expect(first).toBeDefined();
  });

  it("never repeats a phrase, so a text has at most 17 sentences", () => {
    expect(MAX_SENTENCES).toBe(17);
    const text = unwrap(generate(100));
    expect(occurrences(text, CHOMSKY_PHRASES.subjects)).toBe(17);
    expect(occurrences(text, CHOMSKY_PHRASES.verbs)).toBe(17);
    expect(generate(0)).toBe("");
  });

  it("refuses a negative count with a ProcessError", async () => {
    ctx = createProcessContext();
    await expect(chomsky.handler({ times: -1 }, ctx)).rejects.toBeInstanceOf(ProcessError);
  });

  it("fills lines greedily like Python's textwrap, breaking after hyphens between words", () => {
    expect(fill("aaa bbb ccc", 7)).toBe("aaa bbb\nccc");
    expect(fill("the speaker-hearer's intuition", 16)).toBe("the speaker-\nhearer's\nintuition");
    // "c-command": one letter before the hyphen, no break there.
    expect(fill("extended c-command", 10)).toBe("extended\nc-command");
    expect(fill("abcdefghij", 4)).toBe("abcd\nefgh\nij");
  });
});
