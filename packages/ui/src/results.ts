/**
 * Inline previews of result files (`[data-preview-kind]`): the file is fetched from its published URL — at most
 * {@link PREVIEW_BYTES}, the rest is cut — and shown as text, pretty JSON, a CSV table or a map (GeoJSON); images
 * are shown with `<img>`. Content is always inserted as text; SVG and HTML outputs are never previewed (the server
 * sends them as attachments).
 */
import { $$, el, formatBytes } from "./dom.js";

/** Most bytes fetched for a preview. */
const PREVIEW_BYTES = 256 * 1024;
/** Most CSV rows shown. */
const CSV_ROWS = 200;

async function fetchText(src: string): Promise<{ text: string; cut: boolean }> {
  const res = await fetch(src);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= PREVIEW_BYTES) {
      cut = true;
      await reader.cancel();
      break;
    }
  }
  const all = new Uint8Array(Math.min(size, PREVIEW_BYTES));
  let off = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - off);
    all.set(part, off);
    off += part.length;
    if (off >= all.length) break;
  }
  return { text: new TextDecoder().decode(all), cut };
}

/** Parse CSV (RFC 4180: quoted fields, doubled quotes, CRLF), at most `maxRows` rows. */
export function parseCsv(text: string, maxRows = CSV_ROWS): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if ((field !== "" || row.length > 0) && rows.length < maxRows) rows.push([...row, field]);
  return rows;
}

function csvTable(text: string): HTMLElement {
  const [head = [], ...body] = parseCsv(text);
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "csv" },
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...body.map((r) => el("tr", {}, ...r.map((v) => el("td", {}, v))))),
    ),
  );
}

async function preview(box: HTMLElement): Promise<void> {
  const src = box.dataset.src ?? "";
  const kind = box.dataset.previewKind;
  if (kind === "image") {
    box.replaceChildren(el("img", { src, alt: box.getAttribute("aria-label") ?? "", loading: "lazy" }));
    return;
  }
  const { text, cut } = await fetchText(src);
  const note = cut ? el("p", { class: "muted" }, `Showing the first ${formatBytes(PREVIEW_BYTES)}.`) : null;
  if (kind === "csv") {
    box.replaceChildren(csvTable(text), ...(note ? [note] : []));
    return;
  }
  let shown = text;
  let json: unknown;
  if ((kind === "json" || kind === "geojson") && !cut) {
    try {
      json = JSON.parse(text);
      shown = JSON.stringify(json, null, 2);
    } catch {
      // not JSON after all: shown as text
    }
  }
  const pre = el("pre", { tabindex: "0" }, shown);
  if (kind === "geojson" && json !== undefined) {
    const mapBox = el("div", {
      class: "map",
      role: "img",
      "aria-label": `Map of ${box.getAttribute("aria-label") ?? "GeoJSON"}`,
    });
    box.replaceChildren(mapBox, el("details", {}, el("summary", {}, "GeoJSON text"), pre));
    const m = await import("./map.js");
    await m.showGeoJson(mapBox, json as GeoJSON.GeoJsonObject);
    return;
  }
  box.replaceChildren(pre, ...(note ? [note] : []));
}

/** Fill the previews and maps of the results under `root`. */
export async function initResults(root: ParentNode = document): Promise<void> {
  for (const box of $$("[data-preview-kind]", root)) {
    if (box.dataset.ready === "true") continue;
    box.dataset.ready = "true";
    await preview(box).catch((e: unknown) =>
      box.replaceChildren(el("p", { class: "muted" }, `No preview: ${(e as Error).message}`)),
    );
  }
  if (root.querySelector("[data-role=result-map]")) {
    const m = await import("./map.js");
    await m.resultMaps(root);
  }
}
