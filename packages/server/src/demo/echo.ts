/**
 * `echo`: the test process of the OGC conformance suites (not an Emu process). It returns every input it is given,
 * unchanged, as the output of the same identifier.
 *
 * What each suite needs from it:
 * * ets-ogcapi-processes10 (`/req/core/test-process`): the first output's id equals the first input's id and that
 *   input is a plain string (the suite sends "teststring" and looks for it in the raw result); an integer input
 *   named exactly `pause` (seconds to wait; the suite sends 5 to observe `result-not-ready`); bounding-box, binary,
 *   object (JSON) and repeatable inputs to exercise those encodings. The suite sends values only for the string,
 *   bounding-box and object inputs it recognises, so every other input is optional. Its bounding box comes as
 *   `urn:ogc:def:crs:EPSG:6.6:4326`, its binary input as a base64 GeoTIFF.
 * * ets-wps20: a LiteralData input of type string, a ComplexData input echoed as XML (it sends
 *   `<testElement>hello_complex</testElement>` without a mimeType, so XML is that input's default format) and
 *   BoundingBoxData in the description; it sends the literal and the complex input in separate requests, so the
 *   string input has a default and the complex one is optional.
 *
 * Identifiers are plain ASCII words valid in every protocol and client (no spaces or dots, unlike `non.py-id`).
 */
import { type ComplexInputValue, defineProcess, Formats, Input, Output } from "@roost/core";
import { wait } from "./util.js";

/** CRS84 first (the default of an OGC bounding box), then the EPSG:4326 spellings the suites send. */
const CRS = [
  "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
  "urn:ogc:def:crs:EPSG:6.6:4326",
  "EPSG:4326",
] as const;

const XML = [Formats.XML, { mimeType: "text/xml", extension: ".xml" }] as const;

/** PNG is the advertised default; GeoTIFF is what ets-ogcapi-processes10 sends to a binary input. */
const IMAGE = [Formats.PNG, Formats.GEOTIFF] as const;

/** Longest pause, in seconds: enough to observe a running job, short enough not to hold a worker for long. */
const MAX_PAUSE = 60;

async function echoText(v: ComplexInputValue): Promise<{ text: string; mimeType: string }> {
  return { text: await v.text(), mimeType: v.mimeType };
}

/** Returns its inputs, after `pause` seconds. */
export default defineProcess({
  identifier: "echo",
  title: "Echo",
  abstract:
    "Returns every input unchanged as the output of the same identifier, after waiting 'pause' seconds. " +
    "The test process of the OGC API - Processes and WPS 2.0 conformance suites.",
  keywords: ["echo", "test", "conformance"],
  version: "1.0.0",
  inputs: {
    stringInput: Input.string({
      title: "String",
      abstract: "Any text; echoed as the output 'stringInput'.",
      default: "hello",
    }),
    pause: Input.integer({
      title: "Pause",
      abstract: `Seconds to wait before answering (0–${MAX_PAUSE}); the job can be dismissed while it waits.`,
      default: 0,
      ranges: [{ minimum: 0, maximum: MAX_PAUSE }],
    }),
    doubleInput: Input.double({ title: "Double", minOccurs: 0 }),
    booleanInput: Input.boolean({ title: "Boolean", minOccurs: 0 }),
    dateTimeInput: Input.dateTime({ title: "Date and time", minOccurs: 0 }),
    boundingBoxInput: Input.bbox({ title: "Bounding box", crs: CRS, minOccurs: 0 }),
    complexObjectInput: Input.complex({
      title: "JSON object",
      abstract: "A JSON document, echoed byte for byte.",
      formats: [Formats.JSON],
      minOccurs: 0,
    }),
    complexInput: Input.complex({ title: "XML document", formats: XML, minOccurs: 0 }),
    imageInput: Input.complex({
      title: "Image",
      abstract: "Binary data (base64 inline).",
      formats: IMAGE,
      minOccurs: 0,
    }),
    arrayInput: Input.integer({
      title: "Integers",
      abstract: "Up to 10 integers; echoed as a JSON array.",
      minOccurs: 0,
      maxOccurs: 10,
    }),
  },
  outputs: {
    stringInput: Output.string({ title: "String" }),
    pause: Output.integer({ title: "Pause" }),
    doubleInput: Output.double({ title: "Double" }),
    booleanInput: Output.boolean({ title: "Boolean" }),
    dateTimeInput: Output.dateTime({ title: "Date and time" }),
    boundingBoxInput: Output.bbox({ title: "Bounding box", crs: CRS }),
    complexObjectInput: Output.complex({ title: "JSON object", formats: [Formats.JSON] }),
    complexInput: Output.complex({ title: "XML document", formats: XML }),
    imageInput: Output.complex({ title: "Image", formats: IMAGE }),
    arrayInput: Output.complex({ title: "Integers", formats: [Formats.JSON] }),
  },
  handler: async (inputs, ctx) => {
    ctx.progress(0, inputs.pause > 0 ? `Pausing ${inputs.pause} s` : "Echoing");
    // ctx.sleep (through wait) rejects as soon as the job is dismissed or times out.
    if (inputs.pause > 0) await wait(ctx, inputs.pause * 1000);
    const image = inputs.imageInput;
    const out = {
      stringInput: inputs.stringInput,
      pause: inputs.pause,
      ...(inputs.doubleInput !== undefined ? { doubleInput: inputs.doubleInput } : {}),
      ...(inputs.booleanInput !== undefined ? { booleanInput: inputs.booleanInput } : {}),
      ...(inputs.dateTimeInput !== undefined ? { dateTimeInput: inputs.dateTimeInput } : {}),
      ...(inputs.boundingBoxInput !== undefined
        ? { boundingBoxInput: { ...inputs.boundingBoxInput, crs: inputs.boundingBoxInput.crs ?? CRS[0] } }
        : {}),
      ...(inputs.complexObjectInput !== undefined
        ? { complexObjectInput: await echoText(inputs.complexObjectInput) }
        : {}),
      ...(inputs.complexInput !== undefined ? { complexInput: await echoText(inputs.complexInput) } : {}),
      ...(image !== undefined
        ? { imageInput: { bytes: await image.bytes(), mimeType: image.mimeType } }
        : {}),
      ...(inputs.arrayInput.length > 0 ? { arrayInput: { json: inputs.arrayInput } } : {}),
    };
    ctx.progress(100, "Echoed");
    return out;
  },
});
