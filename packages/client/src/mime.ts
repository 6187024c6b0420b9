/**
 * File-name extensions and media types: which format to announce for a local file, and which extension to give a
 * downloaded or inline output. Matching against a process's formats ignores case, spaces and parameters, so
 * `application/metalink+xml; version=4.0` still matches a `.meta4` file.
 */
import { extname } from "node:path";
import { normalizeMimeType } from "@roost/core/internal";

/** Extension (lower case, with the dot) → candidate media types, most specific first. */
const BY_EXTENSION: Readonly<Record<string, readonly string[]>> = {
  ".txt": ["text/plain"],
  ".text": ["text/plain"],
  ".md": ["text/markdown", "text/plain"],
  ".csv": ["text/csv", "text/plain"],
  ".json": ["application/json", "application/geo+json", "application/vnd.geo+json"],
  ".geojson": ["application/geo+json", "application/vnd.geo+json", "application/json"],
  ".xml": ["application/xml", "text/xml"],
  ".gml": ["application/gml+xml", "text/xml; subtype=gml/3.1.1", "application/xml", "text/xml"],
  ".kml": ["application/vnd.google-earth.kml+xml"],
  ".kmz": ["application/vnd.google-earth.kmz"],
  ".gpx": ["application/gpx+xml"],
  ".nc": ["application/x-netcdf", "application/netcdf", "application/x-ogc-dods"],
  ".nc4": ["application/x-netcdf"],
  ".ncml": ["application/ncml+xml"],
  ".zip": ["application/zip", "application/x-zipped-shp"],
  ".tif": ["image/tiff; subtype=geotiff", "image/tiff"],
  ".tiff": ["image/tiff; subtype=geotiff", "image/tiff"],
  ".png": ["image/png"],
  ".jpg": ["image/jpeg"],
  ".jpeg": ["image/jpeg"],
  ".gif": ["image/gif"],
  ".svg": ["image/svg+xml"],
  ".html": ["text/html"],
  ".htm": ["text/html"],
  ".pdf": ["application/pdf"],
  ".metalink": ["application/metalink+xml; version=3.0", "application/metalink+xml"],
  ".meta4": [
    "application/metalink+xml; version=4.0",
    "application/metalink4+xml",
    "application/metalink+xml",
  ],
  ".yaml": ["application/x-yaml", "text/yaml", "text/plain"],
  ".yml": ["application/x-yaml", "text/yaml", "text/plain"],
  ".gz": ["application/gzip"],
  ".tar": ["application/x-tar"],
  ".shp": ["application/x-esri-shapefile"],
  ".laz": ["application/laz"],
  ".las": ["application/las"],
};

/** Media type without parameters, lower case (`Text/Plain; charset=UTF-8` → `text/plain`). */
export function baseMimeType(m: string): string {
  return (m.split(";")[0] ?? "").trim().toLowerCase();
}

/** Candidate media types for a file name, most specific first (empty when the extension is unknown). */
export function mimeTypesForFile(name: string): readonly string[] {
  return BY_EXTENSION[extname(name).toLowerCase()] ?? [];
}

/**
 * Choose which of `formats` a file should be announced as: the first candidate of its extension that the process
 * supports (exact match first, then ignoring parameters); undefined when none fits.
 */
export function formatForFile<F extends { readonly mimeType: string }>(
  name: string,
  formats: readonly F[],
): F | undefined {
  const candidates = mimeTypesForFile(name);
  for (const c of candidates) {
    const f = formats.find((x) => normalizeMimeType(x.mimeType) === normalizeMimeType(c));
    if (f) return f;
  }
  for (const c of candidates) {
    const f = formats.find((x) => baseMimeType(x.mimeType) === baseMimeType(c));
    if (f) return f;
  }
  return undefined;
}

/** A file-name extension for a media type (with the dot), or `.bin` when there is no good guess. */
export function extensionForMimeType(mimeType: string | undefined): string {
  if (mimeType === undefined) return ".bin";
  const want = normalizeMimeType(mimeType);
  for (const [ext, types] of Object.entries(BY_EXTENSION))
    if (types[0] !== undefined && normalizeMimeType(types[0]) === want) return ext;
  const base = baseMimeType(mimeType);
  for (const [ext, types] of Object.entries(BY_EXTENSION))
    if (types.some((t) => baseMimeType(t) === base)) return ext;
  if (base.endsWith("+json")) return ".json";
  if (base.endsWith("+xml")) return ".xml";
  if (base.startsWith("text/")) return ".txt";
  return ".bin";
}
