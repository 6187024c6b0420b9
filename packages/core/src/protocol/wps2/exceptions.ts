/**
 * WPS 2.0.0 exceptions: the OWS 2.0 `ows:ExceptionReport` (owsExceptionReport.xsd, namespace
 * http://www.opengis.net/ows/2.0, `version="2.0.0"`) and the HTTP status of every exception code.
 */
import { ERRORS, errorList, type RoostError } from "../../errors/catalogue.js";
import type { ErrorView } from "../view.js";
import { XmlWriter } from "../xml/write.js";
import { isLanguageTag, NS, SCHEMA, WPS2_VERSION } from "./constants.js";

/**
 * HTTP status per WPS 2.0.0 exceptionCode. The OWS Common codes follow OGC 06-121r9 Table 28 (the mapping
 * `wps.md` §1.7 quotes); the WPS codes follow OGC 14-065r2 Tables 38 (DescribeProcess), 40 (Execute), 41
 * (GetStatus, also used by GetResult and Dismiss) and 42 (GetResult). Every WPS code is 400 except ServerBusy
 * (503) and InternalServerError (500) — notably NoSuchJob and ResultNotReady are 400, not 404.
 */
export const WPS2_HTTP_STATUS: Readonly<Record<string, number>> = Object.freeze({
  // OGC 06-121r9 Table 28.
  OperationNotSupported: 501,
  MissingParameterValue: 400,
  InvalidParameterValue: 400,
  VersionNegotiationFailed: 400,
  InvalidUpdateSequence: 400,
  OptionNotSupported: 501,
  NoApplicableCode: 500,
  // OGC 14-065r2 Tables 38, 40, 41, 42.
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
 * HTTP status: that of the first exception, as OGC ties one status to one report.
 */
export function wps2Exceptions(e: RoostError): { readonly status: number; readonly errors: ErrorView[] } {
  const errors = errorList(e).map((x) => ({
    code: ERRORS[x.code].wps2,
    text: x.message,
    ...(x.locator !== undefined && x.locator !== "" ? { locator: x.locator } : {}),
  }));
  return { status: wps2HttpStatus(errors[0]?.code ?? "NoApplicableCode"), errors };
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
