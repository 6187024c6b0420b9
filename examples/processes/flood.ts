/**
 * Flood extent: which cells of an elevation model lie below a water level. The README's authoring example, runnable:
 * `data/dem.asc` is a 12 × 10 grid of 100 m cells (ESRI ASCII grid, projected coordinates in EPSG:32631).
 *
 *   roost serve --config examples/processes/roost.toml
 *   roost run flood --level 2 --dem @examples/processes/data/dem.asc
 */
import { defineProcess, type Format, Formats, Input, Output, ProcessError } from "@roost/core";

/** ESRI ASCII grid (GDAL's AAIGrid), under the media type GeoServer uses for it. */
const ASCII_GRID: Format = { mimeType: "application/arcgrid", extension: ".asc" };

/** A parsed ASCII grid: header values and rows of elevations, north first. */
interface Grid {
  readonly ncols: number;
  readonly nrows: number;
  readonly xll: number;
  readonly yll: number;
  readonly cellsize: number;
  readonly nodata: number | undefined;
  readonly cells: readonly (readonly number[])[];
}

function parseGrid(text: string): Grid {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = new Map<string, number>();
  while (lines.length > 0 && /^[a-z_]+\s/i.test(lines[0]!)) {
    const [key, value] = lines.shift()!.trim().split(/\s+/);
    header.set(key!.toLowerCase(), Number(value));
  }
  const need = (k: string) => {
    const v = header.get(k);
    if (v === undefined || !Number.isFinite(v))
      throw new ProcessError(`the elevation model has no valid '${k}'`);
    return v;
  };
  const ncols = need("ncols");
  const nrows = need("nrows");
  const cells = lines.map((l) => l.trim().split(/\s+/).map(Number));
  if (cells.length !== nrows || cells.some((r) => r.length !== ncols || r.some((v) => !Number.isFinite(v))))
    throw new ProcessError(`the elevation model must have ${nrows} rows of ${ncols} numbers`);
  return {
    ncols,
    nrows,
    xll: header.get("xllcorner") ?? need("xllcenter"),
    yll: header.get("yllcorner") ?? need("yllcenter"),
    cellsize: need("cellsize"),
    nodata: header.get("nodata_value"),
    cells,
  };
}

export default defineProcess({
  identifier: "flood",
  title: "Flood extent",
  abstract: "Cells of an elevation model that lie below a water level, and their area.",
  version: "1.0",
  inputs: {
    level: Input.float({ title: "Water level (m)", default: 2, ranges: [{ minimum: 0, maximum: 50 }] }),
    dem: Input.complex({
      title: "Elevation model (ESRI ASCII grid)",
      formats: [ASCII_GRID],
      maximumMegabytes: 50,
    }),
    area: Input.bbox({ title: "Only this area", crs: ["EPSG:32631"], minOccurs: 0 }),
  },
  outputs: {
    extent: Output.complex({ title: "Flooded cells", formats: [Formats.GEOJSON], asReference: true }),
    km2: Output.float({ title: "Flooded area (km²)" }),
  },
  jobControl: { timeLimit: 600 },
  handler: async ({ level, dem, area }, ctx) => {
    ctx.progress(10, "reading the elevation model");
    const text = await dem.text();
    if (text.trim() === "") throw new ProcessError("the elevation model is empty");
    const grid = parseGrid(text);
    ctx.logger.info("grid read", { ncols: grid.ncols, nrows: grid.nrows, cellsize: grid.cellsize });

    const polygons: number[][][][] = [];
    for (let r = 0; r < grid.nrows; r++) {
      // Real work would take a while: a dismissed job stops here (sleep rejects when ctx.signal fires).
      await ctx.sleep(0);
      ctx.progress(10 + (80 * r) / grid.nrows, `row ${r + 1} of ${grid.nrows}`);
      for (let c = 0; c < grid.ncols; c++) {
        const z = grid.cells[r]![c]!;
        if (z === grid.nodata || z >= level) continue;
        const x0 = grid.xll + c * grid.cellsize;
        const y0 = grid.yll + (grid.nrows - 1 - r) * grid.cellsize;
        const [x1, y1] = [x0 + grid.cellsize, y0 + grid.cellsize];
        if (
          area &&
          (x1 <= area.lowerCorner[0]! ||
            x0 >= area.upperCorner[0]! ||
            y1 <= area.lowerCorner[1]! ||
            y0 >= area.upperCorner[1]!)
        )
          continue;
        polygons.push([
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ]);
      }
    }
    const km2 = (polygons.length * grid.cellsize * grid.cellsize) / 1e6;
    ctx.logger.info("computed", { level, cells: polygons.length, km2 });
    return {
      extent: {
        json: {
          type: "FeatureCollection",
          features: [
            {
              type: "Feature",
              properties: { level, km2 },
              geometry: { type: "MultiPolygon", coordinates: polygons },
            },
          ],
        },
      },
      km2,
    };
  },
});
