/**
 * The OpenAPI 3.0 definition: valid against the official OAS 3.0 schema (@seriousme/openapi-schema-validator, offline),
 * every endpoint and status code of the server, the ETS's operation ids, and per-process execute bodies that accept
 * valid requests and refuse invalid ones.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { oasValidator, ptr } from "../../../test/helpers/ogc-schemas.js";
import { ogcapi } from "../src/internal.js";
import { asyncOnly, kitchenSink, service, syncOnly } from "./ogcapi-fixtures.js";

const doc = ogcapi.buildOpenApi(service, [kitchenSink, syncOnly, asyncOnly], {
  serverUrl: "https://roost.example/ogc",
  version: "0.1.0",
});
type Operation = {
  operationId?: string;
  responses: Record<string, unknown>;
  parameters?: { $ref?: string }[];
};
const paths = doc.paths as Record<string, Record<string, Operation>>;
const operations = Object.entries(paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ["get", "post", "delete"].includes(method))
    .map(([method, op]) => ({ path, method, op })),
);

/** Validation errors of an OpenAPI document (empty array when valid). */
export async function openApiErrors(d: unknown): Promise<unknown[]> {
  const res = await new Validator().validate(JSON.parse(JSON.stringify(d)));
  return res.valid ? [] : ((res.errors as unknown[]) ?? ["invalid"]);
}

describe("OpenAPI document", () => {
  it("is valid OpenAPI 3.0", async () => {
    expect(doc.openapi).toBe("3.0.3");
    expect(await openApiErrors(doc)).toEqual([]);
  });

  it("the validator used here does reject an invalid document", async () => {
    expect(await openApiErrors({ ...doc, info: { title: "x" } })).not.toEqual([]);
    expect(await openApiErrors({ ...doc, paths: { "/x": { get: { responses: { 200: {} } } } } })).not.toEqual(
      [],
    );
  });

  it("has every endpoint of Part 1 with the operation ids the ETS looks up, each id once", () => {
    const ids = operations.map((o) => `${o.method} ${o.path} ${o.op.operationId}`);
    for (const expected of [
      "get / getLandingPage",
      "get /conformance getConformanceClasses",
      "get /api getApiDefinition",
      "get /processes getProcesses",
      "get /processes/{processID} getProcessDescription",
      "post /processes/{processID}/execution execute",
      "get /jobs getJobs",
      "get /jobs/{jobID} getStatus",
      "delete /jobs/{jobID} dismiss",
      "get /jobs/{jobID}/results getResult",
    ])
      expect(ids).toContain(expected);
    const opIds = operations.map((o) => o.op.operationId);
    expect(new Set(opIds).size).toBe(opIds.length);
  });

  it("gives each process its own execute path, the id percent-encoded", () => {
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/processes/non.py-id%20%3C%26%3E%20%C3%A9/execution",
        "/processes/sync-only/execution",
        "/processes/async-only/execution",
      ]),
    );
    expect(paths["/processes/sync-only/execution"]?.post?.operationId).toBe("execute_sync_only");
  });

  it("lists every status code the server answers with", () => {
    const codes = new Set(operations.flatMap((o) => Object.keys(o.op.responses)));
    expect([...codes].sort()).toEqual([
      "200",
      "201",
      "204",
      "400",
      "404",
      "405",
      "406",
      "413",
      "500",
      "501",
      "503",
    ]);
    expect(Object.keys(paths["/processes/{processID}/execution"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "201", "204", "400", "404", "413", "500", "503"]),
    );
  });

  it("takes the Prefer header on every execute operation and declares the jobCompleted callback", () => {
    for (const { path, op } of operations.filter((o) => o.method === "post")) {
      expect(
        op.parameters?.map((p) => p.$ref),
        path,
      ).toContain("#/components/parameters/Prefer");
      expect(op).toHaveProperty([
        "callbacks",
        "jobCompleted",
        "{$request.body#/subscriber/successUri}",
        "post",
      ]);
    }
  });

  it("takes the job-list query parameters", () => {
    const params = (paths["/jobs"]?.get?.parameters ?? []).map((p) => p.$ref?.split("/").pop());
    expect(params).toEqual([
      "type",
      "processIDQuery",
      "status",
      "datetime",
      "minDuration",
      "maxDuration",
      "limit",
    ]);
    const comp = (doc.components as { parameters: Record<string, { name: string; in: string }> }).parameters;
    expect(params.map((p) => comp[p as string]?.name)).toEqual([
      "type",
      "processID",
      "status",
      "datetime",
      "minDuration",
      "maxDuration",
      "limit",
    ]);
  });

  it("declares no security scheme and says why", () => {
    expect(doc).not.toHaveProperty("security");
    expect(doc.components).not.toHaveProperty("securitySchemes");
    expect((doc.info as { description: string }).description).toMatch(/no authentication/);
  });

  it("every $ref points at something that exists", () => {
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref" && typeof x === "string") refs.push(x);
          else walk(x);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const r of new Set(refs)) {
      const target = r
        .slice(2)
        .split("/")
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
      expect(target, r).toBeDefined();
    }
  });
});

describe("per-process execute body", () => {
  const path = "/processes/non.py-id%20%3C%26%3E%20%C3%A9/execution";
  const check = oasValidator(doc, `/paths/${ptr(path)}/post/requestBody/content/application~1json/schema`);
  const valid = {
    inputs: {
      "input 1": 3,
      some: [1.5, { value: 2 }],
      choice: "paper",
      grid: 150,
      flag: false,
      day: "2024-02-29",
      when: "2024-02-29T12:00:00Z",
      many: ["a", "b", "c"],
      doc: { value: { any: ["json"] } },
      file: [
        "SUkqAA==",
        { value: "text", mediaType: "text/plain" },
        { href: "https://example.org/a.gml", type: "application/gml+xml" },
      ],
      box: { bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:4326" },
    },
    outputs: { json: { format: { mediaType: "application/zip" }, transmissionMode: "reference" } },
    response: "document",
    subscriber: { successUri: "https://client.example/done" },
  };

  it("accepts a valid request, which the decoder also takes", () => {
    expect(check(valid)).toBe("");
    expect(() => ogcapi.decodeExecute(valid, kitchenSink)).not.toThrow();
  });

  it.each([
    ["an unknown input", { inputs: { nope: 1 } }],
    ["a missing required input", { inputs: { "input 1": 3 } }],
    ["a wrong type", { inputs: { ...valid.inputs, "input 1": "three" } }],
    ["a value outside the allowed ones", { inputs: { ...valid.inputs, choice: "lizard" } }],
    ["a value outside the ranges", { inputs: { ...valid.inputs, grid: 55 } }],
    ["too many occurrences", { inputs: { ...valid.inputs, some: [1, 2, 3, 4, 5, 6] } }],
    ["an array for a single-valued input", { inputs: { ...valid.inputs, flag: [true, false] } }],
    ["a 2-D box for a 3-D input", { inputs: { ...valid.inputs, box: { bbox: [1, 2, 3, 4] } } }],
    ["an unsupported CRS", { inputs: { ...valid.inputs, box: { bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:1" } } }],
    [
      "an unsupported media type",
      { inputs: { ...valid.inputs, file: { value: "x", mediaType: "text/csv" } } },
    ],
    ["an unknown output", { inputs: valid.inputs, outputs: { nope: {} } }],
    ["a bad transmission mode", { inputs: valid.inputs, outputs: { json: { transmissionMode: "ref" } } }],
    ["a bad response", { inputs: valid.inputs, response: "json" }],
  ])("refuses %s", (_label, body) => {
    expect(check(body)).not.toBe("");
  });
});
