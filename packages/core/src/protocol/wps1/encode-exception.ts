/**
 * WPS 1.0.0 standalone `ows:ExceptionReport` encoder (server side), the document every failed request gets. The
 * report embedded in a failed ExecuteResponse is written by `encode-execute.ts`.
 */
import type { ErrorView } from "../view.js";
import { XmlWriter } from "../xml/write.js";
import { NS, SCHEMA, WPS1_VERSION } from "./constants.js";

/** A standalone `ows:ExceptionReport` document. */
export function encodeExceptionReport(errors: readonly ErrorView[], language?: string): string {
  const w = new XmlWriter();
  w.open("ows:ExceptionReport", [
    ["xmlns:ows", NS.ows],
    ["xmlns:xsi", NS.xsi],
    ["xsi:schemaLocation", SCHEMA.exception],
    ["version", WPS1_VERSION],
    ["xml:lang", language],
  ]);
  for (const e of errors) {
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
