/**
 * Input values as the protocol decoders produce them (WPS 1.0.0 KVP and XML, WPS 2.0.0, OGC API – Processes JSON),
 * before they are checked against a process: one model for every protocol, so validation and the job request do not
 * depend on where an Execute came from. The encoders (the client's requests, lineage) take the same model.
 */

/** A reference to data on another server (WPS `wps:Reference`, OGC `href`). */
export interface RawReference {
  readonly kind: "reference";
  readonly href: string;
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly method?: "GET" | "POST";
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  readonly bodyReference?: string;
}

/** An input value as a protocol decoder produced it, before it is checked against the process. */
export type RawValue =
  | { readonly kind: "literal"; readonly value: string; readonly uom?: string; readonly dataType?: string }
  | {
      readonly kind: "complex";
      /** Text, base64 text, or serialised XML. */
      readonly data: string;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly schema?: string;
      /** `data` is XML markup to embed as is (encoders only; decoders never set it). */
      readonly xml?: boolean;
    }
  | RawReference
  | {
      readonly kind: "bbox";
      readonly crs?: string;
      readonly dimensions?: number;
      readonly lowerCorner: readonly number[];
      readonly upperCorner: readonly number[];
    }
  /** A KVP token (`value@attr=v`) whose meaning depends on the input's kind. */
  | { readonly kind: "text"; readonly value: string; readonly attributes: ReadonlyMap<string, string> };

/** One occurrence of an input. */
export interface RawInput {
  readonly id: string;
  readonly value: RawValue;
}
