/**
 * Encoders of the "discovery" documents: landing page (`landingPage.yaml`), conformance declaration
 * (`confClasses.yaml`), process summaries and the process list (`processSummary.yaml`, `processList.yaml`) and
 * process descriptions (`process.yaml`, with the ogc-process-description class's input/output schemas).
 *
 * Documents are plain JSON-ready objects. Maps keyed by user-chosen identifiers (inputs, outputs) have a null
 * prototype, so an input named `__proto__` is an ordinary member and not a prototype change.
 */
import type { Description, InputDefinition, MetadataLink, OutputDefinition } from "../../io/types.js";
import { type ProcessDefinition, translated, translatedIo } from "../../process/define.js";
import type { ServiceInfo } from "../service-info.js";
import { type Link, OGC_MEDIA, OGC_REL, type OgcUrls } from "./constants.js";
import { inputSchema, type JsonSchema, outputSchema } from "./schema.js";

/** `landingPage.yaml`. */
export interface LandingPage {
  readonly title: string;
  readonly description?: string;
  readonly links: readonly Link[];
}

/** `confClasses.yaml`. */
export interface ConformanceDeclaration {
  readonly conformsTo: readonly string[];
}

/** Members of `descriptionType.yaml` Roost fills. */
export interface DescriptionMembers {
  readonly title: string;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly metadata?: readonly { readonly title: string; readonly href?: string; readonly role?: string }[];
}

/** `processSummary.yaml`. */
export interface ProcessSummary extends DescriptionMembers {
  readonly id: string;
  readonly version: string;
  readonly jobControlOptions: readonly ("sync-execute" | "async-execute" | "dismiss")[];
  readonly outputTransmission: readonly ("value" | "reference")[];
  readonly links: readonly Link[];
}

/** `inputDescription.yaml`. */
export interface InputDescription extends DescriptionMembers {
  readonly schema: JsonSchema;
  readonly minOccurs: number;
  readonly maxOccurs: number | "unbounded";
}

/** `outputDescription.yaml`. */
export interface OutputDescription extends DescriptionMembers {
  readonly schema: JsonSchema;
}

/** `process.yaml`. */
export interface ProcessDescription extends ProcessSummary {
  readonly inputs: Readonly<Record<string, InputDescription>>;
  readonly outputs: Readonly<Record<string, OutputDescription>>;
}

/** `processList.yaml`. */
export interface ProcessList {
  readonly processes: readonly ProcessSummary[];
  readonly links: readonly Link[];
}

/** Options shared by the process encoders. */
export interface DescribeOptions {
  /** Language of titles/descriptions (translations fall back to the untranslated texts). */
  readonly language?: string | undefined;
  /** Advertise `dismiss` in jobControlOptions (the server offers `DELETE /jobs/{id}`). Default true. */
  readonly dismiss?: boolean;
}

/** A null-prototype record: keys from users can never reach `Object.prototype`. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function metadata(list: readonly MetadataLink[] | undefined): DescriptionMembers["metadata"] {
  if (list === undefined || list.length === 0) return undefined;
  return list.map((m) => ({
    title: m.title,
    ...(m.href !== undefined ? { href: m.href } : {}),
    ...(m.role !== undefined ? { role: m.role } : {}),
  }));
}

function describe(
  t: { title: string; abstract?: string; keywords?: readonly string[] },
  meta: readonly MetadataLink[] | undefined,
): DescriptionMembers {
  const m = metadata(meta);
  return {
    title: t.title,
    ...(t.abstract !== undefined ? { description: t.abstract } : {}),
    ...(t.keywords !== undefined && t.keywords.length > 0 ? { keywords: [...t.keywords] } : {}),
    ...(m !== undefined ? { metadata: m } : {}),
  };
}

/**
 * The landing page. Links: the page itself, the API definition (`service-desc`, plus `service-doc` when the server
 * has HTML documentation), conformance, processes and the job list, then `extraLinks` (e.g. HTML alternates).
 */
export function encodeLandingPage(
  svc: ServiceInfo,
  urls: OgcUrls,
  extraLinks: readonly Link[] = [],
): LandingPage {
  const json = OGC_MEDIA.json;
  return {
    title: svc.title,
    ...(svc.abstract !== undefined ? { description: svc.abstract } : {}),
    links: [
      { href: urls.landing, rel: OGC_REL.self, type: json, title: "This document" },
      {
        href: urls.api,
        rel: OGC_REL.serviceDesc,
        type: OGC_MEDIA.openapi,
        title: "The API definition (OpenAPI 3.0)",
      },
      ...(urls.apiDoc !== undefined
        ? [
            {
              href: urls.apiDoc,
              rel: OGC_REL.serviceDoc,
              type: OGC_MEDIA.html,
              title: "The API documentation",
            },
          ]
        : []),
      {
        href: urls.conformance,
        rel: OGC_REL.conformance,
        type: json,
        title: "OGC API conformance classes implemented by this server",
      },
      { href: urls.processes, rel: OGC_REL.processes, type: json, title: "The processes offered" },
      { href: urls.jobs, rel: OGC_REL.jobList, type: json, title: "The jobs" },
      ...extraLinks,
    ],
  };
}

/** The conformance declaration for the classes the server implements (see {@link OGC_CONFORMANCE}). */
export function encodeConformance(classes: readonly string[]): ConformanceDeclaration {
  return { conformsTo: [...new Set(classes)] };
}

/** `jobControlOptions` of a process: its execution modes, plus `dismiss` when the server offers it. */
export function jobControlOptions(p: ProcessDefinition, dismiss = true): ProcessSummary["jobControlOptions"] {
  return [
    ...(p.jobControl.sync ? (["sync-execute"] as const) : []),
    ...(p.jobControl.async ? (["async-execute"] as const) : []),
    ...(dismiss ? (["dismiss"] as const) : []),
  ];
}

function summary(p: ProcessDefinition, o: DescribeOptions, links: readonly Link[]): ProcessSummary {
  return {
    id: p.identifier,
    ...describe(translated(p, o.language), p.metadata),
    version: p.version,
    jobControlOptions: jobControlOptions(p, o.dismiss ?? true),
    // Every output can be returned inline or as a link to the job's published outputs, except by processes that
    // cannot store their outputs (sync-only, like WPS 1.0.0 storeSupported="false"): those refuse "reference".
    outputTransmission: p.jobControl.async ? ["value", "reference"] : ["value"],
    links,
  };
}

/** One entry of the process list: the summary with a link to the full description and to the execute endpoint. */
export function encodeProcessSummary(
  p: ProcessDefinition,
  urls: OgcUrls,
  options: DescribeOptions = {},
): ProcessSummary {
  return summary(p, options, [
    // The standard's own ProcessList example links the description with rel=self.
    {
      href: urls.process(p.identifier),
      rel: OGC_REL.self,
      type: OGC_MEDIA.json,
      title: "Process description",
    },
    { href: urls.execution(p.identifier), rel: OGC_REL.execute, title: "Execute endpoint" },
  ]);
}

/** Page links of a list: this page and, when the caller paginates, the next and previous pages. */
export interface PageLinks {
  readonly self: string;
  readonly next?: string;
  readonly prev?: string;
}

/** `self`, `next` and `prev` links of a list page. */
export function pageLinks(page: PageLinks, title: string): Link[] {
  return [
    { href: page.self, rel: OGC_REL.self, type: OGC_MEDIA.json, title },
    ...(page.next !== undefined
      ? [{ href: page.next, rel: OGC_REL.next, type: OGC_MEDIA.json, title: "Next page" }]
      : []),
    ...(page.prev !== undefined
      ? [{ href: page.prev, rel: OGC_REL.prev, type: OGC_MEDIA.json, title: "Previous page" }]
      : []),
  ];
}

/**
 * The process list. The caller applies `limit` (at most that many `processes`) and passes the page's URLs; the
 * standard asks for `rel=next` when the list was cut (`/req/core/pl-links`).
 */
export function encodeProcessList(
  processes: readonly ProcessDefinition[],
  urls: OgcUrls,
  page: PageLinks,
  options: DescribeOptions = {},
  extraLinks: readonly Link[] = [],
): ProcessList {
  return {
    processes: processes.map((p) => encodeProcessSummary(p, urls, options)),
    links: [...pageLinks(page, "This list of processes"), ...extraLinks],
  };
}

/** `maxOccurs` as the description writes it: the model encodes "unbounded" as `Number.MAX_SAFE_INTEGER`. */
export function maxOccursOf(d: InputDefinition): number | "unbounded" {
  return d.maxOccurs >= Number.MAX_SAFE_INTEGER ? "unbounded" : d.maxOccurs;
}

function ioTexts(p: ProcessDefinition, kind: "inputs" | "outputs", d: Description, lang: string | undefined) {
  return describe(translatedIo(p, kind, d, lang), d.metadata);
}

/** The description of one input. */
export function encodeInputDescription(
  p: ProcessDefinition,
  d: InputDefinition,
  language?: string,
): InputDescription {
  return {
    ...ioTexts(p, "inputs", d, language),
    schema: inputSchema(d),
    minOccurs: d.minOccurs,
    maxOccurs: maxOccursOf(d),
  };
}

/** The description of one output. */
export function encodeOutputDescription(
  p: ProcessDefinition,
  d: OutputDefinition,
  language?: string,
): OutputDescription {
  return { ...ioTexts(p, "outputs", d, language), schema: outputSchema(d) };
}

/** The full process description (`GET /processes/{id}`): summary, inputs and outputs in declaration order. */
export function encodeProcessDescription(
  p: ProcessDefinition,
  urls: OgcUrls,
  options: DescribeOptions = {},
  extraLinks: readonly Link[] = [],
): ProcessDescription {
  const inputs = dict<InputDescription>();
  for (const d of p.inputs) inputs[d.identifier] = encodeInputDescription(p, d, options.language);
  const outputs = dict<OutputDescription>();
  for (const d of p.outputs) outputs[d.identifier] = encodeOutputDescription(p, d, options.language);
  return {
    ...summary(p, options, [
      { href: urls.process(p.identifier), rel: OGC_REL.self, type: OGC_MEDIA.json, title: "This document" },
      { href: urls.execution(p.identifier), rel: OGC_REL.execute, title: "Execute endpoint" },
      { href: urls.processes, rel: OGC_REL.up, type: OGC_MEDIA.json, title: "The list of processes" },
      ...extraLinks,
    ]),
    inputs,
    outputs,
  };
}
