/**
 * The OGC API codec over every process Roost ships (Emu's demo set and `echo`): descriptions, summaries and the list
 * valid against the published 1.0 schemas in every language; a request built from each description alone (as a
 * generic client would) accepted by the OpenAPI body schema of that process, by the OGC execute schema, by the
 * decoder and by `validateInputs`/`validateOutputRequests`; results documents of every output valid; and the
 * requests the OGC ETS sends to the echo process going through end to end.
 */

import {
  type BoundingBox,
  isTextMimeType,
  type JobRecord,
  type OutputDefinition,
  type OutputValueView,
  ogcapi,
  RoostError,
  validateInputs,
  validateOutputRequests,
} from "@roost/core/internal";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { expectValidOgc, oasValidator, ogcErrors, ptr } from "../helpers/ogc-schemas.js";
import { ALL_PROCESSES, PNG_BASE64, processById, requestFromDescription, service, urls } from "./helpers.js";

const openapi = ogcapi.buildOpenApi(service, ALL_PROCESSES, { serverUrl: urls.landing, version: "0.1.0" });

describe.each(ALL_PROCESSES.map((p) => [p.identifier, p] as const))("%s", (_id, p) => {
  const d = ogcapi.encodeProcessDescription(p, urls);

  it("description, summary and list entry are valid, in every language", () => {
    expectValidOgc("process", d);
    for (const language of service.languages) {
      expectValidOgc("process", ogcapi.encodeProcessDescription(p, urls, { language }));
      expectValidOgc(
        "processList",
        ogcapi.encodeProcessList([p], urls, { self: urls.processes }, { language }),
      );
    }
  });

  it("describes every input and output with the model's occurrences and job control", () => {
    expect(Object.keys(d.inputs)).toEqual(p.inputs.map((i) => i.identifier));
    expect(Object.keys(d.outputs)).toEqual(p.outputs.map((o) => o.identifier));
    for (const i of p.inputs)
      expect(d.inputs[i.identifier]).toMatchObject({ minOccurs: i.minOccurs, maxOccurs: i.maxOccurs });
    expect(d.jobControlOptions).toEqual([
      ...(p.jobControl.sync ? ["sync-execute"] : []),
      ...(p.jobControl.async ? ["async-execute"] : []),
      "dismiss",
    ]);
  });

  it("every input's stated default and allowed values satisfy the input's own schema", () => {
    for (const i of p.inputs) {
      if (i.kind !== "literal") continue;
      const schema = d.inputs[i.identifier]?.schema ?? {};
      const check = oasValidator(schema);
      if (i.default !== undefined) {
        // A default is stated as `default`, or in words when RFC 3339 cannot hold it (a time without time zone).
        if (schema.default !== undefined) expect(check(schema.default), i.identifier).toBe("");
        else expect(schema.description, i.identifier).toBe(`Default (no time zone): ${i.default}`);
      }
      if (i.allowedValues.kind === "values")
        for (const v of i.allowedValues.values)
          expect(check(ogcapi.typedLiteral(i.dataType, v)), `${v}`).toBe("");
    }
  });

  it("a request built from the description passes the OpenAPI body schema, the OGC schema, the decoder and validation", () => {
    const body = requestFromDescription(d);
    const path = `/paths/${ptr(`/processes/${encodeURIComponent(p.identifier)}/execution`)}/post/requestBody/content/application~1json/schema`;
    expect(oasValidator(openapi, path)(body)).toBe("");
    expectValidOgc("execute", body);
    const r = ogcapi.decodeExecute(body, p);
    expect(r.inputs.length).toBeGreaterThanOrEqual(p.inputs.length);
    const validated = validateInputs(p, r.inputs);
    expect([...validated.keys()]).toEqual(p.inputs.map((i) => i.identifier));
    expect(validateOutputRequests(p, r.outputs).map((o) => o.id)).toEqual(p.outputs.map((o) => o.identifier));
  });

  it("statusInfo of its jobs in every state, the job list and a no-such-process problem naming it are valid", () => {
    const jobs = (["accepted", "running", "succeeded", "failed", "dismissed"] as const).map((status, i) =>
      jobRecord(p.identifier, status, i),
    );
    for (const j of jobs) expectValidOgc("statusInfo", ogcapi.encodeStatusInfo(j, urls));
    expectValidOgc("jobList", ogcapi.encodeJobList(jobs, urls, { self: urls.jobs }));
    const problem = ogcapi.encodeProblem(
      new RoostError("NoSuchProcess", `No process '${p.identifier}'`, { locator: p.identifier }),
      404,
    );
    expectValidOgc("exception", problem);
    expect(problem).toMatchObject({ type: ogcapi.OGC_EXCEPTION.noSuchProcess, locator: p.identifier });
  });

  it("a results document with every output is valid", () => {
    const doc = ogcapi.encodeResults(p.outputs.map((o) => ({ definition: o, value: sampleOutput(o) })));
    expectValidOgc("results", doc);
    expect(Object.keys(doc)).toEqual(p.outputs.map((o) => o.identifier));
  });
});

function jobRecord(processId: string, status: JobRecord["status"], i: number): JobRecord {
  const t = Date.UTC(2024, 0, 1) + i * 1000;
  return {
    id: `00000000-0000-4000-8000-00000000000${i}`,
    processId,
    status,
    mode: "async",
    backend: "local",
    progress: status === "running" ? 20 : null,
    message: null,
    createdAt: t,
    startedAt: status === "accepted" ? null : t + 1,
    finishedAt: status === "accepted" || status === "running" ? null : t + 2,
    updatedAt: t + 2,
    attempt: 1,
    schedulerRef: null,
    dismissRequested: false,
    request: {
      protocol: "ogcapi",
      response: "raw",
      outputs: [],
      lineage: false,
      statusUpdates: true,
      language: "en-US",
    },
    outputs: null,
    error: status === "failed" ? { code: "ProcessFailed", message: "Process error: boom" } : null,
  };
}

function sampleOutput(o: OutputDefinition): OutputValueView {
  switch (o.kind) {
    case "literal": {
      const value = { boolean: "true", integer: "42", float: "1.0", double: "2.5", angle: "90" }[
        o.dataType as string
      ];
      return { kind: "literal", value: value ?? "text", dataType: o.dataType };
    }
    case "complex": {
      const f = o.formats[0];
      if (!f) throw new Error("no format");
      if (o.asReference)
        return { kind: "reference", href: "http://roost.test/outputs/x", mimeType: f.mimeType };
      return isTextMimeType(f.mimeType)
        ? { kind: "inline", data: '{"a": [1]}', mimeType: f.mimeType, xml: false }
        : { kind: "inline", data: PNG_BASE64, encoding: "base64", mimeType: f.mimeType, xml: false };
    }
    case "bbox": {
      const value: BoundingBox = {
        crs: o.crs[0] as string,
        dimensions: 2,
        lowerCorner: [0, 1],
        upperCorner: [2, 3],
      };
      return { kind: "bbox", value };
    }
  }
}

describe("the OpenAPI definition of the whole demo set", () => {
  it("is valid OpenAPI 3.0 with one execute path per process", async () => {
    const res = await new Validator().validate(JSON.parse(JSON.stringify(openapi)));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    const paths = Object.keys(openapi.paths as object);
    for (const p of ALL_PROCESSES)
      expect(paths).toContain(`/processes/${encodeURIComponent(p.identifier)}/execution`);
  });
});

describe("echo: the requests of ets-ogcapi-processes10", () => {
  const echo = processById("echo");
  const d = ogcapi.encodeProcessDescription(echo, urls);

  it("the description shows what the suite looks for: a string first input, pause, bbox, binary, object", () => {
    const [firstIn] = Object.entries(d.inputs);
    const [firstOut] = Object.keys(d.outputs);
    expect(firstIn?.[1].schema).toMatchObject({ type: "string" });
    expect(firstIn?.[1].schema).not.toHaveProperty("format");
    expect(firstIn?.[1].schema).not.toHaveProperty("contentMediaType");
    expect(firstOut).toBe(firstIn?.[0]);
    expect(d.inputs.pause?.schema).toMatchObject({ type: "integer" });
    // The suite recognises a bbox by `type: object` + a `bbox` property, binary by `contentEncoding: binary`.
    expect(d.inputs.boundingBoxInput?.schema).toMatchObject({ type: "object", properties: { bbox: {} } });
    expect(d.inputs.imageInput?.schema).toMatchObject({
      oneOf: [{ contentEncoding: "binary" }, { contentEncoding: "binary" }],
    });
    expect(d.inputs.complexObjectInput?.schema).toMatchObject({ type: "object" });
    expect(d.outputs.boundingBoxInput?.schema).toMatchObject({ format: "ogc-bbox" });
  });

  // The generic request of the suite's Jobs tests (addInput for every recognised input, all outputs by value).
  const generic = {
    inputs: {
      stringInput: "teststring",
      boundingBoxInput: {
        crs: "urn:ogc:def:crs:EPSG:6.6:4326",
        bbox: [345345345, 345345345, 345345345, 345345345],
      },
      complexObjectInput: { value: "teststring" },
    },
    outputs: Object.fromEntries(echo.outputs.map((o) => [o.identifier, { transmissionMode: "value" }])),
  };

  it.each([
    ["generic (raw)", { ...generic, response: "raw" }, undefined],
    ["generic, async", generic, "respond-async "],
    [
      "one output (raw value one)",
      { inputs: generic.inputs, outputs: { stringInput: { transmissionMode: "value" } }, response: "raw" },
      undefined,
    ],
    ["pause=5 (result-not-ready)", { ...generic, inputs: { ...generic.inputs, pause: 5 } }, "respond-async "],
    [
      "bbox test (CRS84)",
      {
        ...generic,
        inputs: {
          ...generic.inputs,
          boundingBoxInput: { bbox: [51.9, 7, 52, 7.1], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84" },
        },
      },
      undefined,
    ],
    [
      "binary test (base64 GeoTIFF, format object)",
      {
        ...generic,
        inputs: {
          ...generic.inputs,
          imageInput: {
            value: "SUkqAAgAAAA=",
            format: { mediaType: "image/tiff; subtype=geotiff", encoding: "base64" },
          },
        },
      },
      undefined,
    ],
    ["array test", { ...generic, inputs: { ...generic.inputs, arrayInput: [1, 2, 3] } }, undefined],
    ["document response", { ...generic, response: "document" }, undefined],
    [
      "reference outputs",
      { inputs: generic.inputs, outputs: { complexObjectInput: { transmissionMode: "reference" } } },
      undefined,
    ],
  ] as const)("%s", (_label, body, prefer) => {
    expect(ogcErrors("execute", body)).toBe("");
    const r = ogcapi.decodeExecute(body, echo, ogcapi.parsePrefer(prefer));
    expect(r.mode).toBe(prefer ? "async" : "sync");
    expect(r.preferenceApplied).toEqual(prefer ? ["respond-async"] : []);
    const v = validateInputs(echo, r.inputs);
    validateOutputRequests(echo, r.outputs);
    expect(v.get("stringInput")).toEqual([{ kind: "literal", value: "teststring" }]);
    expect(v.get("boundingBoxInput")?.[0]).toMatchObject({ kind: "bbox" });
    // The object input's "teststring" is kept as the content, so the echo gives it back verbatim.
    expect(v.get("complexObjectInput")?.[0]).toMatchObject({
      source: { kind: "inline", data: "teststring" },
    });
  });

  it("result-not-ready: pause 5 is accepted; pause outside 0–60 is refused by validation", () => {
    const ok = ogcapi.decodeExecute({ inputs: { pause: 5 } }, echo);
    expect(validateInputs(echo, ok.inputs).get("pause")).toEqual([{ kind: "literal", value: 5 }]);
    const bad = ogcapi.decodeExecute({ inputs: { pause: 61 } }, echo);
    expect(() => validateInputs(echo, bad.inputs)).toThrow(/allowed values/);
  });

  it("the echoed results (raw multi and document) carry the test string", () => {
    const doc = ogcapi.encodeResults([
      {
        definition: echo.outputMap.get("stringInput") as OutputDefinition,
        value: { kind: "literal", value: "teststring", dataType: "string" },
      },
      {
        definition: echo.outputMap.get("complexObjectInput") as OutputDefinition,
        value: { kind: "inline", data: "teststring", mimeType: "application/json", xml: false },
      },
      {
        definition: echo.outputMap.get("arrayInput") as OutputDefinition,
        value: { kind: "inline", data: "[1,2,3]", mimeType: "application/json", xml: false },
      },
    ]);
    expectValidOgc("results", doc);
    expect(doc).toEqual({
      stringInput: "teststring",
      complexObjectInput: { value: "teststring", mediaType: "application/json" },
      arrayInput: { value: [1, 2, 3], mediaType: "application/json" },
    });
  });
});
