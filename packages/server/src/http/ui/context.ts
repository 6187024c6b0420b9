/**
 * What every page of the web UI is rendered with: the job API (process definitions for the forms), the
 * configuration, the public URL layout and the built assets, plus the Content-Security-Policy the pages need.
 */
import type { Config } from "../../config/load.js";
import type { JobApi } from "../../service/job-api.js";
import type { PublicUrls } from "../urls.js";
import type { UiAssets } from "./assets.js";

/** Collaborators of the UI (built once by the composition root). */
export interface UiContext {
  readonly service: JobApi;
  readonly config: Config;
  readonly urls: PublicUrls;
  readonly assets: UiAssets;
}

/**
 * The request a page answers (the OGC front end's `OgcHtmlContext` has these members): the resource's URL (for
 * filters), its JSON alternate and the negotiated language.
 */
export interface PageRequest {
  /** The resource's URL, absolute or a path, with its query (e.g. `/jobs?status=running`). */
  readonly url: string;
  /** The same resource as JSON; default: the URL with `f=json`. */
  readonly jsonUrl?: string;
  /** The negotiated language, e.g. `en-US`; default: the server's first language. */
  readonly language?: string;
}

/** Path prefix of the public URL (`""` or `/roost`): assets and UI routes are linked root-relative to it. */
export function basePath(ctx: UiContext): string {
  return new URL(ctx.urls.base).pathname.replace(/\/+$/, "");
}

/** The origin of the configured tile URL, or undefined (no tiles: the built-in basemap). */
function tileOrigin(ctx: UiContext): string | undefined {
  const t = ctx.config.ui.tile_url;
  if (t === "") return undefined;
  try {
    // `{s}` sub-domains become a wildcard host source.
    const u = new URL(t.replace(/\{s\}/g, "tiles"));
    return t.includes("{s}.") ? `${u.protocol}//*.${u.host.split(".").slice(1).join(".")}` : u.origin;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Security-Policy of UI pages: scripts, styles and connections only from this server, no inline script
 * or style, no plugins, no framing, forms posting only here. Images may also come from the configured tile server.
 */
export function contentSecurityPolicy(ctx: UiContext): string {
  const tiles = tileOrigin(ctx);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles !== undefined ? ` ${tiles}` : ""}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
