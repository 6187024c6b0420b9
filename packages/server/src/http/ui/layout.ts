/**
 * The page shell every UI page shares: head (stylesheet, the one module script, alternates), a header with the
 * navigation, breadcrumbs, the main content and a footer linking the page's JSON. Nothing inline: no `<script>`
 * with code, no `style` attributes, no event handler attributes (the CSP forbids them); page data travels in
 * `data-*` attributes and JSON data blocks.
 */
import { basePath, type PageRequest, type UiContext } from "./context.js";
import { html, type SafeHtml, safeHref } from "./html.js";

/** Which navigation entry a page belongs to. */
export type Section = "processes" | "jobs" | "api" | "none";

/** A breadcrumb: label and link (the last one is the current page and has none). */
export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

/** What a page gives the shell. */
export interface PageParts {
  readonly title: string;
  /** `data-page` of `<body>`: which browser module enhances the page. */
  readonly page: string;
  readonly section: Section;
  readonly crumbs?: readonly Crumb[];
  readonly body: SafeHtml;
  /** Extra `data-*` attributes of `<body>` (already named `data-…`). */
  readonly data?: Readonly<Record<string, string>>;
  /** Whether the page shows maps (their stylesheet is then linked up front). */
  readonly maps?: boolean;
  /** The document's links, listed at the end of the page (the html class shows every link). */
  readonly links?: readonly Link[];
}

/** A link of an OGC document. */
export interface Link {
  readonly href: string;
  readonly rel?: string;
  readonly type?: string;
  readonly title?: string;
}

/** Every link of a document, as `<a>` elements with their relation and media type. */
export function linksSection(links: readonly Link[] | undefined): SafeHtml | string {
  if (!links || links.length === 0) return "";
  return html`<details class="doc-links"><summary>Links of this resource (${links.length})</summary><ul>${links.map(
    (l) =>
      html`<li><a href="${safeHref(l.href)}"${l.type !== undefined ? html` type="${l.type}"` : ""}>${l.title ?? l.href}</a> <span class="muted">${l.rel ?? ""}${l.type !== undefined ? ` · ${l.type}` : ""}</span></li>`,
  )}</ul></details>`;
}

/** The request's URL with `f` set to `format` (the page's other encodings). */
export function withFormat(url: string, format: string): string {
  const u = new URL(url, "http://x");
  u.searchParams.set("f", format);
  return `${u.pathname}${u.search}`;
}

/** A link of a JSON document, to follow from an HTML page (a `f=json` in it becomes `f=html`). */
export function asHtml(href: string): string {
  return href.replace(/([?&]f=)json(&|$)/, "$1html$2");
}

/**
 * The path (and query) of an absolute URL of this server: what the page's script fetches, so that it talks to the
 * origin the page came from even when that is not the configured public URL's host.
 */
export function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** A UI-relative URL: `path` under the public URL's path prefix. */
export function uiPath(ctx: UiContext, path: string): string {
  return `${basePath(ctx)}${path}`;
}

/** An asset's URL. */
export function assetUrl(ctx: UiContext, name: Parameters<UiContext["assets"]["file"]>[0]): string {
  return uiPath(ctx, `/ui/assets/${ctx.assets.file(name)}`);
}

function nav(ctx: UiContext, current: Section): SafeHtml {
  const item = (s: Section, href: string, label: string) =>
    html`<li><a href="${href}"${s === current ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<nav class="top" aria-label="Main"><ul>
${item("processes", uiPath(ctx, "/processes"), "Processes")}
${item("jobs", uiPath(ctx, "/jobs"), "Jobs")}
${item("api", uiPath(ctx, "/api"), "API")}
</ul></nav>`;
}

function crumbs(list: readonly Crumb[] | undefined): SafeHtml | string {
  if (!list || list.length === 0) return "";
  return html`<nav class="crumbs" aria-label="Breadcrumb"><ol>${list.map((c, i) =>
    c.href !== undefined && i < list.length - 1
      ? html`<li><a href="${c.href}">${c.label}</a></li>`
      : html`<li><span aria-current="page">${c.label}</span></li>`,
  )}</ol></nav>`;
}

/** A whole HTML page. */
export function page(ctx: UiContext, req: PageRequest, parts: PageParts): string {
  const lang = req.language ?? ctx.config.server.languages[0] ?? "en";
  const json = req.jsonUrl ?? withFormat(req.url, "json");
  const siteTitle = ctx.config.metadata.title;
  const data = Object.entries(parts.data ?? {}).map(([k, v]) => html` ${k}="${v}"`);
  const tile = ctx.config.ui.tile_url;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${parts.title} · ${siteTitle}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl(ctx, "app.css")}">
${parts.maps === true ? html`<link rel="stylesheet" href="${assetUrl(ctx, "map.css")}">` : ""}
<link rel="alternate" type="application/json" href="${json}" title="This page as JSON">
<script type="module" src="${assetUrl(ctx, "main.js")}"></script>
</head>
<body data-page="${parts.page}" data-base="${basePath(ctx)}" data-basemap="${assetUrl(ctx, "basemap.json")}" data-map-css="${assetUrl(ctx, "map.css")}"${tile !== "" ? html` data-tile-url="${tile}" data-tile-attribution="${ctx.config.ui.tile_attribution}"` : ""}${data}>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="${uiPath(ctx, "/")}"><span class="logo" aria-hidden="true"></span>${siteTitle}</a>
${nav(ctx, parts.section)}
</header>
${crumbs(parts.crumbs)}
<main id="main" tabindex="-1">
${parts.body}
${linksSection(parts.links)}
</main>
<footer class="site">
<p><a href="${json}" type="application/json">This page as JSON</a> · <a href="${uiPath(ctx, "/conformance")}">Conformance</a> · <a href="${ctx.urls.wps}?service=WPS&amp;request=GetCapabilities">WPS capabilities</a></p>
</footer>
</body>
</html>
`.value;
}
