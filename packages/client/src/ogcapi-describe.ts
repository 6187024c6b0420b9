/**
 * OGC API – Processes process descriptions (`process.yaml`) read into the description model the client renders and
 * checks inputs against (WPS 1.0.0's), from the JSON Schema of each input and output:
 *
 * - `format: ogc-bbox` (short or URI form), or an object schema whose `bbox` member is an array → bounding box, CRSs
 *   from the `crs` member's `enum` (or `default`), CRS84 otherwise;
 * - `contentMediaType` / `contentEncoding`, an object type (JSON, GeoJSON `format`s), a `$ref` → complex, one format
 *   per `oneOf`/`anyOf` branch (the first being the default, `/req/ogc-process-description/input-mixed-type`);
 * - `type` + `format` → the literal type (`integer`, `number` as `double` or its `float`/`double` format, `boolean`,
 *   `string` as `date`, `date-time`, `time`, `uri` or plain); `enum` → allowed values; `minimum`/`maximum` (with
 *   boolean or numeric `exclusive…`) and `multipleOf` → a range with its closure and spacing; several `anyOf` branches
 *   → several; `default` → the default;
 * - `type: array` (without a description `maxOccurs` above 1) → a repeatable input of the item type, occurrences from
 *   `minItems`/`maxItems` (on the wire both are a JSON array).
 *
 * Tolerated, because peers write them: `inputs`/`outputs` as arrays of `{id, …}` (pre-1.0 drafts, older pygeoapi and
 * Weaver), `minOccurs`/`maxOccurs` as numeric strings, a missing `jobControlOptions` (read as both modes), `id` spelt
 * `identifier`/`processID`.
 */
import {
  type AllowedValues,
  type Format,
  type LiteralType,
  ogcapi,
  type ValueRange,
  type wps1,
} from "@roost/core/internal";
import type { ProcessDescription } from "./protocol-client.js";

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function member(o: Json, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** `minOccurs`/`maxOccurs` as the model wants them (`unbounded` → MAX_SAFE_INTEGER). */
function occurs(v: unknown, fallback: number): number {
  if (v === "unbounded") return Number.MAX_SAFE_INTEGER;
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The branches of a `oneOf`/`anyOf` schema (none for a plain one). */
function branches(s: Json): Json[] {
  const list = member(s, "oneOf") ?? member(s, "anyOf");
  return Array.isArray(list) ? list.filter(isObj) : [];
}

const GEOJSON_FORMATS = new Set(["geojson-feature-collection", "geojson-feature", "geojson-geometry"]);

/** A `format` value without the URI prefix (`http://www.opengis.net/def/format/ogcapi-processes/0/ogc-bbox`). */
function formatCode(s: Json): string | undefined {
  const f = str(member(s, "format"));
  return f?.slice(f.lastIndexOf("/") + 1);
}

function isBbox(s: Json): boolean {
  if (formatCode(s) === "ogc-bbox") return true;
  const props = member(s, "properties");
  return isObj(props) && isObj(props.bbox) && props.bbox.type === "array";
}

function bboxCrs(s: Json): string[] {
  const props = member(s, "properties");
  const crs = isObj(props) && isObj(props.crs) ? props.crs : undefined;
  const list =
    crs && Array.isArray(crs.enum) ? crs.enum.filter((c): c is string => typeof c === "string") : [];
  const def = crs ? str(crs.default) : undefined;
  const ordered = def !== undefined ? [def, ...list.filter((c) => c !== def)] : list;
  return ordered.length > 0 ? ordered : [ogcapi.CRS84];
}

/** The format one schema branch stands for, when it is a complex value. */
function formatOf(s: Json): Format | undefined {
  const media = str(member(s, "contentMediaType"));
  const encoding = str(member(s, "contentEncoding"));
  const schema = str(member(s, "contentSchema"));
  const extra = {
    ...(encoding !== undefined && encoding !== "binary" ? { encoding } : {}),
    ...(schema !== undefined ? { schema } : {}),
  };
  if (media !== undefined) return { mimeType: media, ...extra };
  if (encoding !== undefined) return { mimeType: "application/octet-stream", ...extra };
  const ref = str(member(s, "$ref"));
  if (ref !== undefined)
    return { mimeType: /geojson/i.test(ref) ? "application/geo+json" : "application/json", schema: ref };
  const code = formatCode(s);
  if (code !== undefined && GEOJSON_FORMATS.has(code)) return { mimeType: "application/geo+json" };
  if (member(s, "type") === "object") return { mimeType: "application/json" };
  return undefined;
}

/** Formats of a complex schema (undefined when it is not one): one per branch, duplicates dropped. */
function complexFormats(s: Json): Format[] | undefined {
  const list = branches(s);
  const fs = (list.length > 0 ? list : [s]).map(formatOf);
  if (fs.length === 0 || fs.some((f) => f === undefined)) {
    // A mix of literal and complex branches: the complex ones are what a client can send.
    const some = fs.filter((f): f is Format => f !== undefined);
    return some.length > 0 && list.length > 0 ? some : undefined;
  }
  const out: Format[] = [];
  for (const f of fs as Format[])
    if (!out.some((x) => x.mimeType === f.mimeType && x.encoding === f.encoding)) out.push(f);
  return out;
}

/** The literal type of a schema (undefined when it names none). */
function literalType(s: Json): LiteralType | undefined {
  const type = member(s, "type");
  const format = str(member(s, "format"));
  switch (type) {
    case "integer":
      return "integer";
    case "number":
      return format === "float" ? "float" : "double";
    case "boolean":
      return "boolean";
    case "string":
      switch (format) {
        case "date":
          return "date";
        case "date-time":
          return "dateTime";
        case "time":
          return "time";
        case "uri":
        case "uri-reference":
          return "anyURI";
        default:
          return "string";
      }
    default:
      return undefined;
  }
}

/** The range a schema's numeric constraints state, if any. */
function rangeOf(s: Json): ValueRange | undefined {
  const num = (k: string) => {
    const v = member(s, k);
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
  };
  let min = num("minimum");
  let max = num("maximum");
  // OpenAPI 3.0 / draft-04: boolean exclusive flags; JSON Schema 2019+: the exclusive bound itself.
  let openMin = member(s, "exclusiveMinimum") === true;
  let openMax = member(s, "exclusiveMaximum") === true;
  const exMin = num("exclusiveMinimum");
  const exMax = num("exclusiveMaximum");
  if (exMin !== undefined) {
    min = exMin;
    openMin = true;
  }
  if (exMax !== undefined) {
    max = exMax;
    openMax = true;
  }
  const spacing = num("multipleOf");
  if (min === undefined && max === undefined) return undefined;
  const closure = openMin ? (openMax ? "open" : "open-closed") : openMax ? "closed-open" : "closed";
  return {
    ...(min !== undefined ? { minimum: min } : {}),
    ...(max !== undefined ? { maximum: max } : {}),
    ...(spacing !== undefined && spacing > 0 ? { spacing } : {}),
    closure,
  };
}

function literalValue(v: unknown): string | number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  return undefined;
}

/** Allowed values: `enum`s and ranges of the schema and of its `anyOf`/`oneOf` branches. */
function allowedOf(s: Json, lt: LiteralType | undefined): AllowedValues {
  const values: (string | number)[] = [];
  const ranges: ValueRange[] = [];
  for (const part of [s, ...branches(s)]) {
    const e = member(part, "enum");
    if (Array.isArray(e))
      for (const v of e) {
        const x = literalValue(v);
        if (x !== undefined && !values.includes(x)) values.push(x);
      }
    // A type's own bound (`minimum: 1` of a positive integer) is kept as a range: the server checks it too.
    const r = rangeOf(part);
    if (r !== undefined) ranges.push(r);
  }
  if (values.length === 0 && ranges.length === 0) return { kind: "any" };
  // Booleans are listed as "true"/"false", which is how the CLI reads them.
  return { kind: "values", values: lt === "boolean" ? values.map(String) : values, ranges };
}

/** The type a schema's value has: its own `type`, or the type all its branches share. */
function effective(s: Json): Json {
  if (member(s, "type") !== undefined) return s;
  const bs = branches(s);
  const types = new Set(bs.map((b) => member(b, "type")).filter((t) => t !== undefined));
  const format = new Set(bs.map((b) => member(b, "format")).filter((t) => t !== undefined));
  if (types.size === 1) {
    const [type] = types;
    return { ...s, type, ...(format.size === 1 ? { format: [...format][0] } : {}) };
  }
  return s;
}

interface Texts {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly metadata: readonly { readonly title: string; readonly href?: string; readonly role?: string }[];
}

function texts(id: string, d: Json): Texts {
  const description = str(member(d, "description")) ?? str(member(d, "abstract"));
  const meta = member(d, "metadata");
  return {
    identifier: id,
    title: str(member(d, "title")) ?? id,
    ...(description !== undefined ? { abstract: description } : {}),
    metadata: Array.isArray(meta)
      ? meta.filter(isObj).map((m) => {
          const href = str(m.href);
          const role = str(m.role);
          return {
            title: str(m.title) ?? href ?? "",
            ...(href !== undefined ? { href } : {}),
            ...(role !== undefined ? { role } : {}),
          };
        })
      : [],
  };
}

/** One input description (`inputDescription.yaml`). */
export function inputFromOgc(id: string, d: Json): wps1.Wps1Input {
  const base = texts(id, d);
  let schema = isObj(member(d, "schema")) ? (member(d, "schema") as Json) : {};
  let minOccurs = occurs(member(d, "minOccurs"), 1);
  let maxOccurs = occurs(member(d, "maxOccurs"), 1);
  // An array-valued input is a repeatable one of its items' type (unless occurrences already repeat it).
  if (member(schema, "type") === "array" && isObj(member(schema, "items")) && maxOccurs <= 1) {
    const lo = occurs(member(schema, "minItems"), 0);
    minOccurs = minOccurs === 0 ? 0 : Math.max(1, lo);
    maxOccurs = occurs(member(schema, "maxItems"), Number.MAX_SAFE_INTEGER);
    schema = member(schema, "items") as Json;
  }
  const occ = { minOccurs, maxOccurs };
  if (isBbox(schema)) return { ...base, kind: "bbox", ...occ, crs: bboxCrs(schema) };
  const formats = complexFormats(schema);
  if (formats !== undefined) return { ...base, kind: "complex", ...occ, formats };
  const s = effective(schema);
  const lt = literalType(s);
  // Roost states a time or date-time default without a time zone (valid in XML Schema, not in RFC 3339) in words.
  const worded = /^Default \(no time zone\): (\S+)$/.exec(str(member(s, "description")) ?? "")?.[1];
  const def = literalValue(member(s, "default")) ?? worded;
  return {
    ...base,
    kind: "literal",
    ...occ,
    ...(lt !== undefined ? { dataType: lt, literalType: lt } : {}),
    allowedValues: allowedOf(s, lt),
    ...(def !== undefined ? { default: String(def) } : {}),
    uoms: [],
  };
}

/** One output description (`outputDescription.yaml`). */
export function outputFromOgc(id: string, d: Json): wps1.Wps1Output {
  const base = texts(id, d);
  const schema = isObj(member(d, "schema")) ? (member(d, "schema") as Json) : {};
  if (isBbox(schema)) return { ...base, kind: "bbox", crs: bboxCrs(schema) };
  const formats = complexFormats(schema);
  if (formats !== undefined) return { ...base, kind: "complex", formats };
  const lt = literalType(effective(schema));
  return {
    ...base,
    kind: "literal",
    ...(lt !== undefined ? { dataType: lt, literalType: lt } : {}),
    uoms: [],
  };
}

/** Entries of an `inputs`/`outputs` member: an object keyed by id (1.0), or an array of `{id, …}` (older drafts). */
function entries(v: unknown): [string, Json][] {
  if (Array.isArray(v))
    return v.filter(isObj).flatMap((e) => {
      const id = str(e.id) ?? str(e.identifier);
      return id !== undefined ? [[id, e] as [string, Json]] : [];
    });
  if (isObj(v))
    return Object.keys(v).flatMap((k) => (isObj(v[k]) ? [[k, v[k] as Json] as [string, Json]] : []));
  return [];
}

/** The process id of a summary or description (`id`; `identifier`/`processID` in older documents). */
export function processIdOf(d: Json): string | undefined {
  return str(member(d, "id")) ?? str(member(d, "identifier")) ?? str(member(d, "processID"));
}

/** `jobControlOptions`, defaulting to both modes when a server leaves them out. */
export function jobControlOf(d: Json): string[] {
  const j = member(d, "jobControlOptions");
  const list = Array.isArray(j) ? j.filter((x): x is string => typeof x === "string") : [];
  return list.length > 0 ? list : ["sync-execute", "async-execute"];
}

/** A process summary (`processSummary.yaml`) as the brief the capabilities list. */
export function briefFromOgc(d: Json): wps1.Wps1ProcessBrief | undefined {
  const id = processIdOf(d);
  if (id === undefined) return undefined;
  const t = texts(id, d);
  const version = str(member(d, "version"));
  return {
    identifier: id,
    title: t.title,
    ...(t.abstract !== undefined ? { abstract: t.abstract } : {}),
    ...(version !== undefined ? { version } : {}),
  };
}

/** A process description (`process.yaml`) in the shared model; undefined when the document names no process. */
export function descriptionFromOgc(d: Json): ProcessDescription | undefined {
  const id = processIdOf(d);
  if (id === undefined) return undefined;
  const jco = jobControlOf(d);
  const async = jco.includes("async-execute");
  const version = str(member(d, "version"));
  return {
    ...texts(id, d),
    ...(version !== undefined ? { version } : {}),
    storeSupported: async,
    statusSupported: async,
    jobControlOptions: jco,
    inputs: entries(member(d, "inputs")).map(([k, v]) => inputFromOgc(k, v)),
    outputs: entries(member(d, "outputs")).map(([k, v]) => outputFromOgc(k, v)),
  };
}
