/**
 * The values of complex inputs on the command line: where each comes from (a URL, `@file` or an existing path,
 * `data:,text`, `-` for standard input) and an optional format suffix (`;mimeType=…;encoding=…;schema=…`), turned
 * into the library's input values. Literal and bounding-box strings pass through: the library checks them against
 * the process.
 */
import { existsSync } from "node:fs";
import type { wps1 } from "@roost/core/internal";
import { type InputProblem, InputValidationError } from "../errors.js";
import type { FileValue, InputValue } from "../execute-values.js";
import { isReferenceUrl } from "../value-urls.js";
import type { RawInputArgs } from "./args.js";

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
