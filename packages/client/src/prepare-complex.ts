/**
 * Preparing a complex value: a URL goes by reference, a file or data is embedded — text as text (XML as markup),
 * anything else base64 — with the format announced: the caller's if the process supports it, else one guessed from
 * the file name, else the process's default. Size limits are checked before a file is read.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import {
  type Format,
  findFormat,
  hasXmlIllegalChars,
  isTextMimeType,
  isXmlMimeType,
  parseXml,
  preview,
  type wps1,
} from "@roost/core/internal";
import {
  type DataValue,
  type FileValue,
  type FormatChoice,
  type HrefValue,
  type InputValue,
  isObject,
  type PreparedValue,
} from "./execute-values.js";
import { formatForFile } from "./mime.js";
import { isReferenceUrl, parseDataUrl } from "./value-urls.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as UTF-8 text, or undefined when they are not valid UTF-8 or hold characters XML cannot carry. */
function asXmlText(bytes: Uint8Array): string | undefined {
  try {
    const t = utf8.decode(bytes);
    return hasXmlIllegalChars(t) ? undefined : t;
  } catch {
    return undefined;
  }
}

/** Strip an XML declaration so a document can be embedded as element content. */
function embeddableXml(t: string): string | undefined {
  try {
    parseXml(t);
  } catch {
    return undefined;
  }
  return t.replace(/^\uFEFF?\s*<\?xml[^?]*\?>\s*/, "");
}

/** The message for a format the process does not offer (input or output), listing those it does. */
export function formatProblem(f: FormatChoice, formats: readonly Format[]): string {
  const what = [f.mimeType, f.encoding && `encoding ${f.encoding}`, f.schema && `schema ${f.schema}`]
    .filter(Boolean)
    .join(", ");
  return `format ${what} is not supported; supported: ${formats.map((x) => x.mimeType).join(", ") || "(none listed)"}`;
}

/** Pick the format to announce: the caller's (must be supported), else by file name, else the default. */
function chooseFormat(
  def: wps1.Wps1ComplexInput,
  choice: FormatChoice,
  name: string | undefined,
  problem: (m: string) => void,
): FormatChoice | undefined {
  if (choice.mimeType !== undefined || choice.schema !== undefined) {
    if (def.formats.length === 0) return choice;
    const f = findFormat(def.formats, choice);
    if (!f) {
      problem(formatProblem(choice, def.formats));
      return undefined;
    }
    return {
      mimeType: choice.mimeType ?? f.mimeType,
      ...(choice.schema !== undefined
        ? { schema: choice.schema }
        : f.schema !== undefined
          ? { schema: f.schema }
          : {}),
    };
  }
  const f = (name !== undefined ? formatForFile(name, def.formats) : undefined) ?? def.formats[0];
  if (!f) return {};
  return { mimeType: f.mimeType, ...(f.schema !== undefined ? { schema: f.schema } : {}) };
}

/** Embed bytes in the request (within the size limit): as text when the format is text and XML can carry them, else base64. */
function embed(
  def: wps1.Wps1ComplexInput,
  bytes: Uint8Array,
  fmt: FormatChoice,
  encoding: string | undefined,
  problem: (m: string) => void,
): PreparedValue | undefined {
  if (def.maximumMegabytes !== undefined && bytes.length > def.maximumMegabytes * 1024 * 1024) {
    problem(`is ${bytes.length} bytes; the process accepts at most ${def.maximumMegabytes} MB`);
    return undefined;
  }
  const mime = fmt.mimeType;
  const forceBase64 = encoding?.toLowerCase() === "base64";
  const text = forceBase64 ? undefined : asXmlText(bytes);
  // Text formats travel as text; anything binary (or a text format holding bytes XML cannot carry) as base64.
  if (text !== undefined && (mime === undefined || isTextMimeType(mime))) {
    const xml = mime !== undefined && isXmlMimeType(mime) ? embeddableXml(text) : undefined;
    return {
      kind: "complex",
      data: xml ?? text,
      xml: xml !== undefined,
      ...fmt,
      ...(encoding !== undefined ? { encoding } : {}),
    };
  }
  return {
    kind: "complex",
    data: Buffer.from(bytes).toString("base64"),
    xml: false,
    ...fmt,
    encoding: "base64",
  };
}

/** Check one value of a complex input and say how it travels; problems go to `problem`, which makes it undefined. */
export async function prepareComplex(
  def: wps1.Wps1ComplexInput,
  v: InputValue,
  problem: (m: string) => void,
): Promise<PreparedValue | undefined> {
  let value: HrefValue | FileValue | DataValue;
  if (typeof v === "string") {
    const data = parseDataUrl(v);
    if (data)
      value = { data: data.bytes, ...(data.mimeType !== undefined ? { mimeType: data.mimeType } : {}) };
    else if (isReferenceUrl(v)) value = { href: v };
    else if (v.startsWith("@")) value = { file: v.slice(1) };
    else if (v.length < 4096 && !v.includes("\n") && existsSync(v)) value = { file: v };
    else value = { data: v };
  } else if (isObject(v) && ("href" in v || "file" in v || "data" in v)) {
    value = v as HrefValue | FileValue | DataValue;
  } else {
    problem(
      `is a complex input; pass a URL, a file or data (got ${typeof v === "object" ? "an object" : typeof v})`,
    );
    return undefined;
  }
  if ("href" in value) {
    if (!isReferenceUrl(value.href)) {
      problem(`'${preview(value.href)}' is not an http(s), ftp or file URL`);
      return undefined;
    }
    let path = value.href;
    try {
      path = new URL(value.href).pathname;
    } catch {
      // isReferenceUrl accepted it, so this cannot happen; keep the raw string for the extension lookup.
    }
    const fmt = chooseFormat(def, value, basename(path), problem);
    if (!fmt) return undefined;
    return {
      kind: "reference",
      href: value.href,
      ...fmt,
      ...(value.encoding !== undefined ? { encoding: value.encoding } : {}),
    };
  }
  if ("file" in value) {
    let bytes: Buffer;
    try {
      const st = await stat(value.file);
      if (!st.isFile()) {
        problem(`'${value.file}' is not a regular file`);
        return undefined;
      }
      if (def.maximumMegabytes !== undefined && st.size > def.maximumMegabytes * 1024 * 1024) {
        problem(
          `file '${value.file}' is ${st.size} bytes; the process accepts at most ${def.maximumMegabytes} MB`,
        );
        return undefined;
      }
      bytes = await readFile(value.file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      problem(
        code === "ENOENT"
          ? `file '${value.file}' does not exist`
          : `cannot read '${value.file}' (${code ?? e})`,
      );
      return undefined;
    }
    const fmt = chooseFormat(def, value, basename(value.file), problem);
    if (!fmt) return undefined;
    return embed(def, bytes, fmt, value.encoding, problem);
  }
  const bytes = typeof value.data === "string" ? Buffer.from(value.data, "utf8") : value.data;
  const fmt = chooseFormat(def, value, undefined, problem);
  if (!fmt) return undefined;
  if (typeof value.data === "string" && value.encoding === undefined && hasXmlIllegalChars(value.data)) {
    problem("contains control characters that XML cannot carry (pass bytes to send it base64-encoded)");
    return undefined;
  }
  return embed(def, bytes, fmt, value.encoding, problem);
}
