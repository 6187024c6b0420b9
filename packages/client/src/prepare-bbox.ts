/**
 * Preparing a bounding-box value from any of its forms (`"minx,miny,maxx,maxy[,crs]"`, `{ bbox, crs }`, a
 * `BoundingBox`): corners checked, the CRS matched against the process's (in any of its spellings).
 */
import { type BoundingBox, crsKey, parseBboxText, preview, type wps1 } from "@roost/core/internal";
import { type BboxArrayValue, type InputValue, isObject, type PreparedValue } from "./execute-values.js";

/** Check one value of a bounding-box input and normalise it; problems go to `problem`, which makes it undefined. */
export function prepareBbox(
  def: wps1.Wps1BoundingBoxInput,
  v: InputValue,
  problem: (m: string) => void,
): PreparedValue | undefined {
  let crs: string | undefined;
  let lower: readonly number[];
  let upper: readonly number[];
  if (typeof v === "string") {
    const r = parseBboxText(v);
    if (typeof r === "string") {
      problem(`'${preview(v)}' ${r}`);
      return undefined;
    }
    if (r.kind !== "bbox") return undefined;
    crs = r.crs;
    lower = r.lowerCorner;
    upper = r.upperCorner;
  } else if (isObject(v) && "bbox" in v && Array.isArray(v.bbox)) {
    const b = v as BboxArrayValue;
    if (b.bbox.length < 4 || b.bbox.length % 2 !== 0) {
      problem("needs [minx, miny, maxx, maxy] (an even number of at least 4 coordinates)");
      return undefined;
    }
    const d = b.bbox.length / 2;
    lower = b.bbox.slice(0, d);
    upper = b.bbox.slice(d);
    crs = b.crs;
  } else if (isObject(v) && "lowerCorner" in v && "upperCorner" in v) {
    const b = v as BoundingBox;
    lower = b.lowerCorner;
    upper = b.upperCorner;
    crs = b.crs;
  } else {
    problem("is a bounding box input; pass minx,miny,maxx,maxy[,crs]");
    return undefined;
  }
  if (
    lower.length !== upper.length ||
    lower.length < 2 ||
    [...lower, ...upper].some((n) => !Number.isFinite(n))
  ) {
    problem("needs numeric corners with the same number (≥ 2) of coordinates");
    return undefined;
  }
  if (crs !== undefined && crs !== "" && def.crs.length > 0) {
    const key = crsKey(crs);
    const match = def.crs.find((c) => crsKey(c) === key);
    if (!match) {
      problem(`CRS '${preview(crs)}' is not supported; supported: ${def.crs.join(", ")}`);
      return undefined;
    }
  }
  // Without a CRS the process's default is meant; say so explicitly rather than let servers guess (PyWPS writes "None").
  const effective = crs !== undefined && crs !== "" ? crs : def.crs[0];
  return {
    kind: "bbox",
    ...(effective !== undefined ? { crs: effective } : {}),
    dimensions: lower.length,
    lowerCorner: lower,
    upperCorner: upper,
  };
}
