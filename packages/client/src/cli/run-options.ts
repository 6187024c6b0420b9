/**
 * The options `run` has besides the shared ones, and reading one client option (shared or `run`'s) from the
 * command line. Both parsing steps of `args.ts` use it: client options may come before the process identifier and,
 * unless an input has the same name, after it.
 */
import { UsageError } from "./exit.js";
import { COMMON_OPTIONS, type CommonOptions } from "./options.js";

/** Options only `run` has. */
export interface RunOptions {
  sync?: boolean;
  async?: boolean;
  detach?: boolean;
  output?: string[];
  outputDir?: string;
  timeout?: number;
  help?: boolean;
}

interface RunOptionSpec {
  readonly name: string;
  readonly key: keyof RunOptions;
  readonly short?: string;
  readonly value?: string;
  readonly repeat?: boolean;
  readonly help: string;
}

/** The options of `run` besides the shared ones. */
export const RUN_OPTIONS: readonly RunOptionSpec[] = [
  { name: "sync", key: "sync", help: "run synchronously (wait for the answer, no progress)" },
  { name: "async", key: "async", help: "run asynchronously (the default when the process allows it)" },
  { name: "detach", key: "detach", help: "submit, print the job id and status URL, and exit (async only)" },
  {
    name: "output",
    key: "output",
    short: "o",
    value: "id[=mimeType][@asref|@asvalue]",
    repeat: true,
    help: "choose an output's format and by-reference/by-value (repeatable)",
  },
  {
    name: "output-dir",
    key: "outputDir",
    short: "d",
    value: "dir",
    help: "download referenced outputs into <dir>",
  },
  {
    name: "timeout",
    key: "timeout",
    value: "seconds",
    help: "stop waiting after this long (exit 3; the job keeps running)",
  },
  { name: "help", key: "help", short: "h", help: "show the process's inputs and outputs" },
];

/** A long client option by name (without `--`), shared options first; undefined when there is none. */
export function lookupOption(
  name: string,
):
  | { kind: "common"; spec: (typeof COMMON_OPTIONS)[number] }
  | { kind: "run"; spec: RunOptionSpec }
  | undefined {
  const c = COMMON_OPTIONS.find((o) => o.name === name);
  if (c) return { kind: "common", spec: c };
  const r = RUN_OPTIONS.find((o) => o.name === name);
  if (r) return { kind: "run", spec: r };
  return undefined;
}

/** A client option by its one-letter form (`-o`); undefined when there is none. */
export function lookupShort(
  letter: string,
):
  | { kind: "common"; spec: (typeof COMMON_OPTIONS)[number] }
  | { kind: "run"; spec: RunOptionSpec }
  | undefined {
  const c = COMMON_OPTIONS.find((o) => o.short === letter);
  if (c) return { kind: "common", spec: c };
  const r = RUN_OPTIONS.find((o) => o.short === letter);
  if (r) return { kind: "run", spec: r };
  return undefined;
}

/**
 * Store an option's value (`true` for a flag, appended for a repeatable one). Throws a {@link UsageError} when a
 * value is missing or not allowed.
 */
function setOption(
  target: { common: CommonOptions; run: RunOptions },
  found: NonNullable<ReturnType<typeof lookupOption>>,
  value: string | undefined,
): void {
  const spec = found.spec;
  const label = `--${spec.name}`;
  if (spec.value === undefined) {
    if (value !== undefined) throw new UsageError(`${label} takes no value`);
    if (found.kind === "common") (target.common as Record<string, unknown>)[spec.key] = true;
    else (target.run as Record<string, unknown>)[spec.key] = true;
    return;
  }
  if (value === undefined) throw new UsageError(`${label} needs a value <${spec.value}>`);
  let v: unknown = value;
  if (spec.key === "timeout") {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a positive number of seconds`);
    v = n;
  }
  const obj = (found.kind === "common" ? target.common : target.run) as Record<string, unknown>;
  if (spec.repeat) obj[spec.key] = [...((obj[spec.key] as string[] | undefined) ?? []), v];
  else obj[spec.key] = v;
}

/**
 * Try to read a client option at `argv[i]`. Returns how many tokens were used (0 when `argv[i]` is not a client
 * option).
 */
export function takeClientOption(
  argv: readonly string[],
  i: number,
  target: { common: CommonOptions; run: RunOptions },
): number {
  const tok = argv[i] ?? "";
  if (tok.startsWith("--")) {
    const body = tok.slice(2);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const found = lookupOption(name);
    if (!found) return 0;
    if (eq >= 0) {
      setOption(target, found, body.slice(eq + 1));
      return 1;
    }
    if (found.spec.value === undefined) {
      setOption(target, found, undefined);
      return 1;
    }
    setOption(target, found, argv[i + 1]);
    return 2;
  }
  if (/^-[A-Za-z]/.test(tok)) {
    const found = lookupShort(tok[1] ?? "");
    if (!found) return 0;
    if (found.spec.value === undefined) {
      if (tok.length > 2) throw new UsageError(`unknown option '${tok}'`);
      setOption(target, found, undefined);
      return 1;
    }
    if (tok.length > 2) {
      setOption(target, found, tok.slice(2));
      return 1;
    }
    setOption(target, found, argv[i + 1]);
    return 2;
  }
  return 0;
}
