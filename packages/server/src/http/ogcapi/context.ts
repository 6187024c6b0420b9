/**
 * What every route of the OGC API front end shares: the job API, the URL layout as the codec wants it
 * ({@link ogcapi.OgcUrls}), language and representation negotiation, and the one way documents and problems are sent
 * (JSON or the HTML renderer's page, links duplicated as `Link` headers, `Content-Language`, `Vary`).
 */
import { type JobRecord, ogcapi } from "@roost/core/internal";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/load.js";
import type { JobApi } from "../../service/job-api.js";
import { negotiateLanguage } from "../../service/languages.js";
import type { PublicUrls } from "../urls.js";
import type { OgcHtmlKind, OgcHtmlRenderer } from "./html.js";
import { addLinkHeaders, linkHeader, MAX_LINK_HEADERS } from "./http.js";
import { documentFormat, prefersHtml } from "./negotiate.js";
import { problemOf, sendProblemJson } from "./problems.js";

/** Options of the OGC API plugin. */
export interface OgcApiOptions {
  readonly service: JobApi;
  readonly config: Config;
  readonly urls: PublicUrls;
  /** Renders HTML pages (the web UI); without one the API speaks JSON only. */
  readonly html?: OgcHtmlRenderer | undefined;
}

/** `application/json`, the type of every JSON document. */
export const JSON_TYPE = "application/json";

/** The OGC API URLs of a public URL layout. */
export function ogcUrls(u: PublicUrls): ogcapi.OgcUrls & { readonly inputs: (jobId: string) => string } {
  return {
    landing: `${u.base}/`,
    api: `${u.base}/api`,
    apiDoc: `${u.base}/api?f=html`,
    conformance: `${u.base}/conformance`,
    processes: u.processes,
    jobs: u.jobs,
    process: (id) => u.process(id),
    execution: (id) => u.execution(id),
    job: (id) => u.job(id),
    results: (id) => u.results(id),
    inputs: (id) => `${u.job(id)}/inputs`,
  };
}

/** Options of {@link OgcContext.send}. */
export interface SendOptions {
  readonly status?: number;
  /** `Cache-Control`; default `no-store` for jobs, set by the caller for static documents. */
  readonly cache?: string;
  /** The document encoded once ({@link encodeOnce}), for documents that never change. */
  readonly encoded?: Encoded;
}

/** A document ready to send: its JSON bytes and its `Link` header values. */
export interface Encoded {
  readonly json: Buffer;
  readonly links: readonly string[];
}

/**
 * Encode a document that never changes (discovery, process descriptions): JSON bytes and `Link` headers computed
 * once. Bytes rather than a string also spare fastify re-parsing the content type of every answer (a cached
 * description answered at 76 % of DescribeProcess's rate before, with the same body size).
 */
export function encodeOnce(doc: object): Encoded {
  const links = (doc as { links?: unknown }).links;
  return {
    json: Buffer.from(JSON.stringify(doc)),
    links: Array.isArray(links) ? (links as ogcapi.Link[]).slice(0, MAX_LINK_HEADERS).map(linkHeader) : [],
  };
}

/** `application/json` with its charset, as sent. */
const JSON_UTF8 = "application/json; charset=utf-8";

/** See the module comment. */
export class OgcContext {
  readonly service: JobApi;
  readonly config: Config;
  readonly publicUrls: PublicUrls;
  readonly urls: ReturnType<typeof ogcUrls>;
  readonly html: OgcHtmlRenderer | undefined;

  constructor(o: OgcApiOptions) {
    this.service = o.service;
    this.config = o.config;
    this.publicUrls = o.urls;
    this.urls = ogcUrls(o.urls);
    this.html = o.html;
  }

  /** The response language: `lang` query parameter (must be supported), else `Accept-Language`, else the default. */
  language(req: FastifyRequest): string {
    const q = req.query as Record<string, unknown>;
    const lang = typeof q.lang === "string" ? q.lang : undefined;
    return negotiateLanguage(this.service.languages, lang, req.headers["accept-language"]);
  }

  /** Absolute public URL of the request (`f` removed), and its JSON twin. */
  requestUrls(req: FastifyRequest): { url: string; jsonUrl: string } {
    const [path = "/", query = ""] = req.url.split(/\?(.*)/s);
    const params = new URLSearchParams(query);
    params.delete("f");
    const qs = params.toString();
    const url = `${this.publicUrls.base}${path}${qs ? `?${qs}` : ""}`;
    params.set("f", "json");
    return { url, jsonUrl: `${this.publicUrls.base}${path}?${params.toString()}` };
  }

  /** Send a document in the negotiated representation, its links duplicated as `Link` headers. */
  async send(
    req: FastifyRequest,
    reply: FastifyReply,
    kind: OgcHtmlKind,
    doc: { readonly links?: readonly ogcapi.Link[] } | object,
    o: SendOptions = {},
  ): Promise<FastifyReply> {
    const q = req.query as Record<string, unknown>;
    const format = documentFormat(q.f, req.headers.accept, this.html !== undefined);
    const language = this.language(req);
    const status = o.status ?? reply.statusCode;
    reply.code(status);
    reply.header("Vary", "Accept, Accept-Language");
    reply.header("Content-Language", language);
    if (o.cache !== undefined) reply.header("Cache-Control", o.cache);
    if (o.encoded) {
      if (o.encoded.links.length > 0) reply.header("Link", o.encoded.links);
    } else {
      const links = (doc as { links?: unknown }).links;
      if (Array.isArray(links)) addLinkHeaders(reply, links as ogcapi.Link[]);
    }
    if (format === "html" && this.html) {
      const page = await this.html.render(kind, doc, {
        ...this.requestUrls(req),
        urls: this.urls,
        language,
        status,
      });
      return reply.type("text/html; charset=utf-8").send(page);
    }
    if (o.encoded) return reply.header("Content-Type", JSON_UTF8).send(o.encoded.json);
    return reply.type(JSON_TYPE).send(JSON.stringify(doc));
  }

  /** Send the problem document of any error: JSON, or the renderer's page for a browser. */
  async sendProblem(req: FastifyRequest, reply: FastifyReply, e: unknown): Promise<FastifyReply> {
    const p = problemOf(e, reply);
    const q = (req.query ?? {}) as Record<string, unknown>;
    if (this.html && prefersHtml(q.f, req.headers.accept, true)) {
      try {
        if (p.error?.retryAfter !== undefined)
          reply.header("Retry-After", String(Math.ceil(p.error.retryAfter)));
        const page = await this.html.render("problem", p.doc, {
          ...this.requestUrls(req),
          urls: this.urls,
          language: this.service.languages[0] ?? "en-US",
          status: p.status,
        });
        return reply.code(p.status).type("text/html; charset=utf-8").send(page);
      } catch (err) {
        reply.log.error({ err }, "the HTML renderer failed on a problem page");
      }
    }
    return sendProblemJson(reply, p);
  }

  /**
   * A job's statusInfo: live progress while it runs, links to the WPS 1.0.0 status document (async jobs, the one
   * job model) and, unless `brief` (job-list entries: a page of 100 jobs is 40 % smaller without them), to its
   * inputs and process and `status` (poll here) while it is active.
   */
  statusInfo(job: JobRecord, message?: string, brief = false): ogcapi.StatusInfo {
    let shown = job;
    if (job.status === "running") {
      const live = this.service.liveProgress(job.id);
      if (live) shown = { ...job, progress: live.percent, message: live.message || job.message };
    }
    if (message !== undefined) shown = { ...shown, message };
    const extra: ogcapi.Link[] = [];
    if (!brief && (job.status === "accepted" || job.status === "running"))
      extra.push({ href: this.urls.job(job.id), rel: "status", type: JSON_TYPE, title: "Poll this job" });
    if (job.mode === "async")
      extra.push({
        href: this.publicUrls.statusDocument(job.id),
        rel: "alternate",
        type: "text/xml",
        title: "WPS 1.0.0 status document",
      });
    if (!brief)
      extra.push(
        { href: this.urls.inputs(job.id), rel: "related", type: JSON_TYPE, title: "The job's inputs" },
        { href: this.urls.process(job.processId), rel: "describedby", type: JSON_TYPE, title: "The process" },
      );
    return ogcapi.encodeStatusInfo(shown, this.urls, extra);
  }
}

/** A JSON document sent as is (no negotiation): execute answers, raw results. */
export function sendJson(reply: FastifyReply, doc: unknown, status = 200): FastifyReply {
  return reply
    .code(status)
    .header("Content-Type", JSON_UTF8)
    .send(Buffer.from(JSON.stringify(doc)));
}
