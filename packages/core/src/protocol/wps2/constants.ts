/**
 * Namespaces, schema locations and the few lexical rules of the WPS 2.0 / OWS 2.0 schemas that Roost's own data
 * does not satisfy by construction (process versions, MIME types, language tags).
 */

/** Namespaces of WPS 2.0 and OWS 2.0 (OGC 14-065r2, OGC 06-121r9). */
export const NS = Object.freeze({
  wps: "http://www.opengis.net/wps/2.0",
  ows: "http://www.opengis.net/ows/2.0",
  xlink: "http://www.w3.org/1999/xlink",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xml: "http://www.w3.org/XML/1998/namespace",
});

/** Absolute schema locations (`wps.xsd` covers every WPS 2.0 root). */
export const SCHEMA = Object.freeze({
  wps: "http://www.opengis.net/wps/2.0 http://schemas.opengis.net/wps/2.0/wps.xsd",
  exception: "http://www.opengis.net/ows/2.0 http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd",
});

/** The version this codec speaks. */
export const WPS2_VERSION = "2.0.0";

/** The namespace of WPS 1.0.0 requests (for version classification only). */
export const WPS1_NAMESPACE = "http://www.opengis.net/wps/1.0.0";

/** Operations of WPS 2.0.0 with the Dismiss extension (OGC 14-065r2 §9 and §12), matched case-insensitively. */
export const WPS2_OPERATIONS = [
  "GetCapabilities",
  "DescribeProcess",
  "Execute",
  "GetStatus",
  "GetResult",
  "Dismiss",
] as const;

/** One of {@link WPS2_OPERATIONS}. */
export type Wps2Operation = (typeof WPS2_OPERATIONS)[number];

/** Canonical name of a `request` value (any case), or undefined for an operation WPS 2.0 does not have. */
export function wps2OperationOf(request: string): Wps2Operation | undefined {
  const r = request.trim().toLowerCase();
  return WPS2_OPERATIONS.find((o) => o.toLowerCase() === r);
}

/**
 * Data type URI of a literal type: the XML Schema namespace plus the type name, the form OGC 14-065r2 §7.3.2.1
 * ("Recommended data type URIs for literal data") recommends (`http://www.w3.org/2001/XMLSchema#double`).
 */
export function dataTypeUri(t: string): string {
  return `http://www.w3.org/2001/XMLSchema#${t}`;
}

// ows:VersionType (owsCommon.xsd).
const VERSION_TYPE = /^\d+\.\d?\d\.\d?\d$/;

/**
 * A process version as `ows:VersionType` (`x.y.z`, y and z of at most two digits) wants it: `1.0` becomes `1.0.0`;
 * anything that cannot be written that way (`1.2.3-beta`) is undefined, and the optional attribute is left out.
 * processVersion "is informative only" (14-065r2 §9.4, "Parts of the ProcessOfferingPropertiesAttributes
 * structure"), so padding changes nothing a client relies on.
 */
export function processVersionOf(v: string): string | undefined {
  const t = v.trim();
  if (VERSION_TYPE.test(t)) return t;
  if (/^\d+$/.test(t)) return `${t}.0.0`;
  if (/^\d+\.\d?\d$/.test(t)) return `${t}.0`;
  return undefined;
}

// ows:MimeType (owsCommon.xsd).
const MIME_TYPE = /^(application|audio|image|text|video|message|multipart|model)\/.+(;\s*.+=.+)*$/;

/** The MIME type when it matches `ows:MimeType`, else undefined (the attributes carrying it are optional). */
export function mimeTypeOf(m: string | undefined): string | undefined {
  return m !== undefined && MIME_TYPE.test(m) ? m : undefined;
}

// xs:language, the type of ows:Language and (with "") of xml:lang.
const LANGUAGE = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

/** True for a tag that is a valid `xs:language` (`en-US`, `fr-CA`). */
export function isLanguageTag(s: string): boolean {
  return LANGUAGE.test(s);
}

/** `maxOccurs` as written: Roost's decoders read `unbounded` as `Number.MAX_SAFE_INTEGER`. */
export function occursOf(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? "unbounded" : String(n);
}
