/**
 * Media-type negotiation (RFC 9110 §12.5.1) and the `f` query parameter (common OGC API practice, not part of
 * Processes 1.0). Each offered type gets the q-value of the most specific `Accept` range that matches it (exact type,
 * then `type/*`, then `*\/*`); the highest q wins and ties go to the server's order of preference (JSON first). A range
 * with `q=0` excludes a type. `application/problem+json` in `Accept` counts as asking for JSON: a client that names
 * only the error format still gets the documents. No type acceptable → 406 NotAcceptable.
 *
 * `f=json` / `f=html` override `Accept` (a link can pick a representation); any other value is a 400 naming `f`.
 */
import { RoostError } from "@roost/core";

/** One range of an `Accept` header. */
interface Range {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/** Most ranges read from one header: a longer list is a client bug or an attack, not a preference. */
const MAX_RANGES = 50;

function parseAccept(header: string): Range[] {
  const out: Range[] = [];
  for (const part of header.split(",").slice(0, MAX_RANGES)) {
    const [range = "", ...params] = part.split(";");
    const m = /^\s*([\w.+*!#$&^-]+)\/([\w.+*!#$&^-]+)\s*$/.exec(range);
    if (!m) continue;
    let q = 1;
    for (const p of params) {
      const qm = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (qm) q = Math.min(1, Number(qm[1]));
    }
    out.push({ type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), q });
  }
  return out;
}

/** `type/subtype` of a media type, lower-cased, parameters dropped. */
function essence(mediaType: string): [string, string] {
  const [t = "", s = ""] = (mediaType.split(";")[0] ?? "").trim().toLowerCase().split("/");
  return [t, s];
}

/** The q-value `ranges` give `offer`, or undefined when no range matches. */
function qualityOf(ranges: readonly Range[], offer: string): number | undefined {
  const [t, s] = essence(offer);
  let best: { specificity: number; q: number } | undefined;
  for (const r of ranges) {
    let specificity: number;
    const subtype = r.subtype === "problem+json" && r.type === "application" ? "json" : r.subtype;
    if (r.type === t && subtype === s) specificity = 3;
    else if (r.type === t && r.subtype === "*") specificity = 2;
    else if (r.type === "*" && r.subtype === "*") specificity = 1;
    else continue;
    if (!best || specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best?.q;
}

/**
 * The offer the client prefers (offers in the server's order of preference), or undefined when `Accept` excludes
 * them all. No header, or an empty one: the first offer.
 */
export function pickMediaType(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === "") return offers[0];
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return offers[0];
  let chosen: string | undefined;
  let chosenQ = 0;
  for (const o of offers) {
    const q = qualityOf(ranges, o) ?? 0;
    if (q > chosenQ) {
      chosen = o;
      chosenQ = q;
    }
  }
  return chosen;
}

/** The two representations of the document resources. */
export type DocFormat = "json" | "html";

/**
 * The representation of a document resource: `f` first, then `Accept`. `html` is offered only when `htmlOffered`
 * (a renderer is plugged in).
 */
export function documentFormat(f: unknown, accept: string | undefined, htmlOffered: boolean): DocFormat {
  if (f !== undefined) {
    const v = Array.isArray(f) ? f[0] : f;
    if (v === "json") return "json";
    if (v === "html" && htmlOffered) return "html";
    throw new RoostError(
      "InvalidParameter",
      `Query parameter 'f' must be ${htmlOffered ? "json or html" : "json"}, got '${String(v).slice(0, 40)}'`,
      { locator: "f" },
    );
  }
  const offers = htmlOffered ? ["application/json", "text/html"] : ["application/json"];
  const t = pickMediaType(accept, offers);
  if (t === undefined)
    throw new RoostError(
      "NotAcceptable",
      `None of the media types in Accept can be produced; this resource is available as ${offers.join(" or ")}`,
      { locator: "Accept" },
    );
  return t === "text/html" ? "html" : "json";
}

/** True when the client would rather read an error as HTML than as JSON (a browser), and HTML is on offer. */
export function prefersHtml(f: unknown, accept: string | undefined, htmlOffered: boolean): boolean {
  if (!htmlOffered) return false;
  const v = Array.isArray(f) ? f[0] : f;
  if (v !== undefined) return v === "html";
  return pickMediaType(accept, ["application/json", "text/html"]) === "text/html";
}
