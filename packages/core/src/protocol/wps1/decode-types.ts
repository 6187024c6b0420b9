/**
 * What the WPS 1.0.0 response decoders produce and throw: the decoded shapes of Capabilities, ProcessDescriptions,
 * ExecuteResponse and `ows:ExceptionReport` documents, and {@link Wps1DecodeError}. Kept apart from the decoders
 * because the client, the WPS 2.0.0 decoders (which mirror these shapes) and tests use the types on their own.
 */

import type { RawInput } from "../../io/raw-input.js";
import type {
  AllowedValues,
  BoundingBox,
  Format,
  LiteralType,
  MetadataLink,
  OutputRequest,
} from "../../io/types.js";

/**
 * A response could not be read as the WPS 1.0.0 document it should be. Every message is safe to show: it names
 * elements, never document content.
 */
export class Wps1DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Wps1DecodeError";
  }
}

/** One `ows:Exception`: code, optional locator, and the exception texts joined by newlines. */
export interface Wps1Exception {
  readonly code: string;
  readonly locator?: string;
  readonly text: string;
}

/** A process as listed in the capabilities (`wps:Process`). */
export interface Wps1ProcessBrief {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly version?: string;
}

/** A decoded `wps:Capabilities` document. */
export interface Wps1Capabilities {
  readonly version: string;
  readonly title: string;
  readonly abstract?: string;
  readonly processes: readonly Wps1ProcessBrief[];
  /** Default language first, then the other supported ones (empty when the server lists none). */
  readonly languages: readonly string[];
  /** Advertised operations (`GetCapabilities`, `Execute`, vendor ones such as `Dismiss`) with their endpoints. */
  readonly operations: Readonly<Record<string, { readonly get?: string; readonly post?: string }>>;
  /** Roost's job resource (`GET`/`DELETE <jobsUrl>/<jobId>`), from `ows:ExtendedCapabilities`, when offered. */
  readonly jobsUrl?: string;
}

/** Fields every input and output description has. */
export interface Wps1Described {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly metadata: readonly MetadataLink[];
}

/** A literal input (`LiteralData`). */
export interface Wps1LiteralInput extends Wps1Described {
  readonly kind: "literal";
  readonly minOccurs: number;
  /** `unbounded` is read as `Number.MAX_SAFE_INTEGER` (it must survive a JSON round trip). */
  readonly maxOccurs: number;
  /** The data type as advertised (`float`, `xs:double` → `double`); undefined when there is none. */
  readonly dataType?: string;
  /** The data type as one of Roost's literal types, when it maps onto one; values are then checked locally. */
  readonly literalType?: LiteralType;
  readonly allowedValues: AllowedValues;
  /** The default value's lexical form. */
  readonly default?: string;
  /** Supported units of measure; the default first. */
  readonly uoms: readonly string[];
}

/** A complex input (`ComplexData`). */
export interface Wps1ComplexInput extends Wps1Described {
  readonly kind: "complex";
  readonly minOccurs: number;
  readonly maxOccurs: number;
  /** Supported formats; the default first. */
  readonly formats: readonly Format[];
  readonly maximumMegabytes?: number;
}

/** A bounding-box input (`BoundingBoxData`). */
export interface Wps1BoundingBoxInput extends Wps1Described {
  readonly kind: "bbox";
  readonly minOccurs: number;
  readonly maxOccurs: number;
  /** Supported CRSs; the default first. */
  readonly crs: readonly string[];
}

/** Any input description. */
export type Wps1Input = Wps1LiteralInput | Wps1ComplexInput | Wps1BoundingBoxInput;

/** An output description. */
export type Wps1Output =
  | (Wps1Described & {
      readonly kind: "literal";
      readonly dataType?: string;
      readonly literalType?: LiteralType;
      readonly uoms: readonly string[];
    })
  | (Wps1Described & { readonly kind: "complex"; readonly formats: readonly Format[] })
  | (Wps1Described & { readonly kind: "bbox"; readonly crs: readonly string[] });

/** A decoded `ProcessDescription`. */
export interface Wps1ProcessDescription extends Wps1Described {
  readonly version?: string;
  /** `storeSupported`: the process can run asynchronously (stored response). */
  readonly storeSupported: boolean;
  /** `statusSupported`: the stored response is updated while the process runs. */
  readonly statusSupported: boolean;
  readonly inputs: readonly Wps1Input[];
  readonly outputs: readonly Wps1Output[];
}

/** Where a job stands, as an ExecuteResponse says. */
export type Wps1Status =
  | { readonly kind: "accepted"; readonly message: string }
  | { readonly kind: "started"; readonly message: string; readonly percent?: number }
  | { readonly kind: "paused"; readonly message: string; readonly percent?: number }
  | { readonly kind: "succeeded"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string; readonly exceptions: readonly Wps1Exception[] };

/** One output value of an ExecuteResponse. */
export type Wps1OutputValue =
  | { readonly kind: "literal"; readonly value: string; readonly dataType?: string; readonly uom?: string }
  | {
      readonly kind: "complex";
      /** Text, base64 text (`encoding` base64), or serialised XML when `xml` is true. */
      readonly data: string;
      readonly xml: boolean;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | {
      readonly kind: "reference";
      readonly href: string;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly schema?: string;
    }
  | ({ readonly kind: "bbox" } & BoundingBox);

/** One output of an ExecuteResponse. */
export interface Wps1ResultOutput {
  readonly identifier: string;
  readonly title?: string;
  readonly value: Wps1OutputValue;
}

/** A decoded `wps:ExecuteResponse` (synchronous response, immediate async response or stored status document). */
export interface Wps1ExecuteResponse {
  readonly process: { readonly identifier: string; readonly title?: string; readonly version?: string };
  readonly status: Wps1Status;
  /** `creationTime` as written. */
  readonly creationTime?: string;
  readonly statusLocation?: string;
  readonly serviceInstance?: string;
  /** Lineage: the inputs as the server echoed them. */
  readonly inputs?: readonly RawInput[];
  /** Lineage: the output definitions as the server echoed them. */
  readonly outputDefinitions?: readonly OutputRequest[];
  readonly outputs: readonly Wps1ResultOutput[];
}

/** Any decoded WPS 1.0.0 response document. */
export type Wps1Response =
  | { readonly kind: "capabilities"; readonly capabilities: Wps1Capabilities }
  | { readonly kind: "descriptions"; readonly processes: readonly Wps1ProcessDescription[] }
  | { readonly kind: "execute"; readonly execute: Wps1ExecuteResponse }
  | { readonly kind: "exception"; readonly exceptions: readonly Wps1Exception[] };
