/**
 * WPS 2.0.0 request decoding: every operation over KVP (keys in any case) and XML POST (the spec's own examples),
 * the envelope checks, the hardened parser's refusals, and every error with its code and locator. Execute's
 * inputs and outputs are in `wps2-decode-execute.test.ts`.
 */
import { describe, expect, it } from "vitest";
import { wps2 } from "../src/internal.js";
import { example, execute, JOB, NS, refused } from "./wps2-helpers.js";

const kvp = (q: string) => wps2.decodeKvp(new URLSearchParams(q));
const xml = (body: string) => wps2.decodeXmlRequest(body);

describe("KVP", () => {
  it("decodes GetCapabilities with AcceptVersions and AcceptLanguages (or a lone language)", () => {
    expect(
      kvp("SERVICE=WPS&REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.0,1.0.0&AcceptLanguages=fr,en-US"),
    ).toEqual({
      operation: "GetCapabilities",
      acceptVersions: ["2.0.0", "1.0.0"],
      acceptLanguages: ["fr", "en-US"],
    });
    expect(kvp("service=wps&request=getcapabilities&language=de-DE")).toEqual({
      operation: "GetCapabilities",
      acceptLanguages: ["de-DE"],
    });
    expect(kvp("service=WPS&request=GetCapabilities")).toEqual({ operation: "GetCapabilities" });
  });

  it("decodes DescribeProcess with one, several or ALL identifiers and lang, keys in any case", () => {
    for (const q of [
      "Service=WPS&Version=2.0.0&Request=DescribeProcess&Identifier=hello,non.py-id&lang=fr-CA",
      "SERVICE=WPS&VERSION=2.0.0&REQUEST=DESCRIBEPROCESS&IDENTIFIER=hello,non.py-id&LANG=fr-CA",
      "service=WPS&version=2.0.0&request=describeprocess&identifier=hello, non.py-id&language=fr-CA",
    ]) {
      expect(kvp(q)).toEqual({
        operation: "DescribeProcess",
        identifiers: ["hello", "non.py-id"],
        all: false,
        language: "fr-CA",
      });
    }
    expect(kvp("service=WPS&version=2.0.0&request=DescribeProcess&Identifier=ALL")).toMatchObject({
      all: true,
    });
    expect(kvp("service=WPS&version=2.0.0&request=DescribeProcess&Identifier=all")).toMatchObject({
      all: true,
    });
  });

  it("decodes GetStatus, GetResult and Dismiss with the job id checked and lower-cased", () => {
    expect(kvp(`service=WPS&version=2.0.0&request=GetStatus&jobid=${JOB}`)).toEqual({
      operation: "GetStatus",
      jobId: JOB,
    });
    expect(kvp(`Service=WPS&Version=2.0.0&Request=GetResult&JobID=${JOB.toUpperCase()}`)).toEqual({
      operation: "GetResult",
      jobId: JOB,
    });
    expect(kvp(`SERVICE=WPS&VERSION=2.0.0&REQUEST=Dismiss&JOBID=%20${JOB}%20`)).toEqual({
      operation: "Dismiss",
      jobId: JOB,
    });
  });

  it("a job id that cannot be Roost's is NoSuchJob with the violating id as locator, an empty one MissingParameterValue", () => {
    for (const bad of ["FB6DD4B0-A2BB-11E3-A5E2-0800200C9A66", "../../etc/passwd", "1 OR 1=1", `${JOB}x`]) {
      expect(
        refused(() => kvp(`service=WPS&version=2.0.0&request=GetStatus&jobid=${encodeURIComponent(bad)}`)),
      ).toMatchObject({
        code: "NoSuchJob",
        locator: bad,
      });
    }
    const long = refused(() => kvp(`service=WPS&version=2.0.0&request=GetResult&jobid=${"a".repeat(5000)}`));
    expect(long.locator!.length).toBeLessThan(120);
    expect(refused(() => kvp("service=WPS&version=2.0.0&request=Dismiss&jobid=%20"))).toMatchObject({
      code: "MissingParameter",
      locator: "JobID",
    });
  });

  it.each([
    ["service=WPS&version=2.0.0", "MissingParameter", "request"],
    ["version=2.0.0&request=GetStatus&jobid=x", "MissingParameter", "service"],
    ["service=WMS&version=2.0.0&request=GetCapabilities", "InvalidParameter", "service"],
    ["service=WPS&version=2.0.0&request=Frobnicate", "OperationNotSupported", "Frobnicate"],
    ["service=WPS&version=2.0.0&request=Execute&identifier=hello", "OperationNotSupported", "Execute"],
    ["service=WPS&request=DescribeProcess&identifier=hello", "MissingParameter", "version"],
    ["service=WPS&version=1.0.0&request=DescribeProcess&identifier=hello", "InvalidParameter", "version"],
    ["service=WPS&version=2.0.0&request=DescribeProcess", "MissingParameter", "identifier"],
    ["service=WPS&version=2.0.0&request=DescribeProcess&identifier=,,", "MissingParameter", "identifier"],
    ["service=WPS&version=2.0.0&request=GetStatus", "MissingParameter", "JobID"],
    [
      "service=WPS&request=GetCapabilities&AcceptVersions=1.0.0",
      "VersionNegotiationFailed",
      "AcceptVersions",
    ],
  ])("%s → %s (%s)", (q, code, locator) => {
    expect(refused(() => kvp(q))).toMatchObject({ code, locator });
  });

  it("__proto__ and constructor keys are harmless", () => {
    expect(kvp("service=WPS&request=GetCapabilities&__proto__=x&constructor=y")).toEqual({
      operation: "GetCapabilities",
    });
  });
});

describe("XML: the spec's examples", () => {
  it("GetCapabilities, DescribeProcess, GetStatus, GetResult and Dismiss", () => {
    expect(xml(example("wpsGetCapabilitiesRequestExample.xml"))).toEqual({ operation: "GetCapabilities" });
    expect(xml(example("wpsDescribeProcessRequestExample.xml"))).toEqual({
      operation: "DescribeProcess",
      identifiers: ["Buffer", "Viewshed"],
      all: false,
    });
    // The examples' JobID is a version-1 UUID in upper case: it can never name a Roost job.
    for (const f of [
      "wpsGetStatusRequestExample.xml",
      "wpsGetResultRequestExample.xml",
      "wpsDismissRequestExample.xml",
    ])
      expect(refused(() => xml(example(f)))).toMatchObject({
        code: "NoSuchJob",
        locator: "FB6DD4B0-A2BB-11E3-A5E2-0800200C9A66",
      });
    expect(xml(example("wpsGetStatusRequestExample.xml").replace(/FB6DD4B0[-0-9A-F]+/, JOB))).toEqual({
      operation: "GetStatus",
      jobId: JOB,
    });
  });

  it("Execute: a reference input, a bare-text literal and an output by reference", () => {
    const r = xml(example("wpsExecuteRequestExample.xml"));
    expect(r).toEqual({
      operation: "Execute",
      execute: {
        processId: "http://my.wps.server/processes/proximity/Planar-Buffer",
        mode: "async",
        response: "document",
        inputs: [
          {
            id: "INPUT_GEOMETRY",
            value: { kind: "reference", href: "http://some.data.server/mygmldata.xml", method: "GET" },
          },
          { id: "DISTANCE", value: { kind: "literal", value: "10.0" } },
        ],
        outputs: [{ id: "BUFFERED_GEOMETRY", asReference: true }],
      },
    });
  });
});

describe("XML: envelope errors and the hardened parser", () => {
  it.each([
    ["", "MissingParameter", "request"],
    [
      `<wps:GetStatus ${NS} version="2.0.0"><wps:JobID>${JOB}</wps:JobID></wps:GetStatus>`,
      "MissingParameter",
      "service",
    ],
    [
      `<wps:GetStatus ${NS} service="WFS" version="2.0.0"><wps:JobID>${JOB}</wps:JobID></wps:GetStatus>`,
      "InvalidParameter",
      "service",
    ],
    [
      `<wps:GetStatus ${NS} service="WPS"><wps:JobID>${JOB}</wps:JobID></wps:GetStatus>`,
      "MissingParameter",
      "version",
    ],
    [
      `<wps:GetStatus ${NS} service="WPS" version="1.0.0"><wps:JobID>${JOB}</wps:JobID></wps:GetStatus>`,
      "InvalidParameter",
      "version",
    ],
    [`<wps:GetStatus ${NS} service="WPS" version="2.0.0"/>`, "MissingParameter", "JobID"],
    [`<wps:Frobnicate ${NS} service="WPS" version="2.0.0"/>`, "OperationNotSupported", "Frobnicate"],
    [
      `<wps:GetCapabilities ${NS} service="WPS"><ows:AcceptVersions><ows:Version>1.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`,
      "VersionNegotiationFailed",
      "AcceptVersions",
    ],
    [
      `<wps:Execute xmlns:wps="http://www.opengis.net/wps/1.0.0" service="WPS" version="1.0.0"/>`,
      "InvalidParameter",
      "request",
    ],
    [
      `<wps:DescribeProcess ${NS} service="WPS" version="2.0.0"><ows:Identifier> </ows:Identifier></wps:DescribeProcess>`,
      "MissingParameter",
      "Identifier",
    ],
  ])("%s → %s (%s)", (doc, code, locator) => {
    expect(refused(() => xml(doc))).toMatchObject({ code, locator });
  });

  it("decodes GetCapabilities (either namespace) and DescribeProcess with xml:lang and ALL", () => {
    expect(
      xml(
        `<wps:GetCapabilities ${NS} service="WPS"><ows:AcceptVersions><ows:Version>2.0.0</ows:Version></ows:AcceptVersions>` +
          "<ows:AcceptLanguages><ows:Language>fr-CA</ows:Language><ows:Language>*</ows:Language></ows:AcceptLanguages></wps:GetCapabilities>",
      ),
    ).toEqual({ operation: "GetCapabilities", acceptVersions: ["2.0.0"], acceptLanguages: ["fr-CA", "*"] });
    expect(
      xml(
        '<wps:GetCapabilities xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" language="de-DE">' +
          "<wps:AcceptVersions><ows:Version>2.0.0</ows:Version></wps:AcceptVersions></wps:GetCapabilities>",
      ),
    ).toEqual({ operation: "GetCapabilities", acceptVersions: ["2.0.0"], acceptLanguages: ["de-DE"] });
    expect(
      xml(
        `<wps:DescribeProcess ${NS} service="WPS" version="2.0.0" xml:lang="de-DE"><ows:Identifier>ALL</ows:Identifier></wps:DescribeProcess>`,
      ),
    ).toEqual({ operation: "DescribeProcess", identifiers: ["ALL"], all: true, language: "de-DE" });
  });

  it("refuses DTDs and entities (XXE, billion laughs) as MalformedRequest", () => {
    for (const doc of [
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><wps:GetStatus ${NS} service="WPS" version="2.0.0"><wps:JobID>&e;</wps:JobID></wps:GetStatus>`,
      `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><wps:GetStatus ${NS}>&lol2;</wps:GetStatus>`,
      `<wps:GetStatus ${NS} service="WPS" version="2.0.0"><wps:JobID>&undefined;</wps:JobID></wps:GetStatus>`,
      "<wps:Execute",
    ]) {
      const e = refused(() => xml(doc));
      expect(e.code).toBe("MalformedRequest");
      expect(e.message).not.toContain("passwd");
    }
  });

  it("enforces the depth and element limits", () => {
    const deep = `<wps:Execute ${NS} service="WPS" version="2.0.0" mode="sync" response="document"><ows:Identifier>p</ows:Identifier><wps:Input id="a"><wps:Data>${"<a>".repeat(100)}${"</a>".repeat(100)}</wps:Data></wps:Input></wps:Execute>`;
    expect(refused(() => xml(deep))).toMatchObject({ code: "MalformedRequest" });
    expect(xml(deep.replaceAll("<a>", "").replaceAll("</a>", "")).operation).toBe("Execute");
    const wide = `<wps:DescribeProcess ${NS} service="WPS" version="2.0.0">${"<ows:Identifier>x</ows:Identifier>".repeat(50)}</wps:DescribeProcess>`;
    expect(refused(() => wps2.decodeXmlRequest(wide, { maxElements: 20 }))).toMatchObject({
      code: "MalformedRequest",
    });
    expect(wps2.decodeXmlRequest(wide, { maxElements: 100 })).toMatchObject({ operation: "DescribeProcess" });
  });

  it("input ids such as __proto__ stay plain data", () => {
    const ex = execute(
      '<wps:Input id="__proto__"><wps:Data>1</wps:Data></wps:Input><wps:Output id="constructor"/>',
    );
    expect(ex.inputs[0]?.id).toBe("__proto__");
    expect(ex.outputs[0]?.id).toBe("constructor");
  });
});

describe("language choice", () => {
  it("takes the first supported language, by exact tag or primary subtag, * for any", () => {
    const supported = ["en-US", "fr-CA", "de-DE"];
    expect(wps2.pickLanguage(supported, ["it", "FR-ca"])).toBe("fr-CA");
    expect(wps2.pickLanguage(supported, ["de"])).toBe("de-DE");
    expect(wps2.pickLanguage(supported, ["*"])).toBe("en-US");
    expect(wps2.pickLanguage(supported, ["it", ""])).toBeUndefined();
  });
});
