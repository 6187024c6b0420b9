/**
 * WPS 2.0.0 client requests, client to server: what the request encoders write, the server's decoders read back;
 * and the exceptions: codes, locators, texts and the spec's HTTP status of every code.
 */
import { describe, expect, it } from "vitest";
import { ERRORS, type RawInput, RoostError, ValidationError, wps2 } from "../src/internal.js";
import { JOB, NASTY } from "./wps2-helpers.js";

describe("client requests → server decoders", () => {
  it("Execute round-trips every input form and the output requests", () => {
    const inputs: RawInput[] = [
      { id: "lit", value: { kind: "literal", value: NASTY, uom: "m", dataType: "integer" } },
      {
        id: "json",
        value: { kind: "complex", data: `{"a":"${NASTY}"}`, mimeType: "application/json", encoding: "UTF-8" },
      },
      {
        id: "b64",
        value: { kind: "complex", data: "iVBORw0KGgo=", mimeType: "image/png", encoding: "base64" },
      },
      {
        id: "bb",
        value: { kind: "bbox", crs: "EPSG:3035", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
      },
      {
        id: "get",
        value: { kind: "reference", href: "https://x/a?b=1&c=2", method: "GET", mimeType: "text/plain" },
      },
      { id: "post", value: { kind: "reference", href: "https://x/wfs", method: "POST", body: NASTY } },
      {
        id: "post",
        value: { kind: "reference", href: "https://x/wfs", method: "POST", bodyReference: "https://x/b" },
      },
      { id: "empty", value: { kind: "reference", href: "https://x/e", method: "POST", body: "" } },
    ];
    const request: wps2.Wps2ExecuteRequest = {
      processId: NASTY,
      mode: "async",
      response: "document",
      inputs,
      outputs: [
        {
          id: "o1",
          asReference: true,
          mimeType: "application/json",
          encoding: "UTF-8",
          schema: "https://x/s",
        },
        { id: "o2", asReference: false },
        { id: "o3" },
      ],
    };
    expect(wps2.decodeXmlRequest(wps2.encodeExecuteRequest(request))).toEqual({
      operation: "Execute",
      execute: request,
    });
  });

  it("Execute writes embedded XML as XML and KVP-style tokens as their XML equivalents", () => {
    const r = wps2.decodeXmlRequest(
      wps2.encodeExecuteRequest({
        processId: "p",
        mode: "sync",
        response: "raw",
        inputs: [
          {
            id: "x",
            value: { kind: "complex", data: '<t xmlns="urn:t">v</t>', xml: true, mimeType: "text/xml" },
          },
          { id: "t1", value: { kind: "text", value: "5", attributes: new Map([["UOM", "m"]]) } },
          {
            id: "t2",
            value: { kind: "text", value: "{}", attributes: new Map([["mimetype", "application/json"]]) },
          },
          {
            id: "t3",
            value: { kind: "text", value: "", attributes: new Map([["xlink:href", "https://x/r"]]) },
          },
        ],
        outputs: [{ id: "o" }],
      }),
    );
    if (r.operation !== "Execute") throw new Error(r.operation);
    expect(r.execute.inputs.map((i) => i.value)).toEqual([
      {
        kind: "complex",
        data: expect.stringMatching(/^<t [^>]*xmlns="urn:t">v<\/t>$/),
        mimeType: "text/xml",
      },
      { kind: "literal", value: "5", uom: "m" },
      { kind: "complex", data: "{}", mimeType: "application/json" },
      { kind: "reference", href: "https://x/r", method: "GET" },
    ]);
  });

  it("references with HTTP headers cannot be written in WPS 2.0", () => {
    expect(() =>
      wps2.encodeExecuteRequest({
        processId: "p",
        mode: "sync",
        response: "document",
        inputs: [{ id: "h", value: { kind: "reference", href: "https://x", headers: [["a", "b"]] } }],
        outputs: [],
      }),
    ).toThrow(/headers/);
  });

  it("GetCapabilities, DescribeProcess, GetStatus, GetResult and Dismiss round-trip", () => {
    expect(
      wps2.decodeXmlRequest(
        wps2.encodeGetCapabilitiesRequest({ acceptVersions: ["2.0.0"], acceptLanguages: ["fr-CA"] }),
      ),
    ).toEqual({
      operation: "GetCapabilities",
      acceptVersions: ["2.0.0"],
      acceptLanguages: ["fr-CA"],
    });
    expect(wps2.decodeXmlRequest(wps2.encodeDescribeProcessRequest(["a", NASTY], "de-DE"))).toEqual({
      operation: "DescribeProcess",
      identifiers: ["a", NASTY],
      all: false,
      language: "de-DE",
    });
    expect(wps2.decodeXmlRequest(wps2.encodeGetStatus(JOB))).toEqual({ operation: "GetStatus", jobId: JOB });
    expect(wps2.decodeXmlRequest(wps2.encodeGetResult(JOB))).toEqual({ operation: "GetResult", jobId: JOB });
    expect(wps2.decodeXmlRequest(wps2.encodeDismiss(JOB))).toEqual({ operation: "Dismiss", jobId: JOB });
  });
});

describe("exceptions", () => {
  it("round-trip with codes, locators and texts; any response decoder reports an ExceptionReport by its code", () => {
    const doc = wps2.encodeExceptionReport(
      [
        { code: "NoSuchInput", text: NASTY, locator: "x<y" },
        { code: "NoApplicableCode", text: "t", locator: "" },
      ],
      "fr-CA",
    );
    expect(wps2.decodeExceptionReport(doc)).toEqual([
      { code: "NoSuchInput", text: NASTY, locator: "x<y" },
      { code: "NoApplicableCode", text: "t" },
    ]);
    expect(wps2.decodeResponse(doc)).toMatchObject({ kind: "exception" });
    expect(() => wps2.decodeResult(doc)).toThrow(/ExceptionReport \(NoSuchInput\)/);
  });

  it("maps a RoostError (every part of a ValidationError) to WPS 2.0 codes and the spec's HTTP status", () => {
    const v = new ValidationError([
      new RoostError("NoSuchInput", "no input x", { locator: "x" }),
      new RoostError("TooManyInputs", "too many y", { locator: "y" }),
    ]);
    expect(wps2.wps2Exceptions(v)).toEqual({
      status: 400,
      errors: [
        { code: "NoSuchInput", text: "no input x", locator: "x" },
        { code: "TooManyInputs", text: "too many y", locator: "y" },
      ],
    });
    expect(wps2.wps2Exceptions(new RoostError("OperationNotSupported", "no")).status).toBe(501);
    expect(wps2.wps2Exceptions(new RoostError("ServerBusy", "busy")).status).toBe(503);
    expect(wps2.wps2Exceptions(new RoostError("NoSuchJob", "gone", { locator: JOB })).status).toBe(400);
    expect(wps2.wps2Exceptions(new RoostError("Internal", "bug")).status).toBe(500);
    // NoApplicableCode is Roost's catch-all, client faults included: its status is the catalogue's.
    expect(wps2.wps2Exceptions(new RoostError("MalformedRequest", "not XML"))).toEqual({
      status: 400,
      errors: [{ code: "NoApplicableCode", text: "not XML" }],
    });
    expect(wps2.wps2Exceptions(new RoostError("ServiceUnavailable", "down")).status).toBe(503);
  });

  it("the table knows every code the catalogue's wps2 column uses, and nothing is a 2xx or 3xx", () => {
    for (const spec of Object.values(ERRORS)) expect(wps2.WPS2_HTTP_STATUS).toHaveProperty(spec.wps2);
    for (const s of Object.values(wps2.WPS2_HTTP_STATUS)) expect(s).toBeGreaterThanOrEqual(400);
    expect(wps2.wps2HttpStatus("SomethingNew")).toBe(500);
    expect(wps2.wps2HttpStatus("__proto__")).toBe(500);
  });
});
