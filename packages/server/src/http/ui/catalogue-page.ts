/**
 * The catalogue: the HTML encodings of the landing page (`/`, the catalogue's entry) and of the process list
 * (`/processes`). Every process with title, abstract, keywords, version and execution modes; a search box that
 * filters as you type (`packages/ui/src/catalogue.ts`) and, without script, filters on the server (`?q=`).
 */
import { ogcapi } from "@roost/core/internal";
import { ogcUrls } from "../ogcapi/context.js";
import type { PageRequest, UiContext } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { asHtml, page, uiPath } from "./layout.js";
import { modeBadges } from "./process-page.js";

function searchText(s: ogcapi.ProcessSummary): string {
  return [s.id, s.title, s.description ?? "", ...(s.keywords ?? [])].join(" ").toLowerCase();
}

function card(ctx: UiContext, s: ogcapi.ProcessSummary, hidden: boolean): SafeHtml {
  return html`<li class="card" data-search="${searchText(s)}"${hidden ? html` hidden` : ""}>
<h3><a href="${uiPath(ctx, `/processes/${encodeURIComponent(s.id)}`)}">${s.title}</a></h3>
<p class="sub"><code class="ident">${s.id}</code> · v${s.version} ${modeBadges(s.jobControlOptions)}</p>
${s.description !== undefined ? html`<p class="abstract">${s.description}</p>` : ""}
${s.keywords && s.keywords.length > 0 ? html`<ul class="keywords" aria-label="Keywords">${s.keywords.map((k) => html`<li>${k}</li>`)}</ul>` : ""}
</li>`;
}

function catalogue(
  ctx: UiContext,
  req: PageRequest,
  list: readonly ogcapi.ProcessSummary[],
  heading: boolean,
): SafeHtml {
  const q = (new URL(req.url, "http://x").searchParams.get("q") ?? "").trim().toLowerCase();
  const matches = (s: ogcapi.ProcessSummary) => q.split(/\s+/).every((w) => searchText(s).includes(w));
  const shown = q === "" ? list : list.filter(matches);
  return html`<section class="catalogue" aria-labelledby="catalogue-h">
<div class="catalogue-head"><h2 id="catalogue-h"${heading ? "" : html` class="sr-only"`}>Processes</h2>
<form class="search" role="search" method="get" action="${uiPath(ctx, "/")}"><label for="process-search">Search processes</label><input type="search" id="process-search" name="q" value="${q}" placeholder="title, identifier, keyword…" autocomplete="off" aria-controls="process-list"><button type="submit" class="secondary">Search</button></form></div>
<p class="count" data-role="count" role="status" aria-live="polite">${shown.length === list.length ? `${list.length} processes` : `${shown.length} of ${list.length} processes`}</p>
<ul class="cards" id="process-list">${list.map((s) => card(ctx, s, q !== "" && !matches(s)))}</ul>
<p class="empty" data-role="empty"${shown.length === 0 ? "" : html` hidden`}>No process matches.</p>
</section>`;
}

/** Every registered process, in the request's language. */
function allSummaries(ctx: UiContext, req: PageRequest): ogcapi.ProcessSummary[] {
  const urls = ogcUrls(ctx.urls);
  return ctx.service.processes().map((p) => ogcapi.encodeProcessSummary(p, urls, { language: req.language }));
}

/**
 * `/processes` as HTML. The JSON list is paged (10 by default); the catalogue a person searches shows every process
 * unless the request asked for a page (`limit`/`offset`), which is then shown with its neighbours' links.
 */
export function renderProcessList(ctx: UiContext, req: PageRequest, doc: ogcapi.ProcessList): string {
  const q = new URL(req.url, "http://x").searchParams;
  const paged = q.has("limit") || q.has("offset");
  const next = doc.links.find((l) => l.rel === "next")?.href;
  const prev = doc.links.find((l) => l.rel === "prev")?.href;
  const body = html`<header class="page-head"><h1>Processes</h1><p class="lead">Choose a process to see its description and run it.</p></header>
${catalogue(ctx, req, paged ? doc.processes : allSummaries(ctx, req), false)}
${paged && (next !== undefined || prev !== undefined) ? html`<nav class="pager" aria-label="Pages">${prev !== undefined ? html`<a rel="prev" href="${asHtml(prev)}">← Previous</a>` : ""}${next !== undefined ? html`<a rel="next" href="${asHtml(next)}">Next →</a>` : ""}</nav>` : ""}`;
  return page(ctx, req, {
    title: "Processes",
    page: "catalogue",
    section: "processes",
    body,
    links: doc.links,
  });
}

/** `/` as HTML: what the service is, where its API is, and the catalogue. */
export function renderLanding(ctx: UiContext, req: PageRequest, doc: ogcapi.LandingPage): string {
  const list = allSummaries(ctx, req);
  const link = (rel: string) => doc.links.find((l) => l.rel === rel)?.href;
  const api = link("service-desc");
  const body = html`<header class="page-head hero"><h1>${doc.title}</h1>
${doc.description !== undefined ? html`<p class="lead">${doc.description}</p>` : ""}
<p class="page-links"><a href="${uiPath(ctx, "/jobs")}">Your jobs</a>${api !== undefined ? html` · <a href="${api}">API definition (OpenAPI)</a>` : ""} · <a href="${uiPath(ctx, "/conformance")}">Conformance</a></p>
</header>
${catalogue(ctx, req, list, true)}`;
  return page(ctx, req, { title: "Home", page: "catalogue", section: "none", body, links: doc.links });
}

/** `/conformance` as HTML. */
export function renderConformance(
  ctx: UiContext,
  req: PageRequest,
  doc: ogcapi.ConformanceDeclaration,
): string {
  const body = html`<header class="page-head"><h1>Conformance</h1><p class="lead">The OGC API conformance classes this server implements.</p></header>
<ul class="conformance">${doc.conformsTo.map((c) => html`<li><code>${c}</code></li>`)}</ul>`;
  return page(ctx, req, {
    title: "Conformance",
    page: "conformance",
    section: "none",
    crumbs: [{ label: "Home", href: uiPath(ctx, "/") }, { label: "Conformance" }],
    body,
  });
}
