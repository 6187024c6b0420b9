/**
 * The reusable parts of Roost's OpenAPI 3.0 definition: the OGC API – Processes 1.0 document schemas (written out
 * in the OpenAPI 3.0 dialect from the standard's `openapi/schemas/*.yaml`, so the definition is self-contained and
 * needs no download), parameters and error responses.
 */
import { CRS84, OGC_MEDIA } from "./constants.js";
import type { JsonSchema } from "./schema.js";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str: JsonSchema = { type: "string" };
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: "array", items });

/** `components.schemas`. */
export function documentSchemas(): Record<string, JsonSchema> {
  const descriptionType: JsonSchema = {
    type: "object",
    properties: {
      title: str,
      description: str,
      keywords: arrayOf(str),
      metadata: arrayOf(ref("metadata")),
    },
  };
  return {
    link: {
      type: "object",
      required: ["href"],
      properties: { href: str, rel: str, type: str, hreflang: str, title: str },
    },
    landingPage: {
      type: "object",
      required: ["links"],
      properties: { title: str, description: str, links: arrayOf(ref("link")) },
    },
    confClasses: { type: "object", required: ["conformsTo"], properties: { conformsTo: arrayOf(str) } },
    metadata: { type: "object", properties: { title: str, role: str, href: str } },
    descriptionType,
    jobControlOptions: { type: "string", enum: ["sync-execute", "async-execute", "dismiss"] },
    transmissionMode: { type: "string", enum: ["value", "reference"], default: "value" },
    processSummary: {
      allOf: [
        ref("descriptionType"),
        {
          type: "object",
          required: ["id", "version"],
          properties: {
            id: str,
            version: str,
            jobControlOptions: arrayOf(ref("jobControlOptions")),
            outputTransmission: arrayOf(ref("transmissionMode")),
            links: arrayOf(ref("link")),
          },
        },
      ],
    },
    processList: {
      type: "object",
      required: ["processes", "links"],
      properties: { processes: arrayOf(ref("processSummary")), links: arrayOf(ref("link")) },
    },
    inputDescription: {
      allOf: [
        ref("descriptionType"),
        {
          type: "object",
          required: ["schema"],
          properties: {
            minOccurs: { type: "integer", default: 1 },
            maxOccurs: {
              oneOf: [
                { type: "integer", default: 1 },
                { type: "string", enum: ["unbounded"] },
              ],
            },
            schema: { type: "object", description: "A JSON Schema (OpenAPI 3.0 dialect) of one value" },
          },
        },
      ],
    },
    outputDescription: {
      allOf: [
        ref("descriptionType"),
        {
          type: "object",
          required: ["schema"],
          properties: {
            schema: { type: "object", description: "A JSON Schema (OpenAPI 3.0 dialect) of one value" },
          },
        },
      ],
    },
    process: {
      allOf: [
        ref("processSummary"),
        {
          type: "object",
          properties: {
            inputs: { type: "object", additionalProperties: ref("inputDescription") },
            outputs: { type: "object", additionalProperties: ref("outputDescription") },
          },
        },
      ],
    },
    statusCode: { type: "string", enum: ["accepted", "running", "successful", "failed", "dismissed"] },
    statusInfo: {
      type: "object",
      required: ["jobID", "status", "type"],
      properties: {
        processID: str,
        type: { type: "string", enum: ["process"] },
        jobID: str,
        status: ref("statusCode"),
        message: str,
        created: { type: "string", format: "date-time" },
        started: { type: "string", format: "date-time" },
        finished: { type: "string", format: "date-time" },
        updated: { type: "string", format: "date-time" },
        progress: { type: "integer", minimum: 0, maximum: 100 },
        links: arrayOf(ref("link")),
      },
    },
    jobList: {
      type: "object",
      required: ["jobs", "links"],
      properties: { jobs: arrayOf(ref("statusInfo")), links: arrayOf(ref("link")) },
    },
    exception: {
      type: "object",
      required: ["type"],
      description:
        "RFC 7807 problem details; Roost adds `locator` (the parameter, input or output concerned).",
      properties: {
        type: str,
        title: str,
        status: { type: "integer" },
        detail: str,
        instance: str,
        locator: str,
      },
      additionalProperties: true,
    },
    bbox: {
      type: "object",
      required: ["bbox"],
      properties: {
        bbox: { type: "array", items: { type: "number" }, minItems: 4, maxItems: 6 },
        crs: { type: "string", default: CRS84, description: "Roost accepts every CRS a process lists" },
      },
    },
    format: {
      type: "object",
      properties: {
        mediaType: str,
        encoding: str,
        schema: { anyOf: [{ type: "string", format: "uri" }, { type: "object" }] },
      },
    },
    qualifiedValue: {
      allOf: [ref("format"), { type: "object", required: ["value"], properties: { value: {} } }],
    },
    inlineOrRefData: {
      anyOf: [
        { type: "string" },
        { type: "number" },
        { type: "boolean" },
        { type: "array", items: {} },
        ref("bbox"),
        ref("qualifiedValue"),
        ref("link"),
      ],
    },
    results: { type: "object", additionalProperties: ref("inlineOrRefData") },
    output: {
      type: "object",
      properties: { format: ref("format"), transmissionMode: ref("transmissionMode") },
    },
    subscriber: {
      type: "object",
      description:
        "Callback URLs (class callback); each is called with a POST when the job reaches that state.",
      properties: {
        successUri: { type: "string", format: "uri" },
        inProgressUri: { type: "string", format: "uri" },
        failedUri: { type: "string", format: "uri" },
      },
    },
    execute: {
      type: "object",
      properties: {
        inputs: {
          type: "object",
          additionalProperties: {
            anyOf: [ref("inlineOrRefData"), { type: "array", items: ref("inlineOrRefData") }],
          },
        },
        outputs: { type: "object", additionalProperties: ref("output") },
        response: { type: "string", enum: ["raw", "document"], default: "raw" },
        subscriber: ref("subscriber"),
      },
    },
  };
}

const problemContent = {
  [OGC_MEDIA.problem]: { schema: ref("exception") },
  [OGC_MEDIA.json]: { schema: ref("exception") },
};

/** `components.responses`: the error answers, all RFC 7807 documents. */
export function errorResponses(): Record<string, JsonSchema> {
  const r = (description: string): JsonSchema => ({ description, content: problemContent });
  return {
    InvalidParameter: r("A query parameter or the request body is invalid (bad input, unknown output, …)."),
    NotFound: r(
      "No such process or job (`no-such-process`, `no-such-job`), or the job's results are not ready (`result-not-ready`).",
    ),
    NotAllowed: r("The method is not allowed on this resource (e.g. the job cannot be dismissed any more)."),
    NotAcceptable: r("None of the media types in `Accept` can be produced."),
    PayloadTooLarge: r("The request body, or an input, exceeds the server's size limit."),
    ServerError: r("An internal error; the server log holds the details under the reported id."),
    NotImplemented: r("The requested combination (e.g. of response form and outputs) is not supported."),
    ServiceUnavailable: r(
      "The server is busy (job queue full) or its job store is unavailable; retry after `Retry-After` seconds.",
    ),
  };
}

/** `components.parameters`. */
export function parameters(): Record<string, JsonSchema> {
  const csv = (name: string, description: string, items: JsonSchema): JsonSchema => ({
    name,
    in: "query",
    required: false,
    description,
    style: "form",
    explode: false,
    schema: { type: "array", items },
  });
  return {
    processID: {
      name: "processID",
      in: "path",
      required: true,
      description: "The identifier of a process.",
      schema: { type: "string" },
    },
    jobID: {
      name: "jobID",
      in: "path",
      required: true,
      description: "The identifier of a job.",
      schema: { type: "string" },
    },
    limit: {
      name: "limit",
      in: "query",
      required: false,
      description: "The maximum number of items in the response.",
      style: "form",
      explode: false,
      schema: { type: "integer", minimum: 1, maximum: 10000, default: 10 },
    },
    type: csv("type", "Only jobs of these types (`process`: OGC API jobs).", {
      type: "string",
      enum: ["process"],
    }),
    processIDQuery: csv("processID", "Only jobs of these processes.", { type: "string" }),
    status: csv("status", "Only jobs in these states (default: all but `accepted`).", ref("statusCode")),
    datetime: {
      name: "datetime",
      in: "query",
      required: false,
      description:
        "Only jobs created at this instant or in this interval (RFC 3339; intervals `a/b`, `../b`, `a/..`).",
      style: "form",
      explode: false,
      schema: { type: "string" },
    },
    minDuration: {
      name: "minDuration",
      in: "query",
      required: false,
      description: "Only jobs that ran (or have been running) at least this many seconds.",
      style: "form",
      explode: false,
      schema: { type: "integer", minimum: 0 },
    },
    maxDuration: {
      name: "maxDuration",
      in: "query",
      required: false,
      description: "Only jobs that ran (or have been running) at most this many seconds.",
      style: "form",
      explode: false,
      schema: { type: "integer", minimum: 0 },
    },
    Prefer: {
      name: "Prefer",
      in: "header",
      required: false,
      description:
        "RFC 7240 preferences. `respond-async` asks for asynchronous execution (honoured when the process supports " +
        "both modes; a process supporting only one always runs in that mode); `wait=N` is accepted; " +
        "`return=minimal|representation` chooses the response form when the body has no `response` member. " +
        "Honoured preferences are echoed in `Preference-Applied`.",
      schema: { type: "string" },
      examples: { async: { value: "respond-async" }, wait: { value: "respond-async, wait=10" } },
    },
  };
}
