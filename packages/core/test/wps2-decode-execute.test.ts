/**
 * WPS 2.0.0 Execute decoding: every input form (LiteralValue, the text/plain literal encoding, text, CDATA,
 * embedded XML, base64, bounding boxes, references with bodies), output requests, the requests ets-wps20 sends,
 * client-chosen prefixes, and every error with its locator.
 */
import { describe, expect, it } from "vitest";
import { wps2 } from "../src/internal.js";
import { execute, NS, refused } from "./wps2-helpers.js";

const xml = (body: string) => wps2.decodeXmlRequest(body);

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

  it("maps to the job API's neutral request (no WPS 1.0 flags)", () => {
    const ex = execute('<wps:Output id="o"/>', 'mode="async" response="document" xml:lang="fr-CA"');
    expect(wps2.toExecuteRequest(ex)).toEqual({
      processId: "p",
      inputs: [],
      mode: "async",
      response: "document",
      outputs: [{ id: "o" }],
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
      code: "TooManyOutputs",
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
