/**
 * Helpers of the WPS 2.0.0 *response* decoders (client side). Like the 1.0.0 ones they match elements by
 * namespace URI, accept OWS elements from OWS 1.1 as well as 2.0 (servers mix them), and say what is wrong without
 * quoting document content.
 */
import type { MetadataLink } from "../../io/types.js";
import { attr, parseXml, textOf, type XmlElement, XmlSyntaxError } from "../xml/parse.js";
import { NS } from "./constants.js";

/** A response could not be read as the WPS 2.0.0 document it should be. */
export class Wps2DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Wps2DecodeError";
  }
}

/** OWS namespaces accepted for OWS elements. */
export const OWS_URIS: ReadonlySet<string> = new Set([NS.ows, "http://www.opengis.net/ows/1.1"]);
/** The WPS 2.0 namespace, as a set. */
export const WPS_URIS: ReadonlySet<string> = new Set([NS.wps]);

/** Child elements with this local name in one of `uris`. */
export function kids(el: XmlElement | undefined, uris: ReadonlySet<string>, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el?.children ?? [])
    if (typeof c !== "string" && c.local === local && uris.has(c.uri)) out.push(c);
  return out;
}

/** The first such child. */
export function kid(
  el: XmlElement | undefined,
  uris: ReadonlySet<string>,
  local: string,
): XmlElement | undefined {
  return kids(el, uris, local)[0];
}

/** Trimmed text of an element, undefined when there is no element. */
export function text(el: XmlElement | undefined): string | undefined {
  return el ? textOf(el).trim() : undefined;
}

/** `{ key: v }` when v is a non-empty string, else `{}` (for exactOptionalPropertyTypes). */
export function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v !== undefined && v !== "" ? { [key]: v } : {}) as { [P in K]?: string };
}

/** An attribute that may be written with or without a namespace (`ows:reference`, `ows:rangeClosure`). */
export function looseAttr(el: XmlElement, local: string): string | undefined {
  const plain = attr(el, local);
  if (plain !== undefined) return plain;
  for (const [k, v] of el.attrs) if (k.endsWith(`}${local}`)) return v;
  return undefined;
}

/** A finite number, or undefined. */
export function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** `ows:Metadata` links of a description. */
export function metadataOf(el: XmlElement): MetadataLink[] {
  return kids(el, OWS_URIS, "Metadata").map((m) => ({
    title: attr(m, "title", NS.xlink) ?? "",
    ...optional("href", attr(m, "href", NS.xlink)),
    ...optional("role", attr(m, "role", NS.xlink)),
  }));
}

/** Parse a response, or take an already parsed root. */
export function rootOf(doc: string | XmlElement): XmlElement {
  if (typeof doc !== "string") return doc;
  try {
    return parseXml(doc);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new Wps2DecodeError(`the response is not XML: ${e.message}`);
    throw e;
  }
}

/** Check the root is `wps:<local>`; an ExceptionReport instead is reported with its first exception. */
export function expectRoot(el: XmlElement, local: string): void {
  if (el.local === "ExceptionReport") {
    const ex = kids(el, OWS_URIS, "Exception")[0];
    const code = ex ? attr(ex, "exceptionCode") : undefined;
    throw new Wps2DecodeError(
      `expected a ${local} document, got an ExceptionReport${code ? ` (${code})` : ""}`,
    );
  }
  if (el.local !== local || el.uri !== NS.wps)
    throw new Wps2DecodeError(`expected a wps:${local} document (WPS 2.0), got '${el.local.slice(0, 40)}'`);
}

/** The local name of a data type reference: `http://www.w3.org/2001/XMLSchema#double`, `xs:double` → `double`. */
export function typeName(s: string): string {
  const t = s.trim();
  const hash = t.lastIndexOf("#");
  const tail = hash >= 0 ? t.slice(hash + 1) : t;
  const colon = tail.lastIndexOf(":");
  return colon >= 0 && !tail.includes("/") ? tail.slice(colon + 1) : tail;
}
