/**
 * The values a caller passes to `execute` — input values in the forms a person writes them (a number, a path, a
 * URL, `{ href }`, `"minx,miny,maxx,maxy"`), and output choices — and the checked form the protocol encoders take.
 * Falsy values (`false`, `0`, `""`) are values like any other: only `undefined`/`null` mean "not given".
 */
import type { BoundingBox } from "@roost/core/internal";

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

/**
 * True for a non-null object other than bytes: the object forms of an input value (`{ href }`, `{ file }`,
 * `{ data }`, `{ bbox }`, a `BoundingBox`), which the preparers then tell apart by their keys.
 */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array);
}
