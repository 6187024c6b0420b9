/**
 * `multiple_outputs` (Emu's MultipleOutputs): writes `count` small text files next to the job's outputs and
 * returns Metalink 3 and 4 documents listing their public URLs: a multi-file result.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineProcess, Formats, Input, Output } from "@roost/core";
import { type MetalinkFile, metalink3, metalink4 } from "./metalink.js";

const INFO = { identity: "test-ml-1", description: "Testing MetaLink with text files.", generator: "Roost" };

/** Produces `count` files and Metalink documents referencing them. */
export default defineProcess({
  identifier: "multiple_outputs",
  title: "Multiple Outputs",
  abstract: "Produces multiple files and returns a document with references to these files.",
  metadata: [{ title: "User Guide", href: "https://emu.readthedocs.io/en/latest/processes.html" }],
  version: "1.1",
  inputs: {
    count: Input.integer({
      title: "Number of output files",
      abstract: "The number of generated output files.",
      default: 2,
      ranges: [{ minimum: 1, maximum: 10 }],
    }),
  },
  outputs: {
    output: Output.complex({
      title: "METALINK v3 output",
      abstract: "Testing metalink v3 output",
      asReference: true,
      formats: [Formats.METALINK],
    }),
    output_meta4: Output.complex({
      title: "METALINK v4 output",
      abstract: "Testing metalink v4 output",
      asReference: true,
      formats: [Formats.META4],
    }),
  },
  handler: async ({ count }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.logger.info("starting ...");
    const files: MetalinkFile[] = [];
    // Both documents list the same files (PyWPS writes a copy per document; one set is enough).
    for (let i = 0; i < count; i++) {
      const name = `output_${i}.txt`;
      const content = Buffer.from(`output: ${i}`, "utf8");
      // Files in outputDir are published with the outputs when the job succeeds, at ctx.outputUrl(name).
      writeFileSync(join(ctx.outputDir, name), content);
      files.push({
        name,
        identity: `output_${i}`,
        description: "Test output",
        size: content.length,
        sha256: createHash("sha256").update(content).digest("hex"),
        url: ctx.outputUrl(name),
        mediaType: Formats.TEXT.mimeType,
      });
    }
    ctx.progress(100, "PyWPS Process completed.");
    return {
      output: { text: metalink3(INFO, files), mimeType: Formats.METALINK.mimeType },
      output_meta4: { text: metalink4(INFO, files, new Date()), mimeType: Formats.META4.mimeType },
    };
  },
});
