/**
 * OGC API job documents read into the client's model — statusInfo, results, problems, Link headers — including the
 * forms peers write (Weaver's and older status words, pygeoapi's results and errors), and the execute body the client
 * writes, decoded back by the server's own decoder (`ogcapi.decodeExecute`).
 */
import { defineProcess, Formats, Input, Output, ogcapi } from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { prepareInputs, prepareOutputs } from "../src/inputs.js";
import { descriptionFromOgc } from "../src/ogcapi-describe.js";
import {
  codeOfType,
  exceptionsFromProblem,
  outputsFromResults,
  parseLinkHeader,
  statusFromOgc,
} from "../src/ogcapi-documents.js";
import { encodeOgcExecute } from "../src/ogcapi-execute.js";
import { removeTempDirs, tempDir } from "./fixtures.js";

describe("statusInfo", () => {
  it("maps the 1.0 status words and the older ones peers still send", () => {
    const s = (status: unknown, extra: object = {}) => statusFromOgc({ jobID: "j", status, ...extra });
    expect(s("accepted")).toEqual({ state: "accepted", message: "" });
    expect(s("running", { progress: 40, message: "half", updated: "2026-01-01T00:00:00Z" })).toEqual({
      state: "running",
      percent: 40,
      message: "half",
      time: "2026-01-01T00:00:00Z",
    });
    expect(s("successful")).toMatchObject({ state: "succeeded", percent: 100 });
    // Weaver's legacy words, and a progress sent as a string.
    expect(s("succeeded")?.state).toBe("succeeded");
    expect(s("started", { progress: "12" })).toMatchObject({ state: "running", percent: 12 });
    expect(s("Failed")?.state).toBe("failed");
    expect(s("dismissed")?.state).toBe("dismissed");
    expect(s("canceled")?.state).toBe("dismissed");
    expect(s("queued")?.state).toBe("accepted");
    expect(s("exploded")).toBeUndefined();
    expect(statusFromOgc("running")).toBeUndefined();
  });
});

describe("results documents", () => {
  const desc = descriptionFromOgc({
    id: "p",
    inputs: {},
    outputs: {
      answer: { title: "Answer", schema: { type: "integer" } },
      report: { title: "Report", schema: { type: "string", contentMediaType: "text/plain" } },
      data: { title: "Data", schema: { type: "object", contentMediaType: "application/json" } },
      area: { schema: { type: "object", format: "ogc-bbox", properties: { bbox: { type: "array" } } } },
    },
  })!;

  it("reads the 1.0 map: literals, qualified values, links, bounding boxes, bare JSON", () => {
    const out = outputsFromResults(
      {
        report: { href: "http://h/r.txt", type: "text/plain" },
        answer: 42,
        area: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" },
        data: { value: { a: [1] }, mediaType: "application/json" },
        extra: { x: 1 },
      },
      desc.outputs,
    );
    expect(out).toEqual([
      { id: "answer", title: "Answer", kind: "literal", value: "42", dataType: "integer" },
      { id: "report", title: "Report", kind: "reference", href: "http://h/r.txt", mimeType: "text/plain" },
      {
        id: "data",
        title: "Data",
        kind: "complex",
        value: '{\n  "a": [\n    1\n  ]\n}',
        mimeType: "application/json",
      },
      {
        id: "area",
        title: "area",
        kind: "bbox",
        bbox: { crs: "EPSG:4326", lowerCorner: [1, 2], upperCorner: [3, 4] },
      },
      { id: "extra", kind: "complex", value: '{\n  "x": 1\n}', mimeType: "application/json" },
    ]);
    // A complex output given as a plain string is its content; the 2.0 draft's `format` object is read too.
    expect(outputsFromResults({ report: "hello" }, desc.outputs)[0]).toMatchObject({
      kind: "complex",
      value: "hello",
      mimeType: "text/plain",
    });
    expect(
      outputsFromResults(
        { report: { value: "aGk=", format: { mediaType: "text/plain", encoding: "base64" } } },
        desc.outputs,
      )[0],
    ).toMatchObject({ kind: "complex", value: "aGk=", encoding: "base64" });
  });

  it("reads pygeoapi's forms: the `outputs` list of `response: document`, and the raw {id, value} result", () => {
    // geopython/pygeoapi#1579: the document form is {outputs: [{id, value}]}, job results the bare {id, value}.
    expect(outputsFromResults({ outputs: [{ id: "answer", value: 7 }] }, desc.outputs)).toEqual([
      { id: "answer", title: "Answer", kind: "literal", value: "7", dataType: "integer" },
    ]);
    expect(outputsFromResults({ id: "report", value: "Hello" }, desc.outputs)).toEqual([
      { id: "report", title: "Report", kind: "complex", value: "Hello", mimeType: "text/plain" },
    ]);
  });
});

describe("problems and links", () => {
  it("turns RFC 7807 problems (and pygeoapi's {code, description}) into exceptions", () => {
    expect(
      exceptionsFromProblem({
        type: "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job",
        title: "No such job",
        status: 404,
        detail: "No job 'x'",
      }),
    ).toEqual([{ code: "NoSuchJob", text: "No job 'x'" }]);
    expect(
      exceptionsFromProblem({
        type: "https://roost.dev/errors/invalid-parameter",
        detail: "two problems",
        locator: "a",
        errors: [
          { type: "https://roost.dev/errors/invalid-parameter", detail: "bad a", locator: "a" },
          { type: "https://roost.dev/errors/no-such-input", detail: "no b", locator: "b" },
        ],
      }),
    ).toEqual([
      { code: "InvalidParameter", locator: "a", text: "bad a" },
      { code: "NoSuchInput", locator: "b", text: "no b" },
    ]);
    expect(
      exceptionsFromProblem({ code: "InvalidParameterValue", description: "Error updating job" }),
    ).toEqual([{ code: "InvalidParameterValue", text: "Error updating job" }]);
    expect(exceptionsFromProblem("<html>")).toEqual([]);
    expect(codeOfType("urn:x:result-not-ready/")).toBe("ResultNotReady");
  });

  it("parses Link headers", () => {
    expect(
      parseLinkHeader([
        '<http://h/jobs/1>; rel="monitor"',
        '<http://h/o.nc>; rel=netcdf; type="application/x-netcdf"',
      ]),
    ).toEqual([
      { href: "http://h/jobs/1", rel: "monitor" },
      { href: "http://h/o.nc", rel: "netcdf", type: "application/x-netcdf" },
    ]);
  });
});

describe("the execute body", () => {
  const p = defineProcess({
    identifier: "every",
    title: "Every kind",
    inputs: {
      n: Input.integer({ title: "N" }),
      x: Input.float({ title: "X", minOccurs: 0, maxOccurs: 3 }),
      flag: Input.boolean({ title: "Flag", minOccurs: 0 }),
      when: Input.date({ title: "When", minOccurs: 0 }),
      doc: Input.complex({ title: "Doc", formats: [Formats.JSON, Formats.TEXT], minOccurs: 0 }),
      img: Input.complex({ title: "Image", formats: [Formats.PNG], minOccurs: 0 }),
      ref: Input.complex({ title: "Ref", formats: [Formats.NETCDF], minOccurs: 0 }),
      area: Input.bbox({ title: "Area", crs: ["EPSG:4326"], minOccurs: 0 }),
    },
    outputs: {
      out: Output.complex({ title: "Out", formats: [Formats.JSON] }),
      other: Output.string({ title: "Other" }),
    },
    handler: () => ({ out: { text: "{}" }, other: "" }),
  });
  // The client's view of the process is what Roost's OGC API describes.
  const desc = descriptionFromOgc(
    JSON.parse(
      JSON.stringify(
        ogcapi.encodeProcessDescription(p, {
          landing: "http://h/",
          api: "http://h/api",
          conformance: "http://h/conformance",
          processes: "http://h/processes",
          jobs: "http://h/jobs",
          process: (id) => `http://h/processes/${id}`,
          execution: (id) => `http://h/processes/${id}/execution`,
          job: (id) => `http://h/jobs/${id}`,
          results: (id) => `http://h/jobs/${id}/results`,
        }),
      ),
    ),
  )!;

  it("is read back by the server's decoder as the same inputs and outputs", async () => {
    const dir = tempDir("png");
    const png = `${dir}/dot.png`;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    const inputs = await prepareInputs(desc, {
      n: 0,
      x: [1.5, 0],
      flag: false,
      when: "2024-02-29",
      doc: { data: '{"a": [1, 2]}', mimeType: "application/json" },
      img: { file: png },
      ref: "https://example.org/data.nc",
      area: "1,2,3,4,EPSG:4326",
    });
    const outputs = prepareOutputs(desc, [{ id: "out", asReference: true }]);
    const body = JSON.parse(JSON.stringify(encodeOgcExecute(desc, inputs, outputs))) as Record<
      string,
      unknown
    >;
    expect(body.inputs).toEqual({
      n: 0,
      x: [1.5, 0],
      flag: false,
      when: "2024-02-29",
      doc: { value: { a: [1, 2] }, mediaType: "application/json" },
      img: { value: "iVBORwABAg==", mediaType: "image/png", encoding: "base64" },
      ref: { href: "https://example.org/data.nc", type: "application/x-netcdf" },
      area: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" },
    });
    const decoded = ogcapi.decodeExecute(body, p, ogcapi.parsePrefer("respond-async"));
    expect(decoded.mode).toBe("async");
    expect(decoded.response).toBe("document");
    expect(decoded.outputs).toEqual([{ id: "out", asReference: true }, { id: "other" }]);
    const by = (id: string) => decoded.inputs.filter((i) => i.id === id).map((i) => i.value);
    expect(by("n")).toEqual([{ kind: "literal", value: "0" }]);
    expect(by("x")).toEqual([
      { kind: "literal", value: "1.5" },
      { kind: "literal", value: "0" },
    ]);
    expect(by("flag")).toEqual([{ kind: "literal", value: "false" }]);
    expect(by("doc")).toEqual([expect.objectContaining({ kind: "complex", mimeType: "application/json" })]);
    expect(JSON.parse((by("doc")[0] as { data: string }).data)).toEqual({ a: [1, 2] });
    expect(by("img")).toEqual([
      expect.objectContaining({
        kind: "complex",
        data: "iVBORwABAg==",
        mimeType: "image/png",
        encoding: "base64",
      }),
    ]);
    expect(by("ref")).toEqual([
      expect.objectContaining({ kind: "reference", href: "https://example.org/data.nc" }),
    ]);
    expect(by("area")).toEqual([
      expect.objectContaining({ kind: "bbox", crs: "EPSG:4326", lowerCorner: [1, 2], upperCorner: [3, 4] }),
    ]);
    removeTempDirs();
  });
});
