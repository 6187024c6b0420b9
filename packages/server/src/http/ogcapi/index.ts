/**
 * The OGC API – Processes – Part 1: Core 1.0.0 front end at the server root (`/`, `/conformance`, `/api`,
 * `/processes`, `/jobs`), beside WPS at `/wps`. A self-contained fastify plugin like the WPS one: it owns its body
 * parser (the core's strict JSON parser: size = `server.max_request_size`, depth 64, no duplicate or
 * `__proto__`/`constructor` keys, no numbers a double cannot hold), its error handler (RFC 7807 problems, statuses
 * from the catalogue's `ogcapi` column) and CORS. Declared classes: core, ogc-process-description, json, oas30,
 * job-list, callback, dismiss, and html when an {@link OgcHtmlRenderer} is plugged in.
 *
 * Files: `context.ts` (shared state, sending documents), `negotiate.ts`, `http.ts` (methods, CORS, Link headers),
 * `problems.ts`, `discovery.ts`, `openapi.ts`, `processes.ts`, `execution.ts`, `results.ts`, `jobs.ts`,
 * `job-list.ts`, `job-inputs.ts`, `callbacks.ts`, `html.ts` (the web UI's hook).
 */
import { parseJson } from "@roost/core/internal";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { type CallbackOptions, OgcCallbacks } from "./callbacks.js";
import { type OgcApiOptions, OgcContext } from "./context.js";
import { discoveryRoutes } from "./discovery.js";
import { executionRoutes } from "./execution.js";
import { addCors } from "./http.js";
import { jobRoutes } from "./jobs.js";
import { processRoutes } from "./processes.js";
import { resultRoutes } from "./results.js";

export type { CallbackOptions } from "./callbacks.js";
export type { OgcApiOptions } from "./context.js";
export type { OgcHtmlContext, OgcHtmlKind, OgcHtmlRenderer } from "./html.js";

/** Deepest JSON nesting of a request body: an execute request needs 5 levels plus its JSON input values. */
export const MAX_JSON_DEPTH = 64;

/** JSON media types read as an execute request: `application/json` and any `+json` type. */
const JSON_BODY = /^application\/(?:[\w.!#$&^-]+\+)?json$/;

/** Options of the plugin besides the context's. */
export interface OgcPluginOptions extends OgcApiOptions {
  readonly logger: Logger;
  /** Callback tuning (tests shorten the waits). */
  readonly callbacks?: CallbackOptions;
}

/** Register the OGC API routes (encapsulated: register without fastify-plugin). */
export async function ogcApiPlugin(app: FastifyInstance, o: OgcPluginOptions): Promise<void> {
  const ctx = new OgcContext(o);
  const maxBytes = o.config.server.max_request_size;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_BODY, { parseAs: "buffer", bodyLimit: maxBytes }, (_req, body, done) => {
    try {
      done(null, parseJson(body as Buffer, { maxBytes, maxDepth: MAX_JSON_DEPTH }));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.setErrorHandler((err, req, reply) => ctx.sendProblem(req, reply, err));
  addCors(app);

  discoveryRoutes(app, ctx);
  processRoutes(app, ctx);
  executionRoutes(app, ctx);
  jobRoutes(app, ctx, o.logger);
  resultRoutes(app, ctx);

  const callbacks = new OgcCallbacks(ctx, o.logger, o.callbacks);
  callbacks.start();
  app.addHook("onClose", async () => callbacks.stop());
}
