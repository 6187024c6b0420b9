/**
 * The error catalogue's per-protocol columns: WPS 2.0.0 statuses agree with the codec's table of OGC 14-065r2
 * (every specific code), and the rows added for WPS 2.0.0 answer WPS 1.0.0 clients with the codes and statuses
 * they always got for those errors.
 */
import { describe, expect, it } from "vitest";
import { ERRORS, type ErrorCode, httpStatus, wps2 } from "../src/internal.js";

describe("error catalogue", () => {
  it("every code's WPS 2.0.0 status is the specification's (NoApplicableCode keeps the catalogue's)", () => {
    for (const [code, spec] of Object.entries(ERRORS) as [ErrorCode, (typeof ERRORS)[ErrorCode]][]) {
      const want = spec.wps2 === "NoApplicableCode" ? spec.http : wps2.wps2HttpStatus(spec.wps2);
      expect(httpStatus(code, "wps2"), code).toBe(want);
    }
    expect(httpStatus("OperationNotSupported", "wps2")).toBe(501);
    expect(httpStatus("ServerBusy", "wps2")).toBe(503);
    expect(httpStatus("NoSuchJob", "wps2")).toBe(400);
    expect(httpStatus("ResultNotReady", "wps2")).toBe(400);
  });

  it.each([
    ["NoSuchMode", "InvalidParameterValue", "NoSuchMode"],
    ["TooManyOutputs", "InvalidParameterValue", "TooManyOutputs"],
    ["WrongInputData", "InvalidParameterValue", "WrongInputData"],
    ["ReferenceRefused", "InvalidParameterValue", "DataNotAccessible"],
    ["ReferenceNotSupported", "StorageNotSupported", "StorageNotSupported"],
    ["StorageNotSupported", "StorageNotSupported", "NoSuchMode"],
  ] as const)("%s: WPS 1.0.0 %s (HTTP 400), WPS 2.0.0 %s", (code, w1, w2) => {
    expect(ERRORS[code].wps1).toBe(w1);
    expect(ERRORS[code].wps2).toBe(w2);
    expect(httpStatus(code, "wps1")).toBe(400);
    expect(httpStatus(code, "wps2")).toBe(400);
  });

  it("WPS 1.0.0 and OGC API statuses of the codes given a WPS 2.0.0 status are unchanged", () => {
    expect(httpStatus("NoSuchJob", "wps1")).toBe(404);
    expect(httpStatus("NoSuchJob", "ogcapi")).toBe(404);
    expect(httpStatus("ResultNotReady", "ogcapi")).toBe(404);
    expect(httpStatus("FileSizeExceeded", "wps1")).toBe(413);
    expect(httpStatus("FileSizeExceeded", "wps2")).toBe(400);
    expect(httpStatus("NotFound", "wps1")).toBe(404);
  });
});
