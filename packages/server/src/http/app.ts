/**
 * The HTTP application: Fastify with the protocol front ends as encapsulated plugins, request limits from the
 * configuration, and one error shape per route family (OWS ExceptionReport under /wps and /outputs, JSON problems
 * elsewhere).
 */

import { RoostError, wps1 } from "@roost/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config/load.js";
import type { ExecutionService } from "../service/execution-service.js";
import { sendWps1Exception, toRoostError } from "./exceptions.js";
import { jobsPlugin } from "./jobs.js";
import { outputsPlugin } from "./outputs.js";
import { wps1Plugin } from "./wps1.js";

/** Build the Fastify application (not listening yet). */
export async function buildApp(o: {
  readonly config: Config;
  readonly service: ExecutionService;
  readonly logger: Logger;
}): Promise<FastifyInstance> {
  const { config, service } = o;
  const trusted = config.server.trusted_proxies;
  const app = Fastify({
    loggerInstance: o.logger as unknown as FastifyBaseLogger,
    // Two log lines per request cost more than serving a cached GetCapabilities; errors and job events are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.max_request_size,
    requestTimeout: Math.round(config.server.request_timeout * 1000),
    connectionTimeout: Math.round(config.server.request_timeout * 1000),
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

  // WPS POST bodies are XML whatever Content-Type the client sends (OWSLib sends text/xml, the ETS application/xml).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "string", bodyLimit: config.server.max_request_size },
    (_req, body, done) => done(null, body),
  );

  app.addHook("onSend", async (_req, reply) => {
    reply.header("X-Content-Type-Options", "nosniff");
  });

  app.setErrorHandler((err, req, reply) => {
    if (req.url.startsWith("/wps") || req.url.startsWith("/outputs")) return sendWps1Exception(reply, err);
    const known = toRoostError(err);
    if (!known) req.log.error({ err }, "unexpected error");
    const status = known?.spec.http ?? 500;
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
    if (req.url.startsWith("/wps")) {
      return sendWps1Exception(
        reply,
        new RoostError("NotFound", `No WPS resource at ${req.url.slice(0, 100)}; the endpoint is /wps`),
      );
    }
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

  await app.register(wps1Plugin, { service, config });
  await app.register(outputsPlugin, { service });
  await app.register(jobsPlugin, { service });

  app.get("/health", async () => ({ status: "ok" }));
  app.get("/", async (_req, reply) =>
    reply.type("application/json").send({
      title: config.metadata.title,
      description: config.metadata.abstract,
      links: [
        {
          rel: "service",
          href: `${config.server.public_url}/wps?service=WPS&request=GetCapabilities`,
          title: "WPS 1.0.0 GetCapabilities",
        },
        {
          rel: "describe-all",
          href: `${config.server.public_url}/wps?service=WPS&version=1.0.0&request=DescribeProcess&identifier=all`,
        },
      ],
    }),
  );
  return app;
}
