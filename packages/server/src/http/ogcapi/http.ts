/**
 * HTTP plumbing of the OGC API front end: resources with their methods (HEAD for every GET, an OPTIONS preflight,
 * 405 with `Allow` for the others), CORS for browsers on other origins (`/rec/core/cross-origin`), and RFC 8288
 * `Link` headers duplicating a document's links (`/rec/core/link-header`).
 */
import { type ogcapi, RoostError } from "@roost/core";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";

/** Headers a script on another origin may read: the job URL of a 201, links, applied preferences, back-off. */
export const EXPOSED_HEADERS = "Location, Link, Preference-Applied, Content-Location, Retry-After";

/** Request headers a cross-origin client may send. */
const ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, Prefer";

/** Methods a resource can have; the rest of this list answers 405. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Handlers of one resource, by method. */
export interface ResourceHandlers {
  readonly GET?: RouteHandlerMethod;
  readonly POST?: RouteHandlerMethod;
  readonly DELETE?: RouteHandlerMethod;
}

/**
 * Register a resource: its handlers (GET also answers HEAD, without a body), `OPTIONS` (CORS preflight, 204) and 405
 * MethodNotAllowed with `Allow` for every other method.
 */
export function resource(app: FastifyInstance, url: string, handlers: ResourceHandlers): void {
  const allow: string[] = [];
  if (handlers.GET) {
    app.get(url, handlers.GET);
    allow.push("GET", "HEAD");
  }
  if (handlers.POST) {
    app.post(url, handlers.POST);
    allow.push("POST");
  }
  if (handlers.DELETE) {
    app.delete(url, handlers.DELETE);
    allow.push("DELETE");
  }
  allow.push("OPTIONS");
  const allowHeader = allow.join(", ");
  app.options(url, async (_req, reply) =>
    reply
      .code(204)
      .header("Allow", allowHeader)
      .header("Access-Control-Allow-Methods", allowHeader)
      .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
      .header("Access-Control-Max-Age", "86400")
      .send(),
  );
  const others = METHODS.filter((m) => !allow.includes(m));
  if (others.length > 0)
    app.route({
      method: others,
      url,
      // Only the body parser of the resource's own methods matters; a PUT's body is never read.
      handler: async (req, reply) => {
        reply.header("Allow", allowHeader);
        throw new RoostError(
          "MethodNotAllowed",
          `${req.method} is not supported on this resource; use ${allow.filter((m) => m !== "OPTIONS" && m !== "HEAD").join(" or ")}`,
          { locator: req.method },
        );
      },
    });
}

/** CORS headers on every answer of the plugin (documents, problems, outputs). A callback hook: no promise per answer. */
export function addCors(app: FastifyInstance): void {
  app.addHook("onSend", (_req: FastifyRequest, reply: FastifyReply, payload, done) => {
    reply.header("Access-Control-Allow-Origin", "*");
    reply.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    done(null, payload);
  });
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** A quoted-string parameter value, or undefined when the text cannot travel in a header as is (non-ASCII). */
function quoted(s: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(s)) return undefined;
  return `"${s.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * One `Link` header value (RFC 8288). A relation that is a token is written bare — the OGC ETS looks for the literal
 * `rel=monitor` — and a URI relation quoted.
 */
export function linkHeader(l: ogcapi.Link): string {
  let v = `<${l.href}>`;
  if (l.rel !== undefined) v += `; rel=${TOKEN.test(l.rel) ? l.rel : quoted(l.rel)}`;
  if (l.type !== undefined && quoted(l.type) !== undefined) v += `; type=${quoted(l.type)}`;
  if (l.title !== undefined) {
    const t = quoted(l.title);
    if (t !== undefined) v += `; title=${t}`;
  }
  return v;
}

/** Most links duplicated as headers: beyond this the header block grows without helping anyone. */
export const MAX_LINK_HEADERS = 20;

/** Add a document's links as `Link` headers (after any already set). */
export function addLinkHeaders(reply: FastifyReply, links: readonly ogcapi.Link[]): void {
  if (links.length === 0) return;
  const prev = reply.getHeader("Link");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header("Link", [...list, ...links.slice(0, MAX_LINK_HEADERS).map(linkHeader)]);
}
