/**
 * The input values {@link runProcess} accepts and their translation into what a protocol decoder produces, so the
 * server's own checks (`validateInputs`) judge them.
 */
import { readFileSync } from "node:fs";
import {
  type BoundingBox,
  formatLiteral,
  hasXmlIllegalChars,
  type ProcessDefinition,
  type RawValue,
} from "@roost/core/internal";
import type { runProcess } from "./run-process.js";

/** A complex input value for {@link runProcess}: a file, or data that is written to one first. */
export type TestComplexValue = (
  | { readonly file: string }
  | { readonly text: string }
  | { readonly bytes: Uint8Array }
  | { readonly json: unknown }
) & {
  /** Format of the value; default: the input's first (default) format. */
  readonly mimeType?: string;
  readonly schema?: string;
  /** The URL the data "came from", as a reference input has it (nothing is fetched). */
  readonly href?: string;
};

/** A bounding box input value (`dimensions` defaults to the corners' length). */
export type TestBoundingBox = Omit<BoundingBox, "dimensions"> & { readonly dimensions?: number };

/**
 * One value of an input: literals as strings (the text a client sends), numbers, booleans or Dates (dateTime);
 * bounding boxes as `{ lowerCorner, upperCorner, crs? }` or `"minx,miny,maxx,maxy[,crs]"`; complex values as
 * {@link TestComplexValue}.
 */
export type TestInputValue = string | number | boolean | Date | TestBoundingBox | TestComplexValue;

/** Inputs by identifier; an array gives several occurrences. */
export type TestInputs = Readonly<Record<string, TestInputValue | readonly TestInputValue[]>>;

function isBoundingBox(v: unknown): v is TestBoundingBox {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as TestBoundingBox).lowerCorner) &&
    Array.isArray((v as TestBoundingBox).upperCorner)
  );
}

/** A complex value's bytes. */
function complexData(v: TestComplexValue): Buffer {
  if ("file" in v) return readFileSync(v.file);
  if ("text" in v) return Buffer.from(v.text, "utf8");
  if ("bytes" in v) return Buffer.from(v.bytes);
  return Buffer.from(JSON.stringify(v.json), "utf8");
}

/** Turn one test value into what a protocol decoder would have produced. */
export function rawValue(p: ProcessDefinition, id: string, v: TestInputValue): RawValue {
  const def = p.inputMap.get(id);
  if (v instanceof Date) return { kind: "literal", value: v.toISOString() };
  if (typeof v === "string") return { kind: "literal", value: v };
  if (typeof v === "number" || typeof v === "boolean")
    return { kind: "literal", value: formatLiteral(v, def?.kind === "literal" ? def.dataType : undefined) };
  if (isBoundingBox(v))
    return {
      kind: "bbox",
      ...(v.crs !== undefined ? { crs: v.crs } : {}),
      dimensions: v.dimensions ?? v.lowerCorner.length,
      lowerCorner: v.lowerCorner,
      upperCorner: v.upperCorner,
    };
  if (typeof v === "object" && v !== null && ("file" in v || "text" in v || "bytes" in v || "json" in v)) {
    const mimeType = v.mimeType ?? (def?.kind === "complex" ? def.formats[0]?.mimeType : undefined);
    const data = complexData(v);
    const text = data.toString("utf8");
    // Text goes inline as a client sends it; other bytes base64-encoded, through the same checks either way.
    const inline = Buffer.from(text, "utf8").equals(data) && !hasXmlIllegalChars(text);
    return {
      kind: "complex",
      data: inline ? text : data.toString("base64"),
      ...(inline ? {} : { encoding: "base64" }),
      ...(mimeType !== undefined ? { mimeType } : {}),
      ...(v.schema !== undefined ? { schema: v.schema } : {}),
    };
  }
  throw new TypeError(
    `runProcess: input '${id}': expected a string, number, boolean, Date, bounding box or { file | text | bytes | json }`,
  );
}

/** The `href` a complex test value says it came from (occurrence `index` of an input). */
export function hrefOf(
  v: TestInputValue | readonly TestInputValue[] | undefined,
  index: number,
): string | undefined {
  const x = Array.isArray(v) ? v[index] : index === 0 ? v : undefined;
  return typeof x === "object" && x !== null && "href" in x && typeof x.href === "string"
    ? x.href
    : undefined;
}
