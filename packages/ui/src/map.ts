/**
 * Maps (loaded only on pages that show one): Leaflet with the Natural Earth basemap that ships with Roost (the
 * `world-atlas` countries at 1:110m, TopoJSON, served from this server), or the site's tile server when
 * `ui.tile_url` is configured. Bounding boxes are drawn and shown in geographic CRSs: CRS84 and the short
 * `EPSG:4326` are longitude/latitude, the URN and URL forms of EPSG 4326 latitude/longitude (the axis order EPSG
 * defines, as servers that follow the authority read them).
 */
import * as L from "leaflet/dist/leaflet-src.esm.js";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { el } from "./dom.js";
import { unwrapAll } from "./geo.js";

/** The basemap: land (filled, no outline: outlines would also trace the cuts at the antimeridian and the poles) and
 * the borders between countries. */
interface Basemap {
  readonly land: GeoJSON.GeoJsonObject;
  readonly borders: GeoJSON.GeoJsonObject;
}

let basemapData: Promise<Basemap | undefined> | undefined;

function ensureCss(): void {
  const href = document.body.dataset.mapCss;
  if (!href || document.querySelector(`link[href="${CSS.escape(href)}"]`)) return;
  document.head.append(el("link", { rel: "stylesheet", href }));
}

function loadBasemap(): Promise<Basemap | undefined> {
  basemapData ??= (async () => {
    const url = document.body.dataset.basemap;
    if (!url) return undefined;
    const res = await fetch(url);
    if (!res.ok) return undefined;
    const topo = (await res.json()) as Topology<{ countries: GeometryCollection }>;
    const countries = topo.objects.countries;
    return {
      land: unwrapAll(feature(topo, countries) as GeoJSON.GeoJsonObject),
      borders: unwrapAll(mesh(topo, countries, (a, b) => a !== b) as GeoJSON.GeoJsonObject),
    };
  })().catch(() => undefined);
  return basemapData;
}

/** A map in `container` with the basemap. */
export async function createMap(container: HTMLElement): Promise<L.Map> {
  ensureCss();
  container.classList.add("has-map");
  const map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5 });
  map.setView([20, 0], 1);
  const tiles = document.body.dataset.tileUrl;
  if (tiles) {
    L.tileLayer(tiles, { attribution: document.body.dataset.tileAttribution ?? "", maxZoom: 19 }).addTo(map);
  } else {
    map.attributionControl.addAttribution("Natural Earth");
    const data = await loadBasemap();
    if (data) {
      L.geoJSON(data.land, {
        interactive: false,
        style: { stroke: false, fillColor: "#e6e9e1", fillOpacity: 1 },
      }).addTo(map);
      L.geoJSON(data.borders, { interactive: false, style: { color: "#98a3ae", weight: 0.6 } }).addTo(map);
    }
  }
  return map;
}

/** True for CRSs drawn on the map. */
export function isGeographic(crs: string): boolean {
  return /(^|[:/])CRS:?84$/i.test(crs) || /(^|[:/])(EPSG)(:|::|:[\d.]+:|\/0\/)4326$/i.test(crs);
}

/** True when the CRS puts latitude first. */
export function latFirst(crs: string): boolean {
  return (
    /^urn:ogc:def:crs:EPSG:[\d.]*:4326$/i.test(crs) || /opengis\.net\/def\/crs\/EPSG\/0\/4326$/i.test(crs)
  );
}

function toBounds(bbox: readonly number[], crs: string): L.LatLngBounds {
  const [a = 0, b = 0, c = 0, d = 0] = bbox;
  return latFirst(crs) ? L.latLngBounds([a, b], [c, d]) : L.latLngBounds([b, a], [d, c]);
}

function fromBounds(bn: L.LatLngBounds, crs: string): number[] {
  const sw = bn.getSouthWest();
  const ne = bn.getNorthEast();
  return latFirst(crs) ? [sw.lat, sw.lng, ne.lat, ne.lng] : [sw.lng, sw.lat, ne.lng, ne.lat];
}

const RECT_STYLE: L.PathOptions = { color: "#0b5cad", weight: 2, fillOpacity: 0.15 };

/** Show a bounding box (a result). */
export async function showBbox(container: HTMLElement, bbox: readonly number[], crs: string): Promise<void> {
  if (crs !== "" && !isGeographic(crs)) {
    container.replaceChildren(el("p", { class: "muted" }, `A box in ${crs} is not drawn on the map.`));
    return;
  }
  const map = await createMap(container);
  const b = toBounds(bbox, crs || "CRS84");
  L.rectangle(b, RECT_STYLE).addTo(map);
  map.fitBounds(b, { padding: [20, 20], maxZoom: 8 });
}

/** Show GeoJSON (a result). */
export async function showGeoJson(container: HTMLElement, data: GeoJSON.GeoJsonObject): Promise<void> {
  const map = await createMap(container);
  const layer = L.geoJSON(data, {
    style: RECT_STYLE,
    pointToLayer: (_f, latlng) => L.circleMarker(latlng, { radius: 5, ...RECT_STYLE, fillOpacity: 0.8 }),
  }).addTo(map);
  const b = layer.getBounds();
  if (b.isValid()) map.fitBounds(b, { padding: [20, 20], maxZoom: 10 });
}

/** Drawing a box in a form: `update` moves it when the fields change. */
export interface BboxDrawer {
  update(crs: string, bbox: readonly number[] | undefined): void;
}

/** A map to draw a box on; `onDraw` gets the box in the CRS's axis order. */
export async function bboxDrawer(
  container: HTMLElement,
  crs: string,
  bbox: readonly number[] | undefined,
  onDraw: (bbox: number[]) => void,
): Promise<BboxDrawer> {
  const map = await createMap(container);
  let current = crs;
  let rect: L.Rectangle | undefined;
  const note = el("p", { class: "map-note", "aria-live": "polite" });
  const button = el(
    "button",
    { type: "button", class: "secondary map-draw", "aria-pressed": "false" },
    "Draw a box",
  );
  container.after(el("div", { class: "map-tools" }, button, note));
  const show = (b: L.LatLngBounds) => {
    if (rect) rect.setBounds(b);
    else rect = L.rectangle(b, RECT_STYLE).addTo(map);
  };
  const update = (c: string, v: readonly number[] | undefined) => {
    current = c;
    const ok = isGeographic(c);
    button.disabled = !ok;
    note.textContent = ok
      ? "Press “Draw a box”, then drag on the map."
      : `Boxes in ${c} cannot be drawn; type the coordinates.`;
    if (ok && v) {
      const b = toBounds(v, c);
      show(b);
      map.fitBounds(b, { padding: [20, 20], maxZoom: 8 });
    }
  };
  let drawing = false;
  let start: L.LatLng | undefined;
  const setDrawing = (on: boolean) => {
    drawing = on;
    button.setAttribute("aria-pressed", String(on));
    container.classList.toggle("drawing", on);
    if (on) map.dragging.disable();
    else map.dragging.enable();
  };
  button.addEventListener("click", () => setDrawing(!drawing));
  map.on("mousedown", (e: L.LeafletMouseEvent) => {
    if (!drawing) return;
    start = e.latlng;
    show(L.latLngBounds(start, start));
  });
  map.on("mousemove", (e: L.LeafletMouseEvent) => {
    if (drawing && start) show(L.latLngBounds(start, e.latlng));
  });
  map.on("mouseup", (e: L.LeafletMouseEvent) => {
    if (!drawing || !start) return;
    const b = L.latLngBounds(start, e.latlng);
    start = undefined;
    setDrawing(false);
    show(b);
    onDraw(fromBounds(b, current));
  });
  update(crs, bbox);
  // The container was hidden until now: Leaflet measures it again.
  setTimeout(() => map.invalidateSize(), 0);
  return { update };
}

/** Maps of bounding-box results on a page. */
export async function resultMaps(root: ParentNode = document): Promise<void> {
  for (const m of root.querySelectorAll<HTMLElement>("[data-role=result-map]")) {
    if (m.dataset.ready === "true") continue;
    m.dataset.ready = "true";
    const bbox = JSON.parse(m.dataset.bbox ?? "[]") as number[];
    await showBbox(m, bbox, m.dataset.crs ?? "");
  }
}
