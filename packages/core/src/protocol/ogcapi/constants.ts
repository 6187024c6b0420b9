/**
 * OGC API – Processes – Part 1: Core 1.0.0 (OGC 18-062r2) identifiers: conformance classes, link relations,
 * exception types and media types, plus the link and URL types every encoder shares. The codec never builds a URL
 * itself: the front end hands it an {@link OgcUrls}, so the URL layout stays the front end's decision.
 */

const CONF = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/";

/**
 * The eight conformance classes of Part 1 1.0.0, exactly as the ETS checks them (ZOO-Project's `…/1.0/req/` prefix is
 * wrong).
 */
export const OGC_CONFORMANCE = Object.freeze({
  core: `${CONF}core`,
  ogcProcessDescription: `${CONF}ogc-process-description`,
  json: `${CONF}json`,
  html: `${CONF}html`,
  oas30: `${CONF}oas30`,
  jobList: `${CONF}job-list`,
  callback: `${CONF}callback`,
  dismiss: `${CONF}dismiss`,
});

const REL = "http://www.opengis.net/def/rel/ogc/1.0/";

/** Link relations used by Part 1 (IANA registered ones as plain tokens, OGC ones as URIs). */
export const OGC_REL = Object.freeze({
  self: "self",
  alternate: "alternate",
  up: "up",
  next: "next",
  prev: "prev",
  /** The API definition, machine readable (OpenAPI JSON). */
  serviceDesc: "service-desc",
  /** The API documentation for humans (HTML). */
  serviceDoc: "service-doc",
  /** The job a synchronous execution created (`Link: <…/jobs/{id}>; rel=monitor`, `/req/core/job-results-success-sync`). */
  monitor: "monitor",
  conformance: `${REL}conformance`,
  processes: `${REL}processes`,
  jobList: `${REL}job-list`,
  execute: `${REL}execute`,
  results: `${REL}results`,
  exceptions: `${REL}exceptions`,
});

const EXC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";

/** The exception types 1.0.0 defines (others come from the error catalogue). */
export const OGC_EXCEPTION = Object.freeze({
  noSuchProcess: `${EXC}no-such-process`,
  noSuchJob: `${EXC}no-such-job`,
  resultNotReady: `${EXC}result-not-ready`,
});

/** Media types of the JSON encoding and the API definition. */
export const OGC_MEDIA = Object.freeze({
  json: "application/json",
  problem: "application/problem+json",
  /** The OpenAPI definition as the oas30 class names it. */
  openapi: "application/vnd.oai.openapi+json;version=3.0",
  html: "text/html",
});

/** The default CRS of an OGC bounding box (`bbox.yaml`). */
export const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/** A link (`link.yaml`). */
export interface Link {
  readonly href: string;
  readonly rel?: string;
  readonly type?: string;
  readonly hreflang?: string;
  readonly title?: string;
}

/**
 * Absolute URLs of the API's resources, supplied by the front end (which alone knows its public base URL, route
 * layout and proxies). Ids are passed raw: the functions percent-encode them as their layout needs.
 */
export interface OgcUrls {
  /** The landing page. */
  readonly landing: string;
  /** The API definition as OpenAPI JSON (`rel=service-desc`). */
  readonly api: string;
  /** The API documentation as HTML (`rel=service-doc`), when the server offers one. */
  readonly apiDoc?: string;
  readonly conformance: string;
  readonly processes: string;
  readonly jobs: string;
  /** A process description. */
  process(processId: string): string;
  /** The execute endpoint of a process. */
  execution(processId: string): string;
  /** A job's status (statusInfo); also the `Location` of an asynchronous execution. */
  job(jobId: string): string;
  /** A job's results. */
  results(jobId: string): string;
}
