/**
 * Process descriptions for the client's unit tests, decoded from XML shaped like Roost's and PyWPS's DescribeProcess
 * answers (the same decoder the client uses on the wire).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wps1 } from "@roost/core/internal";

/** Emu's `inout`, `non.py-id`, `bbox`, `wordcounter`, `nap` and `output_formats` as a WPS 1.0.0 document. */
export const DESCRIPTIONS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<wps:ProcessDescriptions xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
  xmlns:xlink="http://www.w3.org/1999/xlink" service="WPS" version="1.0.0" xml:lang="en-US">
 <ProcessDescription wps:processVersion="1.0" storeSupported="true" statusSupported="true">
  <ows:Identifier>inout</ows:Identifier><ows:Title>In and Out</ows:Title>
  <ows:Abstract>Testing all WPS input and output parameters.</ows:Abstract>
  <DataInputs>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>string</ows:Identifier><ows:Title>String</ows:Title>
    <LiteralData><ows:DataType>string</ows:DataType><ows:AnyValue/><DefaultValue>This is just a string</DefaultValue></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>int</ows:Identifier><ows:Title>Integer</ows:Title>
    <LiteralData><ows:DataType>integer</ows:DataType><ows:AllowedValues><ows:Value>1</ows:Value><ows:Value>2</ows:Value><ows:Value>3</ows:Value><ows:Value>5</ows:Value><ows:Value>7</ows:Value><ows:Value>11</ows:Value></ows:AllowedValues><DefaultValue>7</DefaultValue></LiteralData></Input>
   <Input minOccurs="0" maxOccurs="5"><ows:Identifier>float</ows:Identifier><ows:Title>Float</ows:Title>
    <LiteralData><ows:DataType>float</ows:DataType><ows:AnyValue/><DefaultValue>3.14</DefaultValue></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>boolean</ows:Identifier><ows:Title>Boolean</ows:Title>
    <LiteralData><ows:DataType>boolean</ows:DataType><ows:AnyValue/><DefaultValue>true</DefaultValue></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>date</ows:Identifier><ows:Title>Date</ows:Title>
    <LiteralData><ows:DataType>date</ows:DataType><ows:AnyValue/><DefaultValue>2012-05-01</DefaultValue></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>string_choice</ows:Identifier><ows:Title>String Choice</ows:Title>
    <LiteralData><ows:DataType>string</ows:DataType><ows:AllowedValues><ows:Value>rock</ows:Value><ows:Value>paper</ows:Value><ows:Value>scissor</ows:Value></ows:AllowedValues><DefaultValue>scissor</DefaultValue></LiteralData></Input>
   <Input minOccurs="0" maxOccurs="2"><ows:Identifier>string_multiple_choice</ows:Identifier><ows:Title>Multiple</ows:Title>
    <LiteralData><ows:DataType>string</ows:DataType><ows:AllowedValues><ows:Value>sitting duck</ows:Value><ows:Value>flying goose</ows:Value><ows:Value>happy pinguin</ows:Value></ows:AllowedValues></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>int_range</ows:Identifier><ows:Title>Integer Range</ows:Title>
    <LiteralData><ows:DataType>integer</ows:DataType><ows:AllowedValues>
     <ows:Range ows:rangeClosure="closed"><ows:MinimumValue>1</ows:MinimumValue><ows:MaximumValue>10</ows:MaximumValue></ows:Range>
     <ows:Range ows:rangeClosure="closed"><ows:MinimumValue>100</ows:MinimumValue><ows:MaximumValue>200</ows:MaximumValue><ows:Spacing>10</ows:Spacing></ows:Range>
    </ows:AllowedValues><DefaultValue>1</DefaultValue></LiteralData></Input>
   <Input minOccurs="0" maxOccurs="1"><ows:Identifier>text</ows:Identifier><ows:Title>Text</ows:Title>
    <ComplexData><Default><Format><MimeType>text/plain</MimeType></Format></Default><Supported><Format><MimeType>text/plain</MimeType></Format></Supported></ComplexData></Input>
   <Input minOccurs="0" maxOccurs="1"><ows:Identifier>dataset</ows:Identifier><ows:Title>Dataset</ows:Title>
    <ComplexData maximumMegabytes="1"><Default><Format><MimeType>application/x-netcdf</MimeType></Format></Default><Supported><Format><MimeType>application/x-netcdf</MimeType></Format></Supported></ComplexData></Input>
  </DataInputs>
  <ProcessOutputs>
   <Output><ows:Identifier>string</ows:Identifier><ows:Title>String</ows:Title><LiteralOutput><ows:DataType>string</ows:DataType></LiteralOutput></Output>
   <Output><ows:Identifier>dataset</ows:Identifier><ows:Title>Dataset</ows:Title><ComplexOutput><Default><Format><MimeType>application/x-netcdf</MimeType></Format></Default><Supported><Format><MimeType>application/x-netcdf</MimeType></Format><Format><MimeType>text/plain</MimeType></Format></Supported></ComplexOutput></Output>
  </ProcessOutputs>
 </ProcessDescription>
 <ProcessDescription wps:processVersion="1.0" storeSupported="true" statusSupported="true">
  <ows:Identifier>non.py-id</ows:Identifier><ows:Title>Dummy process including non-pythonic identifiers</ows:Title>
  <DataInputs>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>input 1</ows:Identifier><ows:Title>Input1 number</ows:Title>
    <LiteralData><ows:DataType>integer</ows:DataType><ows:AnyValue/><DefaultValue>100</DefaultValue></LiteralData></Input>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>input-2</ows:Identifier><ows:Title>json input</ows:Title>
    <ComplexData><Default><Format><MimeType>application/json</MimeType></Format></Default><Supported><Format><MimeType>application/json</MimeType></Format></Supported></ComplexData></Input>
   <Input minOccurs="0" maxOccurs="1"><ows:Identifier>json</ows:Identifier><ows:Title>An input named like a client option</ows:Title>
    <LiteralData><ows:DataType>string</ows:DataType><ows:AnyValue/></LiteralData></Input>
   <Input minOccurs="0" maxOccurs="1"><ows:Identifier>a=b</ows:Identifier><ows:Title>An input with an equals sign</ows:Title>
    <LiteralData><ows:DataType>string</ows:DataType><ows:AnyValue/></LiteralData></Input>
  </DataInputs>
  <ProcessOutputs>
   <Output><ows:Identifier>output.1</ows:Identifier><ows:Title>Add 1</ows:Title><LiteralOutput><ows:DataType>float</ows:DataType></LiteralOutput></Output>
   <Output><ows:Identifier>output 2</ows:Identifier><ows:Title>Echo</ows:Title><ComplexOutput><Default><Format><MimeType>application/json</MimeType></Format></Default><Supported><Format><MimeType>application/json</MimeType></Format></Supported></ComplexOutput></Output>
  </ProcessOutputs>
 </ProcessDescription>
 <ProcessDescription wps:processVersion="0.2" storeSupported="true" statusSupported="true">
  <ows:Identifier>bbox</ows:Identifier><ows:Title>Bounding box in- and out</ows:Title>
  <DataInputs>
   <Input minOccurs="0" maxOccurs="1"><ows:Identifier>bbox</ows:Identifier><ows:Title>Bounding Box</ows:Title>
    <BoundingBoxData><Default><CRS>epsg:4326</CRS></Default><Supported><CRS>epsg:4326</CRS><CRS>epsg:3035</CRS></Supported></BoundingBoxData></Input>
  </DataInputs>
  <ProcessOutputs><Output><ows:Identifier>bbox</ows:Identifier><ows:Title>Bounding Box</ows:Title><BoundingBoxOutput><Default><CRS>epsg:4326</CRS></Default><Supported><CRS>epsg:4326</CRS></Supported></BoundingBoxOutput></Output></ProcessOutputs>
 </ProcessDescription>
 <ProcessDescription wps:processVersion="1.0" storeSupported="true" statusSupported="true">
  <ows:Identifier>wordcounter</ows:Identifier><ows:Title>Word Counter</ows:Title>
  <DataInputs>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>text</ows:Identifier><ows:Title>Text document</ows:Title>
    <ComplexData><Default><Format><MimeType>text/plain</MimeType></Format></Default><Supported><Format><MimeType>text/plain</MimeType></Format></Supported></ComplexData></Input>
  </DataInputs>
  <ProcessOutputs><Output><ows:Identifier>output</ows:Identifier><ows:Title>Word counter result</ows:Title><ComplexOutput><Default><Format><MimeType>application/json</MimeType></Format></Default><Supported><Format><MimeType>application/json</MimeType></Format></Supported></ComplexOutput></Output></ProcessOutputs>
 </ProcessDescription>
 <ProcessDescription wps:processVersion="1.0" storeSupported="false" statusSupported="false">
  <ows:Identifier>nap</ows:Identifier><ows:Title>Afternoon Nap (supports sync calls only)</ows:Title>
  <DataInputs>
   <Input minOccurs="1" maxOccurs="1"><ows:Identifier>delay</ows:Identifier><ows:Title>Delay</ows:Title>
    <LiteralData><ows:DataType>float</ows:DataType><ows:AnyValue/><DefaultValue>1</DefaultValue></LiteralData></Input>
  </DataInputs>
  <ProcessOutputs><Output><ows:Identifier>output</ows:Identifier><ows:Title>Nap Output</ows:Title><LiteralOutput><ows:DataType>string</ows:DataType></LiteralOutput></Output></ProcessOutputs>
 </ProcessDescription>
 <ProcessDescription wps:processVersion="2.0" storeSupported="true" statusSupported="true">
  <ows:Identifier>output_formats</ows:Identifier><ows:Title>Return different output formats.</ows:Title>
  <ProcessOutputs>
   <Output><ows:Identifier>netcdf</ows:Identifier><ows:Title>NetCDF</ows:Title><ComplexOutput><Default><Format><MimeType>application/x-netcdf</MimeType></Format></Default><Supported><Format><MimeType>application/x-netcdf</MimeType></Format><Format><MimeType>application/zip</MimeType></Format></Supported></ComplexOutput></Output>
   <Output><ows:Identifier>json</ows:Identifier><ows:Title>JSON</ows:Title><ComplexOutput><Default><Format><MimeType>application/json</MimeType></Format></Default><Supported><Format><MimeType>application/json</MimeType></Format><Format><MimeType>application/zip</MimeType></Format><Format><MimeType>text/plain</MimeType></Format></Supported></ComplexOutput></Output>
  </ProcessOutputs>
 </ProcessDescription>
</wps:ProcessDescriptions>`;

/** The decoded descriptions, by identifier. */
export const PROCESSES: ReadonlyMap<string, wps1.Wps1ProcessDescription> = new Map(
  wps1.decodeProcessDescriptions(DESCRIPTIONS_XML).map((p) => [p.identifier, p]),
);

/** One description (throws for an unknown id, so tests fail loudly). */
export function processNamed(id: string): wps1.Wps1ProcessDescription {
  const p = PROCESSES.get(id);
  if (!p) throw new Error(`no fixture process ${id}`);
  return p;
}

const temps: string[] = [];

/** A temporary directory removed by {@link removeTempDirs} (call it in `afterAll`). */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `roost-${prefix}-`));
  temps.push(d);
  return d;
}

/** Remove every directory {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}
