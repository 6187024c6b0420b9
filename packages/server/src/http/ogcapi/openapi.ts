/**
 * Roost's API definition: the codec's Part 1 definition (`ogcapi.buildOpenApi`) amended with what this server
 * really does — the `cursor` of the job list and `offset` of the process list, `/jobs/{jobID}/inputs` and the 2.0
 * draft's `/jobs/{jobID}/results/{outputID}`, 415 for a body that is not JSON, 410 for the results of a dismissed
 * job — and without the statuses it never sends on those operations (501 anywhere, 405 on DELETE: a finished job is
 * withdrawn and answered 200; 405 exists only for methods a path has no operation for, which OpenAPI cannot list).
 */
import { ogcapi, type ProcessDefinition, type ServiceInfo } from "@roost/core/internal";

type Json = Record<string, unknown>;

const ref = (kind: string, name: string): Json => ({ $ref: `#/components/${kind}/${name}` });

function operations(doc: Json): Json[] {
  const out: Json[] = [];
  for (const item of Object.values(doc.paths as Record<string, Json>))
    for (const [method, op] of Object.entries(item))
      if (["get", "post", "delete"].includes(method)) out.push(op as Json);
  return out;
}

/** The OpenAPI 3.0 document of the server (computed once: the registry is immutable). */
export function serverOpenApi(
  svc: ServiceInfo,
  processes: readonly ProcessDefinition[],
  o: { readonly serverUrl: string; readonly version: string; readonly language?: string },
): Json {
  const doc = ogcapi.buildOpenApi(svc, processes, {
    serverUrl: o.serverUrl,
    version: o.version,
    apiPath: "/api",
    ...(o.language !== undefined ? { language: o.language } : {}),
  });
  const components = doc.components as { responses: Json; parameters: Json; schemas: Json };
  const problem = (components.responses.InvalidParameter as Json).content;
  components.responses.UnsupportedMediaType = {
    description: "The request body is not JSON (send `Content-Type: application/json`).",
    content: problem,
  };
  components.responses.Gone = {
    description: "The job was dismissed: its results are gone.",
    content: problem,
  };
  components.parameters.cursor = {
    name: "cursor",
    in: "query",
    required: false,
    description:
      "Where the page starts: the opaque value of the previous page's `next` link (keyset pagination; pages are " +
      "stable while jobs are added).",
    schema: { type: "string" },
  };
  components.parameters.offset = {
    name: "offset",
    in: "query",
    required: false,
    description: "How many processes to skip (the `next` and `prev` links carry it).",
    schema: { type: "integer", minimum: 0, default: 0 },
  };
  components.parameters.outputID = {
    name: "outputID",
    in: "path",
    required: true,
    description: "The identifier of an output of the job's process.",
    schema: { type: "string" },
  };
  for (const op of operations(doc)) delete (op.responses as Json)["501"];
  const paths = doc.paths as Record<string, Json>;
  const op = (path: string, method: string): Json => {
    const o = paths[path]?.[method];
    if (o === undefined) throw new Error(`the codec's API definition has no ${method} ${path}`);
    return o as Json;
  };
  delete (op("/jobs/{jobID}", "delete").responses as Json)["405"];
  for (const path of Object.keys(paths))
    if (path.startsWith("/processes/") && path.endsWith("/execution"))
      (op(path, "post").responses as Json)["415"] = ref("responses", "UnsupportedMediaType");
  (op("/jobs/{jobID}/results", "get").responses as Json)["410"] = ref("responses", "Gone");
  (op("/jobs", "get").parameters as Json[]).push(ref("parameters", "cursor"));
  (op("/processes", "get").parameters as Json[]).push(ref("parameters", "offset"));
  const errors = (...codes: [string, string][]) =>
    Object.fromEntries(codes.map(([code, name]) => [code, ref("responses", name)]));
  paths["/jobs/{jobID}/inputs"] = {
    get: {
      operationId: "getJobInputs",
      summary: "The inputs and outputs a job was requested with, as an execute request body",
      parameters: [ref("parameters", "jobID")],
      responses: {
        "200": {
          description:
            "`{inputs, outputs, response}` as an execute request would carry them, plus `omitted` (inputs left " +
            "out of the record to keep it small) and links.",
          content: { "application/json": { schema: { type: "object" } } },
        },
        ...errors(
          ["404", "NotFound"],
          ["406", "NotAcceptable"],
          ["500", "ServerError"],
          ["503", "ServiceUnavailable"],
        ),
      },
    },
  };
  paths["/jobs/{jobID}/results/{outputID}"] = {
    get: {
      operationId: "getResultOutput",
      summary: "One output of a job, as its own content (OGC API – Processes 2.0 draft)",
      parameters: [ref("parameters", "jobID"), ref("parameters", "outputID")],
      responses: {
        "200": {
          description: "The output's content, in its own media type.",
          content: { "*/*": { schema: { type: "string", format: "binary" } } },
        },
        "303": {
          description: "The output is a link the process produced: `Location` is that link.",
          headers: { Location: { schema: { type: "string", format: "uri" } } },
        },
        ...errors(
          ["404", "NotFound"],
          ["410", "Gone"],
          ["500", "ServerError"],
          ["503", "ServiceUnavailable"],
        ),
      },
    },
  };
  return doc;
}
