/**
 * `roost new process <name> [--js|--ts]`: scaffold a runnable process module and its test in the current package,
 * then wire them up so that `npm test`, `roost serve` and `roost run <name>` work at once:
 *
 * - `processes/<name>.ts` (or `.js`): a process made with defineProcess, importing only what authors use from
 *   `@roost/core`. A `.js` module follows the package's module system (`"type": "module"` → `import`/`export`,
 *   otherwise `require`/`module.exports`); TypeScript is written as ES modules in both (tsx compiles it as needed).
 * - `processes/<name>.test.ts` (or `.js`): node:test tests running the handler with `runProcess`, no server needed.
 * - `roost.toml`: created with `[processes] modules = [...]`, or the new module added to an existing one-line
 *   `modules` list; anything else is left alone and the line to add is printed.
 * - `package.json` `scripts.test`: set when absent (or npm's "no test specified" placeholder) or when it is one
 *   this command wrote; a test script of the author's own is never replaced.
 *
 * Existing files are never overwritten (`--force` does).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";

/** Options of the command. */
export interface NewProcessOptions {
  readonly js?: boolean;
  readonly ts?: boolean;
  readonly dir?: string;
  readonly force?: boolean;
  /** Working directory (tests); default `process.cwd()`. */
  readonly cwd?: string;
}

/** What the command did, for its report and for tests. */
export interface ScaffoldResult {
  readonly created: readonly string[];
  readonly notes: readonly string[];
}

/** A usage problem: printed, exit 2. */
export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScaffoldError";
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Test scripts this command writes; only these (and npm's placeholder) are ever replaced. */
const OUR_SCRIPT = /^node (--import @roost\/server\/typescript )?--test( [^\s]+\.test\.(ts|js|mjs|cjs))+$/;

function title(name: string): string {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function processSource(name: string, kind: "ts" | "esm" | "cjs"): string {
  const head =
    kind === "cjs"
      ? `const { defineProcess, Input, Output, ProcessError } = require("@roost/core");\n\nmodule.exports = defineProcess({`
      : `import { defineProcess, Input, Output, ProcessError } from "@roost/core";\n\nexport default defineProcess({`;
  return `/**
 * ${title(name)}: a Roost process. Edit the declaration and the handler; \`npm test\` runs its tests without a server,
 * \`roost serve --watch\` serves it and restarts on every change, \`roost run ${name} --help\` shows its options.
 */
${head}
  identifier: ${JSON.stringify(name)},
  title: ${JSON.stringify(title(name))},
  abstract: "Repeats a text: replace with what your process does (DescribeProcess and --help show it).",
  version: "0.1.0",
  inputs: {
    text: Input.string({ title: "Text" }),
    times: Input.integer({ title: "How many times", default: 2, ranges: [{ minimum: 1, maximum: 10 }] }),
  },
  outputs: {
    result: Output.string({ title: "Result" }),
  },
  handler: async ({ text, times }, ctx) => {
    // A ProcessError's message reaches the user; any other error is logged and reported as a generic failure.
    if (text.trim() === "") throw new ProcessError("text must not be empty");
    ctx.progress(50, "repeating");
    ctx.logger.info("repeating", { times });
    await ctx.sleep(10); // long work should wait like this (or watch ctx.signal): a dismissed job stops here
    return { result: Array.from({ length: times }, () => text).join(" ") };
  },
});
`;
}

function testSource(name: string, file: string, kind: "ts" | "esm" | "cjs"): string {
  const imports =
    kind === "cjs"
      ? `const assert = require("node:assert/strict");
const { test } = require("node:test");
const { runProcess } = require("@roost/server/testing");
const proc = require("./${file}");`
      : `import assert from "node:assert/strict";
import { test } from "node:test";
import { runProcess } from "@roost/server/testing";
import proc from "./${file.replace(/\.ts$/, ".js")}";`;
  return `${imports}

// runProcess runs the handler as a Roost worker does — inputs checked and defaults applied as on the server, the
// real context (progress, log, workdir) — without a server.
test("${name} repeats the text", async () => {
  const run = await runProcess(proc, { text: "hello", times: 3 });
  try {
    assert.equal(run.value("result"), "hello hello hello");
    assert.deepEqual(run.progress, [{ percent: 50, message: "repeating" }]);
  } finally {
    run.cleanup();
  }
});

test("${name} uses the default of times", async () => {
  const run = await runProcess(proc, { text: "hi" });
  assert.equal(run.value("result"), "hi hi");
  run.cleanup();
});

test("${name} refuses an empty text with a message for the user", async () => {
  await assert.rejects(runProcess(proc, { text: " " }), { kind: "process", message: "Process error: text must not be empty" });
});

test("${name} refuses what the server would refuse", async () => {
  await assert.rejects(runProcess(proc, { text: "x", times: 11 }), /Input 'times' is not one of the allowed values/);
});
`;
}

/** The nearest package.json at or above `dir`. */
function findPackage(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return join(d, "package.json");
    if (dirname(d) === d) return undefined;
  }
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** Add `module` (relative to roost.toml) to `[processes] modules`; returns a note for the report. */
async function registerModule(
  tomlPath: string,
  module: string,
  created: string[],
): Promise<string | undefined> {
  if (!existsSync(tomlPath)) {
    writeFileSync(
      tomlPath,
      `# Roost configuration: \`roost serve\` (or \`roost serve --watch\` while developing) reads it.\n` +
        `# Every key is listed in Roost's README, "Configuration".\n\n[processes]\nmodules = [${tomlString(module)}]\n`,
    );
    created.push(tomlPath);
    return undefined;
  }
  const text = readFileSync(tomlPath, "utf8");
  const { parse } = await import("smol-toml");
  let current: unknown;
  try {
    current = (parse(text) as { processes?: { modules?: unknown } }).processes?.modules;
  } catch (e) {
    return `${tomlPath} is not valid TOML (${(e as Error).message}); add ${tomlString(module)} to [processes] modules`;
  }
  const list = Array.isArray(current) ? current.map(String) : [];
  if (list.includes(module)) return undefined;
  const lines = text.split("\n");
  const section = lines.findIndex((l) => /^\s*\[processes\]\s*(#.*)?$/.test(l));
  const next = [...list, module];
  const entry = `modules = [${next.map(tomlString).join(", ")}]`;
  if (section < 0) {
    writeFileSync(tomlPath, `${text.replace(/\n*$/, "\n")}\n[processes]\n${entry}\n`);
    return `added ${module} to [processes] modules in ${tomlPath}`;
  }
  let end = lines.findIndex((l, i) => i > section && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  const at = lines.findIndex((l, i) => i > section && i < end && /^\s*modules\s*=/.test(l));
  if (at < 0) {
    lines.splice(section + 1, 0, entry);
  } else if (/^\s*modules\s*=\s*\[[^\]]*\]\s*(#.*)?$/.test(lines[at]!)) {
    lines[at] = entry;
  } else {
    return `add ${tomlString(module)} to [processes] modules in ${tomlPath}`;
  }
  writeFileSync(tomlPath, lines.join("\n"));
  return `added ${module} to [processes] modules in ${tomlPath}`;
}

/** Set `scripts.test` so that it runs every scaffolded test; returns a note. */
function registerTest(pkgPath: string, testFile: string, ts: boolean): string | undefined {
  const text = readFileSync(pkgPath, "utf8");
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  const current = pkg.scripts?.test;
  const placeholder = current === undefined || /no test specified/.test(current);
  if (!placeholder && !OUR_SCRIPT.test(current)) return `add ${testFile} to your test script ("${current}")`;
  const files = placeholder ? [] : current.split(" ").filter((w) => /\.test\.(ts|js|mjs|cjs)$/.test(w));
  if (!files.includes(testFile)) files.push(testFile);
  const needsTs = ts || files.some((f) => f.endsWith(".ts"));
  const script = `node ${needsTs ? "--import @roost/server/typescript " : ""}--test ${files.join(" ")}`;
  pkg.scripts = { ...pkg.scripts, test: script };
  const indent = /^\{\n(\s+)"/.exec(text)?.[1] ?? "  ";
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, indent)}\n`);
  return `package.json: "test": "${script}"`;
}

/** Scaffold a process; throws {@link ScaffoldError} on usage problems. */
export async function scaffoldProcess(name: string, o: NewProcessOptions = {}): Promise<ScaffoldResult> {
  if (!NAME.test(name))
    throw new ScaffoldError(
      `'${name.slice(0, 70)}' cannot name a process file: use letters, digits, - and _, starting with a letter`,
    );
  if (o.js === true && o.ts === true) throw new ScaffoldError("choose --js or --ts, not both");
  const cwd = resolve(o.cwd ?? process.cwd());
  const pkgPath = findPackage(cwd);
  if (pkgPath === undefined)
    throw new ScaffoldError("no package.json here or above: create a package first (npm init -y)");
  const root = dirname(pkgPath);
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { type?: string };
  const ts = o.js !== true;
  const kind = ts ? "ts" : pkg.type === "module" ? "esm" : "cjs";
  const dir = resolve(cwd, o.dir ?? "processes");
  const ext = ts ? ".ts" : ".js";
  const modulePath = join(dir, `${name}${ext}`);
  const testPath = join(dir, `${name}.test${ext}`);
  for (const f of [modulePath, testPath])
    if (existsSync(f) && o.force !== true)
      throw new ScaffoldError(`${relative(cwd, f)} exists; choose another name or pass --force`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(modulePath, processSource(name, kind));
  writeFileSync(testPath, testSource(name, `${name}${ext}`, kind));
  const created = [modulePath, testPath];
  const notes: string[] = [];
  const tomlNote = await registerModule(join(root, "roost.toml"), relative(root, modulePath), created);
  if (tomlNote) notes.push(tomlNote);
  const testNote = registerTest(pkgPath, relative(root, testPath), ts);
  if (testNote) notes.push(testNote);
  return { created, notes };
}

/** Register `roost new process`. */
export function registerNew(program: Command): void {
  const create = program.command("new").description("create files for authors (roost new process <name>)");
  create
    .command("process")
    .description("scaffold a process module and its test in this package, and list it in roost.toml")
    .argument("<name>", "process identifier (also the file name)")
    .option("--ts", "TypeScript (the default)")
    .option("--js", 'JavaScript: an ES module or CommonJS, as the package\'s "type" says')
    .option("--dir <dir>", "directory of the new files", "processes")
    .option("--force", "overwrite existing files")
    .action(async (name: string, o: NewProcessOptions) => {
      try {
        const r = await scaffoldProcess(name, o);
        const cwd = process.cwd();
        for (const f of r.created) process.stdout.write(`created ${relative(cwd, f)}\n`);
        for (const n of r.notes) process.stdout.write(`${n}\n`);
        process.stdout.write(
          `\nnext:\n  npm test                 # the tests, no server needed\n` +
            `  npx roost serve --watch  # serves the processes of ./roost.toml, restarts on change\n` +
            `  npx roost run ${name} --help --url http://127.0.0.1:5000/wps   # in another terminal\n`,
        );
      } catch (e) {
        if (!(e instanceof ScaffoldError)) throw e;
        process.stderr.write(`roost: ${e.message}\n`);
        process.exit(2);
      }
    });
}
