/**
 * The HTTP application: Fastify with the protocol front ends as encapsulated plugins, each owning its body parsers
 * and error handler — WPS 1.0.0 and 2.0.0 at `/wps` through version negotiation (OWS ExceptionReports, also under
 * `/outputs`), OGC API – Processes at the root (`/`, `/conformance`, `/api`, `/processes`, `/jobs`; RFC 7807
 * problems), the operations endpoints (`/health`, `/ready`, `/metrics`) — and request limits from the configuration.
 */

import { wps1 } from "@roost/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config/load.js";
import type { Metrics } from "../ops/metrics.js";
import type { JobApi } from "../service/job-api.js";
import { sendWps1Exception, toRoostError } from "./exceptions.js";
import { type CallbackOptions, type OgcHtmlRenderer, ogcApiPlugin } from "./ogcapi/index.js";
import { countRequests, opsPlugin } from "./ops.js";
import { outputsPlugin } from "./outputs.js";
import { buildWebUi, uiPlugin, uiSecurityHeaders, type WebUi } from "./ui/index.js";
import { PublicUrls } from "./urls.js";
import { versionDispatch } from "./wps-negotiate.js";
import { wps1Plugin } from "./wps1.js";
import { wps2FrontEnd } from "./wps2.js";

/** Build the Fastify application (not listening yet). */
export async function buildApp(o: {
  readonly config: Config;
  readonly service: JobApi;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** A renderer of OGC API documents as HTML instead of the web UI's (tests). */
  readonly html?: OgcHtmlRenderer | undefined;
  /** False: no web UI (no HTML encodings, no UI routes). Default: the web UI, when it was built. */
  readonly webUi?: boolean;
  /** OGC API callback tuning (tests). */
  readonly callbacks?: CallbackOptions | undefined;
}): Promise<FastifyInstance> {
  const { config, service } = o;
  const urls = new PublicUrls(config.server.public_url);
  const trusted = config.server.trusted_proxies;
  const app = Fastify({
    loggerInstance: o.logger as unknown as FastifyBaseLogger,
    // Two log lines per request cost more than serving a cached GetCapabilities; errors and job events are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.max_request_size,
    requestTimeout: Math.round(config.server.request_timeout * 1000),
    connectionTimeout: Math.round(config.server.request_timeout * 1000),
    http: {
      // Slow clients (slowloris) are cut at `request_timeout`: Node checks for expired requests only every
      // `connectionsCheckingInterval` (30 s by default, so a 60 s limit cut at up to 90 s — seen at 70 s); once a
      // second keeps the promise within 1 s. Headers get the same limit (Node's default is its own 60 s).
      connectionsCheckingInterval: 1000,
      headersTimeout: Math.round(config.server.request_timeout * 1000),
    },
    keepAliveTimeout: 5000,
    trustProxy: trusted.length > 0 ? [...trusted] : false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500 },
    // Requests Node rejects before routing (headers or URL over 16 KiB, malformed HTTP) still get an OWS
    // ExceptionReport, not Node's empty reply or a JSON body a WPS client cannot read.
    clientErrorHandler(err: NodeJS.ErrnoException, socket) {
      if (err.code === "ECONNRESET" || !socket.writable) return;
      const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
      const status = tooLarge ? 431 : 400;
      const body = wps1.encodeExceptionReport([
        {
          code: "NoApplicableCode",
          text: tooLarge
            ? "The request line or headers are too large; send long requests as XML with POST"
            : "Malformed HTTP request",
        },
      ]);
      socket.end(
        `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\nConnection: close\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  });

  countRequests(app, o.metrics);

  app.addHook("onSend", async (_req, reply) => {
    reply.header("X-Content-Type-Options", "nosniff");
    // Every 503, from every front end and from Fastify itself (while closing), tells the client when to come back.
    if (reply.statusCode === 503 && !reply.hasHeader("Retry-After")) reply.header("Retry-After", "5");
  });

  app.setErrorHandler((err, req, reply) => {
    const known = toRoostError(err);
    if (!known) req.log.error({ err }, "unexpected error");
    const status = known?.status("ogcapi") ?? 500;
    if (known?.retryAfter !== undefined) reply.header("Retry-After", String(Math.ceil(known.retryAfter)));
    return reply
      .code(status)
      .type("application/problem+json")
      .send({
        type: known?.spec.ogcType ?? "https://roost.dev/errors/internal",
        title: known ? known.code : "Internal",
        status,
        detail: known?.message ?? "Internal server error",
      });
  });

  app.setNotFoundHandler((req, reply) => {
    return reply
      .code(404)
      .type("application/problem+json")
      .send({
        type: "https://roost.dev/errors/not-found",
        title: "Not found",
        status: 404,
        detail: `No resource at ${req.url.slice(0, 200)}`,
      });
  });

  // One endpoint, both versions: the WPS 1.0.0 plugin owns /wps and hands WPS 2.0.0 requests to their front end.
  const dispatch = versionDispatch(wps2FrontEnd({ service, config, urls }));
  await app.register(wps1Plugin, { service, config, urls, dispatch });
  await app.register(async (outputs) => {
    // Published files sit beside the WPS status documents: their server errors are OWS ExceptionReports too.
    outputs.setErrorHandler((err, _req, reply) => sendWps1Exception(reply, err));
    await outputs.register(outputsPlugin, { service });
  });
  // The web UI: the HTML encodings of the OGC API resources, its own routes, and the security headers of every
  // HTML page. A server whose UI was not built (`npm run build`) still serves every protocol, without HTML.
  let ui: WebUi | undefined;
  if (o.html === undefined && o.webUi !== false) {
    try {
      ui = buildWebUi({ service, config, urls });
    } catch (e) {
      o.logger.warn({ err: (e as Error).message }, "the web UI is not available");
    }
  }
  if (ui) {
    app.addHook("onSend", uiSecurityHeaders(ui.ctx));
    await app.register(uiPlugin, { ctx: ui.ctx });
  }
  await app.register(ogcApiPlugin, {
    service,
    config,
    urls,
    html: o.html ?? ui?.renderer,
    logger: o.logger,
    ...(o.callbacks !== undefined ? { callbacks: o.callbacks } : {}),
  });

  await app.register(opsPlugin, { service, metrics: o.metrics });
  return app;
}
