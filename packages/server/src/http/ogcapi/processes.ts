/**
 * The processes: the list (`/processes`, `limit` 1–10000 default 10 and `offset`, with `next`/`prev` links) and the
 * descriptions (`/processes/{id}`, inputs and outputs as JSON Schema, `jobControlOptions`, `outputTransmission`). The
 * registry is immutable, so each description and each list page is encoded once per language and kept as JSON text
 * (a page re-encoded per request ran at 40 % of GetCapabilities' rate). An offset is fine here (unlike the job list): the list never changes while the server
 * runs.
 */
import { ogcapi, RoostError } from "@roost/core";
import type { FastifyInstance } from "fastify";
import { type Encoded, encodeOnce, type OgcContext } from "./context.js";
import { resource } from "./http.js";

const LIST_PARAMS = new Set(["limit", "offset", "f", "lang"]);

/** Most cached list pages (languages × limits × offsets a client may ask for); beyond it the cache starts over. */
const MAX_CACHED_PAGES = 256;

/** Refuse query parameters a list does not know, naming the first (a misspelt filter must not be ignored). */
export function checkParams(q: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): void {
  for (const k of Object.keys(q))
    if (!known.has(k))
      throw new RoostError(
        "InvalidParameter",
        `Unknown query parameter '${k.slice(0, 40)}'; known: ${[...known].join(", ")}`,
        { locator: k.slice(0, 40) },
      );
}

function parseOffset(v: unknown): number {
  if (v === undefined) return 0;
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string" || !/^\d{1,9}$/.test(s.trim()))
    throw new RoostError(
      "InvalidParameter",
      `Query parameter 'offset' must be a whole number, got '${String(s).slice(0, 40)}'`,
      {
        locator: "offset",
      },
    );
  return Number(s);
}

/** Register the process routes. */
export function processRoutes(app: FastifyInstance, ctx: OgcContext): void {
  const { service, urls } = ctx;
  const all = service.processes();
  const descriptions = new Map<string, { doc: ogcapi.ProcessDescription; encoded: Encoded }>();
  const description = (id: string, language: string) => {
    const key = `${language}\n${id}`;
    let d = descriptions.get(key);
    if (!d) {
      const doc = ogcapi.encodeProcessDescription(service.process(id, "processID"), urls, { language });
      d = { doc, encoded: encodeOnce(doc) };
      descriptions.set(key, d);
    }
    return d;
  };

  const pages = new Map<string, { doc: ogcapi.ProcessList; encoded: Encoded }>();
  const listPage = (limit: number, offset: number, language: string) => {
    const key = `${language}\n${limit}\n${offset}`;
    let p = pages.get(key);
    if (!p) {
      const href = (o: number) => `${urls.processes}?limit=${limit}${o > 0 ? `&offset=${o}` : ""}`;
      const doc = ogcapi.encodeProcessList(
        all.slice(offset, offset + limit),
        urls,
        {
          self: href(offset),
          ...(offset + limit < all.length ? { next: href(offset + limit) } : {}),
          ...(offset > 0 ? { prev: href(Math.max(0, offset - limit)) } : {}),
        },
        { language },
      );
      p = { doc, encoded: encodeOnce(doc) };
      if (pages.size >= MAX_CACHED_PAGES) pages.clear();
      pages.set(key, p);
    }
    return p;
  };

  resource(app, "/processes", {
    GET: async (req, reply) => {
      const q = req.query as Record<string, string | string[] | undefined>;
      checkParams(q, LIST_PARAMS);
      const p = listPage(ogcapi.parseLimit(q), parseOffset(q.offset), ctx.language(req));
      return ctx.send(req, reply, "processes", p.doc, { encoded: p.encoded, cache: "public, max-age=60" });
    },
  });

  resource(app, "/processes/:processId", {
    GET: async (req, reply) => {
      const { processId } = req.params as { processId: string };
      const d = description(processId, ctx.language(req));
      return ctx.send(req, reply, "process", d.doc, { encoded: d.encoded, cache: "public, max-age=60" });
    },
  });
}
