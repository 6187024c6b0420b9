/**
 * WPS 1.0.0 response decoders, on documents shaped like real servers' (PyWPS 4.x, USGS GDP / 52°North, PML's old
 * PyWPS, birdhouse Hummingbird — modelled on OWSLib's `tests/resources/wps_*.xml`) and on Roost's own encoders, so
 * encoder and decoder cannot drift apart unnoticed.
 */
import { describe, expect, it } from "vitest";
import { defineProcess, Formats, Input, Output, type ProcessDefinition, wps1 } from "../src/internal.js";

const PYWPS_DESCRIBE = `<?xml version="1.0" encoding="UTF-8"?>
<!-- PyWPS 4.5.2 -->
<wps:ProcessDescriptions xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
    xmlns:xlink="http://www.w3.org/1999/xlink" service="WPS" version="1.0.0" xml:lang="en-US">
  <ProcessDescription wps:processVersion="1.0" storeSupported="true" statusSupported="true">
    <ows:Identifier>inout</ows:Identifier>
    <ows:Title>In and Out</ows:Title>
    <ows:Abstract>Testing all WPS input and output parameters.</ows:Abstract>
    <ows:Metadata xlink:title="Birdhouse" xlink:type="simple" xlink:href="http://bird-house.github.io/"/>
    <DataInputs>
      <Input minOccurs="1" maxOccurs="1">
        <ows:Identifier>int</ows:Identifier>
        <ows:Title>Integer</ows:Title>
        <ows:Abstract></ows:Abstract>
        <LiteralData>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#integer">integer</ows:DataType>
          <DefaultValue>7</DefaultValue>
          <ows:AllowedValues>
            <ows:Value>1</ows:Value><ows:Value>2</ows:Value><ows:Value>11</ows:Value>
          </ows:AllowedValues>
        </LiteralData>
      </Input>
      <Input minOccurs="0" maxOccurs="5">
        <ows:Identifier>float</ows:Identifier>
        <ows:Title>Float</ows:Title>
        <LiteralData>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#float">float</ows:DataType>
          <DefaultValue>3.14</DefaultValue>
        </LiteralData>
      </Input>
      <Input minOccurs="1" maxOccurs="1">
        <ows:Identifier>int_range</ows:Identifier>
        <ows:Title>Integer Range</ows:Title>
        <LiteralData>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#integer">integer</ows:DataType>
          <ows:AllowedValues>
            <ows:Range ows:rangeClosure="closed"><ows:MinimumValue>1</ows:MinimumValue><ows:MaximumValue>10</ows:MaximumValue></ows:Range>
            <ows:Range ows:rangeClosure="closed-open"><ows:MinimumValue>100</ows:MinimumValue><ows:MaximumValue>200</ows:MaximumValue><ows:Spacing>10</ows:Spacing></ows:Range>
          </ows:AllowedValues>
          <DefaultValue>1</DefaultValue>
        </LiteralData>
      </Input>
      <Input minOccurs="1" maxOccurs="1">
        <ows:Identifier>ref_value</ows:Identifier>
        <ows:Title>Referenced Value</ows:Title>
        <LiteralData>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#string">string</ows:DataType>
          <ows:ValuesReference ows:reference="https://en.wikipedia.org/w/api.php?search=scotland"/>
          <DefaultValue>Scotland</DefaultValue>
        </LiteralData>
      </Input>
      <Input minOccurs="0" maxOccurs="1">
        <ows:Identifier>dataset</ows:Identifier>
        <ows:Title>Dataset</ows:Title>
        <ComplexData maximumMegabytes="200">
          <Default><Format><MimeType>application/x-netcdf</MimeType><Encoding>base64</Encoding></Format></Default>
          <Supported>
            <Format><MimeType>application/x-netcdf</MimeType><Encoding>base64</Encoding></Format>
            <Format><MimeType>text/plain</MimeType></Format>
          </Supported>
        </ComplexData>
      </Input>
      <Input minOccurs="0" maxOccurs="1">
        <ows:Identifier>bbox</ows:Identifier>
        <ows:Title>Bounding Box</ows:Title>
        <BoundingBoxData>
          <Default><CRS>epsg:4326</CRS></Default>
          <Supported><CRS>epsg:4326</CRS><CRS>epsg:3035</CRS></Supported>
        </BoundingBoxData>
      </Input>
    </DataInputs>
    <ProcessOutputs>
      <Output>
        <ows:Identifier>output</ows:Identifier>
        <ows:Title>Output response</ows:Title>
        <LiteralOutput>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#string">string</ows:DataType>
          <UOMs><Default><ows:UOM>unity</ows:UOM></Default><Supported><ows:UOM>unity</ows:UOM><ows:UOM>unity</ows:UOM></Supported></UOMs>
        </LiteralOutput>
      </Output>
      <Output>
        <ows:Identifier>bbox</ows:Identifier>
        <ows:Title>Bounding Box</ows:Title>
        <BoundingBoxOutput><Default><CRS>epsg:4326</CRS></Default><Supported><CRS>epsg:4326</CRS></Supported></BoundingBoxOutput>
      </Output>
    </ProcessOutputs>
  </ProcessDescription>
  <ProcessDescription wps:processVersion="1.0" storeSupported="false" statusSupported="false">
    <ows:Identifier>show_error</ows:Identifier>
    <ows:Title>Show a WPS Error</ows:Title>
    <DataInputs>
      <Input minOccurs="1" maxOccurs="1">
        <ows:Identifier>nice</ows:Identifier>
        <ows:Title>Be nice</ows:Title>
        <LiteralData>
          <ows:DataType ows:reference="http://www.w3.org/TR/xmlschema-2/#boolean">boolean</ows:DataType>
          <ows:AnyValue/>
          <DefaultValue>True</DefaultValue>
        </LiteralData>
      </Input>
    </DataInputs>
  </ProcessDescription>
</wps:ProcessDescriptions>`;

const USGS_DESCRIBE = `<?xml version="1.0" encoding="UTF-8"?>
<ns:ProcessDescriptions xmlns:ns="http://www.opengis.net/wps/1.0.0" xml:lang="en-US" service="WPS" version="1.0.0">
  <ProcessDescription statusSupported="true" storeSupported="true" ns:processVersion="1.0.0">
    <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">gov.usgs.cida.gdp.wps.algorithm.FeatureWeightedGridStatisticsAlgorithm</ns1:Identifier>
    <ns1:Title xmlns:ns1="http://www.opengis.net/ows/1.1">Feature Weighted Grid Statistics</ns1:Title>
    <DataInputs>
      <Input minOccurs="1" maxOccurs="1">
        <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">DATASET_URI</ns1:Identifier>
        <ns1:Title xmlns:ns1="http://www.opengis.net/ows/1.1">Dataset URI</ns1:Title>
        <LiteralData>
          <ns1:DataType xmlns:ns1="http://www.opengis.net/ows/1.1" ns1:reference="xs:anyURI"/>
          <ns1:AnyValue xmlns:ns1="http://www.opengis.net/ows/1.1"/>
        </LiteralData>
      </Input>
      <Input minOccurs="0" maxOccurs="unbounded">
        <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">STATISTICS</ns1:Identifier>
        <ns1:Title xmlns:ns1="http://www.opengis.net/ows/1.1">Statistics</ns1:Title>
        <LiteralData>
          <ns1:DataType xmlns:ns1="http://www.opengis.net/ows/1.1" ns1:reference="xs:string"/>
          <ns1:AllowedValues xmlns:ns1="http://www.opengis.net/ows/1.1">
            <ns1:Value>MEAN</ns1:Value><ns1:Value>MINIMUM</ns1:Value>
          </ns1:AllowedValues>
        </LiteralData>
      </Input>
      <Input minOccurs="1" maxOccurs="1">
        <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">DELIMITER</ns1:Identifier>
        <ns1:Title xmlns:ns1="http://www.opengis.net/ows/1.1">Delimiter</ns1:Title>
        <LiteralData>
          <ns1:DataType xmlns:ns1="http://www.opengis.net/ows/1.1" ns1:reference="xs:gYear"/>
          <ns1:AnyValue xmlns:ns1="http://www.opengis.net/ows/1.1"/>
        </LiteralData>
      </Input>
    </DataInputs>
    <ProcessOutputs>
      <Output>
        <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">OUTPUT</ns1:Identifier>
        <ns1:Title xmlns:ns1="http://www.opengis.net/ows/1.1">Output File</ns1:Title>
        <ComplexOutput>
          <Default><Format><MimeType>text/csv</MimeType></Format></Default>
          <Supported><Format><MimeType>text/csv</MimeType></Format></Supported>
        </ComplexOutput>
      </Output>
    </ProcessOutputs>
  </ProcessDescription>
</ns:ProcessDescriptions>`;

const PYWPS_ACCEPTED = `<?xml version="1.0" encoding="UTF-8"?>
<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
  xmlns:xlink="http://www.w3.org/1999/xlink" service="WPS" version="1.0.0" xml:lang="en-US"
  serviceInstance="http://localhost:5000/wps?service=WPS&amp;amp;request=GetCapabilities"
  statusLocation="http://localhost:5000/outputs/2b7e2c8e-e81b-11f1-b034-02fc00000001.xml">
  <wps:Process wps:processVersion="1.0">
    <ows:Identifier>sleep</ows:Identifier>
    <ows:Title>Sleep Process</ows:Title>
  </wps:Process>
  <wps:Status creationTime="2026-11-24T15:29:01Z">
    <wps:ProcessAccepted percentCompleted="0">PyWPS Process sleep accepted</wps:ProcessAccepted>
  </wps:Status>
</wps:ExecuteResponse>`;

const PYWPS_FAILED = `<?xml version="1.0" encoding="UTF-8"?>
<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
  service="WPS" version="1.0.0" statusLocation="http://localhost:5000/outputs/x.xml">
  <wps:Process wps:processVersion="1.0"><ows:Identifier>show_error</ows:Identifier><ows:Title>Show</ows:Title></wps:Process>
  <wps:Status creationTime="2026-11-24T15:29:01Z">
    <wps:ProcessFailed>
      <wps:ExceptionReport>
        <ows:Exception exceptionCode="NoApplicableCode" locator="None">
          <ows:ExceptionText>Process error: This process failed intentionally.</ows:ExceptionText>
        </ows:Exception>
      </wps:ExceptionReport>
    </wps:ProcessFailed>
  </wps:Status>
</wps:ExecuteResponse>`;

const USGS_STARTED = `<?xml version="1.0" encoding="UTF-8"?>
<ns:ExecuteResponse xmlns:ns="http://www.opengis.net/wps/1.0.0" xml:lang="en-US" service="WPS" version="1.0.0"
  statusLocation="http://cida.usgs.gov/gdp/process/RetrieveResultServlet?id=1317765263148">
  <ns:Process ns:processVersion="1.0.0">
    <ns1:Identifier xmlns:ns1="http://www.opengis.net/ows/1.1">gov.usgs.Algorithm</ns1:Identifier>
  </ns:Process>
  <ns:Status creationTime="2011-10-04T16:54:23.148-05:00"><ns:ProcessStarted/></ns:Status>
</ns:ExecuteResponse>`;

const USGS_SUCCEEDED = `<ns:ExecuteResponse xmlns:ns="http://www.opengis.net/wps/1.0.0" xmlns:ns1="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0">
  <ns:Process><ns1:Identifier>gov.usgs.Algorithm</ns1:Identifier></ns:Process>
  <ns:Status creationTime="2011-10-04T16:56:23Z"><ns:ProcessSucceeded>Done</ns:ProcessSucceeded></ns:Status>
  <ns:ProcessOutputs>
    <ns:Output>
      <ns1:Identifier>OUTPUT</ns1:Identifier>
      <ns1:Title>Output File</ns1:Title>
      <ns:Reference href="http://cida.usgs.gov/gdp/process/RetrieveResultServlet?id=1317765263148OUTPUT" mimeType="text/csv"/>
    </ns:Output>
  </ns:ProcessOutputs>
</ns:ExecuteResponse>`;

const PML_INLINE = `<ns0:ExecuteResponse service="WPS" version="1.0.0" xmlns:ns0="http://www.opengis.net/wps/1.0.0">
  <ns0:Process ns0:processVersion="1.0">
    <ows:Identifier xmlns:ows="http://www.opengis.net/ows/1.1">reprojectCoords</ows:Identifier>
  </ns0:Process>
  <ns0:Status creationTime="2011-11-08T21:36:55Z">
    <ns0:ProcessSucceeded>PyWPS Process reprojectCoords successfully calculated</ns0:ProcessSucceeded>
  </ns0:Status>
  <ns0:ProcessOutputs>
    <ns0:Output>
      <ows:Identifier xmlns:ows="http://www.opengis.net/ows/1.1">stdout</ows:Identifier>
      <ns0:Data><ns0:ComplexData mimeType="text/plain">7504912.9 -764109.1,7750849.8 -22141.8</ns0:ComplexData></ns0:Data>
    </ns0:Output>
    <ns0:Output>
      <ows:Identifier xmlns:ows="http://www.opengis.net/ows/1.1">gml</ows:Identifier>
      <ns0:Data><ns0:ComplexData mimeType="application/gml+xml"><gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>1 2</gml:pos></gml:Point></ns0:ComplexData></ns0:Data>
    </ns0:Output>
    <ns0:Output>
      <ows:Identifier xmlns:ows="http://www.opengis.net/ows/1.1">box</ows:Identifier>
      <ns0:Data><ns0:BoundingBoxData crs="None" dimensions="2"><ows:LowerCorner xmlns:ows="http://www.opengis.net/ows/1.1">0 0</ows:LowerCorner><ows:UpperCorner xmlns:ows="http://www.opengis.net/ows/1.1">10 10</ows:UpperCorner></ns0:BoundingBoxData></ns0:Data>
    </ns0:Output>
  </ns0:ProcessOutputs>
</ns0:ExecuteResponse>`;

const LINEAGE = `<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
  xmlns:xlink="http://www.w3.org/1999/xlink" service="WPS" version="1.0.0"
  statusLocation="http://localhost:8090/wpsoutputs/hummingbird/731f5bdc-52b7-11e8-a0a9-109836a7cf3a.xml">
  <wps:Process wps:processVersion="0.3.0"><ows:Identifier>spotchecker</ows:Identifier><ows:Title>Spot Checker</ows:Title></wps:Process>
  <wps:Status creationTime="2018-05-08T14:00:54Z"><wps:ProcessSucceeded>finished</wps:ProcessSucceeded></wps:Status>
  <wps:DataInputs>
    <wps:Input><ows:Identifier>test</ows:Identifier><wps:Data><wps:LiteralData dataType="string">CF-1.6</wps:LiteralData></wps:Data></wps:Input>
    <wps:Input><ows:Identifier>dataset</ows:Identifier>
      <wps:Reference xlink:href="https://example.org/air.nc" mimeType="application/x-netcdf" method="GET"/></wps:Input>
  </wps:DataInputs>
  <wps:OutputDefinitions>
    <wps:Output asReference="true" mimeType="text/plain"><ows:Identifier>output</ows:Identifier></wps:Output>
  </wps:OutputDefinitions>
  <wps:ProcessOutputs>
    <wps:Output>
      <ows:Identifier>output</ows:Identifier><ows:Title>Test Report</ows:Title>
      <wps:Reference xlink:href="http://localhost:8090/wpsoutputs/hummingbird/731f/report.html" mimeType="text/plain"/>
    </wps:Output>
  </wps:ProcessOutputs>
</wps:ExecuteResponse>`;

const CAPABILITIES = `<?xml version="1.0" encoding="UTF-8"?>
<wps:Capabilities service="WPS" version="1.0.0" xml:lang="en-US" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1">
  <ows:ServiceIdentification><ows:Title>Emu</ows:Title><ows:Abstract>WPS processes for testing and demos.</ows:Abstract></ows:ServiceIdentification>
  <ows:OperationsMetadata>
    <ows:Operation name="GetCapabilities"><ows:DCP><ows:HTTP><ows:Get xlink:href="http://localhost:5000/wps"/><ows:Post xlink:href="http://localhost:5000/wps"/></ows:HTTP></ows:DCP></ows:Operation>
    <ows:Operation name="Dismiss"><ows:DCP><ows:HTTP><ows:Get xlink:href="http://localhost:5000/wps"/></ows:HTTP></ows:DCP></ows:Operation>
  </ows:OperationsMetadata>
  <wps:ProcessOfferings>
    <wps:Process wps:processVersion="1.5"><ows:Identifier>hello</ows:Identifier><ows:Title>Say Hello</ows:Title></wps:Process>
    <wps:Process wps:processVersion="1.0"><ows:Identifier>non.py-id</ows:Identifier><ows:Title>Dummy</ows:Title><ows:Abstract>Odd ids</ows:Abstract></wps:Process>
  </wps:ProcessOfferings>
  <wps:Languages>
    <wps:Default><ows:Language>en-US</ows:Language></wps:Default>
    <wps:Supported><ows:Language>en-US</ows:Language><ows:Language>fr-CA</ows:Language></wps:Supported>
  </wps:Languages>
</wps:Capabilities>`;

describe("WPS 1.0.0 ProcessDescriptions decoding", () => {
  it("reads a PyWPS description as meant despite its schema errors", () => {
    const [inout, showError] = wps1.decodeProcessDescriptions(PYWPS_DESCRIBE);
    expect(inout).toMatchObject({
      identifier: "inout",
      title: "In and Out",
      version: "1.0",
      storeSupported: true,
      statusSupported: true,
      metadata: [{ title: "Birdhouse", href: "http://bird-house.github.io/" }],
    });
    const byId = new Map(inout!.inputs.map((i) => [i.identifier, i]));
    // DefaultValue before AllowedValues (PyWPS's order) and an empty Abstract.
    expect(byId.get("int")).toEqual({
      kind: "literal",
      identifier: "int",
      title: "Integer",
      metadata: [],
      minOccurs: 1,
      maxOccurs: 1,
      dataType: "integer",
      literalType: "integer",
      allowedValues: { kind: "values", values: [1, 2, 11], ranges: [] },
      default: "7",
      uoms: [],
    });
    // No AnyValue at all: anything goes.
    expect(byId.get("float")).toMatchObject({ maxOccurs: 5, minOccurs: 0, allowedValues: { kind: "any" } });
    expect(byId.get("int_range")).toMatchObject({
      allowedValues: {
        kind: "values",
        values: [],
        ranges: [
          { minimum: 1, maximum: 10, closure: "closed" },
          { minimum: 100, maximum: 200, spacing: 10, closure: "closed-open" },
        ],
      },
    });
    expect(byId.get("ref_value")).toMatchObject({
      allowedValues: { kind: "reference", reference: "https://en.wikipedia.org/w/api.php?search=scotland" },
    });
    expect(byId.get("dataset")).toMatchObject({
      kind: "complex",
      maximumMegabytes: 200,
      formats: [{ mimeType: "application/x-netcdf", encoding: "base64" }, { mimeType: "text/plain" }],
    });
    expect(byId.get("bbox")).toMatchObject({ kind: "bbox", crs: ["epsg:4326", "epsg:3035"] });
    // UOMs listed once each, even when PyWPS repeats the default.
    expect(inout!.outputs[0]).toMatchObject({ kind: "literal", uoms: ["unity"], literalType: "string" });
    expect(inout!.outputs[1]).toMatchObject({ kind: "bbox", crs: ["epsg:4326"] });
    // A process without ProcessOutputs (PyWPS's show_error).
    expect(showError).toMatchObject({ identifier: "show_error", storeSupported: false, outputs: [] });
    expect(showError!.inputs[0]).toMatchObject({ default: "True", literalType: "boolean" });
  });

  it("resolves prefixes by namespace and reads data types from ows:reference (USGS)", () => {
    const [p] = wps1.decodeProcessDescriptions(USGS_DESCRIBE);
    expect(p!.identifier).toBe("gov.usgs.cida.gdp.wps.algorithm.FeatureWeightedGridStatisticsAlgorithm");
    expect(p!.version).toBe("1.0.0");
    const [uri, stats, delim] = p!.inputs;
    expect(uri).toMatchObject({ dataType: "anyURI", literalType: "anyURI", allowedValues: { kind: "any" } });
    expect(stats).toMatchObject({
      minOccurs: 0,
      maxOccurs: Number.MAX_SAFE_INTEGER,
      allowedValues: { kind: "values", values: ["MEAN", "MINIMUM"] },
    });
    // A type Roost does not know keeps its name and gets no literal type (the client then sends text as is).
    expect(delim).toMatchObject({ dataType: "gYear" });
    expect(delim).not.toHaveProperty("literalType");
    expect(p!.outputs[0]).toMatchObject({ kind: "complex", formats: [{ mimeType: "text/csv" }] });
  });

  it("maps data type spellings onto Roost's literal types", () => {
    expect(wps1.literalTypeOf("xs:double")).toBe("double");
    expect(wps1.literalTypeOf("http://www.w3.org/TR/xmlschema-2/#dateTime")).toBe("dateTime");
    expect(wps1.literalTypeOf("int")).toBe("integer");
    expect(wps1.literalTypeOf("scale")).toBe("float");
    expect(wps1.literalTypeOf("gYear")).toBeUndefined();
    expect(wps1.literalTypeOf(undefined)).toBeUndefined();
  });
});

describe("WPS 1.0.0 ExecuteResponse decoding", () => {
  it("reads PyWPS's accepted document (percentCompleted on ProcessAccepted is ignored)", () => {
    const r = wps1.decodeExecuteResponse(PYWPS_ACCEPTED);
    expect(r.status).toEqual({ kind: "accepted", message: "PyWPS Process sleep accepted" });
    expect(r.statusLocation).toBe("http://localhost:5000/outputs/2b7e2c8e-e81b-11f1-b034-02fc00000001.xml");
    expect(r.process).toEqual({ identifier: "sleep", title: "Sleep Process", version: "1.0" });
    expect(r.creationTime).toBe("2026-11-24T15:29:01Z");
    expect(r.outputs).toEqual([]);
  });

  it("reads a failure inside wps:ExceptionReport and drops PyWPS's locator 'None'", () => {
    const r = wps1.decodeExecuteResponse(PYWPS_FAILED);
    expect(r.status).toEqual({
      kind: "failed",
      message: "Process error: This process failed intentionally.",
      exceptions: [{ code: "NoApplicableCode", text: "Process error: This process failed intentionally." }],
    });
  });

  it("reads USGS documents: prefixes, a ProcessStarted without percentage, href without xlink", () => {
    expect(wps1.decodeExecuteResponse(USGS_STARTED).status).toEqual({ kind: "started", message: "" });
    const done = wps1.decodeExecuteResponse(USGS_SUCCEEDED);
    expect(done.status.kind).toBe("succeeded");
    expect(done.outputs).toEqual([
      {
        identifier: "OUTPUT",
        title: "Output File",
        value: {
          kind: "reference",
          href: "http://cida.usgs.gov/gdp/process/RetrieveResultServlet?id=1317765263148OUTPUT",
          mimeType: "text/csv",
        },
      },
    ]);
  });

  it("reads inline text, embedded XML and bounding boxes (PML)", () => {
    const r = wps1.decodeExecuteResponse(PML_INLINE);
    const [stdout, gml, box] = r.outputs;
    expect(stdout!.value).toEqual({
      kind: "complex",
      data: "7504912.9 -764109.1,7750849.8 -22141.8",
      xml: false,
      mimeType: "text/plain",
    });
    expect(gml!.value).toMatchObject({ kind: "complex", xml: true, mimeType: "application/gml+xml" });
    expect((gml!.value as { data: string }).data).toContain('xmlns:gml="http://www.opengis.net/gml"');
    expect(box!.value).toEqual({ kind: "bbox", dimensions: 2, lowerCorner: [0, 0], upperCorner: [10, 10] });
  });

  it("reads lineage: echoed inputs and output definitions (Hummingbird)", () => {
    const r = wps1.decodeExecuteResponse(LINEAGE);
    expect(r.inputs).toEqual([
      { id: "test", value: { kind: "literal", value: "CF-1.6", dataType: "string" } },
      {
        id: "dataset",
        value: { kind: "reference", href: "https://example.org/air.nc", mimeType: "application/x-netcdf" },
      },
    ]);
    expect(r.outputDefinitions).toEqual([{ id: "output", asReference: true, mimeType: "text/plain" }]);
    expect(r.outputs[0]!.value).toMatchObject({
      kind: "reference",
      href: "http://localhost:8090/wpsoutputs/hummingbird/731f/report.html",
    });
  });
});

describe("WPS 1.0.0 Capabilities and exception decoding", () => {
  it("reads processes, languages and operations", () => {
    const c = wps1.decodeCapabilities(CAPABILITIES);
    expect(c.title).toBe("Emu");
    expect(c.processes).toEqual([
      { identifier: "hello", title: "Say Hello", version: "1.5" },
      { identifier: "non.py-id", title: "Dummy", abstract: "Odd ids", version: "1.0" },
    ]);
    expect(c.languages).toEqual(["en-US", "fr-CA"]);
    expect(Object.keys(c.operations)).toEqual(["GetCapabilities", "Dismiss"]);
    expect(c.operations.GetCapabilities).toEqual({
      get: "http://localhost:5000/wps",
      post: "http://localhost:5000/wps",
    });
  });

  it("reads exception reports of any OWS version, several texts joined", () => {
    const report = `<ExceptionReport xmlns="http://www.opengis.net/ows/2.0" version="2.0.0">
      <Exception exceptionCode="NoSuchProcess" locator="frob"><ExceptionText>one</ExceptionText><ExceptionText>two</ExceptionText></Exception>
      <Exception exceptionCode="InvalidParameterValue"/>
    </ExceptionReport>`;
    expect(wps1.decodeExceptionReport(report)).toEqual([
      { code: "NoSuchProcess", locator: "frob", text: "one\ntwo" },
      { code: "InvalidParameterValue", text: "" },
    ]);
    expect(wps1.decodeResponse(report)).toMatchObject({ kind: "exception" });
  });

  it("dispatches on the root element and refuses what is not a WPS response", () => {
    expect(wps1.decodeResponse(CAPABILITIES).kind).toBe("capabilities");
    expect(wps1.decodeResponse(PYWPS_DESCRIBE).kind).toBe("descriptions");
    expect(wps1.decodeResponse(PYWPS_ACCEPTED).kind).toBe("execute");
    expect(() => wps1.decodeResponse("<html><body>502 Bad Gateway</body></html>")).toThrow(
      wps1.Wps1DecodeError,
    );
    expect(() => wps1.decodeResponse('{"not": "xml"}')).toThrow(/not XML/);
    expect(() => wps1.decodeResponse('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(/DOCTYPE/);
    expect(() => wps1.decodeExecuteResponse(CAPABILITIES)).toThrow(/expected a wps:ExecuteResponse/);
    expect(() =>
      wps1.decodeCapabilities(
        '<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="NoApplicableCode"><ows:ExceptionText>down</ows:ExceptionText></ows:Exception></ows:ExceptionReport>',
      ),
    ).toThrow(/ExceptionReport \(NoApplicableCode: down\)/);
    expect(() =>
      wps1.decodeExecuteResponse('<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0"/>'),
    ).toThrow(/no wps:Status/);
  });
});

describe("round trip with Roost's encoders", () => {
  const p: ProcessDefinition = defineProcess({
    identifier: "non.py-id",
    title: "Odd identifiers",
    abstract: "Spaces, dots & dashes.",
    version: "1.0",
    inputs: {
      "input 1": Input.integer({
        title: "Input 1",
        default: 100,
        ranges: [{ minimum: 0, maximum: 1000, spacing: 5 }],
      }),
      "input-2": Input.complex({ title: "JSON", formats: [Formats.JSON, Formats.TEXT], maximumMegabytes: 2 }),
      choice: Input.string({ title: "Choice", allowed: ["a", "b"], minOccurs: 0, maxOccurs: 2 }),
      when: Input.dateTime({ title: "When", minOccurs: 0 }),
      box: Input.bbox({ title: "Box", crs: ["EPSG:4326", "EPSG:3035"], minOccurs: 0 }),
    },
    outputs: {
      "output.1": Output.float({ title: "Out 1", uoms: ["m", "km"] }),
      "output 2": Output.complex({ title: "Out 2", formats: [Formats.JSON], asReference: true }),
      box: Output.bbox({ title: "Box out", crs: ["EPSG:4326"] }),
    },
    handler: () => ({}),
  });

  it("decodes what encodeProcessDescriptions writes", () => {
    const [d] = wps1.decodeProcessDescriptions(wps1.encodeProcessDescriptions([p], "en-US"));
    expect(d).toMatchObject({
      identifier: "non.py-id",
      title: "Odd identifiers",
      abstract: "Spaces, dots & dashes.",
      version: "1.0",
      storeSupported: true,
      statusSupported: true,
    });
    expect(d!.inputs.map((i) => [i.identifier, i.kind, i.minOccurs, i.maxOccurs])).toEqual([
      ["input 1", "literal", 1, 1],
      ["input-2", "complex", 1, 1],
      ["choice", "literal", 0, 2],
      ["when", "literal", 0, 1],
      ["box", "bbox", 0, 1],
    ]);
    expect(d!.inputs[0]).toMatchObject({
      literalType: "integer",
      default: "100",
      allowedValues: {
        kind: "values",
        values: [],
        ranges: [{ minimum: 0, maximum: 1000, spacing: 5, closure: "closed" }],
      },
    });
    expect(d!.inputs[1]).toMatchObject({
      maximumMegabytes: 2,
      formats: [{ mimeType: "application/json" }, { mimeType: "text/plain" }],
    });
    expect(d!.inputs[2]).toMatchObject({ allowedValues: { kind: "values", values: ["a", "b"] } });
    expect(d!.inputs[3]).toMatchObject({ literalType: "dateTime" });
    expect(d!.inputs[4]).toMatchObject({ crs: ["EPSG:4326", "EPSG:3035"] });
    expect(d!.outputs.map((o) => [o.identifier, o.kind])).toEqual([
      ["output.1", "literal"],
      ["output 2", "complex"],
      ["box", "bbox"],
    ]);
    expect(d!.outputs[0]).toMatchObject({ uoms: ["m", "km"] });
  });

  it("decodes what encodeCapabilities writes", () => {
    const svc = {
      title: "Roost",
      keywords: ["a"],
      fees: "NONE",
      accessConstraints: "NONE",
      provider: { name: "Roost" },
      languages: ["en-US", "fr-CA"],
    };
    const c = wps1.decodeCapabilities(wps1.encodeCapabilities(svc, "http://h/wps", [p], "en-US"));
    expect(c.processes).toEqual([
      {
        identifier: "non.py-id",
        title: "Odd identifiers",
        abstract: "Spaces, dots & dashes.",
        version: "1.0",
      },
    ]);
    expect(c.languages).toEqual(["en-US", "fr-CA"]);
    expect(Object.keys(c.operations)).toEqual(["GetCapabilities", "DescribeProcess", "Execute"]);
  });

  it("decodes every status and output kind encodeExecuteResponse writes", () => {
    const base = {
      jobId: "j1",
      process: p,
      language: "en-US",
      time: new Date("2026-01-02T03:04:05Z"),
      created: new Date("2026-01-02T03:04:05Z"),
      statusLocation: "http://h/outputs/j1.xml",
    };
    const enc = (v: Parameters<typeof wps1.encodeExecuteResponse>[0]) =>
      wps1.decodeExecuteResponse(
        wps1.encodeExecuteResponse(v, "http://h/wps?service=WPS&request=GetCapabilities"),
      );
    expect(enc({ ...base, status: { kind: "accepted", message: "queued" } }).status).toEqual({
      kind: "accepted",
      message: "queued",
    });
    expect(enc({ ...base, status: { kind: "running", message: "half", percent: 50 } }).status).toEqual({
      kind: "started",
      message: "half",
      percent: 50,
    });
    const failed = enc({
      ...base,
      status: { kind: "failed", errors: [{ code: "NoApplicableCode", text: "boom", locator: "input 1" }] },
    });
    expect(failed.status).toEqual({
      kind: "failed",
      message: "boom",
      exceptions: [{ code: "NoApplicableCode", locator: "input 1", text: "boom" }],
    });
    const done = enc({
      ...base,
      status: { kind: "succeeded", message: "ok" },
      outputs: [
        {
          definition: p.outputMap.get("output.1")!,
          value: { kind: "literal", value: "101", dataType: "float", uom: "m" },
        },
        {
          definition: p.outputMap.get("output 2")!,
          value: { kind: "inline", mimeType: "application/json", data: '{"a":"<&>"}', xml: false },
        },
        {
          definition: p.outputMap.get("box")!,
          value: {
            kind: "bbox",
            value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
          },
        },
      ],
    });
    expect(done.statusLocation).toBe("http://h/outputs/j1.xml");
    expect(done.serviceInstance).toBe("http://h/wps?service=WPS&request=GetCapabilities");
    expect(done.outputs).toEqual([
      {
        identifier: "output.1",
        title: "Out 1",
        value: { kind: "literal", value: "101", dataType: "float", uom: "m" },
      },
      {
        identifier: "output 2",
        title: "Out 2",
        value: { kind: "complex", data: '{"a":"<&>"}', xml: false, mimeType: "application/json" },
      },
      {
        identifier: "box",
        title: "Box out",
        value: { kind: "bbox", crs: "EPSG:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
      },
    ]);
    const ref = enc({
      ...base,
      status: { kind: "succeeded", message: "ok" },
      outputs: [
        {
          definition: p.outputMap.get("output 2")!,
          value: { kind: "reference", href: "http://h/outputs/j1/out.json", mimeType: "application/json" },
        },
      ],
    });
    expect(ref.outputs[0]!.value).toEqual({
      kind: "reference",
      href: "http://h/outputs/j1/out.json",
      mimeType: "application/json",
    });
  });
});
