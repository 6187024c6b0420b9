/**
 * Shared fixtures of the OGC API codec tests: a process that exercises every corner of the I/O model with awkward
 * identifiers and texts, URL builders, and job records.
 */

import type { ogcapi } from "../src/internal.js";
import {
  defineProcess,
  Formats,
  Input,
  type JobRecord,
  Output,
  type ProcessDefinition,
  type ServiceInfo,
} from "../src/internal.js";

/** Texts with markup characters, quotes, a control character and non-BMP unicode. */
export const NASTY = "Tëxt <b>bold</b> & \"quoted\" 'single' \u0007 bell ☃ 😀 \u2028 end";

/** Every literal type, allowed values and ranges of every closure, all kinds of formats, a 3-D box, odd ids. */
export const kitchenSink: ProcessDefinition = defineProcess({
  identifier: "non.py-id <&> é",
  title: NASTY,
  abstract: NASTY,
  keywords: ["<kw>", "&amp;", NASTY],
  metadata: [{ title: NASTY, href: "https://example.org/?a=1&b=<2>", role: "https://example.org/role" }],
  version: "2.1",
  inputs: {
    "input 1": Input.integer({ title: "Input 1", default: 100 }),
    ["__proto__"]: Input.string({ title: "Proto", abstract: NASTY, minOccurs: 0 }),
    constructor: Input.float({ title: "Constructor", minOccurs: 0 }),
    choice: Input.string({ title: "Choice", allowed: ["rock", "paper", "<scissor>"], default: "rock" }),
    ints: Input.integer({ title: "Ints", allowed: [1, 2, 3], minOccurs: 0 }),
    open: Input.float({ title: "Open", ranges: [{ minimum: 0, maximum: 1, closure: "open" }], minOccurs: 0 }),
    closedOpen: Input.double({
      title: "Closed-open",
      ranges: [{ minimum: -5, maximum: 5, closure: "closed-open" }],
      minOccurs: 0,
    }),
    grid: Input.integer({
      title: "Grid",
      ranges: [
        { minimum: 1, maximum: 10 },
        { minimum: 100, maximum: 200, spacing: 10 },
      ],
      default: 1,
    }),
    offGrid: Input.integer({
      title: "Off grid",
      ranges: [{ minimum: 1, maximum: 91, spacing: 10 }],
      minOccurs: 0,
    }),
    mixed: Input.integer({
      title: "Mixed",
      allowed: [0],
      ranges: [{ minimum: 10, maximum: 20 }],
      minOccurs: 0,
    }),
    positive: Input.positiveInteger({
      title: "Positive",
      ranges: [{ minimum: 0, maximum: 5 }],
      minOccurs: 0,
    }),
    nonNegative: Input.nonNegativeInteger({ title: "Non-negative", minOccurs: 0 }),
    angle: Input.angle({ title: "Angle", default: 90 }),
    flag: Input.boolean({ title: "Flag", default: true }),
    day: Input.date({ title: "Day", default: "2012-05-01" }),
    time: Input.time({ title: "Time", minOccurs: 0 }),
    noon: Input.time({ title: "Noon", default: "12:00:00" }),
    noonZ: Input.dateTime({ title: "Noon UTC", default: "2016-09-02T12:00:00+02:00" }),
    when: Input.dateTime({ title: "When", minOccurs: 0 }),
    link: Input.anyURI({ title: "Link", minOccurs: 0 }),
    ref: Input.string({ title: "Ref", valuesReference: "https://example.org/values", minOccurs: 0 }),
    many: Input.string({ title: "Many", minOccurs: 0, maxOccurs: Number.MAX_SAFE_INTEGER }),
    some: Input.float({ title: "Some", minOccurs: 2, maxOccurs: 5 }),
    doc: Input.complex({ title: "Doc", formats: [Formats.JSON], minOccurs: 0 }),
    file: Input.complex({
      title: "File",
      formats: [
        Formats.GEOTIFF,
        Formats.TEXT,
        Formats.GEOJSON,
        { mimeType: "application/gml+xml", schema: "http://schemas.opengis.net/gml/3.2.1/gml.xsd" },
        Formats.PNG,
      ],
      minOccurs: 0,
      maxOccurs: 3,
    }),
    box: Input.bbox({
      title: "Box",
      crs: ["EPSG:4326", "urn:ogc:def:crs:EPSG::3035"],
      dimensions: 3,
      minOccurs: 0,
    }),
  },
  outputs: {
    "output.1": Output.float({ title: "Out 1", abstract: NASTY }),
    ["__proto__"]: Output.string({ title: "Proto out" }),
    count: Output.integer({ title: "Count" }),
    ok: Output.boolean({ title: "OK" }),
    json: Output.complex({ title: "JSON", formats: [Formats.JSON, Formats.ZIP] }),
    text: Output.complex({ title: "Text", formats: [Formats.TEXT], asReference: true }),
    box: Output.bbox({ title: "Box", crs: ["EPSG:4326"] }),
  },
  translations: {
    "fr-CA": {
      title: "Processus <traduit>",
      abstract: "Résumé",
      inputs: { "input 1": { title: "Entrée #1" } },
      outputs: { "output.1": { title: "Sortie #1" } },
    },
  },
  handler: () => ({}),
});

/** A sync-only and an async-only process. */
export const syncOnly: ProcessDefinition = defineProcess({
  identifier: "sync-only",
  title: "Sync only",
  inputs: {},
  outputs: { out: Output.string({ title: "Out" }) },
  jobControl: { async: false },
  handler: () => ({}),
});

/** See {@link syncOnly}. */
export const asyncOnly: ProcessDefinition = defineProcess({
  identifier: "async-only",
  title: "Async only",
  inputs: {},
  outputs: { out: Output.string({ title: "Out" }) },
  jobControl: { sync: false },
  handler: () => ({}),
});

/** URL builders with a layout of their own, percent-encoding ids. */
export const urls: ogcapi.OgcUrls = {
  landing: "https://roost.example/ogc/",
  api: "https://roost.example/ogc/api",
  apiDoc: "https://roost.example/ogc/api.html",
  conformance: "https://roost.example/ogc/conformance",
  processes: "https://roost.example/ogc/processes",
  jobs: "https://roost.example/ogc/jobs",
  process: (id) => `https://roost.example/ogc/processes/${encodeURIComponent(id)}`,
  execution: (id) => `https://roost.example/ogc/processes/${encodeURIComponent(id)}/execution`,
  job: (id) => `https://roost.example/ogc/jobs/${encodeURIComponent(id)}`,
  results: (id) => `https://roost.example/ogc/jobs/${encodeURIComponent(id)}/results`,
};

/** Service metadata. */
export const service: ServiceInfo = {
  title: `Roost ${NASTY}`,
  abstract: NASTY,
  keywords: ["wps"],
  fees: "NONE",
  accessConstraints: "NONE",
  provider: { name: "Roost <team>", site: "https://roost.example/", email: "dev@roost.invalid" },
  languages: ["en-US", "fr-CA"],
};

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 123);

/** A job record in `status` with sensible timestamps; `patch` overrides fields. */
export function job(status: JobRecord["status"], patch: Partial<JobRecord> = {}): JobRecord {
  const started = status === "accepted" ? null : T0 + 1000;
  const finished = status === "succeeded" || status === "failed" || status === "dismissed" ? T0 + 5000 : null;
  return {
    id: "0b6f3a52-2c43-4b8e-9d5e-2f1c3a4b5c6d",
    processId: "non.py-id <&> é",
    status,
    mode: "async",
    backend: "local",
    progress: status === "running" ? 40 : status === "succeeded" ? 100 : null,
    message: status === "accepted" ? "Process accepted" : null,
    createdAt: T0,
    startedAt: started,
    finishedAt: finished,
    updatedAt: finished ?? started ?? T0,
    attempt: 1,
    schedulerRef: null,
    dismissRequested: false,
    request: {
      protocol: "ogcapi",
      response: "document",
      outputs: [],
      lineage: false,
      statusUpdates: true,
      language: "en-US",
    },
    outputs: null,
    error:
      status === "failed"
        ? { code: "ProcessFailed", message: `Process error: ${NASTY}`, locator: "input 1" }
        : null,
    ...patch,
  };
}
