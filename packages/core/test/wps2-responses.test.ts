/**
 * WPS 2.0.0 responses, server to client: what the encoders write (descriptions, capabilities, status, results),
 * the client's decoders read back; also the spec's own response examples. Client requests and exceptions are in
 * `wps2-roundtrip.test.ts`.
 */
import { describe, expect, it } from "vitest";
import { defineProcess, Formats, Input, Output, type ServiceInfo, wps2 } from "../src/internal.js";
import { example, JOB, NASTY, refused } from "./wps2-helpers.js";

const PROC = defineProcess({
  identifier: "every thing",
  title: "Everything",
  abstract: NASTY,
  keywords: ["k1", "k2"],
  metadata: [{ title: "Doc", href: "https://example.org/doc", role: "https://example.org/role" }],
  version: "2.1",
  inputs: {
    n: Input.integer({
      title: "N",
      allowed: [1, 2, 3],
      ranges: [
        { minimum: 10, maximum: 20, spacing: 2, closure: "closed-open" },
        { minimum: 100, closure: "open" },
      ],
      default: 2,
      uoms: ["m", "km"],
    }),
    s: Input.string({ title: "S", minOccurs: 0, maxOccurs: Number.MAX_SAFE_INTEGER, allowed: [NASTY, "b"] }),
    r: Input.string({ title: "R", valuesReference: "https://example.org/values" }),
    f: Input.float({ title: "F", default: 3 }),
    c: Input.complex({
      title: "C",
      formats: [
        { mimeType: "application/xml", schema: "https://example.org/s.xsd", encoding: "UTF-8" },
        Formats.PNG,
      ],
      maximumMegabytes: 2.5,
      minOccurs: 0,
      maxOccurs: 3,
    }),
    b: Input.bbox({ title: "B", crs: ["EPSG:4326", "EPSG:3035"], minOccurs: 0 }),
  },
  outputs: {
    lo: Output.float({ title: "LO", uoms: ["s"] }),
    co: Output.complex({ title: "CO", formats: [Formats.JSON, Formats.TEXT] }),
    bo: Output.bbox({ title: "BO", crs: ["EPSG:4326"] }),
  },
  jobControl: { sync: false },
  translations: { "fr-CA": { title: "Tout", inputs: { n: { title: "Ène" } } } },
  handler: async () => ({ lo: 1, co: "x", bo: { dimensions: 2, lowerCorner: [0, 0], upperCorner: [1, 1] } }),
});

describe("ProcessOfferings → the client's description", () => {
  it("every property survives, in the requested language", () => {
    const [d] = wps2.decodeProcessOfferings(wps2.encodeProcessOfferings([PROC], "fr-CA"));
    expect(d).toMatchObject({
      identifier: "every thing",
      title: "Tout",
      abstract: NASTY,
      version: "2.1.0",
      language: "fr-CA",
      jobControlOptions: ["async-execute", "dismiss"],
      outputTransmission: ["value", "reference"],
      processModel: "native",
      storeSupported: true,
      statusSupported: true,
      metadata: [{ title: "Doc", href: "https://example.org/doc", role: "https://example.org/role" }],
    });
    expect(d?.inputs).toEqual([
      {
        kind: "literal",
        identifier: "n",
        title: "Ène",
        metadata: [],
        minOccurs: 1,
        maxOccurs: 1,
        dataType: "integer",
        literalType: "integer",
        allowedValues: {
          kind: "values",
          values: [1, 2, 3],
          ranges: [
            { minimum: 10, maximum: 20, spacing: 2, closure: "closed-open" },
            { minimum: 100, closure: "open" },
          ],
        },
        default: "2",
        uoms: ["m", "km"],
      },
      {
        kind: "literal",
        identifier: "s",
        title: "S",
        metadata: [],
        minOccurs: 0,
        maxOccurs: Number.MAX_SAFE_INTEGER,
        dataType: "string",
        literalType: "string",
        allowedValues: { kind: "values", values: [NASTY, "b"], ranges: [] },
        uoms: [],
      },
      {
        kind: "literal",
        identifier: "r",
        title: "R",
        metadata: [],
        minOccurs: 1,
        maxOccurs: 1,
        dataType: "string",
        literalType: "string",
        allowedValues: { kind: "reference", reference: "https://example.org/values" },
        uoms: [],
      },
      expect.objectContaining({ identifier: "f", default: "3", literalType: "float" }),
      {
        kind: "complex",
        identifier: "c",
        title: "C",
        metadata: [],
        minOccurs: 0,
        maxOccurs: 3,
        formats: [
          { mimeType: "application/xml", schema: "https://example.org/s.xsd", encoding: "UTF-8" },
          { mimeType: "image/png", encoding: "base64" },
        ],
        maximumMegabytes: 3,
      },
      {
        kind: "bbox",
        identifier: "b",
        title: "B",
        metadata: [],
        minOccurs: 0,
        maxOccurs: 1,
        crs: ["EPSG:4326", "EPSG:3035"],
      },
    ]);
    expect(d?.outputs).toEqual([
      {
        kind: "literal",
        identifier: "lo",
        title: "LO",
        metadata: [],
        dataType: "float",
        literalType: "float",
        uoms: ["s"],
      },
      {
        kind: "complex",
        identifier: "co",
        title: "CO",
        metadata: [],
        formats: [{ mimeType: "application/json" }, { mimeType: "text/plain" }],
      },
      { kind: "bbox", identifier: "bo", title: "BO", metadata: [], crs: ["EPSG:4326"] },
    ]);
  });

  it("reads the spec's example (Double by reference, a range of -INF..INF, the default format first)", () => {
    const [d] = wps2.decodeProcessOfferings(example("wpsProcessOfferingsExample.xml"));
    expect(d).toMatchObject({
      identifier: "http://my.wps.server/processes/proximity/Planar-Buffer",
      jobControlOptions: ["sync-execute", "async-execute", "dismiss"],
      storeSupported: true,
    });
    expect(d?.inputs[1]).toMatchObject({
      identifier: "DISTANCE",
      minOccurs: 0,
      dataType: "double",
      literalType: "double",
      allowedValues: { kind: "values", values: [], ranges: [{}] },
    });
    expect(d?.inputs[0]).toMatchObject({
      kind: "complex",
      formats: [
        {
          mimeType: "text/xml",
          encoding: "UTF-8",
          schema: "http://schemas.opengis.net/gml/3.2.1/feature.xsd",
        },
        { mimeType: "application/json", encoding: "UTF-8" },
      ],
    });
  });

  it("refuses nested inputs and a document that is not ProcessOfferings", () => {
    const nested = wps2
      .encodeProcessOfferings([PROC], "en-US")
      .replace(
        '<wps:Input minOccurs="1" maxOccurs="1">',
        '<wps:Input><ows:Title>G</ows:Title><ows:Identifier>group</ows:Identifier><wps:Input minOccurs="1" maxOccurs="1">',
      )
      .replace("</wps:Input>", "</wps:Input></wps:Input>");
    expect(() => wps2.decodeProcessOfferings(nested)).toThrow("input 'group' has nested inputs");
    expect(() =>
      wps2.decodeProcessOfferings(
        wps2.encodeStatusInfo({ jobId: JOB, status: { kind: "accepted", message: "" } }),
      ),
    ).toThrow(wps2.Wps2DecodeError);
    expect(() => wps2.decodeProcessOfferings("<not xml")).toThrow(/not XML/);
  });
});

describe("Capabilities", () => {
  const svc: ServiceInfo = {
    title: NASTY,
    abstract: "A",
    keywords: [],
    fees: "none",
    accessConstraints: "none",
    provider: { name: "P" },
    languages: ["en-US", "fr-CA"],
  };

  it("round-trips the summaries, languages and operations", () => {
    const caps = wps2.decodeCapabilities(wps2.encodeCapabilities(svc, "https://x/wps", [PROC], "fr-CA"));
    expect(caps).toEqual({
      version: "2.0.0",
      title: NASTY,
      abstract: "A",
      languages: ["en-US", "fr-CA"],
      processes: [
        {
          identifier: "every thing",
          title: "Tout",
          abstract: NASTY,
          version: "2.1.0",
          jobControlOptions: ["async-execute", "dismiss"],
          outputTransmission: ["value", "reference"],
          processModel: "native",
        },
      ],
      operations: {
        GetCapabilities: { get: "https://x/wps?", post: "https://x/wps" },
        DescribeProcess: { get: "https://x/wps?", post: "https://x/wps" },
        Execute: { post: "https://x/wps" },
        GetStatus: { get: "https://x/wps?", post: "https://x/wps" },
        GetResult: { get: "https://x/wps?", post: "https://x/wps" },
        Dismiss: { get: "https://x/wps?", post: "https://x/wps" },
      },
    });
  });

  it("reads the spec's example", () => {
    const caps = wps2.decodeCapabilities(example("wpsCapabilitiesDocumentExample.xml"));
    expect(caps.processes.map((p) => [p.identifier, p.version, p.jobControlOptions.join(" ")])).toEqual([
      [
        "http://my.site/distance-transform/euclidean-distance",
        undefined,
        "sync-execute async-execute dismiss",
      ],
      ["http://my.site/distance-transform/cost-distance", "1.4.0", "sync-execute async-execute dismiss"],
    ]);
    expect(caps.operations.Execute).toEqual({ post: "http://wps1.gis.geo.tu-dresden.de/wps" });
  });
});

describe("StatusInfo", () => {
  it("round-trips every status with its times, PercentCompleted only while running (0–99) and at success (100)", () => {
    const t = new Date(Date.UTC(2031, 5, 6, 7, 8, 9, 10));
    const cases = [
      [{ kind: "accepted", message: "m" }, "Accepted", undefined],
      [{ kind: "running", message: "m", percent: 37.9 }, "Running", 37],
      [{ kind: "running", message: "m", percent: 100 }, "Running", 99],
      [{ kind: "running", message: "m", percent: -5 }, "Running", 0],
      [{ kind: "running", message: "m", percent: Number.NaN }, "Running", 0],
      [{ kind: "succeeded", message: "m" }, "Succeeded", 100],
      [{ kind: "failed", errors: [] }, "Failed", undefined],
      [{ kind: "dismissed", message: "m" }, "Dismissed", undefined],
    ] as const;
    for (const [status, name, pct] of cases) {
      const s = wps2.decodeStatusInfo(
        wps2.encodeStatusInfo({ jobId: JOB, status }, { nextPoll: t, expirationDate: t }),
      );
      expect(s).toEqual({
        jobId: JOB,
        status: name,
        kind: status.kind,
        nextPoll: "2031-06-06T07:08:09.010Z",
        expirationDate: "2031-06-06T07:08:09.010Z",
        ...(pct !== undefined ? { percentCompleted: pct } : {}),
      });
    }
  });

  it("reads the spec's example and unknown (extension) statuses", () => {
    expect(wps2.decodeStatusInfo(example("wpsStatusInfoExample.xml"))).toEqual({
      jobId: "FB6DD4B0-A2BB-11E3-A5E2-0800200C9A66",
      status: "Accepted",
      kind: "accepted",
      nextPoll: "2014-12-24T16:00:00Z",
    });
    const paused = example("wpsStatusInfoExample.xml").replace(">Accepted<", ">Paused<");
    expect(wps2.decodeStatusInfo(paused)).toMatchObject({ status: "Paused", kind: "unknown" });
  });
});

describe("Result", () => {
  const def = (id: string) => PROC.outputMap.get(id)!;
  it("round-trips literal, text, embedded XML, base64, reference and bounding-box outputs", () => {
    const xml = '<a:b xmlns:a="urn:a" c="1">t&amp;<a:d/></a:b>';
    const doc = wps2.encodeResult(
      {
        jobId: JOB,
        outputs: [
          { definition: def("lo"), value: { kind: "literal", value: NASTY, dataType: "float", uom: "s" } },
          {
            definition: def("co"),
            value: { kind: "inline", mimeType: "application/json", data: `{"x":"${NASTY}"}`, xml: false },
          },
          {
            definition: def("co"),
            value: { kind: "inline", mimeType: "application/xml", data: xml, xml: true },
          },
          {
            definition: def("co"),
            value: {
              kind: "inline",
              mimeType: "image/png",
              encoding: "base64",
              data: "iVBORw0KGgo=",
              xml: false,
            },
          },
          {
            definition: def("co"),
            value: {
              kind: "reference",
              href: "https://x/o?a=1&b=2",
              mimeType: "application/json",
              schema: "https://x/s",
            },
          },
          {
            definition: def("bo"),
            value: {
              kind: "bbox",
              value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [-1.5, 2], upperCorner: [3, 4] },
            },
          },
        ],
      },
      { expirationDate: new Date(0) },
    );
    const r = wps2.decodeResult(doc);
    expect(r.jobId).toBe(JOB);
    expect(r.expirationDate).toBe("1970-01-01T00:00:00.000Z");
    expect(r.outputs.map((o) => o.value)).toEqual([
      { kind: "literal", value: NASTY, dataType: "float", uom: "s" },
      { kind: "complex", data: `{"x":"${NASTY}"}`, xml: false, mimeType: "application/json" },
      {
        kind: "complex",
        data: expect.stringMatching(/^<a:b [^>]*xmlns:a="urn:a" c="1">t&amp;<a:d\/><\/a:b>$/),
        xml: true,
        mimeType: "application/xml",
      },
      { kind: "complex", data: "iVBORw0KGgo=", xml: false, mimeType: "image/png", encoding: "base64" },
      { kind: "reference", href: "https://x/o?a=1&b=2", mimeType: "application/json", schema: "https://x/s" },
      { kind: "bbox", crs: "EPSG:4326", dimensions: 2, lowerCorner: [-1.5, 2], upperCorner: [3, 4] },
    ]);
  });

  it("writes the text/plain encodings when the client asked for text/plain", () => {
    const doc = wps2.encodeResult(
      {
        jobId: JOB,
        outputs: [
          { definition: def("lo"), value: { kind: "literal", value: "1.5", dataType: "float", uom: "s" } },
          {
            definition: def("bo"),
            value: {
              kind: "bbox",
              value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
            },
          },
        ],
      },
      {
        outputs: [
          { id: "lo", mimeType: "text/plain" },
          { id: "bo", mimeType: "Text/Plain; charset=UTF-8" },
        ],
      },
    );
    expect(wps2.decodeResult(doc).outputs.map((o) => o.value)).toEqual([
      { kind: "complex", data: "1.5@uom=s", xml: false, mimeType: "text/plain" },
      { kind: "complex", data: "1,2,3,4,EPSG:4326", xml: false, mimeType: "text/plain" },
    ]);
  });

  it("a job without outputs cannot be a Result; the spec's example decodes", () => {
    expect(refused(() => wps2.encodeResult({ jobId: JOB, outputs: [] }))).toMatchObject({
      code: "ProcessFailed",
    });
    expect(wps2.decodeResult(example("wpsResultExample.xml"))).toEqual({
      jobId: "FB6DD4B0-A2BB-11E3-A5E2-0800200C9A66",
      expirationDate: "2014-12-24T24:00:00Z",
      outputs: [
        {
          identifier: "BUFFERED_GEOMETRY",
          value: {
            kind: "reference",
            href: "http://result.data.server/FB6DD4B0-A2BB-11E3-A5E2-0800200C9A66/BUFFERED_GEOMETRY.xml",
          },
        },
      ],
    });
  });
});

describe("decodeResponse", () => {
  it("dispatches on the root element", () => {
    expect(wps2.decodeResponse(example("wpsStatusInfoExample.xml")).kind).toBe("status");
    expect(wps2.decodeResponse(example("wpsResultExample.xml")).kind).toBe("result");
    expect(wps2.decodeResponse(example("wpsProcessOfferingsExample.xml")).kind).toBe("offerings");
    expect(wps2.decodeResponse(example("wpsCapabilitiesDocumentExample.xml")).kind).toBe("capabilities");
    expect(() => wps2.decodeResponse(example("wpsGetStatusRequestExample.xml"))).toThrow(
      wps2.Wps2DecodeError,
    );
    expect(() =>
      wps2.decodeResponse('<wps:Capabilities xmlns:wps="http://www.opengis.net/wps/1.0.0"/>'),
    ).toThrow(/not a WPS 2.0.0 response/);
  });
});
