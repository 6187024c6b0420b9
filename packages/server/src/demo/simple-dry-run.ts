/**
 * `simple_dry_run` (Emu's SimpleDryRun): a dummy download guarded by a resource limit and a dry-run flag, both
 * reported through structured ProcessError subclasses.
 */
import { defineProcess, Input, Output } from "@roost/core";
import { DryRunWarningError, StorageLimitExceededError } from "./errors.js";

/** Files one job may "download". */
const FILE_LIMIT = 10;

/** Pretends to download `count` files, or only reports what it would use. */
export default defineProcess({
  identifier: "simple_dry_run",
  title: "Simple Dry Run",
  abstract: "A dummy download as simple dry-run example.",
  metadata: [{ title: "User Guide", href: "https://emu.readthedocs.io/en/latest/processes.html" }],
  version: "1.0",
  inputs: {
    dry_run: Input.boolean({ title: "Dry run mode. Default false", default: false }),
    count: Input.integer({
      title: "Number of Files (Limit 10)",
      abstract: "How many files do you want to download? The limit is 10",
      // The allowed range goes beyond the limit on purpose, so a request can trip the storage limit.
      ranges: [{ minimum: 1, maximum: 20 }],
      default: 1,
    }),
  },
  outputs: {
    output: Output.string({ title: "Output response" }),
  },
  handler: async ({ dry_run, count }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    if (count > FILE_LIMIT)
      throw new StorageLimitExceededError("Too many files too download", count, FILE_LIMIT);
    if (dry_run) throw new DryRunWarningError(undefined, `${count} files`, "unknown");
    ctx.progress(100, "PyWPS Process completed.");
    return { output: `File downloads done: ${count}` };
  },
});
