/**
 * Every WPS 2.0.0 document the codec writes is valid against the OGC schemas (xmllint, `wps/2.0/wps.xsd` and
 * `ows/2.0/owsExceptionReport.xsd` from test/fixtures): Capabilities and ProcessOfferings for every demo process in
 * every language of the demo set, StatusInfo in every state, Result for every demo process with every kind of
 * output value (escaped text, CDATA, embedded XML, base64, references, bounding boxes, the text/plain encodings),
 * exception reports for every catalogue code, and the client's request documents — with hostile texts throughout.
 */
import {
  defineProcess,
  ERRORS,
  Formats,
  Input,
  Output,
  type OutputDefinition,
  type OutputValueView,
  type OutputView,
  type ProcessDefinition,
  type ServiceInfo,
  wps1,
  wps2,
} from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { DEMO_PROCESSES } from "../../packages/server/src/demo/index.js";
import { supportedLanguages } from "../../packages/server/src/service/languages.js";
import { expectValid, xsdErrors } from "../helpers/xsd.js";

/** Markup, entities, quotes, a CDATA terminator, characters XML 1.0 cannot carry, a surrogate pair. */
const HOSTILE = `<b>&amp; "q" 'a' ]]> \u0000\u0007\u001b\uFFFE é 😀 </wps:Data>`;

const LANGUAGES = supportedLanguages(["en-US"], DEMO_PROCESSES);

const SVC: ServiceInfo = {
  title: `Roost ${HOSTILE}`,
  abstract: HOSTILE,
  keywords: [" WPS ", HOSTILE],
  fees: HOSTILE,
  accessConstraints: "none",
  provider: {
    name: HOSTILE,
    site: "https://example.org/?a=1&b=<2>",
    individualName: HOSTILE,
    positionName: "ops",
    email: "ops@example.org",
    phone: "+1 555",
  },
  languages: LANGUAGES,
};

/** A process exercising what the demo set does not: hostile texts, several units, every range closure. */
const AWKWARD: ProcessDefinition = defineProcess({
  identifier: "awkward <&> 'id'",
  title: HOSTILE,
  abstract: HOSTILE,
  keywords: [HOSTILE, "k"],
  metadata: [{ title: HOSTILE, href: "https://example.org/doc?a=1&b=2", role: "https://example.org/role" }],
  version: "1.2.3-beta",
  inputs: {
    "input 1": Input.float({
      title: HOSTILE,
      uoms: ["m", "km", "ft"],
      ranges: [
        { minimum: 0, maximum: 1, closure: "open" },
        { minimum: 10, maximum: 20, spacing: 0.5, closure: "closed-open" },
        { minimum: 30, closure: "open-closed" },
      ],
      default: 0.5,
      maxOccurs: Number.MAX_SAFE_INTEGER,
      minOccurs: 0,
    }),
    "a<&>b": Input.string({ title: "t", allowed: ["x<y", "a&b", '"q"'], default: '"q"' }),
    ref: Input.string({ title: "r", valuesReference: "https://example.org/values?a=1&b=2" }),
    file: Input.complex({
      title: "f",
      formats: [Formats.GEOTIFF, { mimeType: "application/xml", schema: "https://example.org/s.xsd" }],
      maximumMegabytes: 0.2,
      minOccurs: 0,
    }),
  },
  outputs: {
    "out 1": Output.float({ title: HOSTILE, uoms: ["m", "km"] }),
  },
  handler: async () => ({}),
});

function expectNoFailure(errors: string, doc: string): void {
  expect(errors, doc.slice(0, 3000)).toBe("");
}

describe("Capabilities", () => {
  it.each(LANGUAGES)(
    "validates in %s, listing every demo process with its job control options",
    async (lang) => {
      const doc = wps2.encodeCapabilities(SVC, "https://wps.example.org/wps?x=<1>", DEMO_PROCESSES, lang);
      await expectValid(doc, "wps2");
      const caps = wps2.decodeCapabilities(doc);
      expect(caps.processes.map((p) => p.identifier)).toEqual(DEMO_PROCESSES.map((p) => p.identifier));
      expect(caps.processes[0]).toMatchObject({
        jobControlOptions: ["sync-execute", "async-execute", "dismiss"],
        outputTransmission: ["value", "reference"],
        processModel: "native",
      });
      expect(caps.languages).toEqual(LANGUAGES);
      expect(Object.keys(caps.operations)).toEqual([
        "GetCapabilities",
        "DescribeProcess",
        "Execute",
        "GetStatus",
        "GetResult",
        "Dismiss",
      ]);
      // Execute has no KVP binding (14-065r2 §10.2): POST only.
      expect(caps.operations.Execute).toEqual({ post: "https://wps.example.org/wps?x=<1>" });
    },
  );

  it("validates with a hostile process, without Dismiss, and drops what the schema cannot carry", async () => {
    const doc = wps2.encodeCapabilities(
      { ...SVC, languages: ["en-US", "not a tag"] },
      "https://x/wps",
      [AWKWARD, ...DEMO_PROCESSES],
      "not a tag",
      { dismiss: false },
    );
    await expectValid(doc, "wps2");
    const caps = wps2.decodeCapabilities(doc);
    expect(caps.languages).toEqual(["en-US"]);
    expect(caps.operations.Dismiss).toBeUndefined();
    expect(caps.processes[0]).toMatchObject({
      identifier: "awkward <&> 'id'",
      jobControlOptions: ["sync-execute", "async-execute"],
    });
    // `1.2.3-beta` is no ows:VersionType: the informative attribute is left out rather than made invalid.
    expect(caps.processes[0]?.version).toBeUndefined();
    expect(caps.processes.find((p) => p.identifier === "translation")?.version).toBe("1.0.0");
  });
});

describe("ProcessOfferings", () => {
  it.each(LANGUAGES)("validates for all demo processes at once in %s", async (lang) => {
    await expectValid(wps2.encodeProcessOfferings(DEMO_PROCESSES, lang), "wps2");
  });

  it.each(DEMO_PROCESSES.map((p) => [p.identifier, p] as const))(
    "validates for %s alone in every language",
    async (_id, p) => {
      for (const lang of LANGUAGES)
        expectNoFailure(await xsdErrors(wps2.encodeProcessOfferings([p], lang), "wps2"), lang);
    },
  );

  it("validates for a process with hostile texts, several units, ranges and unbounded occurrences", async () => {
    const doc = wps2.encodeProcessOfferings([AWKWARD], "en-US");
    await expectValid(doc, "wps2");
    expect(doc).toContain('maxOccurs="unbounded"');
    expect(doc.match(/<LiteralDataDomain/g)).toHaveLength(3 + 1 + 1 + 2);
  });

  it("a LiteralDataDomain in the WPS namespace is invalid, so validation really runs", async () => {
    const doc = wps2
      .encodeProcessOfferings([DEMO_PROCESSES[0]!], "en-US")
      .replaceAll("<LiteralDataDomain", "<wps:LiteralDataDomain")
      .replaceAll("</LiteralDataDomain", "</wps:LiteralDataDomain");
    expect(await xsdErrors(doc, "wps2")).toMatch(/LiteralDataDomain/);
  });
});

describe("StatusInfo and Dismiss", () => {
  const jobId = "0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11";
  const t = new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
  it.each([
    { kind: "accepted", message: HOSTILE },
    { kind: "running", message: HOSTILE, percent: 42.7 },
    { kind: "running", message: "", percent: 250 },
    { kind: "succeeded", message: HOSTILE },
    { kind: "failed", errors: [{ code: "NoApplicableCode", text: HOSTILE }] },
    { kind: "dismissed", message: HOSTILE },
  ] as const)("validates for $kind", async (status) => {
    for (const times of [{}, { expirationDate: t, estimatedCompletion: t, nextPoll: t }]) {
      const doc = wps2.encodeStatusInfo({ jobId, status }, times);
      await expectValid(doc, "wps2");
      const s = wps2.decodeStatusInfo(doc);
      expect(s).toMatchObject({ jobId, kind: status.kind });
    }
  });

  it("the Dismiss response validates and says Dismissed", async () => {
    const doc = wps2.encodeDismissed(jobId, { expirationDate: t });
    await expectValid(doc, "wps2");
    expect(wps2.decodeStatusInfo(doc)).toEqual({
      jobId,
      status: "Dismissed",
      kind: "dismissed",
      expirationDate: "2030-01-02T03:04:05.678Z",
    });
  });
});

/** Values of every kind for an output, cycling through the complex variants. */
function valueFor(d: OutputDefinition, variant: number): OutputValueView {
  switch (d.kind) {
    case "literal":
      return {
        kind: "literal",
        value: HOSTILE,
        dataType: d.dataType,
        ...(d.uoms ? { uom: d.uoms[0]! } : {}),
      };
    case "bbox":
      return {
        kind: "bbox",
        value: { crs: d.crs[0]!, dimensions: 2, lowerCorner: [-1.5, 2], upperCorner: [3, 4e21] },
      };
    case "complex": {
      const mimeType = d.formats[0]!.mimeType;
      switch (variant % 4) {
        case 0:
          return { kind: "inline", mimeType, data: `{"a":"${HOSTILE}"}`, xml: false };
        case 1:
          return {
            kind: "inline",
            mimeType: "application/xml",
            data: '<a:b xmlns:a="urn:x" c="&lt;&amp;">t&amp;</a:b>',
            xml: true,
          };
        case 2:
          return {
            kind: "inline",
            mimeType,
            encoding: "base64",
            data: Buffer.from(HOSTILE).toString("base64"),
            xml: false,
          };
        default:
          return {
            kind: "reference",
            href: "https://example.org/out/1?a=<1>&b=2",
            mimeType,
            encoding: "UTF-8",
            schema: "https://example.org/s.xsd",
          };
      }
    }
  }
}

describe("Result", () => {
  it.each(DEMO_PROCESSES.map((p) => [p.identifier, p] as const))(
    "validates for %s with every kind of output value",
    async (_id, p) => {
      for (let variant = 0; variant < 4; variant++) {
        const outputs: OutputView[] = p.outputs.map((d) => ({ definition: d, value: valueFor(d, variant) }));
        const plain =
          variant % 2 === 1 ? p.outputs.map((d) => ({ id: d.identifier, mimeType: "text/plain" })) : [];
        const doc = wps2.encodeResult(
          { jobId: "0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11", outputs },
          { expirationDate: new Date(0), outputs: plain },
        );
        expectNoFailure(await xsdErrors(doc, "wps2"), doc);
        const r = wps2.decodeResult(doc);
        expect(r.outputs.map((o) => o.identifier)).toEqual(p.outputs.map((d) => d.identifier));
      }
    },
  );

  it("validates for awkward output identifiers and units, without a JobID", async () => {
    const out = AWKWARD.outputs[0]!;
    const doc = wps2.encodeResult(
      { jobId: "x", outputs: [{ definition: out, value: valueFor(out, 0) }] },
      { jobId: false },
    );
    await expectValid(doc, "wps2");
    expect(wps2.decodeResult(doc).jobId).toBeUndefined();
  });
});

describe("ExceptionReport", () => {
  it("validates for every catalogue code with hostile texts and locators, against OWS 2.0 and through wps.xsd", async () => {
    const errors = Object.values(ERRORS).map((e) => ({ code: e.wps2, text: HOSTILE, locator: HOSTILE }));
    const doc = wps2.encodeExceptionReport(errors, "fr-CA");
    await expectValid(doc, "ows2Exception");
    await expectValid(doc, "wps2");
    expect(wps2.decodeExceptionReport(doc)).toHaveLength(errors.length);
  });

  it("validates without a language, without locators and even without errors", async () => {
    await expectValid(
      wps2.encodeExceptionReport([{ code: "NoSuchJob", text: "", locator: "" }]),
      "ows2Exception",
    );
    await expectValid(wps2.encodeExceptionReport([], "not a tag"), "ows2Exception");
  });
});

describe("client request documents", () => {
  it("Execute, GetCapabilities, DescribeProcess, GetStatus, GetResult and Dismiss validate", async () => {
    const docs = [
      wps2.encodeExecuteRequest({
        processId: HOSTILE,
        mode: "auto",
        response: "document",
        inputs: [
          {
            id: "lit",
            value: {
              kind: "literal",
              value: HOSTILE,
              uom: "m",
              dataType: "http://www.w3.org/2001/XMLSchema#string",
            },
          },
          { id: "cx", value: { kind: "complex", data: HOSTILE, mimeType: "application/json" } },
          { id: "xml", value: { kind: "complex", data: "<a>b</a>", xml: true, mimeType: "text/xml" } },
          { id: "bb", value: { kind: "bbox", crs: "EPSG:4326", lowerCorner: [1, 2], upperCorner: [3, 4] } },
          {
            id: "ref",
            value: { kind: "reference", href: "https://example.org/?a=1&b=2", mimeType: "text/plain" },
          },
          {
            id: "post",
            value: { kind: "reference", href: "https://example.org/", method: "POST", body: HOSTILE },
          },
          {
            id: "post2",
            value: {
              kind: "reference",
              href: "https://example.org/",
              bodyReference: "https://example.org/b",
            },
          },
        ],
        outputs: [{ id: "o", asReference: true, mimeType: "application/json" }, { id: "p" }],
      }),
      wps2.encodeGetCapabilitiesRequest({ acceptVersions: ["2.0.0", "1.0.0"], acceptLanguages: ["fr-CA"] }),
      wps2.encodeGetCapabilitiesRequest(),
      wps2.encodeDescribeProcessRequest(["ALL", HOSTILE], "de-DE"),
      wps2.encodeGetStatus("0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11"),
      wps2.encodeGetResult("0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11"),
      wps2.encodeDismiss("0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11"),
    ];
    for (const d of docs) await expectValid(d, "wps2");
  });
});

describe("one description, two protocols", () => {
  it.each(LANGUAGES)(
    "in %s, every demo process decodes from its WPS 2.0.0 offering exactly as from its WPS 1.0.0 description",
    (lang) => {
      const v1 = wps1.decodeProcessDescriptions(wps1.encodeProcessDescriptions(DEMO_PROCESSES, lang));
      const v2 = wps2.decodeProcessOfferings(wps2.encodeProcessOfferings(DEMO_PROCESSES, lang));
      expect(v2.map((d) => [d.identifier, d.title, d.abstract, d.metadata, d.inputs, d.outputs])).toEqual(
        v1.map((d) => [d.identifier, d.title, d.abstract, d.metadata, d.inputs, d.outputs]),
      );
      expect(v2.map((d) => [d.storeSupported, d.statusSupported])).toEqual(
        v1.map((d) => [d.storeSupported, d.statusSupported]),
      );
    },
  );
});
