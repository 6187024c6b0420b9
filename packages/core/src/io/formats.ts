/**
 * Common data formats, with the MIME types PyWPS's `FORMATS` uses so clients written against Emu see the same
 * strings.
 */
import type { Format } from "./types.js";

/** Frequently used formats. */
export const Formats = Object.freeze({
  TEXT: { mimeType: "text/plain", extension: ".txt" },
  JSON: { mimeType: "application/json", extension: ".json" },
  GEOJSON: { mimeType: "application/geo+json", extension: ".geojson" },
  XML: { mimeType: "application/xml", extension: ".xml" },
  GML: { mimeType: "application/gml+xml", extension: ".gml" },
  CSV: { mimeType: "text/csv", extension: ".csv" },
  NETCDF: { mimeType: "application/x-netcdf", extension: ".nc" },
  DODS: { mimeType: "application/x-ogc-dods", extension: ".nc" },
  ZIP: { mimeType: "application/zip", extension: ".zip" },
  SHP: { mimeType: "application/x-zipped-shp", extension: ".zip" },
  GEOTIFF: { mimeType: "image/tiff; subtype=geotiff", extension: ".tiff" },
  PNG: { mimeType: "image/png", extension: ".png", encoding: "base64" },
  METALINK: { mimeType: "application/metalink+xml; version=3.0", extension: ".metalink" },
  META4: { mimeType: "application/metalink+xml; version=4.0", extension: ".meta4" },
  NCML: { mimeType: "application/ncml+xml", extension: ".ncml" },
} satisfies Record<string, Format>);

/** Lower-cased MIME type without spaces, for comparisons (`Text/Plain ;charset=x` ≈ `text/plain;charset=x`). */
export function normalizeMimeType(m: string): string {
  return m.toLowerCase().replace(/\s+/g, "");
}

/** True when a MIME type is textual, i.e. can be embedded in XML or JSON without base64. */
export function isTextMimeType(mimeType: string): boolean {
  const m = normalizeMimeType(mimeType);
  return (
    m.startsWith("text/") ||
    /^application\/([a-z0-9.+-]*\+)?(json|xml)(;|$)/.test(m) ||
    m.startsWith("application/json") ||
    m.startsWith("application/xml") ||
    m.startsWith("application/gml+xml") ||
    m.startsWith("application/metalink+xml") ||
    m.startsWith("application/ncml+xml")
  );
}

/** True when a MIME type is XML, i.e. its inline value can be embedded as XML content. */
export function isXmlMimeType(mimeType: string): boolean {
  const m = normalizeMimeType(mimeType);
  return /^(application|text)\/([a-z0-9.+-]*\+)?xml(;|$)/.test(m);
}

/** Find the format of `formats` matching a requested MIME type (and encoding/schema when given). */
export function findFormat(
  formats: readonly Format[],
  req: { mimeType?: string | undefined; encoding?: string | undefined; schema?: string | undefined },
): Format | undefined {
  if (req.mimeType === undefined && req.encoding === undefined && req.schema === undefined) return formats[0];
  const want = req.mimeType === undefined ? undefined : normalizeMimeType(req.mimeType);
  return formats.find(
    (f) =>
      (want === undefined || normalizeMimeType(f.mimeType) === want) &&
      (req.schema === undefined || req.schema === "" || f.schema === undefined || f.schema === req.schema) &&
      (req.encoding === undefined ||
        req.encoding === "" ||
        (f.encoding ?? "").toLowerCase() === req.encoding.toLowerCase() ||
        // base64 is a transport encoding: any format can travel base64-encoded.
        req.encoding.toLowerCase() === "base64" ||
        (f.encoding === undefined && req.encoding.toLowerCase() === "utf-8")),
  );
}
