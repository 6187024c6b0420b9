/**
 * The HTML hook of the OGC API front end, for the web UI: an optional {@link OgcHtmlRenderer} given to the plugin.
 * With one, the server declares the `html` conformance class and answers `Accept: text/html` (and `?f=html`) on every
 * JSON document resource with the renderer's page, built from exactly the document the JSON answer carries; without
 * one, `text/html` is not offered (a request accepting only HTML gets 406) and the class is not declared.
 *
 * Negotiation is honest about q-values (`negotiate.ts`): a browser sends `text/html,…,*\/*;q=0.8`, which prefers HTML
 * at q=1 over JSON at q=0.8 — it gets the page when a renderer is plugged in, and JSON (still acceptable through
 * `*\/*`) when none is. Clients that send no `Accept`, or `application/json`, get JSON either way.
 */
import type { ogcapi } from "@roost/core";

/** The document kinds a renderer is asked for (the resource the page represents). */
export type OgcHtmlKind =
  /** `/` — `LandingPage`. */
  | "landing"
  /** `/conformance` — `ConformanceDeclaration`. */
  | "conformance"
  /** `/processes` — `ProcessList`. */
  | "processes"
  /** `/processes/{id}` — `ProcessDescription`. */
  | "process"
  /** `/jobs` — `JobList`. */
  | "jobs"
  /** `/jobs/{id}` — `StatusInfo`. */
  | "job"
  /** `/jobs/{id}/results` — `ResultsDocument` (the document form, whatever the job's original response form). */
  | "results"
  /** `/jobs/{id}/inputs` — the job's recorded request (`JobInputs` in `jobs.ts`). */
  | "inputs"
  /** Any error — `ProblemDocument`; the page is sent with the problem's status. */
  | "problem";

/** What a renderer knows about the request besides the document. */
export interface OgcHtmlContext {
  /** Absolute public URL of the resource (query included, `f` excluded). */
  readonly url: string;
  /** The same resource as JSON (`?f=json`): link it from the page. */
  readonly jsonUrl: string;
  /** The API's URLs (landing page, processes, jobs, …), for navigation. */
  readonly urls: ogcapi.OgcUrls;
  /** The negotiated language (`Content-Language`), e.g. `en-US`. */
  readonly language: string;
  /** HTTP status of the answer (200, or the problem's status). */
  readonly status: number;
}

/**
 * Renders OGC API documents as HTML pages. Implementations must escape everything they take from the document (it
 * holds user-supplied text: job messages, input values, process texts) and should show every link as `<a>` (the
 * html class asks for all schema information and all links). Pages may reference only same-origin assets.
 */
export interface OgcHtmlRenderer {
  render(kind: OgcHtmlKind, doc: unknown, ctx: OgcHtmlContext): string | Promise<string>;
}
