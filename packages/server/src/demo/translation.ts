/**
 * `translation` (Emu's Translation): a process described in English, Canadian French and German; the texts a
 * client sees follow the request's language (`language=` in WPS 1.0.0, `Accept-Language` in OGC API).
 */
import { defineProcess, Input, Output } from "@roost/core";

/** Adds 1 to `input1`, with its description translated. */
export default defineProcess({
  identifier: "translation",
  title: "Translated process",
  abstract: "Process including translations in other languages.",
  keywords: ["languages"],
  version: "1.0",
  inputs: {
    input1: Input.integer({ title: "Input1 number", default: 100 }),
  },
  outputs: {
    output1: Output.string({ title: "Output1 add 1 result" }),
  },
  translations: {
    "fr-CA": {
      title: "Processus traduit",
      abstract: "Processus incluant des traductions",
      keywords: ["langues"],
      inputs: { input1: { title: "Entrée #1", abstract: "Entier #1" } },
      outputs: { output1: { title: "Sortie #1", abstract: "Chaîne de charactères" } },
    },
    "de-DE": {
      title: "Mehrsprachiger Prozess",
      abstract: "Prozess mit mehreren Sprachen.",
      keywords: ["sprachen"],
      inputs: { input1: { title: "Eingabe #1", abstract: "Eingabe #1" } },
      outputs: { output1: { title: "Ausgabe #1", abstract: "Ergebnis" } },
    },
  },
  handler: async ({ input1 }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.logger.debug(`input1 ${input1}`);
    ctx.progress(100, "PyWPS Process completed.");
    return { output1: String(input1 + 1) };
  },
});
