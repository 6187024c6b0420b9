/**
 * The HTML encoding of the OGC API – Processes resources: given the JSON document the JSON encoding would send and
 * the request, the page a browser gets. The UI's pages ARE these encodings: `/` is the catalogue's entry,
 * `/processes` the catalogue, `/processes/{id}` the process page with its form, `/jobs` the history, `/jobs/{id}` the
 * live job page and `/jobs/{id}/results` the results.
 */
import type { ogcapi } from "@roost/core/internal";
import type { OgcHtmlKind } from "../ogcapi/html.js";
import { renderConformance, renderLanding, renderProcessList } from "./catalogue-page.js";
import type { PageRequest, UiContext } from "./context.js";
import { renderJob } from "./job-page.js";
import { renderJobList } from "./jobs-page.js";
import { renderProcess } from "./process-page.js";
import { type JobInputsDoc, renderInputs, renderProblem, renderResults } from "./results-page.js";

/** Renders the HTML encoding of OGC API documents. */
export class UiRenderer {
  readonly #ctx: UiContext;

  constructor(ctx: UiContext) {
    this.#ctx = ctx;
  }

  /** The page of `doc`, a document of the kind named. */
  async render(kind: OgcHtmlKind, doc: unknown, req: PageRequest): Promise<string> {
    const ctx = this.#ctx;
    switch (kind) {
      case "landing":
        return renderLanding(ctx, req, doc as ogcapi.LandingPage);
      case "conformance":
        return renderConformance(ctx, req, doc as ogcapi.ConformanceDeclaration);
      case "processes":
        return renderProcessList(ctx, req, doc as ogcapi.ProcessList);
      case "process":
        return renderProcess(ctx, req, doc as ogcapi.ProcessDescription);
      case "jobs":
        return renderJobList(ctx, req, doc as ogcapi.JobList);
      case "job":
        return renderJob(ctx, req, doc as ogcapi.StatusInfo);
      case "results":
        return renderResults(ctx, req, doc as ogcapi.ResultsDocument);
      case "inputs":
        return renderInputs(ctx, req, doc as JobInputsDoc);
      case "problem":
        return renderProblem(ctx, req, doc as ogcapi.ProblemDocument);
    }
  }
}
