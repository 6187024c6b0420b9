/**
 * WPS 2.0.0 exceptions: the OWS 2.0 `ows:ExceptionReport` (owsExceptionReport.xsd, namespace
 * http://www.opengis.net/ows/2.0, `version="2.0.0"`) and the HTTP status of every exception code.
 */
import { ERRORS, errorList, type RoostError } from "../../errors/catalogue.js";
import type { ErrorView } from "../view.js";
import { XmlWriter } from "../xml/write.js";
import { isLanguageTag, NS, SCHEMA, WPS2_VERSION } from "./constants.js";

/**
 * HTTP status per WPS 2.0.0 exceptionCode. The OWS Common codes follow OWS Common 2.0 (OGC 06-121r9), as
 * `wps.md` §1.7 quotes it; the WPS codes follow the "Additional exception codes" tables of OGC 14-065r2 §9.8.3
 * (DescribeProcess), §9.9.3 (Execute), §9.10.3 (GetStatus; GetResult and Dismiss use its NoSuchJob) and §9.11.3
 * (GetResult). Every WPS code is 400 except ServerBusy
 * (503) and InternalServerError (500) — notably NoSuchJob and ResultNotReady are 400, not 404.
 */
export const WPS2_HTTP_STATUS: Readonly<Record<string, number>> = Object.freeze({
  // OWS Common 2.0 (OGC 06-121r9).
  OperationNotSupported: 501,
  MissingParameterValue: 400,
  InvalidParameterValue: 400,
  VersionNegotiationFailed: 400,
  InvalidUpdateSequence: 400,
  OptionNotSupported: 501,
  NoApplicableCode: 500,
  // OGC 14-065r2 §9.8.3, §9.9.3, §9.10.3, §9.11.3.
  NoSuchProcess: 400,
  NoSuchMode: 400,
  NoSuchInput: 400,
  NoSuchOutput: 400,
  DataNotAccessible: 400,
  SizeExceeded: 400,
  TooManyInputs: 400,
  TooManyOutputs: 400,
  ServerBusy: 503,
  StorageNotSupported: 400,
  NoSuchFormat: 400,
  WrongInputData: 400,
  InternalServerError: 500,
  NoSuchJob: 400,
  ResultNotReady: 400,
});

/** HTTP status of a WPS 2.0.0 exceptionCode; a code outside the table is a server error (500). */
export function wps2HttpStatus(exceptionCode: string): number {
  return Object.hasOwn(WPS2_HTTP_STATUS, exceptionCode) ? WPS2_HTTP_STATUS[exceptionCode]! : 500;
}

/**
 * The `ows:Exception`s of an error (every part of a ValidationError), with the catalogue's `wps2` codes, and the
 * HTTP status of the first one (OGC ties one status to one report): the spec's for every specific code, the
 * catalogue's for NoApplicableCode — Roost's catch-all also carries client faults that have no code of their own
 * (MalformedRequest 400, ServiceUnavailable 503), and a 500 must mean a server bug.
 */
export function wps2Exceptions(e: RoostError): { readonly status: number; readonly errors: ErrorView[] } {
  const parts = errorList(e);
  const errors = parts.map((x) => ({
    code: ERRORS[x.code].wps2,
    text: x.message,
    ...(x.locator !== undefined && x.locator !== "" ? { locator: x.locator } : {}),
  }));
  const first = parts[0] ?? e;
  const code = ERRORS[first.code].wps2;
  return { status: code === "NoApplicableCode" ? first.spec.http : wps2HttpStatus(code), errors };
}

/** A standalone OWS 2.0 `ows:ExceptionReport` document. An empty locator is left out (it is optional). */
export function encodeExceptionReport(errors: readonly ErrorView[], language?: string): string {
  const w = new XmlWriter();
  w.open("ows:ExceptionReport", [
    ["xmlns:ows", NS.ows],
    ["xmlns:xsi", NS.xsi],
    ["xsi:schemaLocation", SCHEMA.exception],
    ["version", WPS2_VERSION],
    ["xml:lang", language !== undefined && isLanguageTag(language) ? language : undefined],
  ]);
  const list = errors.length > 0 ? errors : [{ code: "NoApplicableCode", text: "Unknown error" }];
  for (const e of list) {
    w.open("ows:Exception", [
      ["exceptionCode", e.code],
      ["locator", e.locator === "" ? undefined : e.locator],
    ]);
    w.leaf("ows:ExceptionText", undefined, e.text);
    w.close("ows:Exception");
  }
  w.close("ows:ExceptionReport");
  return w.toString();
}
