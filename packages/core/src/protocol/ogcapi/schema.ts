/**
 * JSON Schemas (OpenAPI 3.0 dialect, the one `schema.yaml` of OGC API – Processes 1.0 allows) of the inputs and
 * outputs of the I/O model. They describe **one value**: repetition is the description's `minOccurs`/`maxOccurs`, as
 * in the standard's own examples.
 *
 * * literal → `type` + `format` (`date`, `date-time`, `time`, `uri`, `float`, `double`), `enum` for allowed values,
 *   `minimum`/`maximum` with boolean `exclusiveMinimum`/`exclusiveMaximum` per range closure and `multipleOf` for a
 *   spacing that lines up with the minimum; several ranges/value lists become `anyOf` (they may overlap, which
 *   `oneOf` would forbid); `default` typed (a time or date-time default without time zone, valid in XML Schema
 *   but not in RFC 3339, goes into `description` instead).
 * * complex → one schema per format (`oneOf` when several, the first being the default format,
 *   `/req/ogc-process-description/input-mixed-type`): JSON media types as `type: object`, text as `type: string`
 *   with `contentMediaType`, anything else as a `contentEncoding: binary` string (what the ETS recognises as binary;
 *   on the wire it is base64), with the format's schema URL as `contentSchema`.
 * * bounding box → an inline copy of `bbox.yaml` with `format: ogc-bbox`, the exact number of coordinates and the
 *   process's CRSs as the `crs` enum (widening CRS84 is allowed by `/per/core/process-execute-input-inline-bbox`).
 */

import { isTextMimeType, normalizeMimeType } from "../../io/formats.js";
import { coerceLiteral } from "../../io/literal.js";
import type {
  AllowedValues,
  Format,
  InputDefinition,
  LiteralType,
  LiteralValue,
  OutputDefinition,
  ValueRange,
} from "../../io/types.js";

/** A JSON Schema object (OpenAPI 3.0 dialect). */
export type JsonSchema = Record<string, unknown>;

const LITERAL_BASE: Readonly<Record<LiteralType, JsonSchema>> = Object.freeze({
  string: { type: "string" },
  integer: { type: "integer" },
  positiveInteger: { type: "integer", minimum: 1 },
  nonNegativeInteger: { type: "integer", minimum: 0 },
  float: { type: "number", format: "float" },
  double: { type: "number", format: "double" },
  angle: { type: "number" },
  boolean: { type: "boolean" },
  date: { type: "string", format: "date" },
  time: { type: "string", format: "time" },
  dateTime: { type: "string", format: "date-time" },
  anyURI: { type: "string", format: "uri" },
});

/** True for literal types whose JSON form is a number (false for names that are not literal types). */
export function isNumericLiteral(t: LiteralType): boolean {
  const base = Object.hasOwn(LITERAL_BASE, t) ? LITERAL_BASE[t] : undefined;
  return base?.type === "number" || base?.type === "integer";
}

/** The JSON type (`string`, `number`, `integer`, `boolean`) of a literal type. */
export function jsonTypeOf(t: LiteralType): string {
  return LITERAL_BASE[t].type as string;
}

/** A literal value as JSON: numbers and booleans typed, everything else a string. */
export function typedLiteral(t: LiteralType, v: LiteralValue): LiteralValue {
  const c = coerceLiteral(t, v);
  return c.ok ? c.value : v;
}

/** True for JSON media types (`application/json`, `application/geo+json`, `…+json; charset=…`). */
export function isJsonMimeType(mimeType: string): boolean {
  return /^application\/([a-z0-9.!#$&^_-]*\+)?json(;|$)/.test(normalizeMimeType(mimeType));
}

function rangeSchema(r: ValueRange): JsonSchema {
  const closure = r.closure ?? "closed";
  const s: JsonSchema = {};
  if (r.minimum !== undefined) {
    s.minimum = r.minimum;
    if (closure === "open" || closure === "open-closed") s.exclusiveMinimum = true;
  }
  if (r.maximum !== undefined) {
    s.maximum = r.maximum;
    if (closure === "open" || closure === "closed-open") s.exclusiveMaximum = true;
  }
  // multipleOf constrains multiples of the spacing from 0: it says the same as the WPS grid only when the grid starts
  // on a multiple (1–10 step 1, 100–200 step 10); otherwise the spacing is left out rather than stated wrongly.
  if (r.spacing !== undefined && r.spacing > 0) {
    const q = (r.minimum ?? 0) / r.spacing;
    if (Math.abs(q - Math.round(q)) < 1e-9) s.multipleOf = r.spacing;
  }
  return s;
}

function allowedBranches(t: LiteralType, a: AllowedValues): JsonSchema[] {
  if (a.kind !== "values") return [];
  const branches: JsonSchema[] = [];
  if (a.values.length > 0) branches.push({ enum: a.values.map((v) => typedLiteral(t, v)) });
  for (const r of a.ranges) branches.push(rangeSchema(r));
  return branches;
}

/** Schema of a literal value of type `t`, restricted to `allowed`, with its default. */
export function literalSchema(
  t: LiteralType,
  allowed?: AllowedValues,
  defaultValue?: LiteralValue,
): JsonSchema {
  const s: JsonSchema = { ...LITERAL_BASE[t] };
  const branches = allowed ? allowedBranches(t, allowed) : [];
  const only = branches.length === 1 ? branches[0] : undefined;
  if (only !== undefined) {
    // One list or one range: merged into the schema itself (a range never loosens the type's own minimum).
    for (const [k, v] of Object.entries(only)) {
      if (k === "minimum" && typeof s.minimum === "number") s.minimum = Math.max(s.minimum, v as number);
      else s[k] = v;
    }
  } else if (branches.length > 1) s.anyOf = branches;
  if (defaultValue !== undefined) {
    const d = typedLiteral(t, defaultValue);
    // XML Schema times may omit the time zone; JSON Schema's `time`/`date-time` (RFC 3339) may not. A default
    // without one would contradict its own schema, so it is stated in words instead (the server still applies it).
    if ((t === "time" || t === "dateTime") && typeof d === "string" && !RFC3339_OFFSET.test(d))
      s.description = `Default (no time zone): ${d}`;
    else s.default = d;
  }
  return s;
}

const RFC3339_OFFSET = /(Z|[+-]\d\d:\d\d)$/i;

/** Schema of one value in format `f`. */
export function formatSchema(f: Format): JsonSchema {
  const s: JsonSchema = isJsonMimeType(f.mimeType)
    ? { type: "object", contentMediaType: f.mimeType }
    : isTextMimeType(f.mimeType)
      ? {
          type: "string",
          ...(f.encoding?.toLowerCase() === "base64" ? { contentEncoding: "base64" } : {}),
          contentMediaType: f.mimeType,
        }
      : { type: "string", contentEncoding: "binary", contentMediaType: f.mimeType };
  if (f.schema !== undefined) s.contentSchema = f.schema;
  return s;
}

/** Schema of a complex value: its single format, or `oneOf` its formats with the default first. */
export function complexSchema(formats: readonly Format[]): JsonSchema {
  const list = formats.map(formatSchema);
  return list.length === 1 ? (list[0] as JsonSchema) : { oneOf: list };
}

/** Schema of an OGC bounding box with `dimensions` axes in one of `crs` (the first being the default). */
export function bboxSchema(crs: readonly string[], dimensions: number): JsonSchema {
  return {
    type: "object",
    format: "ogc-bbox",
    required: ["bbox"],
    properties: {
      bbox: { type: "array", items: { type: "number" }, minItems: 2 * dimensions, maxItems: 2 * dimensions },
      crs: { type: "string", enum: [...crs], ...(crs[0] !== undefined ? { default: crs[0] } : {}) },
    },
  };
}

/** The `schema` of an input description. */
export function inputSchema(d: InputDefinition): JsonSchema {
  switch (d.kind) {
    case "literal":
      return literalSchema(d.dataType, d.allowedValues, d.default);
    case "complex":
      return complexSchema(d.formats);
    case "bbox":
      return bboxSchema(d.crs, d.dimensions);
  }
}

/** The `schema` of an output description. */
export function outputSchema(d: OutputDefinition): JsonSchema {
  switch (d.kind) {
    case "literal":
      return literalSchema(d.dataType);
    case "complex":
      return complexSchema(d.formats);
    case "bbox":
      return bboxSchema(d.crs, d.dimensions);
  }
}
