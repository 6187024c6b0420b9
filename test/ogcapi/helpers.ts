/**
 * Helpers of the cross-package OGC API codec tests: the processes under test (Emu's demo set plus the conformance
 * processes), URL builders, and a client-side request builder that reads only a process *description* — as a
 * generic OGC API client would — and produces a valid execute request from it.
 */
import type { ogcapi, ProcessDefinition, ServiceInfo } from "@roost/core";
import { CONFORMANCE_PROCESSES, DEMO_PROCESSES } from "../../packages/server/src/demo/index.js";

/** Every process Roost ships: Emu's demo set and the conformance processes (`echo`). */
export const ALL_PROCESSES: readonly ProcessDefinition[] = [
  ...new Set([...DEMO_PROCESSES, ...CONFORMANCE_PROCESSES]),
];

/** The process with this identifier. */
export function processById(id: string): ProcessDefinition {
  const p = ALL_PROCESSES.find((x) => x.identifier === id);
  if (!p) throw new Error(`no process ${id}`);
  return p;
}

/** URL builders of a made-up layout. */
export const urls: ogcapi.OgcUrls = {
  landing: "http://roost.test/ogcapi",
  api: "http://roost.test/ogcapi/api",
  conformance: "http://roost.test/ogcapi/conformance",
  processes: "http://roost.test/ogcapi/processes",
  jobs: "http://roost.test/ogcapi/jobs",
  process: (id) => `http://roost.test/ogcapi/processes/${encodeURIComponent(id)}`,
  execution: (id) => `http://roost.test/ogcapi/processes/${encodeURIComponent(id)}/execution`,
  job: (id) => `http://roost.test/ogcapi/jobs/${id}`,
  results: (id) => `http://roost.test/ogcapi/jobs/${id}/results`,
};

/** Service metadata. */
export const service: ServiceInfo = {
  title: "Roost demo",
  abstract: "Emu's processes on Roost",
  keywords: [],
  fees: "NONE",
  accessConstraints: "NONE",
  provider: { name: "Roost" },
  languages: ["en-US", "fr-CA", "de-DE"],
};

type Schema = Record<string, unknown>;

/** A 1×1 PNG, base64. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function sampleLiteral(s: Schema): unknown {
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const branch = Array.isArray(s.anyOf) ? (s.anyOf[0] as Schema) : s;
  if (Array.isArray(branch.enum)) return branch.enum[0];
  switch (s.type) {
    case "integer":
      return typeof branch.minimum === "number" ? branch.minimum + (branch.exclusiveMinimum ? 1 : 0) : 1;
    case "number":
      return typeof branch.minimum === "number" ? branch.minimum + (branch.exclusiveMinimum ? 0.5 : 0) : 1.5;
    case "boolean":
      return true;
    default:
      switch (s.format) {
        case "date":
          return "2024-02-29";
        case "date-time":
          return "2024-02-29T12:00:00Z";
        case "time":
          return "12:00:00Z";
        case "uri":
          return "https://example.org/x";
        default:
          return "teststring";
      }
  }
}

function sampleFormat(s: Schema): unknown {
  const mediaType = s.contentMediaType as string;
  if (s.type === "object") return { value: { sample: [1, "two", { three: null }] }, mediaType };
  if (s.contentEncoding === "binary") return { value: PNG_BASE64, mediaType, encoding: "base64" };
  return { value: /xml/.test(mediaType) ? "<sample>text &amp; more</sample>" : "sample text", mediaType };
}

/** One valid value for an input, from its description's schema alone. */
export function sampleValue(schema: Schema): unknown {
  if (schema.format === "ogc-bbox") {
    const props = schema.properties as Record<string, Schema>;
    const n = (props.bbox as Schema).minItems as number;
    return {
      bbox: Array.from({ length: n }, (_, i) => (i < n / 2 ? i : i + 10)),
      crs: ((props.crs as Schema).enum as string[])[0],
    };
  }
  if (Array.isArray(schema.oneOf)) return sampleFormat(schema.oneOf[0] as Schema);
  if (schema.contentMediaType !== undefined) return sampleFormat(schema);
  return sampleLiteral(schema);
}

/**
 * A complete request from a process description: every input (required or not), repeated inputs as arrays of their
 * minimum (at least 2) occurrences, every output requested by value in its default format, `response: document`.
 */
export function requestFromDescription(d: ogcapi.ProcessDescription): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [id, input] of Object.entries(d.inputs)) {
    const v = sampleValue(input.schema);
    const max = input.maxOccurs === "unbounded" ? Number.POSITIVE_INFINITY : input.maxOccurs;
    inputs[id] = max > 1 ? Array.from({ length: Math.max(2, input.minOccurs) }, () => v) : v;
  }
  const outputs: Record<string, unknown> = {};
  for (const [id, output] of Object.entries(d.outputs)) {
    const s = output.schema;
    const first = (Array.isArray(s.oneOf) ? s.oneOf[0] : s) as Schema;
    outputs[id] = {
      transmissionMode: "value",
      ...(first.contentMediaType !== undefined ? { format: { mediaType: first.contentMediaType } } : {}),
    };
  }
  return { inputs, outputs, response: "document" };
}
