/**
 * `chomsky` (Emu's Chomsky): writes a text of random "Chomsky" sentences into `out.txt` in the job's workdir and
 * returns that file by reference, the pattern of a process producing an output file.
 *
 * The phrases come from CHOMSKY, John Lawler's Lisp program (as Emu took them from the ActiveState recipe
 * 440546): each sentence is a lead-in, a subject, a verb and an object, every list shuffled for each text.
 */
import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineProcess, Formats, Input, Output, ProcessError } from "@roost/core";

const LEADINS = [
  "To characterize a linguistic level L,",
  "On the other hand,",
  "This suggests that",
  "It appears that",
  "Furthermore,",
  "We will bring evidence in favor of the following thesis:",
  "To provide a constituent structure for T(Z,K),",
  "From C1, it follows that",
  "For any transformation which is sufficiently diversified in application to be of any interest,",
  "Analogously,",
  "Clearly,",
  "Note that",
  "Of course,",
  "Suppose, for instance, that",
  "Thus",
  "With this clarification,",
  "Conversely,",
  "We have already seen that",
  "By combining adjunctions and certain deformations,",
  "I suggested that these results would follow from the assumption that",
  "If the position of the trace in (99c) were only relatively inaccessible to movement,",
  "However, this assumption is not correct, since",
  "Comparing these examples with their parasitic gap counterparts in (96) and (97), we see that",
  "In the discussion of resumptive pronouns following (81),",
  "So far,",
  "Nevertheless,",
  "For one thing,",
  "Summarizing, then, we assume that",
  "A consequence of the approach just outlined is that",
  "Presumably,",
  "On our assumptions,",
  "It may be, then, that",
  "It must be emphasized, once again, that",
  "Let us continue to suppose that",
  "Notice, incidentally, that",
];

const SUBJECTS = [
  "the notion of level of grammaticalness",
  "a case of semigrammaticalness of a different sort",
  "most of the methodological work in modern linguistics",
  "a subset of English sentences interesting on quite independent grounds",
  "the natural general principle that will subsume this case",
  "an important property of these three types of EC",
  "any associated supporting element",
  "the appearance of parasitic gaps in domains relatively inaccessible to ordinary extraction",
  "the speaker-hearer's linguistic intuition",
  "the descriptive power of the base component",
  "the earlier discussion of deviance",
  "this analysis of a formative as a pair of sets of features",
  "this selectionally introduced contextual feature",
  "a descriptively adequate grammar",
  "the fundamental error of regarding functional notions as categorial",
  "relational information",
  "the systematic use of complex symbols",
  "the theory of syntactic features developed earlier",
];

const VERBS = [
  "can be defined in such a way as to impose",
  "delimits",
  "suffices to account for",
  "cannot be arbitrary in",
  "is not subject to",
  "does not readily tolerate",
  "raises serious doubts about",
  "is not quite equivalent to",
  "does not affect the structure of",
  "may remedy and, at the same time, eliminate",
  "is not to be considered in determining",
  "is to be regarded as",
  "is unspecified with respect to",
  "is, apparently, determined by",
  "is necessary to impose an interpretation on",
  "appears to correlate rather closely with",
  "is rather different from",
];

const OBJECTS = [
  "problems of phonemic and morphological analysis.",
  "a corpus of utterance tokens upon which conformity has been defined by the paired utterance test.",
  "the traditional practice of grammarians.",
  "the levels of acceptability from fairly high (e.g. (99a)) to virtual gibberish (e.g. (98d)).",
  "a stipulation to place the constructions into these various categories.",
  "a descriptive fact.",
  "a parasitic gap construction.",
  "the extended c-command discussed in connection with (34).",
  "the ultimate standard that determines the accuracy of any proposed grammar.",
  "the system of base rules exclusive of the lexicon.",
  "irrelevant intervening contexts in selectional rules.",
  "nondistinctness in the sense of distinctive feature theory.",
  "a general convention regarding the forms of the grammar.",
  "an abstract underlying order.",
  "an important distinction in language use.",
  "the requirement that branching is not tolerated within the dominance scope of a complex symbol.",
  "the strong generative capacity of the theory.",
];

/** The four phrase lists a sentence is made of, in sentence order. */
export const CHOMSKY_PHRASES: Readonly<
  Record<"leadins" | "subjects" | "verbs" | "objects", readonly string[]>
> = {
  leadins: LEADINS,
  subjects: SUBJECTS,
  verbs: VERBS,
  objects: OBJECTS,
};

/** Most sentences one text can have: each phrase is used at most once, so the shortest list is the limit. */
export const MAX_SENTENCES = Math.min(LEADINS.length, SUBJECTS.length, VERBS.length, OBJECTS.length);

/** Line width of the generated text (Python's `textwrap.fill(text, 72)` in Emu). */
export const LINE_WIDTH = 72;

function shuffled<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// Python's textwrap breaks hyphenated words after the hyphen when at least two letters precede it and a letter
// (possibly after another hyphen) and a letter follow: "speaker-|hearer's" may break, "c-command" may not.
const HYPHEN_BREAK = /(?<=\p{L}{2}-)(?=\p{L}-?\p{L})/u;

/**
 * Greedy line filling as Python's `textwrap.fill(text, width)` does it for single-spaced text whose words fit on a
 * line (as every phrase here does): lines break at spaces or after such hyphens. A word longer than a line, which
 * this text never has, is simply cut into line-sized pieces.
 */
export function fill(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((w) => w !== "")) {
    const pieces = word.split(HYPHEN_BREAK);
    pieces.forEach((piece, k) => {
      // The space belongs before the first piece of a word only; hyphen pieces join without one.
      const sep = k === 0 && line !== "" ? " " : "";
      if (line.length + sep.length + piece.length <= width) {
        line += sep + piece;
        return;
      }
      if (line !== "") lines.push(line);
      let rest = piece;
      while (rest.length > width) {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      line = rest;
    });
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

/** A text of `times` random sentences (at most {@link MAX_SENTENCES}), wrapped at {@link LINE_WIDTH}. */
export function chomsky(times: number): string {
  const [leadins, subjects, verbs, objects] = [LEADINS, SUBJECTS, VERBS, OBJECTS].map(shuffled) as [
    string[],
    string[],
    string[],
    string[],
  ];
  const words: string[] = [];
  for (let i = 0; i < Math.min(times, MAX_SENTENCES); i++) {
    words.push(leadins[i]!, subjects[i]!, verbs[i]!, objects[i]!);
  }
  return fill(words.join(" "), LINE_WIDTH);
}

/** Writes random Chomsky sentences to a text file. */
export default defineProcess({
  identifier: "chomsky",
  title: "Chomsky text generator",
  abstract: "Generates a random chomsky text",
  version: "1.0",
  inputs: {
    times: Input.integer({ title: "Times", abstract: "Generates a random chomsky text.", default: 5 }),
  },
  outputs: {
    output: Output.complex({ title: "Chomsky text", asReference: true, formats: [Formats.TEXT] }),
  },
  handler: async ({ times }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    // Emu fails with an unexplained ValueError from itertools.islice for a negative count.
    if (times < 0) throw new ProcessError(`times must not be negative, got ${times}`);
    const file = join(ctx.workdir, "out.txt");
    writeFileSync(file, chomsky(times));
    ctx.progress(100, "PyWPS Process completed.");
    return { output: { file, mimeType: Formats.TEXT.mimeType } };
  },
});
