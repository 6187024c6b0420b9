/**
 * OGC API – Processes discovery documents: the I/O JSON Schemas of the ogc-process-description class, landing page,
 * conformance, process summaries, list and descriptions — each checked member by member and validated against the
 * published 1.0 schemas (repository copies).
 */
import { describe, expect, it } from "vitest";
import { expectValidOgc, oasValidator, ogcErrors } from "../../../test/helpers/ogc-schemas.js";
import { Formats, ogcapi } from "../src/internal.js";
import { asyncOnly, kitchenSink, NASTY, service, syncOnly, urls } from "./ogcapi-fixtures.js";

const input = (id: string) => {
  const d = kitchenSink.inputMap.get(id);
  if (!d) throw new Error(id);
  return d;
};
const schemaOf = (id: string) => ogcapi.inputSchema(input(id));

describe("I/O schemas: literals", () => {
  it.each([
    ["input 1", { type: "integer", default: 100 }],
    ["constructor", { type: "number", format: "float" }],
    ["angle", { type: "number", default: 90 }],
    ["flag", { type: "boolean", default: true }],
    ["day", { type: "string", format: "date", default: "2012-05-01" }],
    ["time", { type: "string", format: "time" }],
    ["when", { type: "string", format: "date-time" }],
    ["link", { type: "string", format: "uri" }],
    ["nonNegative", { type: "integer", minimum: 0 }],
    ["__proto__", { type: "string" }],
  ])("%s", (id, expected) => {
    expect(schemaOf(id)).toEqual(expected);
  });

  it("lists allowed values as a typed enum", () => {
    expect(schemaOf("choice")).toEqual({
      type: "string",
      enum: ["rock", "paper", "<scissor>"],
      default: "rock",
    });
    expect(schemaOf("ints")).toEqual({ type: "integer", enum: [1, 2, 3] });
  });

  it("states range closures with the OpenAPI 3.0 boolean exclusiveMinimum/exclusiveMaximum", () => {
    expect(schemaOf("open")).toEqual({
      type: "number",
      format: "float",
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
    expect(schemaOf("closedOpen")).toEqual({
      type: "number",
      format: "double",
      minimum: -5,
      maximum: 5,
      exclusiveMaximum: true,
    });
  });

  it("puts several ranges or values plus ranges in anyOf (they may overlap), spacing as multipleOf when aligned", () => {
    expect(schemaOf("grid")).toEqual({
      type: "integer",
      anyOf: [
        { minimum: 1, maximum: 10 },
        { minimum: 100, maximum: 200, multipleOf: 10 },
      ],
      default: 1,
    });
    expect(schemaOf("mixed")).toEqual({
      type: "integer",
      anyOf: [{ enum: [0] }, { minimum: 10, maximum: 20 }],
    });
    // 1, 11, 21 … is not "multiple of 10": the spacing is left out rather than stated wrongly.
    expect(schemaOf("offGrid")).toEqual({ type: "integer", minimum: 1, maximum: 91 });
  });

  it("never loosens a type's own minimum with a range", () => {
    expect(schemaOf("positive")).toEqual({ type: "integer", minimum: 1, maximum: 5 });
  });

  it("states a time default without time zone in words: RFC 3339 (JSON Schema's `time`) requires one", () => {
    expect(schemaOf("noon")).toEqual({
      type: "string",
      format: "time",
      description: "Default (no time zone): 12:00:00",
    });
    expect(schemaOf("noonZ")).toEqual({
      type: "string",
      format: "date-time",
      default: "2016-09-02T12:00:00+02:00",
    });
    expect(oasValidator(schemaOf("noonZ"))("2016-09-02T12:00:00+02:00")).toBe("");
  });

  it("says nothing about an advisory values reference", () => {
    expect(schemaOf("ref")).toEqual({ type: "string" });
  });

  it("every literal schema accepts its stated default and allowed values, and refuses a value out of range", () => {
    for (const d of kitchenSink.inputs) {
      if (d.kind !== "literal") continue;
      const schema = ogcapi.inputSchema(d);
      const check = oasValidator(schema);
      if (schema.default !== undefined) expect(check(schema.default), d.identifier).toBe("");
      if (d.allowedValues.kind === "values")
        for (const v of d.allowedValues.values) expect(check(ogcapi.typedLiteral(d.dataType, v))).toBe("");
    }
    expect(oasValidator(schemaOf("open"))(1)).not.toBe("");
    expect(oasValidator(schemaOf("open"))(0.5)).toBe("");
    expect(oasValidator(schemaOf("grid"))(150)).toBe("");
    expect(oasValidator(schemaOf("grid"))(155)).not.toBe("");
    expect(oasValidator(schemaOf("grid"))(50)).not.toBe("");
  });
});

describe("I/O schemas: complex and bounding box", () => {
  it("gives one schema per format, the default first, by media type family", () => {
    expect(schemaOf("file")).toEqual({
      oneOf: [
        { type: "string", contentEncoding: "binary", contentMediaType: "image/tiff; subtype=geotiff" },
        { type: "string", contentMediaType: "text/plain" },
        { type: "object", contentMediaType: "application/geo+json" },
        {
          type: "string",
          contentMediaType: "application/gml+xml",
          contentSchema: "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
        },
        { type: "string", contentEncoding: "binary", contentMediaType: "image/png" },
      ],
    });
    expect(schemaOf("doc")).toEqual({ type: "object", contentMediaType: "application/json" });
    expect(ogcapi.formatSchema({ mimeType: "text/csv", encoding: "base64" })).toEqual({
      type: "string",
      contentEncoding: "base64",
      contentMediaType: "text/csv",
    });
  });

  it("describes a bounding box as the OGC bbox schema with the exact number of coordinates and the CRS list", () => {
    expect(schemaOf("box")).toEqual({
      type: "object",
      format: "ogc-bbox",
      required: ["bbox"],
      properties: {
        bbox: { type: "array", items: { type: "number" }, minItems: 6, maxItems: 6 },
        crs: { type: "string", enum: ["EPSG:4326", "urn:ogc:def:crs:EPSG::3035"], default: "EPSG:4326" },
      },
    });
    const check = oasValidator(schemaOf("box"));
    expect(check({ bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:4326" })).toBe("");
    expect(check({ bbox: [1, 2, 3, 4] })).not.toBe("");
    expect(check({ bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:31467" })).not.toBe("");
  });

  it("recognises JSON media types, parameters and +json suffixes included", () => {
    for (const m of [
      "application/json",
      "Application/JSON; charset=utf-8",
      "application/geo+json",
      "application/vnd.oai.openapi+json;version=3.0",
    ])
      expect(ogcapi.isJsonMimeType(m), m).toBe(true);
    for (const m of ["text/json", "application/jsonl", "application/xml", "application/json-seq"])
      expect(ogcapi.isJsonMimeType(m), m).toBe(false);
  });
});

describe("process description", () => {
  const d = ogcapi.encodeProcessDescription(kitchenSink, urls);

  it("is valid against process.yaml (relaxed copy)", () => {
    expectValidOgc("process", d);
  });

  it("has the summary members, inputs and outputs in declaration order, texts verbatim", () => {
    expect(d).toMatchObject({
      id: "non.py-id <&> é",
      title: NASTY,
      description: NASTY,
      keywords: ["<kw>", "&amp;", NASTY],
      metadata: [{ title: NASTY, href: "https://example.org/?a=1&b=<2>", role: "https://example.org/role" }],
      version: "2.1",
      jobControlOptions: ["sync-execute", "async-execute", "dismiss"],
      outputTransmission: ["value", "reference"],
    });
    expect(Object.keys(d.inputs)).toEqual(kitchenSink.inputs.map((i) => i.identifier));
    expect(Object.keys(d.outputs)).toEqual(kitchenSink.outputs.map((o) => o.identifier));
    expect(JSON.parse(JSON.stringify(d)).title).toBe(NASTY);
  });

  it("keeps identifiers like __proto__ and constructor as ordinary members", () => {
    expect(Object.hasOwn(d.inputs, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(d.inputs)).toBeNull();
    const inputs = d.inputs as Record<string, ogcapi.InputDescription | undefined>;
    const proto = "__proto__";
    expect(inputs[proto]?.title).toBe("Proto");
    expect(inputs["constructor"]?.title).toBe("Constructor");
    const wire = JSON.parse(JSON.stringify(d));
    expect(Object.keys(wire.inputs)).toContain("__proto__");
    expect(Object.keys(wire.outputs)).toContain("__proto__");
  });

  it("writes occurrences, 'unbounded' for the model's MAX_SAFE_INTEGER", () => {
    expect(d.inputs["input 1"]).toMatchObject({ minOccurs: 1, maxOccurs: 1 });
    expect(d.inputs.some).toMatchObject({ minOccurs: 2, maxOccurs: 5 });
    expect(d.inputs.many).toMatchObject({ minOccurs: 0, maxOccurs: "unbounded" });
  });

  it("links itself, its execute endpoint and the process list, through the caller's URLs", () => {
    expect(d.links).toEqual([
      {
        href: "https://roost.example/ogc/processes/non.py-id%20%3C%26%3E%20%C3%A9",
        rel: "self",
        type: "application/json",
        title: "This document",
      },
      {
        href: "https://roost.example/ogc/processes/non.py-id%20%3C%26%3E%20%C3%A9/execution",
        rel: "http://www.opengis.net/def/rel/ogc/1.0/execute",
        title: "Execute endpoint",
      },
      { href: urls.processes, rel: "up", type: "application/json", title: "The list of processes" },
    ]);
  });

  it("is translated like the WPS descriptions, falling back to the untranslated texts", () => {
    const fr = ogcapi.encodeProcessDescription(kitchenSink, urls, { language: "fr-CA" });
    expect(fr.title).toBe("Processus <traduit>");
    expect(fr.description).toBe("Résumé");
    expect(fr.inputs["input 1"]?.title).toBe("Entrée #1");
    expect(fr.inputs.choice?.title).toBe("Choice");
    expect(fr.outputs["output.1"]?.title).toBe("Sortie #1");
    expect(ogcapi.encodeProcessDescription(kitchenSink, urls, { language: "de-DE" }).title).toBe(NASTY);
  });

  it("derives jobControlOptions from the process's job control; dismiss can be left out", () => {
    expect(ogcapi.encodeProcessDescription(syncOnly, urls).jobControlOptions).toEqual([
      "sync-execute",
      "dismiss",
    ]);
    expect(ogcapi.encodeProcessDescription(asyncOnly, urls, { dismiss: false }).jobControlOptions).toEqual([
      "async-execute",
    ]);
  });

  it("outputs carry their schemas", () => {
    expect(d.outputs["output.1"]).toEqual({
      title: "Out 1",
      description: NASTY,
      schema: { type: "number", format: "float" },
    });
    expect(d.outputs.json?.schema).toEqual({
      oneOf: [
        { type: "object", contentMediaType: "application/json" },
        { type: "string", contentEncoding: "binary", contentMediaType: "application/zip" },
      ],
    });
  });

  it("the validator used here does reject a broken description", () => {
    expect(ogcErrors("process", { ...d, id: undefined })).toMatch(/id/);
    expect(ogcErrors("process", { ...d, inputs: { x: { title: "no schema" } } })).toMatch(/schema/);
    expect(ogcErrors("process", { ...d, jobControlOptions: ["whenever"] })).not.toBe("");
  });
});

describe("landing page, conformance, process list", () => {
  it("landing page: links to itself, the API (service-desc and service-doc), conformance, processes, jobs", () => {
    const lp = ogcapi.encodeLandingPage(service, urls, [
      { href: "https://roost.example/ogc/?f=html", rel: "alternate", type: "text/html" },
    ]);
    expectValidOgc("landingPage", lp);
    expect(lp.title).toBe(service.title);
    expect(lp.description).toBe(NASTY);
    expect(lp.links.map((l) => [l.rel, l.href, l.type])).toEqual([
      ["self", urls.landing, "application/json"],
      ["service-desc", urls.api, "application/vnd.oai.openapi+json;version=3.0"],
      ["service-doc", urls.apiDoc, "text/html"],
      ["http://www.opengis.net/def/rel/ogc/1.0/conformance", urls.conformance, "application/json"],
      ["http://www.opengis.net/def/rel/ogc/1.0/processes", urls.processes, "application/json"],
      ["http://www.opengis.net/def/rel/ogc/1.0/job-list", urls.jobs, "application/json"],
      ["alternate", "https://roost.example/ogc/?f=html", "text/html"],
    ]);
    const { apiDoc: _, ...noDoc } = urls;
    expect(ogcapi.encodeLandingPage(service, noDoc).links.map((l) => l.rel)).not.toContain("service-doc");
  });

  it("conformance: the exact 1.0 URIs, each once", () => {
    const c = ogcapi.encodeConformance([
      ...Object.values(ogcapi.OGC_CONFORMANCE),
      ogcapi.OGC_CONFORMANCE.core,
    ]);
    expectValidOgc("confClasses", c);
    expect(c.conformsTo).toEqual([
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/html",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/callback",
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
    ]);
  });

  it("process list: summaries (no inputs/outputs) with description and execute links; the caller's page links", () => {
    const list = ogcapi.encodeProcessList([kitchenSink, syncOnly], urls, {
      self: `${urls.processes}?limit=2`,
      next: `${urls.processes}?limit=2&offset=2`,
    });
    expectValidOgc("processList", list);
    expect(list.processes.map((p) => p.id)).toEqual(["non.py-id <&> é", "sync-only"]);
    expect(list.processes[0]).not.toHaveProperty("inputs");
    expect(list.processes[1]?.links).toEqual([
      {
        href: urls.process("sync-only"),
        rel: "self",
        type: "application/json",
        title: "Process description",
      },
      { href: urls.execution("sync-only"), rel: ogcapi.OGC_REL.execute, title: "Execute endpoint" },
    ]);
    expect(list.links.map((l) => [l.rel, l.href])).toEqual([
      ["self", `${urls.processes}?limit=2`],
      ["next", `${urls.processes}?limit=2&offset=2`],
    ]);
    const empty = ogcapi.encodeProcessList([], urls, {
      self: urls.processes,
      prev: `${urls.processes}?offset=0`,
    });
    expectValidOgc("processList", empty);
    expect(empty.links.map((l) => l.rel)).toEqual(["self", "prev"]);
  });

  it("all three use the Formats constants' media types untouched", () => {
    expect(ogcapi.formatSchema(Formats.GEOTIFF).contentMediaType).toBe("image/tiff; subtype=geotiff");
  });
});
