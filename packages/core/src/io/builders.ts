/**
 * Builders process authors use to declare inputs and outputs. The options object's literal types (thanks to `const`
 * type parameters) decide the value type the handler receives: `maxOccurs > 1` gives an array, `minOccurs: 0`
 * without a default gives `T | undefined`.
 *
 * @example
 * const inputs = {
 *   delay: Input.float({ title: "Delay", default: 2 }),            // number
 *   tags: Input.string({ title: "Tags", minOccurs: 0, maxOccurs: 5 }), // string[]
 * };
 */
import type {
  AllowedValues,
  BoundingBox,
  ComplexInputValue,
  ComplexOutputValue,
  Format,
  LiteralOutputValue,
  LiteralType,
  MetadataLink,
  Translation,
  ValueRange,
} from "./types.js";

/** Options shared by every input and output builder. */
export interface CommonOptions {
  readonly title: string;
  readonly abstract?: string;
  readonly keywords?: readonly string[];
  readonly metadata?: readonly MetadataLink[];
  readonly translations?: Readonly<Record<string, Translation>>;
}

/** Occurrence options of every input. */
export interface OccursOptions {
  /** 0 makes the input optional; default 1. */
  readonly minOccurs?: number;
  /** Greater than 1 lets the input repeat; the handler then gets an array. Default 1. */
  readonly maxOccurs?: number;
}

/** Options of a literal input of value type `T`. */
export interface LiteralInputOptions<T> extends CommonOptions, OccursOptions {
  readonly default?: T;
  /** Allowed values (an `ows:AllowedValues` list). */
  readonly allowed?: readonly T[];
  /** Allowed numeric ranges, possibly with spacing. Combined with `allowed` (a value passes if either matches). */
  readonly ranges?: readonly ValueRange[];
  /** Advertise a `ValuesReference` (advisory: not fetched, not checked). */
  readonly valuesReference?: string;
  /** Supported units of measure; the first is the default. */
  readonly uoms?: readonly string[];
}

/** Options of a complex input. */
export interface ComplexInputOptions extends CommonOptions, OccursOptions {
  /** Supported formats; the first is the default. */
  readonly formats: readonly Format[];
  readonly maximumMegabytes?: number;
}

/** Options of a bounding-box input. */
export interface BoundingBoxInputOptions extends CommonOptions, OccursOptions {
  /** Supported CRSs; the first is the default. */
  readonly crs: readonly string[];
  readonly dimensions?: number;
}

/** How many values the handler receives for an input. */
export type Cardinality = "one" | "optional" | "many";

type SingleOf<O> = O extends { readonly minOccurs: 0 }
  ? O extends { readonly default: unknown }
    ? "one"
    : "optional"
  : "one";

/** Cardinality derived from an options object's literal type. */
export type CardinalityOf<O> = O extends { readonly maxOccurs: infer M }
  ? [M] extends [1 | undefined]
    ? SingleOf<O>
    : "many"
  : SingleOf<O>;

/** A declared input (identifier not yet attached), carrying its handler value type `V` and cardinality `C`. */
export interface InputSpec<V, C extends Cardinality> {
  readonly kind: "literal" | "complex" | "bbox";
  readonly options: CommonOptions & OccursOptions;
  readonly dataType?: LiteralType;
  readonly allowedValues?: AllowedValues;
  readonly default?: V;
  readonly uoms?: readonly string[];
  readonly formats?: readonly Format[];
  readonly maximumMegabytes?: number;
  readonly crs?: readonly string[];
  readonly dimensions?: number;
  /** Type-level only. */
  readonly __value?: V;
  /** Type-level only. */
  readonly __cardinality?: C;
}

/** A declared output (identifier not yet attached), carrying the value type `V` the handler returns. */
export interface OutputSpec<V> {
  readonly kind: "literal" | "complex" | "bbox";
  readonly options: CommonOptions;
  readonly dataType?: LiteralType;
  readonly uoms?: readonly string[];
  readonly formats?: readonly Format[];
  readonly asReference?: boolean;
  readonly crs?: readonly string[];
  readonly dimensions?: number;
  /** Type-level only. */
  readonly __value?: V;
}

function allowedValuesOf<T>(o: LiteralInputOptions<T>): AllowedValues {
  if (o.valuesReference !== undefined) return { kind: "reference", reference: o.valuesReference };
  if ((o.allowed?.length ?? 0) > 0 || (o.ranges?.length ?? 0) > 0) {
    return {
      kind: "values",
      values: (o.allowed ?? []) as readonly (string | number)[],
      ranges: o.ranges ?? [],
    };
  }
  return { kind: "any" };
}

function literal<V, const O extends LiteralInputOptions<V>>(
  dataType: LiteralType,
  o: O,
): InputSpec<V, CardinalityOf<O>> {
  return {
    kind: "literal",
    options: o,
    dataType,
    allowedValues: allowedValuesOf(o),
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.uoms !== undefined ? { uoms: o.uoms } : {}),
  };
}

/** Input builders. */
export const Input = Object.freeze({
  /** A `string` literal. */
  string: <const O extends LiteralInputOptions<string>>(o: O) => literal<string, O>("string", o),
  /** An `integer` literal (a JavaScript safe integer). */
  integer: <const O extends LiteralInputOptions<number>>(o: O) => literal<number, O>("integer", o),
  /** A `positiveInteger` literal. */
  positiveInteger: <const O extends LiteralInputOptions<number>>(o: O) =>
    literal<number, O>("positiveInteger", o),
  /** A `nonNegativeInteger` literal. */
  nonNegativeInteger: <const O extends LiteralInputOptions<number>>(o: O) =>
    literal<number, O>("nonNegativeInteger", o),
  /** A `float` literal. */
  float: <const O extends LiteralInputOptions<number>>(o: O) => literal<number, O>("float", o),
  /** A `double` literal. */
  double: <const O extends LiteralInputOptions<number>>(o: O) => literal<number, O>("double", o),
  /** A `boolean` literal: `true`, `false`, `1` or `0` on the wire. */
  boolean: <const O extends LiteralInputOptions<boolean>>(o: O) => literal<boolean, O>("boolean", o),
  /** An `angle` literal in degrees. */
  angle: <const O extends LiteralInputOptions<number>>(o: O) => literal<number, O>("angle", o),
  /** A `date` literal; the handler gets the ISO 8601 string. */
  date: <const O extends LiteralInputOptions<string>>(o: O) => literal<string, O>("date", o),
  /** A `time` literal; the handler gets the ISO 8601 string. */
  time: <const O extends LiteralInputOptions<string>>(o: O) => literal<string, O>("time", o),
  /** A `dateTime` literal; the handler gets the ISO 8601 string. */
  dateTime: <const O extends LiteralInputOptions<string>>(o: O) => literal<string, O>("dateTime", o),
  /** An `anyURI` literal (a string; it is not fetched). */
  anyURI: <const O extends LiteralInputOptions<string>>(o: O) => literal<string, O>("anyURI", o),
  /** A complex input: inline text, base64 or a reference, always handed over as a file. */
  complex: <const O extends ComplexInputOptions>(o: O): InputSpec<ComplexInputValue, CardinalityOf<O>> => ({
    kind: "complex",
    options: o,
    formats: o.formats,
    ...(o.maximumMegabytes !== undefined ? { maximumMegabytes: o.maximumMegabytes } : {}),
  }),
  /** A bounding-box input. */
  bbox: <const O extends BoundingBoxInputOptions>(o: O): InputSpec<BoundingBox, CardinalityOf<O>> => ({
    kind: "bbox",
    options: o,
    crs: o.crs,
    dimensions: o.dimensions ?? 2,
  }),
});

/** Options of a literal output. */
export interface LiteralOutputOptions extends CommonOptions {
  readonly uoms?: readonly string[];
}

/** Options of a complex output. */
export interface ComplexOutputOptions extends CommonOptions {
  readonly formats: readonly Format[];
  /** Return by reference unless the client asks otherwise. Default false. */
  readonly asReference?: boolean;
}

/** Options of a bounding-box output. */
export interface BoundingBoxOutputOptions extends CommonOptions {
  readonly crs: readonly string[];
  readonly dimensions?: number;
}

function literalOut(dataType: LiteralType, o: LiteralOutputOptions): OutputSpec<LiteralOutputValue> {
  return { kind: "literal", options: o, dataType, ...(o.uoms !== undefined ? { uoms: o.uoms } : {}) };
}

/** Output builders. */
export const Output = Object.freeze({
  /** A `string` literal output. */
  string: (o: LiteralOutputOptions) => literalOut("string", o),
  /** An `integer` literal output. */
  integer: (o: LiteralOutputOptions) => literalOut("integer", o),
  /** A `float` literal output. */
  float: (o: LiteralOutputOptions) => literalOut("float", o),
  /** A `double` literal output. */
  double: (o: LiteralOutputOptions) => literalOut("double", o),
  /** A `boolean` literal output. */
  boolean: (o: LiteralOutputOptions) => literalOut("boolean", o),
  /** An `angle` literal output. */
  angle: (o: LiteralOutputOptions) => literalOut("angle", o),
  /** A `date` literal output. */
  date: (o: LiteralOutputOptions) => literalOut("date", o),
  /** A `time` literal output. */
  time: (o: LiteralOutputOptions) => literalOut("time", o),
  /** A `dateTime` literal output. */
  dateTime: (o: LiteralOutputOptions) => literalOut("dateTime", o),
  /** An `anyURI` literal output. */
  anyURI: (o: LiteralOutputOptions) => literalOut("anyURI", o),
  /** A complex output. */
  complex: (o: ComplexOutputOptions): OutputSpec<ComplexOutputValue> => ({
    kind: "complex",
    options: o,
    formats: o.formats,
    asReference: o.asReference ?? false,
  }),
  /** A bounding-box output. */
  bbox: (o: BoundingBoxOutputOptions): OutputSpec<BoundingBox> => ({
    kind: "bbox",
    options: o,
    crs: o.crs,
    dimensions: o.dimensions ?? 2,
  }),
});

/** The value a handler receives for an input spec. */
export type InputValueOf<S> =
  S extends InputSpec<infer V, infer C>
    ? C extends "many"
      ? V[]
      : C extends "optional"
        ? V | undefined
        : V
    : never;

/** The typed inputs object a handler receives. */
export type InputValues<I> = { readonly [K in keyof I]: InputValueOf<I[K]> };

/** The outputs object a handler returns: every output optional (missing ones are simply not reported). */
export type OutputValues<O> = { readonly [K in keyof O]?: O[K] extends OutputSpec<infer V> ? V : never };
