/**
 * The process registry: the built-in demo processes plus every process exported by the module files named in the
 * configuration. The server, the local workers and Slurm workers load it the same way; a worker on a compute node
 * loads only the one module its job names (`ProcessSource` in `job.json`).
 */
import { pathToFileURL } from "node:url";
import { isProcessDefinition, type ProcessDefinition, type ProcessSource } from "@roost/core/internal";

/** A registry problem (bad module, duplicate identifier) with a message that names the file. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryError";
  }
}

/** An immutable set of processes, keyed by identifier. */
export class ProcessRegistry {
  readonly #byId: ReadonlyMap<
    string,
    { readonly process: ProcessDefinition; readonly source: ProcessSource }
  >;
  readonly #list: readonly ProcessDefinition[];

  constructor(entries: readonly { readonly process: ProcessDefinition; readonly source: ProcessSource }[]) {
    const byId = new Map<string, { process: ProcessDefinition; source: ProcessSource }>();
    for (const e of entries) {
      const prev = byId.get(e.process.identifier);
      if (prev) {
        throw new RegistryError(
          `process '${e.process.identifier}' is defined twice (${describeSource(prev.source)} and ${describeSource(e.source)})`,
        );
      }
      byId.set(e.process.identifier, e);
    }
    this.#byId = byId;
    this.#list = entries.map((e) => e.process);
  }

  /** A process by identifier (exact match). */
  get(id: string): ProcessDefinition | undefined {
    return this.#byId.get(id)?.process;
  }

  /** Where a process's code lives. */
  source(id: string): ProcessSource | undefined {
    return this.#byId.get(id)?.source;
  }

  /** All processes in registration order. */
  list(): readonly ProcessDefinition[] {
    return this.#list;
  }
}

function describeSource(s: ProcessSource): string {
  return s.kind === "demo" ? "the built-in demo" : s.path;
}

/** Import a module file: TypeScript through tsx, JavaScript natively. */
async function importModule(path: string): Promise<Record<string, unknown>> {
  try {
    if (/\.(c|m)?tsx?$/.test(path)) {
      // ~100 ms per .ts module on Node 20 (style.md); loaded once per process.
      const { tsImport } = await import("tsx/esm/api");
      return (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new RegistryError(
      `cannot load process module ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Every ProcessDefinition a module exports: the default export (one, an array, or an object of them) and the named
 * exports. A CommonJS module arrives through `import()` with its `module.exports` as the default export, so
 * `module.exports = defineProcess(…)` is found as it is, and `exports.x = …` / TypeScript's `export default …`
 * compiled to CommonJS (`exports.default`, what tsx produces in a package without `"type": "module"`) are found
 * one level down.
 */
export function processesOf(mod: Record<string, unknown>): ProcessDefinition[] {
  const found: ProcessDefinition[] = [];
  const add = (v: unknown) => {
    if (isProcessDefinition(v) && !found.includes(v)) found.push(v);
    else if (Array.isArray(v))
      for (const x of v) if (isProcessDefinition(x) && !found.includes(x)) found.push(x);
  };
  const fromDefault = mod.default;
  add(fromDefault);
  if (
    typeof fromDefault === "object" &&
    fromDefault !== null &&
    !Array.isArray(fromDefault) &&
    !isProcessDefinition(fromDefault)
  ) {
    // module.exports (CommonJS) or an object of processes: its own values, one level only.
    for (const v of Object.values(fromDefault)) add(v);
  }
  for (const [k, v] of Object.entries(mod)) if (k !== "default") add(v);
  return found;
}

async function demoProcesses(): Promise<readonly ProcessDefinition[]> {
  const mod = await import("../demo/index.js");
  return mod.DEMO_PROCESSES;
}

/** Load the registry from configuration. */
export async function loadRegistry(opts: {
  readonly demo: boolean;
  readonly modules: readonly string[];
}): Promise<ProcessRegistry> {
  const entries: { process: ProcessDefinition; source: ProcessSource }[] = [];
  if (opts.demo)
    for (const p of await demoProcesses()) entries.push({ process: p, source: { kind: "demo" } });
  for (const path of opts.modules) {
    const procs = processesOf(await importModule(path));
    if (procs.length === 0)
      throw new RegistryError(
        `process module ${path} exports no process made with defineProcess (export default defineProcess(…), ` +
          "module.exports = defineProcess(…), or named exports)",
      );
    for (const p of procs) entries.push({ process: p, source: { kind: "module", path } });
  }
  return new ProcessRegistry(entries);
}

/** Load one process from its source (what a worker does for a single job). */
export async function loadProcess(id: string, source: ProcessSource): Promise<ProcessDefinition> {
  const list = source.kind === "demo" ? await demoProcesses() : processesOf(await importModule(source.path));
  const p = list.find((x) => x.identifier === id);
  if (!p) throw new RegistryError(`process '${id}' not found in ${describeSource(source)}`);
  return p;
}
