/**
 * Turning caller values into the inputs of one Execute request, checked against the process description before
 * anything is sent: unknown inputs, occurrences, required inputs, literal types (with Roost's XML Schema parsing from
 * `@roost/core`), allowed values and ranges, supported formats and CRSs, input sizes. All problems are reported
 * together. Falsy values (`false`, `0`, `""`) are values like any other: only `undefined`/`null` mean "not given".
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import {
  type BoundingBox,
  checkAllowed,
  crsKey,
  type Format,
  findFormat,
  formatLiteral,
  hasXmlIllegalChars,
  isTextMimeType,
  isXmlMimeType,
  type OutputRequest,
  parseBboxText,
  parseLiteral,
  parseXml,
  preview,
  type wps1,
} from "@roost/core/internal";
import { type InputProblem, InputValidationError } from "./errors.js";
import { formatForFile } from "./mime.js";

/** Format fields a caller may set on a complex value. */
export interface FormatChoice {
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
}

/** A complex value by reference: the server fetches `href`. */
export interface HrefValue extends FormatChoice {
  readonly href: string;
}

/** A complex value from a local file, embedded in the request (text as is, anything else base64). */
export interface FileValue extends FormatChoice {
  readonly file: string;
}

/** A complex value given inline. */
export interface DataValue extends FormatChoice {
  readonly data: string | Uint8Array;
}

/** A bounding box as `[minx, miny, maxx, maxy]` (or more dimensions: all lower, then all upper coordinates). */
export interface BboxArrayValue {
  readonly bbox: readonly number[];
  readonly crs?: string;
}

/**
 * One value of an input. Literals: string, number or boolean. Complex inputs: `{ href }`, `{ file }`, `{ data }`, or
 * a string — an `http(s)`/`ftp`/`file` URL is sent by reference, a `data:` URL and `@path` or an existing path are
 * embedded, anything else is sent as inline text. Bounding boxes: `"minx,miny,maxx,maxy[,crs]"`, `{ bbox, crs }` or
 * a `BoundingBox`.
 */
export type InputValue =
  | string
  | number
  | boolean
  | HrefValue
  | FileValue
  | DataValue
  | BboxArrayValue
  | BoundingBox;

/** The inputs of one Execute: identifier → value, or several values for a repeatable input. */
export type InputValues = Readonly<Record<string, InputValue | readonly InputValue[] | null | undefined>>;

/** One checked input occurrence, ready to encode. */
export type PreparedValue =
  | { readonly kind: "literal"; readonly value: string; readonly dataType?: string }
  | ({ readonly kind: "reference"; readonly href: string } & FormatChoice)
  | ({ readonly kind: "complex"; readonly data: string; readonly xml: boolean } & FormatChoice)
  | ({ readonly kind: "bbox" } & BoundingBox);

/** One checked input occurrence with its identifier. */
export interface PreparedInput {
  readonly id: string;
  readonly value: PreparedValue;
}

/** How the caller wants one output: format and by-value/by-reference. */
export interface OutputChoice {
  readonly id: string;
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly uom?: string;
  /** True: by reference (a URL); false: inline; undefined: the server's default. */
  readonly asReference?: boolean;
}

const REFERENCE_SCHEMES = new Set(["http:", "https:", "ftp:", "file:"]);

/** True when `s` is a URL the server can fetch (`http`, `https`, `ftp`, `file`). */
export function isReferenceUrl(s: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return false;
  try {
    return REFERENCE_SCHEMES.has(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** Parse a `data:` URL (RFC 2397) into bytes and media type; undefined when `s` is not one. */
export function parseDataUrl(s: string): { readonly mimeType?: string; readonly bytes: Buffer } | undefined {
  const m = /^data:([^,]*),(.*)$/is.exec(s);
  if (!m) return undefined;
  const meta = (m[1] ?? "").split(";");
  const base64 = meta.includes("base64");
  const type = meta[0]?.trim();
  const params = meta.slice(1).filter((p) => p !== "base64" && !/^charset=/i.test(p));
  const payload = m[2] ?? "";
  let bytes: Buffer;
  try {
    bytes = base64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
  } catch {
    bytes = Buffer.from(payload, "utf8");
  }
  const mimeType = type ? [type, ...params].join("; ") : undefined;
  return { ...(mimeType !== undefined ? { mimeType } : {}), bytes };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array);
}

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

function formatProblem(f: FormatChoice, formats: readonly Format[]): string {
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

async function prepareComplex(
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

function prepareLiteral(
  def: wps1.Wps1LiteralInput,
  v: InputValue,
  problem: (m: string) => void,
): PreparedValue | undefined {
  if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
    problem("is a literal input; pass a string, number or boolean");
    return undefined;
  }
  const text = typeof v === "string" ? v : String(v);
  if (typeof v === "number" && !Number.isFinite(v)) {
    problem(`${text} is not a finite number`);
    return undefined;
  }
  if (hasXmlIllegalChars(text)) {
    problem("contains control characters that are not allowed");
    return undefined;
  }
  const dt = def.dataType !== undefined ? { dataType: def.dataType } : {};
  const lt = def.literalType;
  if (lt === undefined) {
    // A type Roost does not know: send the text as given; only a plain list of allowed values can be checked.
    const av = def.allowedValues;
    if (av.kind === "values" && av.ranges.length === 0 && !av.values.some((a) => String(a) === text)) {
      problem(`'${preview(text)}' is not one of the allowed values: ${av.values.join(", ")}`);
      return undefined;
    }
    return { kind: "literal", value: text, ...dt };
  }
  const parsed = parseLiteral(lt, text);
  if (!parsed.ok) {
    problem(`'${preview(text)}' ${parsed.reason} (expected ${def.dataType ?? lt})`);
    return undefined;
  }
  const bad = checkAllowed(lt, parsed.value, def.allowedValues);
  if (bad) {
    problem(`'${preview(text)}' ${bad}`);
    return undefined;
  }
  // Numbers and booleans go out in canonical form; strings, dates and times exactly as given (trimmed).
  const wire =
    typeof parsed.value === "string" ? (lt === "string" ? text : parsed.value) : formatLiteral(parsed.value);
  return { kind: "literal", value: wire, ...dt };
}

function prepareBbox(
  def: wps1.Wps1BoundingBoxInput,
  v: InputValue,
  problem: (m: string) => void,
): PreparedValue | undefined {
  let crs: string | undefined;
  let lower: readonly number[];
  let upper: readonly number[];
  if (typeof v === "string") {
    const r = parseBboxText(v);
    if (typeof r === "string") {
      problem(`'${preview(v)}' ${r}`);
      return undefined;
    }
    if (r.kind !== "bbox") return undefined;
    crs = r.crs;
    lower = r.lowerCorner;
    upper = r.upperCorner;
  } else if (isObject(v) && "bbox" in v && Array.isArray(v.bbox)) {
    const b = v as BboxArrayValue;
    if (b.bbox.length < 4 || b.bbox.length % 2 !== 0) {
      problem("needs [minx, miny, maxx, maxy] (an even number of at least 4 coordinates)");
      return undefined;
    }
    const d = b.bbox.length / 2;
    lower = b.bbox.slice(0, d);
    upper = b.bbox.slice(d);
    crs = b.crs;
  } else if (isObject(v) && "lowerCorner" in v && "upperCorner" in v) {
    const b = v as BoundingBox;
    lower = b.lowerCorner;
    upper = b.upperCorner;
    crs = b.crs;
  } else {
    problem("is a bounding box input; pass minx,miny,maxx,maxy[,crs]");
    return undefined;
  }
  if (
    lower.length !== upper.length ||
    lower.length < 2 ||
    [...lower, ...upper].some((n) => !Number.isFinite(n))
  ) {
    problem("needs numeric corners with the same number (≥ 2) of coordinates");
    return undefined;
  }
  if (crs !== undefined && crs !== "" && def.crs.length > 0) {
    const key = crsKey(crs);
    const match = def.crs.find((c) => crsKey(c) === key);
    if (!match) {
      problem(`CRS '${preview(crs)}' is not supported; supported: ${def.crs.join(", ")}`);
      return undefined;
    }
  }
  // Without a CRS the process's default is meant; say so explicitly rather than let servers guess (PyWPS writes "None").
  const effective = crs !== undefined && crs !== "" ? crs : def.crs[0];
  return {
    kind: "bbox",
    ...(effective !== undefined ? { crs: effective } : {}),
    dimensions: lower.length,
    lowerCorner: lower,
    upperCorner: upper,
  };
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Identifiers close to `id` (same letters ignoring case and punctuation, containment, or a typo or two), for hints. */
export function suggest(id: string, candidates: readonly string[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const n = norm(id);
  if (n === "") return [];
  return candidates.filter((c) => {
    const m = norm(c);
    if (m === n) return true;
    if (n.length > 2 && (m.includes(n) || n.includes(m))) return true;
    return n.length > 3 && distance(m, n) <= (n.length > 6 ? 2 : 1);
  });
}

/**
 * Check `values` against a process description and prepare them for the request. Inputs the caller leaves out are
 * not sent (the server applies its defaults); a required input without a default is a problem. Throws an
 * {@link InputValidationError} listing every problem.
 */
export async function prepareInputs(
  desc: wps1.Wps1ProcessDescription,
  values: InputValues,
): Promise<PreparedInput[]> {
  const problems: InputProblem[] = [];
  const byId = new Map(desc.inputs.map((i) => [i.identifier, i]));
  for (const id of Object.keys(values)) {
    if (!byId.has(id)) {
      const hint = suggest(id, [...byId.keys()]);
      problems.push({
        id,
        message: `the process '${desc.identifier}' has no such input${hint.length > 0 ? ` (did you mean ${hint.map((h) => `'${h}'`).join(", ")}?)` : ""}; inputs: ${[...byId.keys()].join(", ") || "(none)"}`,
      });
    }
  }
  const out: PreparedInput[] = [];
  for (const def of desc.inputs) {
    const id = def.identifier;
    const raw = Object.hasOwn(values, id) ? values[id] : undefined;
    const list = (raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw]) as InputValue[];
    const given = list.filter((x) => x !== undefined && x !== null);
    const problem = (message: string) => problems.push({ id, message });
    if (given.length === 0) {
      const hasDefault = def.kind === "literal" && def.default !== undefined;
      if (def.minOccurs > 0 && !hasDefault) problem("is required");
      continue;
    }
    if (given.length > def.maxOccurs) {
      problem(`given ${given.length} times; at most ${def.maxOccurs} allowed`);
      continue;
    }
    if (given.length < def.minOccurs) {
      problem(`given ${given.length} times; at least ${def.minOccurs} required`);
      continue;
    }
    for (const v of given) {
      let p: PreparedValue | undefined;
      if (def.kind === "literal") p = prepareLiteral(def, v, problem);
      else if (def.kind === "complex") p = await prepareComplex(def, v, problem);
      else p = prepareBbox(def, v, problem);
      if (p) out.push({ id, value: p });
    }
  }
  if (problems.length > 0) throw new InputValidationError(problems);
  return out;
}

/**
 * Check output choices (known identifiers, supported formats, by-reference only where the server can store) and turn
 * them into output requests.
 */
export function prepareOutputs(
  desc: wps1.Wps1ProcessDescription,
  choices: readonly OutputChoice[],
): OutputRequest[] {
  const problems: InputProblem[] = [];
  const byId = new Map(desc.outputs.map((o) => [o.identifier, o]));
  const seen = new Set<string>();
  const out: OutputRequest[] = [];
  for (const c of choices) {
    const def = byId.get(c.id);
    if (!def) {
      problems.push({
        message: `output '${c.id}': the process '${desc.identifier}' has no such output; outputs: ${[...byId.keys()].join(", ") || "(none)"}`,
      });
      continue;
    }
    if (seen.has(c.id)) {
      problems.push({ message: `output '${c.id}' is chosen more than once` });
      continue;
    }
    seen.add(c.id);
    if (
      def.kind === "complex" &&
      (c.mimeType !== undefined || c.schema !== undefined) &&
      def.formats.length > 0
    ) {
      if (!findFormat(def.formats, c)) {
        problems.push({ message: `output '${c.id}': ${formatProblem(c, def.formats)}` });
        continue;
      }
    }
    if (def.kind !== "complex" && c.mimeType !== undefined) {
      problems.push({
        message: `output '${c.id}' is not a complex output; it has no formats to choose from`,
      });
      continue;
    }
    if (c.asReference === true && !desc.storeSupported) {
      problems.push({
        message: `output '${c.id}': the process cannot return outputs by reference (it does not store results)`,
      });
      continue;
    }
    out.push({
      id: c.id,
      ...(c.asReference !== undefined ? { asReference: c.asReference } : {}),
      ...(c.mimeType !== undefined ? { mimeType: c.mimeType } : {}),
      ...(c.encoding !== undefined ? { encoding: c.encoding } : {}),
      ...(c.schema !== undefined ? { schema: c.schema } : {}),
      ...(c.uom !== undefined ? { uom: c.uom } : {}),
    });
  }
  if (problems.length > 0) throw new InputValidationError(problems);
  return out;
}
