/**
 * Decoding the values of one input of an execute request (`inlineOrRefData.yaml`) into {@link RawValue}s, directed
 * by the input's kind so that forms which look alike are read as what the process expects:
 *
 * * literal: a JSON string, number or boolean (numbers in their shortest exact form, booleans as `true`/`false`);
 *   numeric and boolean inputs also take their string form; `{value, uom?}` qualified values; `{href}` links (which
 *   `validateInputs` then refuses with its own message).
 * * complex: a string is the content (base64 when the format is binary); `{value, mediaType?, encoding?, schema?}`
 *   (also with the 2.0-draft/ETS `format: {mediaType, encoding, schema}` member) where a string value is the
 *   content and any other JSON value is serialised as JSON text for JSON media types; `{href, type?}` links; for
 *   JSON formats a bare JSON object (pygeoapi clients send that), number or boolean is the JSON content itself.
 * * bounding box: `{bbox: [4 or 6 numbers], crs?}`, also inside a qualified value.
 * * an array is several occurrences when `maxOccurs > 1` (a single value is fine too) and an error otherwise.
 *
 * Values are not checked against ranges, allowed values or formats here: `validateInputs` does that for every
 * protocol. What is checked is the JSON shape, and every error names the input: "Input 'delay' must be a number, got
 * an object".
 */
import { RoostError } from "../../errors/catalogue.js";
import { isTextMimeType } from "../../io/formats.js";
import type { RawValue } from "../../io/raw-input.js";
import type { BoundingBoxInputDefinition, ComplexInputDefinition, InputDefinition } from "../../io/types.js";
import { preview } from "../../util/preview.js";
import { isJsonMimeType, isNumericLiteral, jsonTypeOf } from "./schema.js";

/** Collects the problems of a request. */
export type Report = (e: RoostError) => void;

/** "a string", "an object", "null", … for messages. */
export function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}

/** True for a JSON object (not an array, not null). */
export function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Own member `k` of `o` (never an inherited one, whatever the prototype). */
export function member(o: Readonly<Record<string, unknown>>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

const BBOX_FORM = '{"bbox": [minx, miny, maxx, maxy], "crs": "…"}';

function expected(def: InputDefinition): string {
  switch (def.kind) {
    case "literal":
      return `a ${jsonTypeOf(def.dataType)}`.replace("a integer", "an integer");
    case "complex":
      return 'a string, a qualified value {"value": …} or a link {"href": …}';
    case "bbox":
      return `a bounding box ${BBOX_FORM}`;
  }
}

function invalid(report: Report, id: string, message: string): undefined {
  report(new RoostError("InvalidParameter", `Input '${preview(id)}' ${message}`, { locator: id }));
  return undefined;
}

function wrongType(report: Report, def: InputDefinition, v: unknown): undefined {
  return invalid(report, def.identifier, `must be ${expected(def)}, got ${jsonKind(v)}`);
}

function optionalString(
  report: Report,
  id: string,
  o: Readonly<Record<string, unknown>>,
  name: string,
): string | undefined | null {
  const v = member(o, name);
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  invalid(report, id, `member "${name}" must be a string, got ${jsonKind(v)}`);
  return null;
}

function reference(
  report: Report,
  def: InputDefinition,
  o: Readonly<Record<string, unknown>>,
): RawValue | undefined {
  const id = def.identifier;
  if (def.kind === "bbox") return invalid(report, id, "is a bounding box and cannot be passed by reference");
  const href = member(o, "href");
  if (typeof href !== "string")
    return invalid(report, id, `link member "href" must be a string, got ${jsonKind(href)}`);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return invalid(report, id, `link href '${preview(href)}' is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "file:")
    return invalid(report, id, `link href '${preview(href)}' must be an http, https (or file) URL`);
  const type = optionalString(report, id, o, "type");
  if (type === null) return undefined;
  return { kind: "reference", href, ...(type !== undefined ? { mimeType: type } : {}) };
}

function bbox(
  report: Report,
  def: BoundingBoxInputDefinition,
  o: Readonly<Record<string, unknown>>,
): RawValue | undefined {
  const id = def.identifier;
  const coords = member(o, "bbox");
  const n = 2 * def.dimensions;
  if (
    !Array.isArray(coords) ||
    coords.length !== n ||
    !coords.every((c) => typeof c === "number" && Number.isFinite(c))
  )
    return invalid(
      report,
      id,
      `member "bbox" must be an array of ${n} numbers (${def.dimensions} dimensions), got ${
        Array.isArray(coords) ? `${coords.length} items` : jsonKind(coords)
      }`,
    );
  const crs = optionalString(report, id, o, "crs");
  if (crs === null) return undefined;
  const nums = coords as number[];
  return {
    kind: "bbox",
    ...(crs !== undefined ? { crs } : {}),
    dimensions: def.dimensions,
    lowerCorner: nums.slice(0, def.dimensions),
    upperCorner: nums.slice(def.dimensions),
  };
}

/** Format members of a qualified value: flat (1.0) or inside `format` (2.0 draft, the ETS's binary test). */
function formatMembers(
  report: Report,
  id: string,
  o: Readonly<Record<string, unknown>>,
): { mediaType?: string; encoding?: string; schema?: string } | null {
  let src = o;
  const nested = member(o, "format");
  if (nested !== undefined) {
    if (!isObject(nested)) {
      invalid(report, id, `member "format" must be an object, got ${jsonKind(nested)}`);
      return null;
    }
    src = { ...nested, ...Object.fromEntries(Object.entries(o).filter(([k]) => k !== "format")) };
  }
  const mediaType = optionalString(report, id, src, "mediaType");
  const encoding = optionalString(report, id, src, "encoding");
  const schemaV = member(src, "schema");
  // A schema may be a URL or an inline JSON Schema object; only a URL can be matched against a format's schema.
  if (schemaV !== undefined && typeof schemaV !== "string" && !isObject(schemaV)) {
    invalid(report, id, `member "schema" must be a URL or an object, got ${jsonKind(schemaV)}`);
    return null;
  }
  if (mediaType === null || encoding === null) return null;
  return {
    ...(mediaType !== undefined ? { mediaType } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(typeof schemaV === "string" ? { schema: schemaV } : {}),
  };
}

/** Inline complex data: binary formats travel base64; `binary` as an encoding means the same in JSON. */
function complexData(
  def: ComplexInputDefinition,
  data: string,
  fmt: { mediaType?: string; encoding?: string; schema?: string },
): RawValue {
  const mime = fmt.mediaType ?? def.formats[0]?.mimeType ?? "application/octet-stream";
  const enc = fmt.encoding?.toLowerCase() === "binary" ? "base64" : fmt.encoding;
  const encoding = enc ?? (isTextMimeType(mime) ? undefined : "base64");
  return {
    kind: "complex",
    data,
    ...(fmt.mediaType !== undefined ? { mimeType: fmt.mediaType } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(fmt.schema !== undefined ? { schema: fmt.schema } : {}),
  };
}

function defaultIsJson(def: ComplexInputDefinition): boolean {
  return isJsonMimeType(def.formats[0]?.mimeType ?? "");
}

function qualified(
  report: Report,
  def: InputDefinition,
  o: Readonly<Record<string, unknown>>,
): RawValue | undefined {
  const id = def.identifier;
  const value = member(o, "value");
  switch (def.kind) {
    case "literal": {
      if (isObject(value) || Array.isArray(value) || value === null)
        return invalid(report, id, `member "value" must be ${expected(def)}, got ${jsonKind(value)}`);
      const lit = literal(report, def, value);
      const uom = optionalString(report, id, o, "uom");
      if (lit === undefined || uom === null) return undefined;
      return uom !== undefined && lit.kind === "literal" ? { ...lit, uom } : lit;
    }
    case "bbox":
      return isObject(value) && member(value, "bbox") !== undefined
        ? bbox(report, def, value)
        : invalid(report, id, `member "value" must be a bounding box ${BBOX_FORM}, got ${jsonKind(value)}`);
    case "complex": {
      const fmt = formatMembers(report, id, o);
      if (fmt === null) return undefined;
      if (typeof value === "string") return complexData(def, value, fmt);
      const json = fmt.mediaType !== undefined ? isJsonMimeType(fmt.mediaType) : defaultIsJson(def);
      if (!json)
        return invalid(
          report,
          id,
          `member "value" must be a string for media type ${fmt.mediaType ?? def.formats[0]?.mimeType}, got ${jsonKind(value)}`,
        );
      return complexData(def, JSON.stringify(value), fmt);
    }
  }
}

function literal(
  report: Report,
  def: InputDefinition & { kind: "literal" },
  v: unknown,
): RawValue | undefined {
  const t = jsonTypeOf(def.dataType);
  if (typeof v === "string") return { kind: "literal", value: v };
  if (typeof v === "number" && isNumericLiteral(def.dataType)) return { kind: "literal", value: String(v) };
  if (typeof v === "boolean" && t === "boolean") return { kind: "literal", value: v ? "true" : "false" };
  return wrongType(report, def, v);
}

/** Decode one occurrence. */
function decodeOne(report: Report, def: InputDefinition, v: unknown): RawValue | undefined {
  if (v === null)
    return invalid(
      report,
      def.identifier,
      `must be ${expected(def)}, got null (leave the input out to omit it)`,
    );
  if (isObject(v)) {
    if (member(v, "href") !== undefined) return reference(report, def, v);
    if (member(v, "value") !== undefined) return qualified(report, def, v);
    if (def.kind === "bbox" && member(v, "bbox") !== undefined) return bbox(report, def, v);
    if (def.kind === "complex" && defaultIsJson(def)) return complexData(def, JSON.stringify(v), {});
    return wrongType(report, def, v);
  }
  switch (def.kind) {
    case "literal":
      return literal(report, def, v);
    case "bbox":
      return wrongType(report, def, v);
    case "complex":
      if (typeof v === "string") return complexData(def, v, {});
      if ((typeof v === "number" || typeof v === "boolean") && defaultIsJson(def))
        return complexData(def, JSON.stringify(v), {});
      return wrongType(report, def, v);
  }
}

/** Decode the value of input `def` (one value, or an array of occurrences when it may repeat). */
export function decodeInputValues(report: Report, def: InputDefinition, v: unknown): RawValue[] {
  if (!Array.isArray(v)) {
    const one = decodeOne(report, def, v);
    return one === undefined ? [] : [one];
  }
  if (def.maxOccurs === 1) {
    const hint = def.kind === "complex" ? ' (wrap a JSON array as {"value": […]})' : "";
    invalid(report, def.identifier, `takes a single value (maxOccurs 1), got an array${hint}`);
    return [];
  }
  const out: RawValue[] = [];
  v.forEach((item: unknown, i: number) => {
    if (Array.isArray(item)) {
      invalid(report, def.identifier, `occurrence ${i + 1} is an array; give each occurrence as one value`);
      return;
    }
    const one = decodeOne(report, def, item);
    if (one !== undefined) out.push(one);
  });
  return out;
}
