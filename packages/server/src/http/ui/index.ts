/**
 * The web UI, assembled: its context (job API, configuration, URL layout, built assets), the HTML renderer of the
 * OGC API resources and the UI's own routes. The composition root builds it once and hands the renderer to the OGC
 * API front end.
 */
import type { Config } from "../../config/load.js";
import type { JobApi } from "../../service/job-api.js";
import type { PublicUrls } from "../urls.js";
import { defaultAssetsDir, UiAssets } from "./assets.js";
import type { UiContext } from "./context.js";
import { UiRenderer } from "./renderer.js";

export type { OgcHtmlKind } from "../ogcapi/html.js";
export type { PageRequest, UiContext } from "./context.js";
export { uiPlugin, uiSecurityHeaders } from "./plugin.js";
export { UiRenderer } from "./renderer.js";

/** The UI's context and renderer. */
export interface WebUi {
  readonly ctx: UiContext;
  readonly renderer: UiRenderer;
}

/** Build the web UI (reads the built assets: `npm run build` must have run). */
export function buildWebUi(o: {
  readonly service: JobApi;
  readonly config: Config;
  readonly urls: PublicUrls;
  /** Where the built assets are; default `@roost/ui`'s `dist/`. */
  readonly assetsDir?: string;
}): WebUi {
  const ctx: UiContext = {
    service: o.service,
    config: o.config,
    urls: o.urls,
    assets: new UiAssets(o.assetsDir ?? defaultAssetsDir()),
  };
  return { ctx, renderer: new UiRenderer(ctx) };
}
