/**
 * JSON validation of OGC API – Processes 1.0 documents with ajv 8 + ajv-formats 3 against the repository's copies of
 * the published schemas (`test/fixtures/schemas/ogcapi-processes/part1-1.0.0/`, see the README there), compiled once
 * per test file; plus validation of values against the JSON Schemas (OpenAPI 3.0 dialect) Roost itself generates.
 *
 * Strict copies validate the documents whose schemas are unambiguous; the relaxed copies (`oneOf` → `anyOf`) the
 * ones hit by the published schemas' `oneOf` overlaps: a valid process description, execute request or results
 * document cannot pass the strict copies (SOURCES.md, "Known schema defects").
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const DIR = fileURLToPath(new URL("../fixtures/schemas/ogcapi-processes/part1-1.0.0/", import.meta.url));

// ajv-formats is CommonJS; under ESM its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Which copy validates which document. */
const KINDS = {
  landingPage: "strict",
  confClasses: "strict",
  processList: "strict",
  statusInfo: "strict",
  jobList: "strict",
  exception: "strict",
  process: "relaxed",
  execute: "relaxed",
  results: "relaxed",
} as const;

/** A document kind, named after its schema file. */
export type OgcKind = keyof typeof KINDS;

const BASE = {
  strict: "https://schemas.roost.invalid/strict/",
  relaxed: "https://schemas.roost.invalid/relaxed/",
};

function newAjv(): Ajv {
  // strict: false — the OGC schemas carry OpenAPI annotations (`example`, `nullable`) that are not JSON Schema.
  // ownProperties — without it ajv sees `constructor` inherited from Object.prototype as a present member.
  const ajv = new Ajv({ strict: false, allErrors: true, ownProperties: true });
  addFormats(ajv);
  // Format names of OGC API – Processes (annotations: the schemas around them say what the value is).
  for (const f of ["ogc-bbox", "geojson-feature-collection", "geojson-feature", "geojson-geometry"])
    ajv.addFormat(f, true);
  return ajv;
}

let ogcAjv: Ajv | undefined;
const compiled = new Map<OgcKind, ValidateFunction>();

function loadOgc(): Ajv {
  if (ogcAjv) return ogcAjv;
  const ajv = newAjv();
  for (const variant of ["strict", "relaxed"] as const) {
    const dir = `${DIR}json-schemas${variant === "relaxed" ? "-relaxed" : ""}/`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const schema = JSON.parse(readFileSync(dir + file, "utf8")) as Record<string, unknown>;
      if (file === "bbox.json") {
        // `/per/core/process-execute-input-inline-bbox`: a server may widen the CRS84-only enum to the CRSs its
        // processes support (Roost echoes e.g. EPSG:4326 boxes in EPSG:4326).
        const crs = (schema.properties as Record<string, Record<string, unknown>>).crs as Record<
          string,
          unknown
        >;
        delete crs.enum;
      }
      ajv.addSchema(schema, BASE[variant] + file);
    }
  }
  ogcAjv = ajv;
  return ajv;
}

function format(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n");
}

/** Validation errors of `doc` as a document of `kind` (empty string when valid). */
export function ogcErrors(kind: OgcKind, doc: unknown): string {
  let v = compiled.get(kind);
  if (!v) {
    v = loadOgc().getSchema(`${BASE[KINDS[kind]]}${kind}.json`);
    if (!v) throw new Error(`schema ${kind} not found`);
    compiled.set(kind, v);
  }
  // Validate what goes on the wire, i.e. the JSON text (drops undefined members, keeps null-prototype maps).
  return v(JSON.parse(JSON.stringify(doc))) ? "" : format(v.errors);
}

/** Assert-style: throws with ajv's messages and the document when `doc` is not a valid `kind`. */
export function expectValidOgc(kind: OgcKind, doc: unknown): void {
  const errors = ogcErrors(kind, doc);
  if (errors !== "")
    throw new Error(
      `not a valid ${kind} document:\n${errors}\n--- document ---\n${JSON.stringify(doc, null, 1).slice(0, 4000)}`,
    );
}

/**
 * Convert a schema in the OpenAPI 3.0 dialect to JSON Schema draft-07 for ajv: boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become the numeric form, `nullable: true` adds `null` to the type.
 */
export function oas30ToJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(oas30ToJsonSchema);
  if (typeof s !== "object" || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = oas30ToJsonSchema(v);
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof out[flag] !== "boolean") continue;
    if (out[flag] === true && typeof out[bound] === "number") {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  if (out.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  delete out.nullable;
  return out;
}

/**
 * A validator for values against a JSON Schema Roost generated (OpenAPI 3.0 dialect). `root` is the document the
 * schema's `$ref`s point into (e.g. the whole OpenAPI definition for `#/components/schemas/…`), `pointer` the JSON
 * pointer of the schema inside it; without `root` the schema stands alone.
 */
export function oasValidator(schemaOrRoot: unknown, pointer?: string): (value: unknown) => string {
  const ajv = newAjv();
  const id = "https://schemas.roost.invalid/generated.json";
  ajv.addSchema(oas30ToJsonSchema(schemaOrRoot) as Record<string, unknown>, id);
  // In a URI fragment every pointer segment is itself percent-encoded (RFC 6901 §6).
  const fragment = pointer?.split("/").map(encodeURIComponent).join("/");
  const v = ajv.getSchema(fragment === undefined ? id : `${id}#${fragment}`);
  if (!v) throw new Error(`no schema at ${pointer}`);
  return (value) => (v(JSON.parse(JSON.stringify(value))) ? "" : format(v.errors));
}

/** RFC 6901 escaping of one pointer segment. */
export function ptr(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
