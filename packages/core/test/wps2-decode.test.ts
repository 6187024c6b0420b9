/**
 * WPS 2.0.0 request decoding: every operation over KVP (keys in any case) and XML POST (the spec's own examples,
 * client-chosen prefixes), every input and output form of Execute, the hardened parser's refusals, and every
 * error with its code and locator.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RoostError, wps2 } from "../src/index.js";

const EXAMPLES = new URL("../../../test/fixtures/schemas/wps/2.0/xml-examples/", import.meta.url);
const example = (name: string) => readFileSync(new URL(name, EXAMPLES), "utf8");

const JOB = "0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11";
const NS =
  'xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0" xmlns:xlink="http://www.w3.org/1999/xlink"';

const kvp = (q: string) => wps2.decodeKvp(new URLSearchParams(q));
const xml = (body: string) => wps2.decodeXmlRequest(body);

function refused(f: () => unknown): RoostError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RoostError);
    return e as RoostError;
  }
  throw new Error("expected a RoostError");
}

function execute(inner: string, attrs = 'mode="sync" response="document"'): wps2.Wps2ExecuteRequest {
  const r = xml(
    `<wps:Execute ${NS} service="WPS" version="2.0.0" ${attrs}><ows:Identifier>p</ows:Identifier>${inner}</wps:Execute>`,
  );
  if (r.operation !== "Execute") throw new Error(`decoded ${r.operation}`);
  return r.execute;
}

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

describe("XML: Execute", () => {
  it("reads LiteralValue (dataType, uom), plain text with @datatype/@uom, JSON, CDATA, embedded XML, base64 and bounding boxes", () => {
    const ex = execute(`
      <wps:Input id="lit"><wps:Data><wps:LiteralValue dataType="http://www.w3.org/2001/XMLSchema#double" uom="m"> 1.5 </wps:LiteralValue></wps:Data></wps:Input>
      <wps:Input id="plain"><wps:Data mimeType="text/plain">70@datatype=http://www.w3.org/2001/XMLSchema#integer@uom=meter</wps:Data></wps:Input>
      <wps:Input id="email"><wps:Data>a@b.org</wps:Data></wps:Input>
      <wps:Input id="json"><wps:Data mimeType="application/json">{"a":"&lt;&amp;"}</wps:Data></wps:Input>
      <wps:Input id="cdata"><wps:Data mimeType="text/csv" encoding="UTF-8"><![CDATA[a,<b>&c]]></wps:Data></wps:Input>
      <wps:Input id="xml"><wps:Data mimeType="text/xml" schema="http://x/s.xsd"><g:f xmlns:g="urn:g" a="1">t&amp;</g:f></wps:Data></wps:Input>
      <wps:Input id="b64"><wps:Data mimeType="image/png" encoding="base64">iVBORw0KGgo=</wps:Data></wps:Input>
      <wps:Input id="bb"><wps:Data mimeType="text/xml"><ows:BoundingBox crs="EPSG:4326" dimensions="2"><ows:LowerCorner>51.9 7</ows:LowerCorner><ows:UpperCorner>53 8.0</ows:UpperCorner></ows:BoundingBox></wps:Data></wps:Input>
      <wps:Input id="bbtext"><wps:Data>51.9,7.0,53.0,8.0,EPSG:4326</wps:Data></wps:Input>
      <wps:Output id="o1" transmission="value" mimeType="application/json" encoding="UTF-8" schema="http://x/s.json"/>
      <wps:Output id="o2" transmission="reference"/>
      <wps:Output id="o3"/>`);
    expect(ex.inputs).toEqual([
      {
        id: "lit",
        value: {
          kind: "literal",
          value: " 1.5 ",
          dataType: "http://www.w3.org/2001/XMLSchema#double",
          uom: "m",
        },
      },
      {
        id: "plain",
        value: {
          kind: "literal",
          value: "70",
          dataType: "http://www.w3.org/2001/XMLSchema#integer",
          uom: "meter",
        },
      },
      { id: "email", value: { kind: "literal", value: "a@b.org" } },
      { id: "json", value: { kind: "complex", data: '{"a":"<&"}', mimeType: "application/json" } },
      { id: "cdata", value: { kind: "complex", data: "a,<b>&c", mimeType: "text/csv", encoding: "UTF-8" } },
      {
        id: "xml",
        value: {
          kind: "complex",
          // Serialised standalone: the namespace bindings in scope come along.
          data: expect.stringMatching(/^<g:f [^>]*xmlns:g="urn:g" a="1">t&amp;<\/g:f>$/),
          mimeType: "text/xml",
          schema: "http://x/s.xsd",
        },
      },
      {
        id: "b64",
        value: { kind: "complex", data: "iVBORw0KGgo=", mimeType: "image/png", encoding: "base64" },
      },
      {
        id: "bb",
        value: {
          kind: "bbox",
          crs: "EPSG:4326",
          dimensions: 2,
          lowerCorner: [51.9, 7],
          upperCorner: [53, 8],
        },
      },
      { id: "bbtext", value: { kind: "literal", value: "51.9,7.0,53.0,8.0,EPSG:4326" } },
    ]);
    expect(ex.outputs).toEqual([
      {
        id: "o1",
        asReference: false,
        mimeType: "application/json",
        encoding: "UTF-8",
        schema: "http://x/s.json",
      },
      { id: "o2", asReference: true },
      { id: "o3" },
    ]);
  });

  it("the echo requests ets-wps20 sends (raw sync literal, raw sync embedded XML without mimeType)", () => {
    const lit = execute(
      '<wps:Input id="literalInput"><wps:Data><wps:LiteralValue>hello_literal</wps:LiteralValue></wps:Data></wps:Input><wps:Output id="literalOutput" transmission="value"/>',
      'response="raw" mode="sync"',
    );
    expect(lit).toMatchObject({
      mode: "sync",
      response: "raw",
      inputs: [{ id: "literalInput", value: { kind: "literal", value: "hello_literal" } }],
    });
    const cx = execute(
      '<wps:Input id="complexInput"><wps:Data>\n  <testElement>hello_complex</testElement>\n</wps:Data></wps:Input><wps:Output id="complexOutput" transmission="value"/>',
      'response="raw" mode="auto"',
    );
    expect(cx.mode).toBe("auto");
    expect(cx.inputs[0]?.value).toEqual({
      kind: "complex",
      data: expect.stringMatching(/^<testElement[^>]*>hello_complex<\/testElement>$/),
    });
  });

  it("references: GET by default, POST with a Body (XML or text) or a BodyReference, format attributes kept", () => {
    const ex = execute(`
      <wps:Input id="a"><wps:Reference xlink:href="http://x/a?b=1&amp;c=2" mimeType="text/xml" schema="http://x/s.xsd" encoding="UTF-8"/></wps:Input>
      <wps:Input id="b"><wps:Reference xlink:href="http://x/wfs"><wps:Body><wfs:GetFeature xmlns:wfs="urn:wfs"/></wps:Body></wps:Reference></wps:Input>
      <wps:Input id="c"><wps:Reference xlink:href="http://x/wfs"><wps:Body>q=1&amp;r=2</wps:Body></wps:Reference></wps:Input>
      <wps:Input id="d"><wps:Reference xlink:href="http://x/wfs"><wps:BodyReference xlink:href="http://x/body.xml"/></wps:Reference></wps:Input>`);
    expect(ex.inputs.map((i) => i.value)).toEqual([
      {
        kind: "reference",
        href: "http://x/a?b=1&c=2",
        method: "GET",
        mimeType: "text/xml",
        schema: "http://x/s.xsd",
        encoding: "UTF-8",
      },
      {
        kind: "reference",
        href: "http://x/wfs",
        method: "POST",
        body: expect.stringMatching(/^<wfs:GetFeature [^>]*xmlns:wfs="urn:wfs"\/>$/),
      },
      { kind: "reference", href: "http://x/wfs", method: "POST", body: "q=1&r=2" },
      { kind: "reference", href: "http://x/wfs", method: "POST", bodyReference: "http://x/body.xml" },
    ]);
  });

  it("namespace prefixes are the client's choice (OWSLib writes ns0:), the default namespace too", () => {
    const r = xml(
      '<ns0:Execute xmlns:ns0="http://www.opengis.net/wps/2.0" xmlns:ns1="http://www.opengis.net/ows/2.0" service="WPS" version="2.0.0" mode="async" response="document">' +
        '<ns1:Identifier>hello</ns1:Identifier><ns0:Input id="name"><ns0:Data><ns0:LiteralValue>x</ns0:LiteralValue></ns0:Data></ns0:Input>' +
        '<ns0:Output id="output"/></ns0:Execute>',
    );
    expect(r).toMatchObject({
      operation: "Execute",
      execute: { processId: "hello", mode: "async", inputs: [{ id: "name" }] },
    });
    const d = xml(
      '<Execute xmlns="http://www.opengis.net/wps/2.0" service="WPS" version="2.0.0" mode="sync" response="raw">' +
        '<Identifier xmlns="http://www.opengis.net/ows/2.0">hello</Identifier><Output id="output"/></Execute>',
    );
    expect(d).toMatchObject({
      operation: "Execute",
      execute: { processId: "hello", response: "raw", outputs: [{ id: "output" }] },
    });
  });

  it("maps to the execution service's request: no lineage, status updates on", () => {
    const ex = execute('<wps:Output id="o"/>', 'mode="async" response="document" xml:lang="fr-CA"');
    expect(wps2.toExecuteRequest(ex)).toEqual({
      processId: "p",
      inputs: [],
      mode: "async",
      response: "document",
      outputs: [{ id: "o" }],
      lineage: false,
      statusUpdates: true,
      language: "fr-CA",
    });
  });

  it.each([
    [
      '<wps:Input id="a"><wps:Input id="b"><wps:Data>1</wps:Data></wps:Input></wps:Input>',
      "InvalidParameter",
      "a",
    ],
    ['<wps:Output id="a"><wps:Output id="b"/></wps:Output>', "InvalidParameter", "a"],
    ["<wps:Input><wps:Data>1</wps:Data></wps:Input>", "MissingParameter", "id"],
    ['<wps:Output id=" "/>', "MissingParameter", "id"],
    ['<wps:Input id="a"/>', "MissingParameter", "a"],
    ['<wps:Input id="a"><wps:Data>1</wps:Data><wps:Data>2</wps:Data></wps:Input>', "InvalidParameter", "a"],
    ['<wps:Input id="a"><wps:Reference/></wps:Input>', "MissingParameter", "a"],
    [
      '<wps:Input id="a"><wps:Reference xlink:href="http://x"><wps:Body>1</wps:Body><wps:BodyReference xlink:href="http://y"/></wps:Reference></wps:Input>',
      "InvalidParameter",
      "a",
    ],
    [
      '<wps:Input id="a"><wps:Reference xlink:href="http://x"><wps:BodyReference/></wps:Reference></wps:Input>',
      "MissingParameter",
      "a",
    ],
    [
      '<wps:Input id="a"><wps:Data><wps:LiteralValue>1</wps:LiteralValue><wps:LiteralValue>2</wps:LiteralValue></wps:Data></wps:Input>',
      "InvalidParameter",
      "a",
    ],
    [
      '<wps:Input id="bb"><wps:Data><ows:BoundingBox><ows:LowerCorner>1 x</ows:LowerCorner><ows:UpperCorner>3 4</ows:UpperCorner></ows:BoundingBox></wps:Data></wps:Input>',
      "InvalidParameter",
      "bb",
    ],
    [
      '<wps:Input id="bb"><wps:Data><ows:BoundingBox><ows:UpperCorner>3 4</ows:UpperCorner></ows:BoundingBox></wps:Data></wps:Input>',
      "InvalidParameter",
      "bb",
    ],
    ['<wps:Output id="o" transmission="carrier-pigeon"/>', "InvalidParameter", "o"],
  ])("%s → %s (%s)", (inner, code, locator) => {
    expect(refused(() => execute(inner))).toMatchObject({ code, locator });
  });

  it("checks mode, response, the identifier and raw's single output", () => {
    expect(refused(() => execute("", 'response="document"'))).toMatchObject({
      code: "MissingParameter",
      locator: "mode",
    });
    expect(refused(() => execute("", 'mode="later" response="document"'))).toMatchObject({
      code: "InvalidParameter",
      locator: "mode",
    });
    expect(refused(() => execute("", 'mode="sync"'))).toMatchObject({
      code: "MissingParameter",
      locator: "response",
    });
    expect(refused(() => execute("", 'mode="sync" response="json"'))).toMatchObject({
      code: "InvalidParameter",
      locator: "response",
    });
    expect(
      refused(() => execute('<wps:Output id="a"/><wps:Output id="b"/>', 'mode="sync" response="raw"')),
    ).toMatchObject({
      code: "InvalidParameter",
      locator: "response",
    });
    expect(execute("", 'mode="sync" response="raw"').outputs).toEqual([]);
    expect(
      refused(() =>
        xml(
          `<wps:Execute ${NS} service="WPS" version="2.0.0" mode="sync" response="raw"><ows:Identifier> </ows:Identifier></wps:Execute>`,
        ),
      ),
    ).toMatchObject({ code: "MissingParameter", locator: "Identifier" });
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
