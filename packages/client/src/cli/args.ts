/**
 * The command line of `roost run`, parsed by hand: its options come from the process description, and WPS
 * identifiers may hold dots, dashes, spaces and capitals (`--"input 1" 5`, `--input-2 @x.json`), which no option
 * library keeps intact. Parsing is in two steps: {@link parseRunCommandLine} reads the client options and the process
 * identifier without knowing the process; {@link parseProcessArgs} reads the rest against its description. The
 * values are read afterwards: complex inputs in `input-values.ts`, `--output` in `output-specs.ts`.
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
import type { wps1 } from "@roost/core/internal";
import { suggest } from "../suggest.js";
import { UsageError } from "./exit.js";
import { quoteId, usageHint } from "./input-usage.js";
import type { CommonOptions } from "./options.js";
import { lookupOption, lookupShort, type RunOptions, takeClientOption } from "./run-options.js";

// The unit tests import these from here, where they were defined before the split.
export { quoteId } from "./input-usage.js";
export { splitFormatSuffix, toInputValues } from "./input-values.js";
export { parseOutputSpecs } from "./output-specs.js";

/** The first parsing step's result. */
export interface RunCommandLine {
  readonly common: CommonOptions;
  readonly run: RunOptions;
  readonly processId?: string;
  /** Everything after the process identifier. */
  readonly rest: readonly string[];
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
