/** Geometry helpers of the maps, free of Leaflet and the DOM (unit-tested in Node). */

/** A GeoJSON position. */
export type Position = number[];

/**
 * Make a ring's longitudes continuous: world-atlas keeps rings that cross the antimeridian (Russia, Fiji) whole, so
 * a step from 179.9 to -179.9 would be drawn as an edge across the whole map; shifted by ±360 it stays short.
 */
export function unwrapRing(ring: readonly Position[]): Position[] {
  let shift = 0;
  let prev: number | undefined;
  return ring.map(([lon = 0, lat = 0]) => {
    if (prev !== undefined) {
      const d = lon + shift - prev;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    prev = lon + shift;
    return [lon + shift, lat];
  });
}

function unwrap(g: GeoJSON.Geometry): GeoJSON.Geometry {
  switch (g.type) {
    case "Polygon":
      return { ...g, coordinates: g.coordinates.map(unwrapRing) };
    case "MultiPolygon":
      return { ...g, coordinates: g.coordinates.map((p) => p.map(unwrapRing)) };
    case "LineString":
      return { ...g, coordinates: unwrapRing(g.coordinates) };
    case "MultiLineString":
      return { ...g, coordinates: g.coordinates.map(unwrapRing) };
    default:
      return g;
  }
}

export function unwrapAll(o: GeoJSON.GeoJsonObject): GeoJSON.GeoJsonObject {
  if (o.type === "FeatureCollection") {
    const fc = o as GeoJSON.FeatureCollection;
    const features = fc.features.map((f) => ({ ...f, geometry: unwrap(f.geometry) }));
    return { ...fc, features } as GeoJSON.FeatureCollection;
  }
  return unwrap(o as GeoJSON.Geometry);
}
