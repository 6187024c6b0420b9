import { describe, expect, it } from "vitest";
import { parseXml, RoostError, wps1 } from "../src/internal.js";

const params = (o: Record<string, string>) =>
  new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

function roost(f: () => unknown): RoostError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RoostError);
    return e as RoostError;
  }
  throw new Error("expected a RoostError");
}

describe("WPS 1.0.0 KVP decoding", () => {
  it("decodes Execute DataInputs with attributes, repeats and double-encoded separators", () => {
    const r = wps1.decodeKvp(
      "Execute",
      params({
        identifier: "inout",
        DataInputs:
          "string=a%3Bb%40c;float=1;float=2;text=@xlink:href=http://example.org/a.txt?x=1@mimeType=text/plain",
        ResponseDocument: "output@asReference=true@mimeType=application/json;other",
        storeExecuteResponse: "true",
        status: "TRUE",
        lineage: "false",
      }),
    );
    if (r.operation !== "Execute") throw new Error("wrong op");
    const ex = r.execute;
    expect(ex.inputs.map((i) => i.id)).toEqual(["string", "float", "float", "text"]);
    expect(ex.inputs[0]?.value).toMatchObject({ kind: "text", value: "a;b@c" });
    const attrs = (ex.inputs[3]!.value as { attributes: ReadonlyMap<string, string> }).attributes;
    expect(attrs.get("xlink:href")).toBe("http://example.org/a.txt?x=1");
    expect(ex.outputs).toEqual([
      { id: "output", asReference: true, mimeType: "application/json" },
      { id: "other" },
    ]);
    expect(ex).toMatchObject({ mode: "async", statusUpdates: true, lineage: false, response: "document" });
  });

  it("enforces the ResponseForm rules", () => {
    expect(roost(() => wps1.decodeKvp("Execute", params({ identifier: "x", status: "true" })))).toMatchObject(
      { code: "InvalidParameter", locator: "status" },
    );
    expect(
      roost(() => wps1.decodeKvp("Execute", params({ identifier: "x", RawDataOutput: "a;b" }))),
    ).toMatchObject({ locator: "RawDataOutput" });
    expect(
      roost(() =>
        wps1.decodeKvp("Execute", params({ identifier: "x", RawDataOutput: "a", ResponseDocument: "a" })),
      ),
    ).toMatchObject({ code: "InvalidParameter" });
    expect(roost(() => wps1.decodeKvp("Execute", params({ DataInputs: "a=1" })))).toMatchObject({
      code: "MissingParameter",
      locator: "identifier",
    });
    expect(
      roost(() => wps1.decodeKvp("Execute", params({ identifier: "x", lineage: "maybe" }))),
    ).toMatchObject({ locator: "lineage" });
    const raw = wps1.decodeKvp(
      "Execute",
      params({ identifier: "x", RawDataOutput: "output@mimeType=application/json" }),
    );
    expect(raw.operation === "Execute" && raw.execute).toMatchObject({
      response: "raw",
      mode: "sync",
      outputs: [{ id: "output", mimeType: "application/json" }],
    });
  });

  it("decodes DescribeProcess identifier lists and GetCapabilities AcceptVersions", () => {
    expect(wps1.decodeKvp("DescribeProcess", params({ identifier: "hello, sleep" }))).toMatchObject({
      identifiers: ["hello", "sleep"],
    });
    expect(roost(() => wps1.decodeKvp("DescribeProcess", params({})))).toMatchObject({
      code: "MissingParameter",
      locator: "identifier",
    });
    expect(
      wps1.decodeKvp("GetCapabilities", params({ AcceptVersions: "2.0.0, 1.0.0", language: "fr-CA" })),
    ).toMatchObject({
      acceptVersions: ["2.0.0", "1.0.0"],
      language: "fr-CA",
    });
    expect(wps1.operationOf("describeprocess")).toBe("DescribeProcess");
    expect(wps1.operationOf("GetStatus")).toBeUndefined();
  });
});

describe("WPS 1.0.0 XML decoding", () => {
  const NS =
    'xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink"';
  it("decodes every input form of an Execute", () => {
    const doc = `<wps:Execute service="WPS" version="1.0.0" ${NS}>
      <ows:Identifier>p</ows:Identifier>
      <wps:DataInputs>
        <wps:Input><ows:Identifier>lit</ows:Identifier><wps:Data><wps:LiteralData uom="m">&lt;5&amp;</wps:LiteralData></wps:Data></wps:Input>
        <wps:Input><ows:Identifier>cx</ows:Identifier><wps:Data><wps:ComplexData mimeType="application/gml+xml"><gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>1 2</gml:pos></gml:Point></wps:ComplexData></wps:Data></wps:Input>
        <wps:Input><ows:Identifier>cd</ows:Identifier><wps:Data><wps:ComplexData mimeType="application/json"><![CDATA[{"a":"<b>"}]]></wps:ComplexData></wps:Data></wps:Input>
        <wps:Input><ows:Identifier>bb</ows:Identifier><wps:Data><wps:BoundingBoxData crs="EPSG:4326" dimensions="2"><ows:LowerCorner>1 2</ows:LowerCorner><ows:UpperCorner>3 4</ows:UpperCorner></wps:BoundingBoxData></wps:Data></wps:Input>
        <wps:Input><ows:Identifier>ref</ows:Identifier><wps:Reference xlink:href="http://example.org/x" method="POST" mimeType="text/plain"><wps:Header key="X-A" value="1"/><wps:Body>hello</wps:Body></wps:Reference></wps:Input>
      </wps:DataInputs>
      <wps:ResponseForm><wps:ResponseDocument storeExecuteResponse="true" lineage="true"><wps:Output asReference="true" mimeType="application/json"><ows:Identifier>out</ows:Identifier></wps:Output></wps:ResponseDocument></wps:ResponseForm>
    </wps:Execute>`;
    const r = wps1.decodeXml(parseXml(doc));
    if (r.operation !== "Execute") throw new Error("wrong op");
    const v = Object.fromEntries(r.execute.inputs.map((i) => [i.id, i.value]));
    expect(v.lit).toEqual({ kind: "literal", value: "<5&", uom: "m" });
    expect(v.cx).toMatchObject({ kind: "complex", mimeType: "application/gml+xml" });
    expect(parseXml((v.cx as { data: string }).data).local).toBe("Point");
    expect(v.cd).toMatchObject({ kind: "complex", data: '{"a":"<b>"}' });
    expect(v.bb).toEqual({
      kind: "bbox",
      crs: "EPSG:4326",
      dimensions: 2,
      lowerCorner: [1, 2],
      upperCorner: [3, 4],
    });
    expect(v.ref).toMatchObject({
      kind: "reference",
      href: "http://example.org/x",
      method: "POST",
      headers: [["X-A", "1"]],
      body: "hello",
    });
    expect(r.execute).toMatchObject({
      mode: "async",
      lineage: true,
      outputs: [{ id: "out", asReference: true, mimeType: "application/json" }],
    });
  });

  it("refuses unknown roots and missing identifiers", () => {
    expect(roost(() => wps1.decodeXml(parseXml(`<wps:GetStatus ${NS}/>`)))).toMatchObject({
      code: "InvalidParameter",
      locator: "request",
    });
    expect(
      roost(() => wps1.decodeXml(parseXml(`<wps:Execute ${NS} service="WPS" version="1.0.0"/>`))),
    ).toMatchObject({ code: "MissingParameter", locator: "Identifier" });
    expect(
      roost(() => wps1.decodeXml(parseXml(`<wps:DescribeProcess ${NS} service="WPS" version="1.0.0"/>`))),
    ).toMatchObject({ code: "MissingParameter" });
  });
});

describe("WPS 1.0.0 Execute request round trip", () => {
  it("decodes what encodeExecuteRequest writes (the client's request is the server's input)", () => {
    const doc = wps1.encodeExecuteRequest({
      processId: "non.py-id",
      inputs: [
        { id: "input 1", value: { kind: "literal", value: "5 < 6 & ]]>" } },
        { id: "input-2", value: { kind: "complex", data: '{"a":"<b>"}', mimeType: "application/json" } },
        {
          id: "gml",
          value: {
            kind: "complex",
            data: '<g:P xmlns:g="urn:g">1</g:P>',
            xml: true,
            mimeType: "application/gml+xml",
          },
        },
        {
          id: "ref",
          value: {
            kind: "reference",
            href: "https://example.org/x?a=1&b=2",
            method: "GET",
            mimeType: "text/plain",
          },
        },
        {
          id: "box",
          value: { kind: "bbox", crs: "EPSG:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
        },
      ],
      outputs: [{ id: "output.1" }, { id: "output 2", asReference: true, mimeType: "application/json" }],
      store: true,
      status: true,
      language: "fr-CA",
    });
    const r = wps1.decodeXml(parseXml(doc));
    if (r.operation !== "Execute") throw new Error("wrong op");
    const v = Object.fromEntries(r.execute.inputs.map((i) => [i.id, i.value]));
    expect(v["input 1"]).toEqual({ kind: "literal", value: "5 < 6 & ]]>" });
    expect(v["input-2"]).toMatchObject({
      kind: "complex",
      data: '{"a":"<b>"}',
      mimeType: "application/json",
    });
    expect(parseXml((v.gml as { data: string }).data).local).toBe("P");
    expect(v.ref).toMatchObject({ kind: "reference", href: "https://example.org/x?a=1&b=2", method: "GET" });
    expect(v.box).toEqual({
      kind: "bbox",
      crs: "EPSG:4326",
      dimensions: 2,
      lowerCorner: [1, 2],
      upperCorner: [3, 4],
    });
    expect(r.execute).toMatchObject({
      processId: "non.py-id",
      mode: "async",
      statusUpdates: true,
      language: "fr-CA",
      outputs: [{ id: "output.1" }, { id: "output 2", asReference: true, mimeType: "application/json" }],
    });
  });
});
