/**
 * Bounding-box text and CRS names: the KVP form `minx,miny,maxx,maxy[,crs]` (also what a literal or inline value
 * holds when it is given for a bounding-box input), and one comparison key for the many spellings of a CRS, so a
 * client's `urn:ogc:def:crs:EPSG::4326` matches a process's `EPSG:4326`.
 */
import type { RawValue } from "./raw-input.js";

/** Normalise a CRS designation to compare `EPSG:4326`, `epsg:4326`, `urn:ogc:def:crs:EPSG::4326` and the http form. */
export function crsKey(crs: string): string {
  const c = crs.trim();
  const m =
    /^epsg:(\d+)$/i.exec(c) ??
    /^urn:ogc:def:crs:epsg:[^:]*:(\d+)$/i.exec(c) ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[^/]+\/(\d+)$/i.exec(c) ??
    /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i.exec(c);
  if (m) return `epsg:${m[1]}`;
  if (/crs84$/i.test(c)) return "crs84";
  return c.toLowerCase();
}

/** Parse the KVP bounding-box form `minx,miny[,minz],maxx,maxy[,maxz][,crs]`. */
export function parseBboxText(text: string, crsAttr?: string): RawValue | string {
  const parts = text.split(",").map((p) => p.trim());
  let crs = crsAttr;
  const last = parts[parts.length - 1];
  if (last !== undefined && last !== "" && Number.isNaN(Number(last))) {
    crs = last;
    parts.pop();
  }
  if (parts.length < 4 || parts.length % 2 !== 0)
    return "must be minx,miny,maxx,maxy[,crs] (2 or more dimensions)";
  const nums = parts.map(Number);
  if (nums.some((n, i) => parts[i] === "" || !Number.isFinite(n)))
    return "has a coordinate that is not a number";
  const d = nums.length / 2;
  return {
    kind: "bbox",
    ...(crs !== undefined ? { crs } : {}),
    dimensions: d,
    lowerCorner: nums.slice(0, d),
    upperCorner: nums.slice(d),
  };
}
