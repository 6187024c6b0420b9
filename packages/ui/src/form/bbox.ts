/**
 * Bounding boxes drawn on a map: "Draw on map" opens a map (loaded on first use) under the four fields; dragging on
 * it draws a rectangle whose corners fill the fields, and typing in the fields moves the rectangle. Only geographic
 * CRSs (CRS84 and EPSG:4326 in its forms) can be drawn; the fields work for every CRS.
 */
import { $, $$ } from "../dom.js";

function values(row: HTMLElement): number[] | undefined {
  const get = (r: string) => $<HTMLInputElement>(`[data-role=${r}]`, row)?.value.trim() ?? "";
  const t = [get("minx"), get("miny"), get("maxx"), get("maxy")];
  if (t.some((x) => x === "")) return undefined;
  const n = t.map(Number);
  return n.every(Number.isFinite) ? n : undefined;
}

function crsOf(row: HTMLElement): string {
  return (
    $<HTMLSelectElement>("[data-role=crs]", row)?.value ?? $("[data-role=crs-fixed]", row)?.textContent ?? ""
  );
}

/** Wire the draw buttons of a form (delegated; the map code is loaded on first use). */
export function initBboxMaps(form: HTMLFormElement, onChange: () => void): void {
  form.addEventListener("click", async (ev) => {
    const b = (ev.target as Element | null)?.closest<HTMLButtonElement>("button[data-action=draw]");
    const row = b?.closest<HTMLElement>(".row");
    const box = row ? $("[data-role=map]", row) : null;
    if (!b || !row || !box) return;
    const open = box.hidden;
    box.hidden = !open;
    b.setAttribute("aria-expanded", String(open));
    b.textContent = open ? "Hide map" : "Draw on map";
    if (!open || box.dataset.ready === "true") return;
    box.dataset.ready = "true";
    const map = await import("../map.js");
    const drawing = await map.bboxDrawer(box, crsOf(row), values(row), (bbox) => {
      const roles = ["minx", "miny", "maxx", "maxy"];
      bbox.forEach((v, i) => {
        const c = $<HTMLInputElement>(`[data-role=${roles[i]}]`, row);
        if (c) c.value = String(Math.round(v * 1e6) / 1e6);
      });
      onChange();
    });
    for (const c of $$<HTMLInputElement | HTMLSelectElement>("input, select", row))
      c.addEventListener("change", () => drawing.update(crsOf(row), values(row)));
  });
}
