/**
 * The results of a succeeded job, usable on the spot: literal values; for every file a download button with its
 * size and media type and an inline preview the page's script fills (text, JSON, CSV as a table, images — fetched
 * from the published output, inserted as text or as an `<img>`); maps for bounding boxes and GeoJSON; zip and
 * Metalink outputs listed. Built from the job record (sizes, media types, files) and the process definition
 * (titles, declaration order), so it reads the same for jobs submitted through any front end.
 */
import { readFile } from "node:fs/promises";
import type { JobRecord, OutputDefinition, ProcessDefinition, StoredOutput } from "@roost/core";
import { type Listing, listMetalink, listZip } from "./archive.js";
import type { UiContext } from "./context.js";
import { formatBytes } from "./field-model.js";
import { html, type SafeHtml, safeHref } from "./html.js";

/** Largest Metalink document read for its listing. */
const MAX_METALINK = 1024 * 1024;

/** How the browser previews a file of this media type, if at all. */
export function previewKind(mimeType: string): "text" | "json" | "csv" | "image" | "geojson" | undefined {
  const m = mimeType.toLowerCase().split(";")[0]?.trim() ?? "";
  if (m === "application/geo+json" || m === "application/vnd.geo+json") return "geojson";
  if (m === "text/csv") return "csv";
  if (m === "application/json" || m.endsWith("+json")) return "json";
  // SVG can carry script: it is served as an attachment and never shown inline.
  if (/^image\/(png|jpeg|gif|webp)$/.test(m)) return "image";
  if (m === "text/html" || m.includes("javascript")) return undefined;
  if (m.startsWith("text/") || m === "application/xml" || m.endsWith("+xml")) return "text";
  return undefined;
}

function isZip(m: string): boolean {
  return /^application\/(zip|x-zip-compressed)\b/i.test(m);
}

function isMetalink(m: string): boolean {
  return /^application\/metalink4?\+xml\b/i.test(m);
}

function listingHtml(l: Listing): SafeHtml {
  return html`<details class="listing" open><summary>${l.total} file${l.total === 1 ? "" : "s"} inside</summary><ul>${l.entries.map(
    (e) =>
      html`<li>${e.url !== undefined ? html`<a href="${safeHref(e.url)}" rel="noreferrer">${e.name}</a>` : html`<code>${e.name}</code>`}${e.size !== undefined ? html` <span class="muted">${formatBytes(e.size)}</span>` : ""}</li>`,
  )}${l.total > l.entries.length ? html`<li class="muted">… and ${l.total - l.entries.length} more</li>` : ""}</ul></details>`;
}

async function listing(
  ctx: UiContext,
  jobId: string,
  file: string,
  mime: string,
): Promise<SafeHtml | string> {
  const path = await ctx.service.outputFile(jobId, file);
  if (!path) return "";
  if (isZip(mime)) {
    const l = await listZip(path);
    return l ? listingHtml(l) : "";
  }
  if (isMetalink(mime)) {
    const buf = await readFile(path).catch(() => undefined);
    if (!buf || buf.length > MAX_METALINK) return "";
    const l = listMetalink(buf.toString("utf8"));
    return l ? listingHtml(l) : "";
  }
  return "";
}

function bboxHtml(d: OutputDefinition, v: Extract<StoredOutput, { kind: "bbox" }>["value"]): SafeHtml {
  const crs = v.crs ?? (d.kind === "bbox" ? d.crs[0] : undefined);
  const coords = [...v.lowerCorner, ...v.upperCorner];
  return html`<p class="value"><output>${coords.join(", ")}</output>${crs !== undefined ? html` <span class="muted">${crs}</span>` : ""}</p>
<div class="map" data-role="result-map" data-bbox="${JSON.stringify(coords)}" data-crs="${crs ?? ""}" role="img" aria-label="Map of ${d.title}"></div>`;
}

async function outputHtml(
  ctx: UiContext,
  job: JobRecord,
  d: OutputDefinition,
  v: StoredOutput,
): Promise<SafeHtml> {
  const head = html`<h3>${d.title}${d.title !== d.identifier ? html` <code class="ident">${d.identifier}</code>` : ""}</h3>`;
  switch (v.kind) {
    case "literal":
      return html`<li class="result literal" data-output="${d.identifier}">${head}<p class="value"><output>${String(v.value)}</output>${v.uom !== undefined ? html` <span class="muted">${v.uom}</span>` : ""}</p></li>`;
    case "bbox":
      return html`<li class="result bbox" data-output="${d.identifier}">${head}${bboxHtml(d, v.value)}</li>`;
    case "href":
      return html`<li class="result file" data-output="${d.identifier}">${head}<p><a class="button" href="${safeHref(v.href)}" rel="noreferrer">Open</a> <span class="mime">${v.mimeType}</span></p></li>`;
    case "file": {
      const href = ctx.service.outputHref(job.id, v.file);
      // Previews fetch from this origin whatever host name the page was reached by.
      const src = new URL(href).pathname;
      const kind = previewKind(v.mimeType);
      const name = v.file.split("/").pop() ?? v.file;
      return html`<li class="result file" data-output="${d.identifier}">${head}
<p class="file-line"><a class="button" href="${href}" download="${name}">Download <span class="sr-only">${d.title}</span></a> <code class="file-name">${name}</code> <span class="mime">${v.mimeType}</span> <span class="size">${formatBytes(v.size)}</span></p>
${kind !== undefined ? html`<div class="output-preview" data-preview-kind="${kind}" data-src="${src}" data-size="${v.size}" aria-label="Preview of ${d.title}"><p class="muted">Loading preview…</p></div>` : ""}
${await listing(ctx, job.id, v.file, v.mimeType)}
</li>`;
    }
  }
}

/** The results of a succeeded job (an empty list for other jobs). */
export async function resultsList(
  ctx: UiContext,
  job: JobRecord,
  p: ProcessDefinition | undefined,
): Promise<SafeHtml> {
  const outputs = job.outputs ?? {};
  const defs: OutputDefinition[] =
    p?.outputs.filter((d) => Object.hasOwn(outputs, d.identifier)) ??
    Object.keys(outputs).map(
      (id) => ({ kind: "literal", identifier: id, title: id, dataType: "string" }) as const,
    );
  const items: SafeHtml[] = [];
  for (const d of defs) {
    const v = outputs[d.identifier];
    if (v !== undefined) items.push(await outputHtml(ctx, job, d, v));
  }
  if (items.length === 0) return html`<p class="muted">This job produced no outputs.</p>`;
  return html`<ul class="results plain">${items}</ul>`;
}
