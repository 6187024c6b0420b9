/**
 * The protocol-neutral I/O model: what a process declares about its inputs and outputs, and the values that flow
 * through them. Front ends (WPS 1.0.0 today, WPS 2.0.0 and OGC API – Processes later) encode these; nothing here knows
 * XML or HTTP.
 */

/** Literal data types a process can declare (XML Schema names, as WPS uses them). */
export const LITERAL_TYPES = [
  "string",
  "integer",
  "float",
  "double",
  "boolean",
  "date",
  "time",
  "dateTime",
  "angle",
  "anyURI",
  "positiveInteger",
  "nonNegativeInteger",
] as const;

/** One of {@link LITERAL_TYPES}. */
export type LiteralType = (typeof LITERAL_TYPES)[number];

/** A metadata link of a process or an input/output (`ows:Metadata`). */
export interface MetadataLink {
  readonly title: string;
  readonly href?: string;
  readonly role?: string;
}

/** Translated texts of one description, for one language. */
export interface Translation {
  readonly title?: string;
  readonly abstract?: string;
  readonly keywords?: readonly string[];
}

/** Fields every process, input and output description has. */
export interface Description {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly keywords?: readonly string[];
  readonly metadata?: readonly MetadataLink[];
  /** Per language tag (e.g. `fr-CA`): translated title/abstract/keywords. */
  readonly translations?: Readonly<Record<string, Translation>>;
}

/** A data format of a complex input or output. */
export interface Format {
  readonly mimeType: string;
  readonly encoding?: string;
  readonly schema?: string;
  /** File name extension used when Roost writes a value of this format to disk (with the dot, e.g. `.json`). */
  readonly extension?: string;
}

/** A numeric range of allowed values, as in `ows:Range`. */
export interface ValueRange {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly spacing?: number;
  /** Which ends belong to the range; `closed` (both) by default. */
  readonly closure?: "closed" | "open" | "closed-open" | "open-closed";
}

/** What values a literal input accepts. */
export type AllowedValues =
  | { readonly kind: "any" }
  | {
      readonly kind: "values";
      readonly values: readonly (string | number)[];
      readonly ranges: readonly ValueRange[];
    }
  /** Advisory only: the referenced list is advertised, not fetched or checked. */
  | { readonly kind: "reference"; readonly reference: string; readonly name?: string };

/** The value of a literal input or output after parsing: dates and times stay ISO 8601 strings. */
export type LiteralValue = string | number | boolean;

/** A bounding box value. Coordinates keep the axis order they were given in. */
export interface BoundingBox {
  readonly crs?: string;
  readonly dimensions: number;
  readonly lowerCorner: readonly number[];
  readonly upperCorner: readonly number[];
}

interface OccursFields {
  readonly minOccurs: number;
  readonly maxOccurs: number;
}

/** A literal input as the registry holds it. */
export interface LiteralInputDefinition extends Description, OccursFields {
  readonly kind: "literal";
  readonly dataType: LiteralType;
  readonly allowedValues: AllowedValues;
  /** Used when the client sends no value (see `README.md`, "Defaults"). */
  readonly default?: LiteralValue;
  /** Supported units of measure; the first is the default. */
  readonly uoms?: readonly string[];
}

/** A complex (file-like) input as the registry holds it. */
export interface ComplexInputDefinition extends Description, OccursFields {
  readonly kind: "complex";
  /** Supported formats; the first is the default. */
  readonly formats: readonly Format[];
  /** Advertised `maximumMegabytes`; also enforced (the server-wide input limit applies when absent). */
  readonly maximumMegabytes?: number;
}

/** A bounding-box input as the registry holds it. */
export interface BoundingBoxInputDefinition extends Description, OccursFields {
  readonly kind: "bbox";
  /** Supported CRS URIs or codes; the first is the default. */
  readonly crs: readonly string[];
  readonly dimensions: number;
}

/** Any input definition. */
export type InputDefinition = LiteralInputDefinition | ComplexInputDefinition | BoundingBoxInputDefinition;

/** A literal output as the registry holds it. */
export interface LiteralOutputDefinition extends Description {
  readonly kind: "literal";
  readonly dataType: LiteralType;
  readonly uoms?: readonly string[];
}

/** A complex output as the registry holds it. */
export interface ComplexOutputDefinition extends Description {
  readonly kind: "complex";
  readonly formats: readonly Format[];
  /** Return the output by reference unless the client asks otherwise (Emu's `as_reference=True`). */
  readonly asReference: boolean;
}

/** A bounding-box output as the registry holds it. */
export interface BoundingBoxOutputDefinition extends Description {
  readonly kind: "bbox";
  readonly crs: readonly string[];
  readonly dimensions: number;
}

/** Any output definition. */
export type OutputDefinition =
  | LiteralOutputDefinition
  | ComplexOutputDefinition
  | BoundingBoxOutputDefinition;

/**
 * A complex input value as the handler sees it: always materialised as a file in the job directory, whether it
 * came inline, base64-encoded or by reference.
 */
export interface ComplexInputValue {
  /** Absolute path of the file holding the (decoded) data. */
  readonly path: string;
  readonly mimeType: string;
  readonly encoding?: string;
  readonly schema?: string;
  /** The URL the data was fetched from, when it came by reference. */
  readonly href?: string;
  /** Size in bytes. */
  readonly size: number;
  /** The data as UTF-8 text. */
  text(): Promise<string>;
  /** The raw bytes, as a Node `Buffer` (the reason `@types/node` is one of the core's dependencies). */
  bytes(): Promise<Buffer>;
  /** The data parsed as JSON. */
  json(): Promise<unknown>;
}

/**
 * A complex output value returned by a handler: a string or bytes (written for you), a file the handler wrote
 * (moved into the outputs), a JSON value, or an existing URL.
 */
export type ComplexOutputValue =
  | string
  | Uint8Array
  | { readonly text: string; readonly mimeType?: string; readonly encoding?: string }
  | { readonly bytes: Uint8Array; readonly mimeType?: string; readonly encoding?: string }
  | { readonly file: string; readonly mimeType?: string; readonly encoding?: string }
  | { readonly json: unknown; readonly mimeType?: string }
  | { readonly href: string; readonly mimeType?: string };

/** A literal output value returned by a handler, optionally with its unit of measure. */
export type LiteralOutputValue = LiteralValue | { readonly value: LiteralValue; readonly uom?: string };

/** What the client asked for one output (WPS ResponseDocument/RawDataOutput, OGC `outputs`). */
export interface OutputRequest {
  readonly id: string;
  readonly asReference?: boolean;
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly uom?: string;
}
