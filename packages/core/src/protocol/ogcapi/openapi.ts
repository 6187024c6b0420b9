/**
 * The OpenAPI 3.0 definition of Roost's OGC API – Processes front end (class oas30): every endpoint of Part 1 with
 * the operation ids the ETS looks up (`getLandingPage`, `getConformanceClasses`, `getProcesses`,
 * `getProcessDescription`, `execute`, `getJobs`, `getStatus`, `dismiss`, `getResult`), every status code the server
 * answers with, the `Prefer` header, the job-list query parameters and the `jobCompleted` callback.
 *
 * Besides the generic `/processes/{processID}/execution`, each process gets its own path
 * (`/processes/hello/execution`) whose request body spells out that process's inputs and outputs as JSON Schema, so
 * generic OpenAPI tooling (Swagger UI, client generators) can build a valid request. OpenAPI 3.0 matches concrete
 * paths before templated ones, so the two do not conflict.
 *
 * Paths are those of the standard, relative to the `servers` URL (the landing page); only the API definition's own
 * path is not fixed by the standard and is a parameter.
 */
import type { InputDefinition } from "../../io/types.js";
import { type ProcessDefinition, translated } from "../../process/define.js";
import type { ServiceInfo } from "../service-info.js";
import { OGC_MEDIA } from "./constants.js";
import { documentSchemas, errorResponses, parameters } from "./openapi-components.js";
import { inputSchema, isJsonMimeType, type JsonSchema, outputSchema } from "./schema.js";

/** What the definition says about the server. */
export interface OpenApiOptions {
  /** Absolute URL of the landing page; the paths are relative to it. */
  readonly serverUrl: string;
  /** Version of the API (Roost's version). */
  readonly version: string;
  /** Path of the API definition itself. Default `/api`. */
  readonly apiPath?: string;
  /** Language of process titles and descriptions. */
  readonly language?: string;
}

const ref = (kind: "schemas" | "responses" | "parameters", name: string): JsonSchema => ({
  $ref: `#/components/${kind}/${name}`,
});
const json = (schema: JsonSchema): JsonSchema => ({ [OGC_MEDIA.json]: { schema } });
const errors = (...names: string[]): Record<string, JsonSchema> => {
  const codes: Record<string, string> = {
    InvalidParameter: "400",
    NotFound: "404",
    NotAllowed: "405",
    NotAcceptable: "406",
    PayloadTooLarge: "413",
    ServerError: "500",
    NotImplemented: "501",
    ServiceUnavailable: "503",
  };
  return Object.fromEntries(names.map((n) => [codes[n] as string, ref("responses", n)]));
};
/** Errors any GET may answer with. */
const GET_ERRORS = ["NotAcceptable", "ServerError", "ServiceUnavailable"];

function get(operationId: string, summary: string, ok: JsonSchema, extra: Record<string, JsonSchema> = {}) {
  return { get: { operationId, summary, ...extra, responses: { "200": ok, ...errors(...GET_ERRORS) } } };
}

function okJson(description: string, schema: string): JsonSchema {
  return { description, content: json(ref("schemas", schema)) };
}

/** The JSON Schema of one input's value in an execute body: every form the decoder accepts for it. */
export function executeInputSchema(d: InputDefinition): JsonSchema {
  const value = inputSchema(d);
  let one: JsonSchema;
  switch (d.kind) {
    case "literal":
      one = {
        anyOf: [
          value,
          { type: "object", required: ["value"], properties: { value, uom: { type: "string" } } },
        ],
      };
      break;
    case "bbox":
      one = { anyOf: [value, { type: "object", required: ["value"], properties: { value } }] };
      break;
    case "complex": {
      const mediaTypes = d.formats.map((f) => f.mimeType);
      const json = isJsonMimeType(mediaTypes[0] ?? "");
      one = {
        anyOf: [
          { type: "string", description: "The content (base64 for binary formats)" },
          ...(json ? [{ type: "object", description: "The JSON content itself" }] : []),
          {
            type: "object",
            required: ["value"],
            properties: {
              value: json ? {} : { type: "string" },
              mediaType: { type: "string", enum: mediaTypes },
              encoding: { type: "string" },
              schema: { anyOf: [{ type: "string", format: "uri" }, { type: "object" }] },
            },
          },
          {
            type: "object",
            required: ["href"],
            properties: {
              href: { type: "string", format: "uri" },
              type: { type: "string", enum: mediaTypes },
            },
          },
        ],
      };
      break;
    }
  }
  if (d.maxOccurs <= 1) return one;
  const many: JsonSchema = { type: "array", items: one };
  if (d.maxOccurs < Number.MAX_SAFE_INTEGER) many.maxItems = d.maxOccurs;
  return { anyOf: [one, many] };
}

/** The execute request body schema of one process. */
export function executeBodySchema(p: ProcessDefinition): JsonSchema {
  const inputs: Record<string, JsonSchema> = Object.create(null);
  const required: string[] = [];
  for (const d of p.inputs) {
    inputs[d.identifier] = executeInputSchema(d);
    if (d.minOccurs > 0 && !(d.kind === "literal" && d.default !== undefined)) required.push(d.identifier);
  }
  const outputs: Record<string, JsonSchema> = Object.create(null);
  for (const d of p.outputs) {
    const formats = d.kind === "complex" ? d.formats.map((f) => f.mimeType) : undefined;
    outputs[d.identifier] = {
      type: "object",
      description: `Output schema: ${JSON.stringify(outputSchema(d))}`,
      properties: {
        format: {
          type: "object",
          properties: {
            mediaType: formats ? { type: "string", enum: formats } : { type: "string" },
            encoding: { type: "string" },
            schema: { anyOf: [{ type: "string", format: "uri" }, { type: "object" }] },
          },
        },
        transmissionMode: ref("schemas", "transmissionMode"),
      },
    };
  }
  return {
    type: "object",
    properties: {
      inputs: {
        type: "object",
        properties: inputs,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      },
      outputs: { type: "object", properties: outputs, additionalProperties: false },
      response: { type: "string", enum: ["raw", "document"], default: "raw" },
      subscriber: ref("schemas", "subscriber"),
    },
  };
}

function executeOperation(operationId: string, summary: string, body: JsonSchema, withPathParam: boolean) {
  return {
    post: {
      operationId,
      summary,
      parameters: [...(withPathParam ? [ref("parameters", "processID")] : []), ref("parameters", "Prefer")],
      requestBody: { required: true, content: json(body) },
      responses: {
        "200": {
          description:
            "Synchronous execution: a results document (`response: document`), the one output's raw content, or " +
            "`multipart/related` with one part per output (`response: raw`).",
          headers: {
            Link: {
              description: "`<…/jobs/{jobID}>; rel=monitor`: the job this execution created",
              schema: { type: "string" },
            },
          },
          content: {
            ...json(ref("schemas", "results")),
            "multipart/related": { schema: { type: "string", format: "binary" } },
            "*/*": { schema: { type: "string", format: "binary" } },
          },
        },
        "201": {
          description: "Asynchronous execution: the job was created.",
          headers: {
            Location: { description: "The job's status URL", schema: { type: "string", format: "uri" } },
            "Preference-Applied": {
              description: "`respond-async` when it was honoured",
              schema: { type: "string" },
            },
          },
          content: json(ref("schemas", "statusInfo")),
        },
        "204": {
          description:
            "Synchronous execution, raw response, outputs by reference: one `Link` header per output.",
          headers: { Link: { description: "Links to the outputs", schema: { type: "string" } } },
        },
        ...errors(
          "InvalidParameter",
          "NotFound",
          "NotAcceptable",
          "PayloadTooLarge",
          "ServerError",
          "NotImplemented",
          "ServiceUnavailable",
        ),
      },
      callbacks: {
        jobCompleted: {
          "{$request.body#/subscriber/successUri}": {
            post: {
              summary: "Called with the results when the job succeeds",
              requestBody: { content: json(ref("schemas", "results")) },
              responses: { "200": { description: "The callback was received." } },
            },
          },
        },
      },
    },
  };
}

/** A stable, unique operation id for a process's own execute path. */
function operationIdOf(processId: string, used: Set<string>): string {
  const base = `execute_${processId.replace(/[^A-Za-z0-9_]/g, "_")}`;
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}

/** The OpenAPI 3.0 document for `processes`. */
export function buildOpenApi(
  svc: ServiceInfo,
  processes: readonly ProcessDefinition[],
  o: OpenApiOptions,
): Record<string, unknown> {
  const apiPath = o.apiPath ?? "/api";
  const paths: Record<string, unknown> = {
    "/": get("getLandingPage", "The landing page", okJson("Links to the API's resources", "landingPage")),
    "/conformance": get(
      "getConformanceClasses",
      "The conformance classes the server implements",
      okJson("The conformance declaration", "confClasses"),
    ),
    [apiPath]: get("getApiDefinition", "This API definition", {
      description: "The API definition (OpenAPI 3.0 as JSON, or HTML documentation)",
      content: {
        [OGC_MEDIA.openapi]: { schema: { type: "object" } },
        [OGC_MEDIA.html]: { schema: { type: "string" } },
      },
    }),
    "/processes": {
      get: {
        operationId: "getProcesses",
        summary: "The processes offered",
        parameters: [ref("parameters", "limit")],
        responses: {
          "200": okJson("The process list", "processList"),
          ...errors("InvalidParameter", ...GET_ERRORS),
        },
      },
    },
    "/processes/{processID}": {
      get: {
        operationId: "getProcessDescription",
        summary: "A process description",
        parameters: [ref("parameters", "processID")],
        responses: {
          "200": okJson("The process description", "process"),
          ...errors("NotFound", ...GET_ERRORS),
        },
      },
    },
    "/processes/{processID}/execution": executeOperation(
      "execute",
      "Execute a process",
      ref("schemas", "execute"),
      true,
    ),
  };
  const used = new Set<string>();
  for (const p of processes) {
    const t = translated(p, o.language);
    paths[`/processes/${encodeURIComponent(p.identifier)}/execution`] = executeOperation(
      operationIdOf(p.identifier, used),
      `Execute '${p.identifier}': ${t.title}`,
      executeBodySchema(p),
      false,
    );
  }
  paths["/jobs"] = {
    get: {
      operationId: "getJobs",
      summary: "The jobs",
      parameters: ["type", "processIDQuery", "status", "datetime", "minDuration", "maxDuration", "limit"].map(
        (n) => ref("parameters", n),
      ),
      responses: { "200": okJson("The job list", "jobList"), ...errors("InvalidParameter", ...GET_ERRORS) },
    },
  };
  paths["/jobs/{jobID}"] = {
    parameters: [ref("parameters", "jobID")],
    get: {
      operationId: "getStatus",
      summary: "A job's status",
      responses: { "200": okJson("The job's status", "statusInfo"), ...errors("NotFound", ...GET_ERRORS) },
    },
    delete: {
      operationId: "dismiss",
      summary: "Dismiss a job: cancel it, or remove its results",
      responses: {
        "200": okJson("The job, dismissed", "statusInfo"),
        ...errors("NotFound", "NotAllowed", "NotAcceptable", "ServerError", "ServiceUnavailable"),
      },
    },
  };
  paths["/jobs/{jobID}/results"] = {
    get: {
      operationId: "getResult",
      summary: "A job's results",
      parameters: [ref("parameters", "jobID")],
      responses: {
        "200": {
          description: "The results, in the form the execute request asked for (document, raw or multipart).",
          content: {
            ...json(ref("schemas", "results")),
            "multipart/related": { schema: { type: "string", format: "binary" } },
            "*/*": { schema: { type: "string", format: "binary" } },
          },
        },
        "204": {
          description: "Raw response with outputs by reference: one `Link` header per output.",
          headers: { Link: { description: "Links to the outputs", schema: { type: "string" } } },
        },
        ...errors(
          "InvalidParameter",
          "NotFound",
          "NotAcceptable",
          "ServerError",
          "NotImplemented",
          "ServiceUnavailable",
        ),
      },
    },
  };
  return {
    openapi: "3.0.3",
    info: {
      title: svc.title,
      version: o.version,
      description:
        `${svc.abstract ?? svc.title}\n\nOGC API – Processes – Part 1: Core 1.0.0. ` +
        "Roost has no authentication of its own, so this definition declares no security schemes: protect it " +
        "with a reverse proxy when it must not be public. Error responses are RFC 7807 problem documents.",
      contact: {
        name: svc.provider.name,
        ...(svc.provider.site !== undefined ? { url: svc.provider.site } : {}),
        ...(svc.provider.email !== undefined ? { email: svc.provider.email } : {}),
      },
    },
    servers: [{ url: o.serverUrl }],
    paths,
    components: { schemas: documentSchemas(), responses: errorResponses(), parameters: parameters() },
  };
}
