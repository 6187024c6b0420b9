/**
 * The command line of `roost run`, parsed by hand: its options come from the process description, and WPS
 * identifiers may hold dots, dashes, spaces and capitals (`--"input 1" 5`, `--input-2 @x.json`), which no option
 * library keeps intact. Parsing is in two steps: {@link parseRunCommandLine} reads the client options and the process
 * identifier without knowing the process; {@link parseProcessArgs} reads the rest against its description.
 *
 * Rules:
 * - options before the process identifier are client options (`roost run --url U --sync hello …`);
 * - after it, `--<id> <value>` and `--<id>=<value>` name inputs by their exact identifier; client options are
 *   still recognised there when no input has the same name (an input called `json` wins over `--json`);
 * - a boolean input alone (`--flag`) means true, `--no-<id>` false, and `--flag false`/`--flag 0` work;
 * - repeating an option gives several occurrences; a value may start with `-` (`--x -3`);
 * - complex inputs take a URL (sent by reference), `@path` or an existing path (embedded), `data:,text` (inline) or
 *   `-` (standard input), optionally followed by `;mimeType=…`, `;encoding=…`, `;schema=…`.
 */
import { existsSync } from "node:fs";
import type { wps1 } from "@roost/core/internal";
import { type InputProblem, InputValidationError } from "../errors.js";
import type { FileValue, InputValue, OutputChoice } from "../execute-values.js";
import { suggest } from "../suggest.js";
import { isReferenceUrl } from "../value-urls.js";
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

/** The first parsing step's result. */
export interface RunCommandLine {
  readonly common: CommonOptions;
  readonly run: RunOptions;
  readonly processId?: string;
  /** Everything after the process identifier. */
  readonly rest: readonly string[];
}

function lookupOption(
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

function lookupShort(
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
function takeClientOption(
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

/** Step one: client options and the process identifier. */
export function parseRunCommandLine(argv: readonly string[]): RunCommandLine {
  const target = { common: {} as CommonOptions, run: {} as RunOptions };
  let i = 0;
  while (i < argv.length) {
    const tok = argv[i] ?? "";
    if (tok === "--") {
      i++;
      break;
    }
    if (!tok.startsWith("-") || tok === "-") break;
    const used = takeClientOption(argv, i, target);
    if (used === 0) {
      throw new UsageError(
        `unknown option '${tok}' before the process identifier`,
        "process inputs go after the process: roost run <process> --<input> <value>",
      );
    }
    i += used;
  }
  const processId = argv[i];
  return {
    common: target.common,
    run: target.run,
    ...(processId !== undefined ? { processId } : {}),
    rest: argv.slice(processId !== undefined ? i + 1 : i),
  };
}

/**
 * The client options among the tokens after the process identifier, read without the process description (so an
 * input named like a client option is mistaken for it here; {@link parseProcessArgs} has the last word).
 */
export function prescanCommonOptions(base: CommonOptions, rest: readonly string[]): CommonOptions {
  const target = {
    common: { ...base, ...(base.header ? { header: [...base.header] } : {}) } as CommonOptions,
    run: {} as RunOptions,
  };
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i] ?? "";
    if (!tok.startsWith("-")) continue;
    const name = tok.startsWith("--") ? (tok.slice(2).split("=")[0] ?? "") : "";
    const found = tok.startsWith("--") ? lookupOption(name) : lookupShort(tok[1] ?? "");
    if (found?.kind !== "common") continue;
    try {
      const used = takeClientOption(rest, i, target);
      if (used > 1) i += used - 1;
    } catch {
      // A malformed option: the real parse reports it.
    }
  }
  return target.common;
}

/** Raw strings given for each input, in command-line order. */
export type RawInputArgs = Map<string, string[]>;

const BOOL_WORD = /^(true|false|1|0)$/i;

function isBooleanInput(d: wps1.Wps1Input): boolean {
  return d.kind === "literal" && d.literalType === "boolean";
}

/**
 * Step two: the tokens after the process identifier, against its description. Client options found there are
 * merged into `cl`. Throws a {@link UsageError} for unknown options and missing values.
 */
export function parseProcessArgs(
  rest: readonly string[],
  inputs: readonly wps1.Wps1Input[],
  cl: { common: CommonOptions; run: RunOptions },
): RawInputArgs {
  const byId = new Map(inputs.map((d) => [d.identifier, d]));
  const out: RawInputArgs = new Map();
  const push = (id: string, v: string) => {
    const list = out.get(id);
    if (list) list.push(v);
    else out.set(id, [v]);
  };
  let i = 0;
  while (i < rest.length) {
    const tok = rest[i] ?? "";
    if (tok.startsWith("--") && tok.length > 2) {
      const body = tok.slice(2);
      // The exact identifier first (it may itself contain '='), then `--id=value`.
      let def = byId.get(body);
      let inline: string | undefined;
      if (!def) {
        const eq = body.indexOf("=");
        if (eq > 0 && byId.has(body.slice(0, eq))) {
          def = byId.get(body.slice(0, eq));
          inline = body.slice(eq + 1);
        }
      }
      if (def) {
        const id = def.identifier;
        if (inline !== undefined) {
          push(id, inline);
          i++;
          continue;
        }
        const next = rest[i + 1];
        if (isBooleanInput(def)) {
          if (next !== undefined && BOOL_WORD.test(next)) {
            push(id, next);
            i += 2;
          } else {
            push(id, "true");
            i++;
          }
          continue;
        }
        if (next === undefined) throw new UsageError(`--${id} needs a value`, usageHint(def));
        // `--name --sync` most likely forgot the value; a value that merely starts with '-' (`-3`) is fine.
        if (
          next.startsWith("--") &&
          (byId.has(next.slice(2).split("=")[0] ?? "") || lookupOption(next.slice(2).split("=")[0] ?? ""))
        )
          throw new UsageError(`--${id} needs a value (got the option '${next}')`, usageHint(def));
        push(id, next);
        i += 2;
        continue;
      }
      if (body.startsWith("no-")) {
        const negated = byId.get(body.slice(3));
        if (negated && isBooleanInput(negated)) {
          push(negated.identifier, "false");
          i++;
          continue;
        }
      }
    }
    const used = takeClientOption(rest, i, cl);
    if (used > 0) {
      i += used;
      continue;
    }
    if (tok.startsWith("-") && tok !== "-") {
      const name = tok.replace(/^--?/, "").split("=")[0] ?? "";
      const hint = suggest(name, [...byId.keys()]);
      throw new UsageError(
        `unknown option '${tok}'`,
        hint.length > 0
          ? `did you mean ${hint.map((h) => `--${quoteId(h)}`).join(", ")}?`
          : `inputs: ${[...byId.keys()].map((k) => `--${quoteId(k)}`).join(" ") || "(none)"}`,
      );
    }
    throw new UsageError(
      `unexpected argument '${tok}'`,
      "input values follow their option: --<input> <value>",
    );
  }
  return out;
}

/** An identifier as a user would type it in a shell (quoted when it holds spaces or shell characters). */
export function quoteId(id: string): string {
  return /^[A-Za-z0-9._:/+=,@%-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

/** The placeholder shown for an input's value. */
export function valuePlaceholder(d: wps1.Wps1Input): string {
  switch (d.kind) {
    case "literal":
      return `<${d.dataType ?? "value"}>`;
    case "complex":
      return "<url|@file>";
    case "bbox":
      return "<minx,miny,maxx,maxy[,crs]>";
  }
}

function usageHint(d: wps1.Wps1Input): string {
  return `usage: --${quoteId(d.identifier)} ${valuePlaceholder(d)}`;
}

const FORMAT_KEYS: Readonly<Record<string, "mimeType" | "encoding" | "schema">> = {
  mimetype: "mimeType",
  mime: "mimeType",
  encoding: "encoding",
  schema: "schema",
};

/**
 * Split `source;mimeType=…;encoding=…` into the source and the format fields. Parameters of the media type itself
 * (`;mimeType=application/metalink+xml; version=4.0`) stay with it.
 */
export function splitFormatSuffix(v: string): {
  source: string;
  format: { mimeType?: string; encoding?: string; schema?: string };
} {
  const m = /;\s*(mimetype|mime|encoding|schema)=/i.exec(v);
  if (!m) return { source: v, format: {} };
  const source = v.slice(0, m.index);
  const format: { mimeType?: string; encoding?: string; schema?: string } = {};
  let current: "mimeType" | "encoding" | "schema" | undefined;
  for (const part of v.slice(m.index + 1).split(";")) {
    const kv = /^\s*([A-Za-z]+)=(.*)$/.exec(part);
    const key = kv ? FORMAT_KEYS[(kv[1] ?? "").toLowerCase()] : undefined;
    if (kv && key) {
      current = key;
      format[key] = (kv[2] ?? "").trim();
    } else if (current !== undefined) {
      format[current] = `${format[current]}; ${part.trim()}`;
    }
  }
  return { source, format };
}

/** Reads standard input once (for `--<input> -`). */
export type StdinReader = () => Promise<Buffer>;

/**
 * Turn the raw strings of complex inputs into values the library understands, checking that local files exist and
 * that anything else is a URL. Literal and bounding-box strings pass through (the library checks them).
 */
export async function toInputValues(
  raw: RawInputArgs,
  inputs: readonly wps1.Wps1Input[],
  readStdin: StdinReader,
): Promise<Record<string, InputValue[]>> {
  const byId = new Map(inputs.map((d) => [d.identifier, d]));
  const problems: InputProblem[] = [];
  const out: Record<string, InputValue[]> = {};
  let stdinUsed = false;
  for (const [id, values] of raw) {
    const def = byId.get(id);
    const list: InputValue[] = [];
    for (const v of values) {
      if (def?.kind !== "complex") {
        list.push(v);
        continue;
      }
      const { source, format } = splitFormatSuffix(v);
      if (source.startsWith("data:")) {
        list.push(source);
      } else if (source === "-") {
        if (stdinUsed) {
          problems.push({ id, message: "standard input can be read only once" });
          continue;
        }
        stdinUsed = true;
        list.push({ data: await readStdin(), ...format });
      } else if (isReferenceUrl(source)) {
        list.push({ href: source, ...format });
      } else if (source.startsWith("@")) {
        const file: FileValue = { file: source.slice(1), ...format };
        list.push(file);
      } else if (existsSync(source)) {
        list.push({ file: source, ...format });
      } else {
        problems.push({
          id,
          message: `'${source}' is neither a URL nor an existing file (use a URL, @file, data:,<text> for inline text, or - for standard input)`,
        });
      }
    }
    out[id] = list;
  }
  if (problems.length > 0) throw new InputValidationError(problems);
  return out;
}

const AS_REF = /@(asref|asreference|ref|reference|byref)$/i;
const AS_VALUE = /@(asvalue|value|inline|byvalue)$/i;

/**
 * Parse `--output` specs: `id`, `id=mimeType`, `id@asref`, `id=mimeType@asvalue`. An identifier that itself holds
 * `=` or `@` is recognised when it matches an output exactly.
 */
export function parseOutputSpecs(specs: readonly string[], outputIds: readonly string[]): OutputChoice[] {
  const ids = new Set(outputIds);
  return specs.map((spec): OutputChoice => {
    if (ids.has(spec)) return { id: spec };
    let rest = spec;
    let asReference: boolean | undefined;
    if (AS_REF.test(rest)) {
      asReference = true;
      rest = rest.replace(AS_REF, "");
    } else if (AS_VALUE.test(rest)) {
      asReference = false;
      rest = rest.replace(AS_VALUE, "");
    }
    let id = rest;
    let mimeType: string | undefined;
    if (!ids.has(rest)) {
      const eq = rest.indexOf("=");
      if (eq > 0) {
        id = rest.slice(0, eq);
        mimeType = rest.slice(eq + 1).trim();
        if (mimeType === "") throw new UsageError(`--output '${spec}': the media type after '=' is empty`);
      }
    }
    return {
      id,
      ...(mimeType !== undefined ? { mimeType } : {}),
      ...(asReference !== undefined ? { asReference } : {}),
    };
  });
}
