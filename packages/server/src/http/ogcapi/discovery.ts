/**
 * Discovery: the landing page (`/`), the conformance declaration (`/conformance`) and the API definition (`/api`:
 * OpenAPI 3.0 JSON as `application/vnd.oai.openapi+json;version=3.0`, or as HTML documentation rendered by Swagger UI
 * from the `swagger-ui-dist` package, served from this server — no CDN). The Swagger UI page has no inline script (a
 * small initializer file starts it) and is sent with a Content-Security-Policy allowing only same-origin scripts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ogcapi, RoostError } from "@roost/core/internal";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serviceInfo } from "../service-info.js";
import { encodeOnce, type OgcContext } from "./context.js";
import { resource } from "./http.js";
import { pickMediaType } from "./negotiate.js";
import { serverOpenApi } from "./openapi.js";

/** Roost's version (the server package's), for the API definition. */
export const ROOST_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** The conformance classes this server implements; `html` only with a renderer. */
export function conformanceClasses(html: boolean): string[] {
  const c = ogcapi.OGC_CONFORMANCE;
  return [
    c.core,
    c.ogcProcessDescription,
    c.json,
    ...(html ? [c.html] : []),
    c.oas30,
    c.jobList,
    c.callback,
    c.dismiss,
  ];
}

/** The Swagger UI files served, name → media type. Only what the page loads. */
const UI_FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

/** Starts Swagger UI on the element that names the definition's URL (no inline script). */
const INIT_JS = `"use strict";
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: el.getAttribute("data-url"), dom_id: "#swagger-ui", deepLinking: true });
});
`;

/** Swagger UI sets inline styles; scripts, fonts, images and requests stay on this origin. */
const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** Register the discovery routes. */
export function discoveryRoutes(app: FastifyInstance, ctx: OgcContext): void {
  const { service, urls, publicUrls } = ctx;
  const svc = serviceInfo(ctx.config, service.languages);
  const html = ctx.html !== undefined;
  const landing = ogcapi.encodeLandingPage(svc, urls, [
    {
      href: `${publicUrls.wps}?service=WPS&request=GetCapabilities`,
      rel: "related",
      type: "text/xml",
      title: "The same processes through WPS 1.0.0 (GetCapabilities)",
    },
  ]);
  const conformance = ogcapi.encodeConformance(conformanceClasses(html));
  const landingEncoded = encodeOnce(landing);
  const conformanceEncoded = encodeOnce(conformance);
  const openapi = Buffer.from(
    JSON.stringify(
      serverOpenApi(svc, service.processes(), { serverUrl: publicUrls.base, version: ROOST_VERSION }),
    ),
  );
  const uiBase = `${publicUrls.base}/api/ui`;
  const page =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(svc.title)} – OGC API – Processes</title>` +
    `<link rel="stylesheet" href="${uiBase}/swagger-ui.css">` +
    `<link rel="icon" type="image/png" href="${uiBase}/favicon-32x32.png"></head>` +
    `<body><div id="swagger-ui" data-url="${escapeHtml(urls.api)}?f=json"></div>` +
    `<script src="${uiBase}/swagger-ui-bundle.js"></script><script src="${uiBase}/init.js"></script>` +
    `</body></html>\n`;

  resource(app, "/", {
    GET: async (req, reply) =>
      ctx.send(req, reply, "landing", landing, { encoded: landingEncoded, cache: "public, max-age=60" }),
  });
  resource(app, "/conformance", {
    GET: async (req, reply) =>
      ctx.send(req, reply, "conformance", conformance, {
        encoded: conformanceEncoded,
        cache: "public, max-age=60",
      }),
  });

  const sendApi = async (req: FastifyRequest, reply: FastifyReply) => {
    const f = (req.query as Record<string, unknown>).f;
    const offers = [ogcapi.OGC_MEDIA.openapi, "application/json", "text/html"];
    let type: string | undefined;
    if (f === undefined) type = pickMediaType(req.headers.accept, offers);
    else if (f === "json") type = offers[0];
    else if (f === "html") type = "text/html";
    else
      throw new RoostError("InvalidParameter", "Query parameter 'f' must be json or html", { locator: "f" });
    if (type === undefined)
      throw new RoostError("NotAcceptable", `The API definition is available as ${offers.join(", ")}`, {
        locator: "Accept",
      });
    reply.header("Vary", "Accept").header("Cache-Control", "public, max-age=60");
    if (type === "text/html")
      return reply.header("Content-Security-Policy", UI_CSP).type("text/html; charset=utf-8").send(page);
    // Sent as bytes with the type as is: for a string, fastify rewrites a JSON type as
    // `…+json; version="3.0"; charset=utf-8`, and clients compare the type the oas30 class names literally.
    return reply.header("Content-Type", type).send(openapi);
  };
  resource(app, "/api", { GET: sendApi });

  const uiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, Buffer>();
  resource(app, "/api/ui/:file", {
    GET: async (req, reply) => {
      const file = (req.params as { file: string }).file;
      reply.header("Cache-Control", "public, max-age=86400");
      if (file === "init.js") return reply.type("text/javascript; charset=utf-8").send(INIT_JS);
      const type = Object.hasOwn(UI_FILES, file) ? UI_FILES[file] : undefined;
      if (type === undefined)
        throw new RoostError("NotFound", `No file '${file.slice(0, 60)}' in the API documentation`);
      let body = cache.get(file);
      if (!body) {
        body = readFileSync(join(uiDir, file));
        cache.set(file, body);
      }
      return reply.type(type).send(body);
    },
  });
}
