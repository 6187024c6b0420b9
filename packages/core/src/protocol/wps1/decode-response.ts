/**
 * Entry points of the WPS 1.0.0 response decoders that take whatever document came back: {@link decodeResponse}
 * picks the decoder by the root element, {@link decodeExceptionReport} reads an `ows:ExceptionReport` on its own.
 * The per-document decoders are in `decode-capabilities.ts`, `decode-description.ts` and `decode-execute.ts`.
 */
import type { XmlElement } from "../xml/parse.js";
import { NS } from "./constants.js";
import { decodeCapabilities } from "./decode-capabilities.js";
import { exceptionsOf, root } from "./decode-common.js";
import { decodeProcessDescriptions } from "./decode-description.js";
import { decodeExecuteResponse } from "./decode-execute.js";
import { Wps1DecodeError, type Wps1Exception, type Wps1Response } from "./decode-types.js";

/** Decode an `ows:ExceptionReport` (any OWS version). */
export function decodeExceptionReport(doc: string | XmlElement): Wps1Exception[] {
  const el = root(doc);
  if (el.local !== "ExceptionReport")
    throw new Wps1DecodeError(`expected an ExceptionReport, got '${el.local}'`);
  return exceptionsOf(el);
}

/** Decode any WPS 1.0.0 response by its root element. */
export function decodeResponse(doc: string | XmlElement): Wps1Response {
  const el = root(doc);
  if (el.local === "ExceptionReport") return { kind: "exception", exceptions: exceptionsOf(el) };
  if (el.uri !== NS.wps) throw new Wps1DecodeError(`'${el.local}' is not a WPS 1.0.0 response`);
  switch (el.local) {
    case "Capabilities":
      return { kind: "capabilities", capabilities: decodeCapabilities(el) };
    case "ProcessDescriptions":
      return { kind: "descriptions", processes: decodeProcessDescriptions(el) };
    case "ExecuteResponse":
      return { kind: "execute", execute: decodeExecuteResponse(el) };
    default:
      throw new Wps1DecodeError(`'${el.local}' is not a WPS 1.0.0 response`);
  }
}
