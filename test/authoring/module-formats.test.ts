/**
 * Process modules in every form authors write them: ES modules (`.mjs`, `.ts` in a `"type": "module"` package) and
 * CommonJS (`module.exports = defineProcess(…)`, `exports.x = …`, `.cjs`, and TypeScript with `export default` in a
 * package without `"type": "module"`, which tsx compiles to `exports.default`) — the registry finds their processes
 * and the handlers run. A module without processes is refused with a message that says what to export.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProcess, loadRegistry } from "../../packages/server/src/registry/registry.js";
import { runProcess } from "../../packages/server/src/testing/index.js";

const CJS = fileURLToPath(new URL("../fixtures/processes/commonjs/", import.meta.url));
const ESM = fileURLToPath(new URL("../fixtures/processes/", import.meta.url));
const CORE = fileURLToPath(new URL("../../packages/core", import.meta.url));

const TS_EXPORT_DEFAULT = `import { defineProcess, Input, Output } from "@roost/core";

export default defineProcess({
  identifier: "cjs_ts_default",
  title: "TypeScript export default in a CommonJS package",
  inputs: { n: Input.integer({ title: "N", default: 2 }) },
  outputs: { twice: Output.integer({ title: "Twice N" }) },
  handler: ({ n }) => ({ twice: 2 * n }),
});
`;

let scratch: string;
beforeAll(() => {
  // A package made by \`npm init -y\` (CommonJS) with a TypeScript module written in ES syntax, as in the README;
  // written here rather than committed because the repository type-checks its .ts files as ES modules.
  scratch = mkdtempSync(join(tmpdir(), "roost-cjs-"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0" }));
  mkdirSync(join(scratch, "node_modules", "@roost"), { recursive: true });
  symlinkSync(CORE, join(scratch, "node_modules", "@roost", "core"), "dir");
  writeFileSync(join(scratch, "flood.ts"), TS_EXPORT_DEFAULT);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("process module formats", () => {
  it("finds the processes of CommonJS modules: module.exports, exports.x (.cjs), TypeScript export default", async () => {
    const r = await loadRegistry({
      demo: false,
      modules: [join(CJS, "module-exports.js"), join(CJS, "named-exports.cjs"), join(scratch, "flood.ts")],
    });
    expect(r.list().map((p) => p.identifier)).toEqual([
      "cjs_module_exports",
      "cjs_first",
      "cjs_second",
      "cjs_ts_default",
    ]);
    const run = await runProcess(r.get("cjs_module_exports")!, {});
    expect(run.value("out")).toBe("module.exports says cjs");
    run.cleanup();
    const twice = await runProcess(r.get("cjs_ts_default")!, { n: 21 });
    expect(twice.value("twice")).toBe(42);
    twice.cleanup();
  });

  it("a worker loads one process from a CommonJS module by its path", async () => {
    const p = await loadProcess("cjs_second", { kind: "module", path: join(CJS, "named-exports.cjs") });
    expect(p.title).toBe("Second");
  });

  it("still finds ES module processes (.mjs default export, .ts named exports)", async () => {
    const r = await loadRegistry({
      demo: false,
      modules: [join(ESM, "run-counter.mjs"), join(ESM, "observable.ts")],
    });
    expect(r.get("fx_count_runs")).toBeDefined();
    expect(r.list().length).toBeGreaterThan(1);
  });

  it("refuses a module that exports no process, saying what to export", async () => {
    await expect(loadRegistry({ demo: false, modules: [join(CJS, "nothing.js")] })).rejects.toThrow(
      /nothing\.js exports no process made with defineProcess \(export default defineProcess\(…\), module\.exports = defineProcess\(…\), or named exports\)/,
    );
  });
});
