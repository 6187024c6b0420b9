/**
 * The results document (`results.yaml`, `response=document`) and RFC 7807 problem documents (`exception.yaml`).
 *
 * Output values (`inlineOrRefData.yaml`):
 * * literal → the plain JSON value, typed by the output's data type (numbers as numbers, booleans as booleans);
 *   units of measure are not carried (the 1.0 schema has no place for them outside object values);
 * * inline complex → the qualified form `{value, mediaType, encoding?, schema?}`, unambiguous whatever the data looks
 *   like. JSON media types carry the parsed JSON value when the data is a JSON object, array, number, boolean or
 *   null; JSON text that is a string, or not JSON at all, is carried as the raw text (so the execute decoder's
 *   "a string value is the content" rule reads it back unchanged);
 * * by reference → `{href, type}` (a link);
 * * bounding box → `{bbox: [lower…, upper…], crs}`.
 */
import { ERRORS, errorList, type RoostError } from "../../errors/catalogue.js";
import type { LiteralType } from "../../io/types.js";
import type { JobRecord } from "../../job/record.js";
import type { OutputValueView, OutputView } from "../view.js";
import { dict } from "./describe.js";
import { isJsonMimeType, isNumericLiteral } from "./schema.js";

/** One value of a results document. */
export type ResultValue =
  | string
  | number
  | boolean
  | {
      readonly value: unknown;
      readonly mediaType: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | { readonly href: string; readonly type: string }
  | { readonly bbox: readonly number[]; readonly crs?: string };

/** `results.yaml`: output id → value (null prototype). */
export type ResultsDocument = Readonly<Record<string, ResultValue>>;

/** A literal output's text as its JSON type; text that does not parse as its type stays a string. */
export function literalJson(text: string, dataType: string): string | number | boolean {
  if (dataType === "boolean") {
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    return text;
  }
  if (isNumericLiteral(dataType as LiteralType)) {
    const n = Number(text.trim());
    if (text.trim() === "" || !Number.isFinite(n)) return text;
    if (dataType.toLowerCase().includes("integer") && !Number.isSafeInteger(n)) return text;
    return n;
  }
  return text;
}

function inlineValue(data: string, mediaType: string, encoding: string | undefined): unknown {
  if (encoding !== undefined || !isJsonMimeType(mediaType)) return data;
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === "string" ? data : v;
  } catch {
    return data;
  }
}

/** One output value as the results document writes it. */
export function resultValue(v: OutputValueView, defaultCrs?: string): ResultValue {
  switch (v.kind) {
    case "literal":
      return literalJson(v.value, v.dataType);
    case "inline":
      return {
        value: inlineValue(v.data, v.mimeType, v.encoding),
        mediaType: v.mimeType,
        ...(v.encoding !== undefined ? { encoding: v.encoding } : {}),
        ...(v.schema !== undefined ? { schema: v.schema } : {}),
      };
    case "reference":
      return { href: v.href, type: v.mimeType };
    case "bbox": {
      const crs = v.value.crs ?? defaultCrs;
      return {
        bbox: [...v.value.lowerCorner, ...v.value.upperCorner],
        ...(crs !== undefined ? { crs } : {}),
      };
    }
  }
}

/** The results document of a succeeded job, outputs in the order given. */
export function encodeResults(outputs: readonly OutputView[]): ResultsDocument {
  const doc = dict<ResultValue>();
  for (const o of outputs) {
    const d = o.definition;
    doc[d.identifier] = resultValue(o.value, d.kind === "bbox" ? d.crs[0] : undefined);
  }
  return doc;
}

/** An RFC 7807 problem document (`exception.yaml`), with Roost's extra members. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** The parameter, input or output the problem is about. */
  readonly locator?: string;
  /** Every problem when a request had several (the first is also the document's own). */
  readonly errors?: readonly { readonly type: string; readonly detail: string; readonly locator?: string }[];
}

/** "NoSuchInput" → "No such input". */
export function titleOf(code: string): string {
  const words = code.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(" ");
}

/** The problem type URI of a catalogue code (unknown codes: the catalogue's `Internal`). */
export function problemType(code: string): string {
  const spec = (ERRORS as Record<string, { readonly ogcType: string }>)[code] ?? ERRORS.Internal;
  return spec.ogcType;
}

/**
 * The problem document of an error. `status` is the HTTP status the front end sends (it decides it per protocol);
 * `instance` optionally names the request or job the problem occurred in.
 */
export function encodeProblem(e: RoostError, status: number, instance?: string): ProblemDocument {
  const list = errorList(e);
  return {
    type: problemType(e.code),
    title: titleOf(e.code),
    status,
    detail: e.message,
    ...(instance !== undefined ? { instance } : {}),
    ...(e.locator !== undefined && e.locator !== "" ? { locator: e.locator } : {}),
    ...(list.length > 1
      ? {
          errors: list.map((x) => ({
            type: problemType(x.code),
            detail: x.message,
            ...(x.locator !== undefined && x.locator !== "" ? { locator: x.locator } : {}),
          })),
        }
      : {}),
  };
}

/**
 * The problem document of a failed job (what `GET /jobs/{id}/results` answers, `/req/core/job-results-failed`):
 * its type reflects the recorded error code; `status` is the HTTP status the front end chose for that code.
 */
export function encodeJobFailure(job: JobRecord, status: number, instance?: string): ProblemDocument {
  const e = job.error ?? { code: "Internal", message: job.message ?? "The job failed" };
  return {
    type: problemType(e.code),
    title: titleOf(e.code),
    status,
    detail: e.message,
    ...(instance !== undefined ? { instance } : {}),
    ...(e.locator !== undefined && e.locator !== "" ? { locator: e.locator } : {}),
  };
}
