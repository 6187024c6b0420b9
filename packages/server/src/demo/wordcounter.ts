/**
 * `wordcounter` (Emu's WordCounter): counts the words of a text document given inline or by reference, and
 * returns the counts as JSON (by reference by default; clients also ask for it as raw data).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { defineProcess, Formats, Input, Output } from "@roost/core";

// Python's `\w` on str: letters, digits (every numeric category) and the underscore.
const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Compare strings by Unicode code point, as Python does (JavaScript's `<` compares UTF-16 code units, which
 * orders characters beyond U+FFFF before U+E000–U+FFFF).
 */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** Count the words of a UTF-8 text file; the result is `[[count, word], …]`, most frequent first. */
export async function countWords(path: string): Promise<[number, string][]> {
  const counts = new Map<string, number>();
  // Line by line, so a large document by reference never has to fit in memory at once.
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of lines) {
    for (const m of line.matchAll(WORD)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  const pairs = [...counts].map(([word, n]): [number, string] => [n, word]);
  // Emu sorts the (count, word) tuples in reverse: by count, then by word, both descending.
  pairs.sort((x, y) => y[0] - x[0] || compareCodePoints(y[1], x[1]));
  return pairs;
}

/** Counts the words of a text. */
export default defineProcess({
  identifier: "wordcounter",
  title: "Word Counter",
  abstract: "Counts words in a given text.",
  metadata: [{ title: "User Guide", href: "http://emu.readthedocs.io/en/latest/" }],
  version: "1.0",
  inputs: {
    text: Input.complex({
      title: "Text document",
      abstract:
        'URL pointing to a text document, for example "Alice in Wonderland": http://www.gutenberg.org/cache/epub/19033/pg19033.txt',
      formats: [Formats.TEXT],
    }),
  },
  outputs: {
    output: Output.complex({ title: "Word counter result", asReference: true, formats: [Formats.JSON] }),
  },
  handler: async ({ text }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    const counts = await countWords(text.path);
    ctx.progress(100, "PyWPS Process completed.");
    return { output: { json: counts, mimeType: Formats.JSON.mimeType } };
  },
});
