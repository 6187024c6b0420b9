/**
 * Helpers shared by the WPS 1.0.0 *response* decoders (`decode-*.ts`, client side): namespace-lenient element and
 * attribute lookup, the fields every described item has, the exception-report reader and the root checks. Internal
 * to the codec (the `wps1` barrel does not re-export this module). The decoders are lenient where real servers
 * differ from the XSDs and strict only where a wrong guess would mislead a user; the rules applied here:
 *
 * - elements are matched by namespace URI, never by prefix (USGS writes `ns:`/`ns1:`, PML `ns0:`); the children of
 *   `ProcessDescription`, which the schema leaves unqualified, are accepted with or without the WPS namespace;
 * - OWS elements are accepted from OWS 1.0, 1.1 and 2.0, and exception reports from any namespace (PyWPS 4.5.2 puts
 *   a `wps:ExceptionReport` inside `ProcessFailed`);
 * - PyWPS's `locator="None"` means "none".
 *
 * Every message of {@link Wps1DecodeError} is safe to show: it names elements, never document content.
 */
import type { MetadataLink } from "../../io/types.js";
import { attr, parseXml, textOf, type XmlElement, XmlSyntaxError } from "../xml/parse.js";
import { NS } from "./constants.js";
import { Wps1DecodeError, type Wps1Described, type Wps1Exception } from "./decode-types.js";

/** OWS namespaces accepted for OWS elements: OWS 1.1 (the WPS 1.0.0 one), 1.0 and 2.0. */
export const OWS_URIS: ReadonlySet<string> = new Set([
  NS.ows,
  "http://www.opengis.net/ows",
  "http://www.opengis.net/ows/2.0",
]);
/** The WPS 1.0.0 namespace, and no namespace (the unqualified children of `ProcessDescription`). */
export const WPS_URIS: ReadonlySet<string> = new Set([NS.wps, ""]);

/** Child elements with this local name whose namespace is in `uris`. */
export function kids(el: XmlElement, uris: ReadonlySet<string>, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== "string" && c.local === local && uris.has(c.uri)) out.push(c);
  return out;
}

/** The first child element with this local name whose namespace is in `uris`; undefined without `el`. */
export function kid(
  el: XmlElement | undefined,
  uris: ReadonlySet<string>,
  local: string,
): XmlElement | undefined {
  if (!el) return undefined;
  return kids(el, uris, local)[0];
}

/** The first child with this local name in the WPS namespace (or none). */
export const wps = (el: XmlElement | undefined, local: string) => kid(el, WPS_URIS, local);
/** The first child with this local name in an OWS namespace. */
export const ows = (el: XmlElement | undefined, local: string) => kid(el, OWS_URIS, local);

/** First child with this local name in any namespace (exception reports, vendor-namespaced ValuesReference). */
export function anyNs(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (typeof c !== "string" && c.local === local) return c;
  return undefined;
}

/** The trimmed text of an element; undefined without one. */
export function text(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  return textOf(el).trim();
}

/** An attribute that may be written with or without a namespace (`wps:processVersion`, `ows:rangeClosure`). */
export function looseAttr(el: XmlElement, local: string, ...uris: string[]): string | undefined {
  const plain = attr(el, local);
  if (plain !== undefined) return plain;
  for (const u of uris) {
    const v = attr(el, local, u);
    if (v !== undefined) return v;
  }
  for (const [k, v] of el.attrs) if (k.endsWith(`}${local}`)) return v;
  return undefined;
}

/** `{ [key]: v }` when `v` is a non-empty string, else `{}` (for spreading optional fields). */
export function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v !== undefined && v !== "" ? { [key]: v } : {}) as { [P in K]?: string };
}

/** Identifier, title (the identifier when there is none), abstract and metadata links; `what` names `el` in errors. */
export function described(el: XmlElement, what: string): Wps1Described {
  const identifier = text(ows(el, "Identifier"));
  if (identifier === undefined || identifier === "")
    throw new Wps1DecodeError(`${what} has no ows:Identifier`);
  const metadata: MetadataLink[] = [];
  for (const m of kids(el, OWS_URIS, "Metadata")) {
    const title = attr(m, "title", NS.xlink) ?? "";
    const href = attr(m, "href", NS.xlink);
    const role = attr(m, "role", NS.xlink);
    metadata.push({ title, ...optional("href", href), ...optional("role", role) });
  }
  return {
    identifier,
    title: text(ows(el, "Title")) ?? identifier,
    ...optional("abstract", text(ows(el, "Abstract"))),
    metadata,
  };
}

/** A finite number, or undefined when `s` is missing, blank or not one. */
export function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** An XML Schema boolean attribute (`true`/`1`); anything else, missing included, is false. */
export function bool(v: string | undefined): boolean {
  const t = (v ?? "").trim().toLowerCase();
  return t === "true" || t === "1";
}

/** The `Exception` children of an exception report (any namespace), texts joined by newlines. */
export function exceptionsOf(report: XmlElement): Wps1Exception[] {
  const out: Wps1Exception[] = [];
  for (const e of report.children) {
    if (typeof e === "string" || e.local !== "Exception") continue;
    const texts: string[] = [];
    for (const t of e.children)
      if (typeof t !== "string" && t.local === "ExceptionText") texts.push(textOf(t).trim());
    const locator = attr(e, "locator");
    out.push({
      code: attr(e, "exceptionCode") ?? "NoApplicableCode",
      // PyWPS writes `locator="None"` when there is none.
      ...optional("locator", locator === "None" ? undefined : locator),
      text: texts.filter((t) => t !== "").join("\n"),
    });
  }
  return out;
}

/** Parse a document (an already parsed element is returned as is); XML syntax errors become decode errors. */
export function root(doc: string | XmlElement): XmlElement {
  if (typeof doc !== "string") return doc;
  try {
    return parseXml(doc);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new Wps1DecodeError(`the response is not XML: ${e.message}`);
    throw e;
  }
}

/** Require a `wps:<local>` root; an exception report instead is turned into an error that quotes its first exception. */
export function expectRoot(el: XmlElement, local: string): void {
  if (el.local === "ExceptionReport") {
    const ex = exceptionsOf(el);
    throw new Wps1DecodeError(
      `expected a ${local} document, got an ExceptionReport${ex[0] ? ` (${ex[0].code}: ${ex[0].text})` : ""}`,
    );
  }
  if (el.local !== local || el.uri !== NS.wps)
    throw new Wps1DecodeError(`expected a wps:${local} document, got '${el.local}'`);
}
