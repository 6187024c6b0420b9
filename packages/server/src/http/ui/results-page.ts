/**
 * The results page (`GET /jobs/{id}/results` as HTML) and problem pages. A failed job's results resource is a
 * problem document: its page shows the error, the job's log tail and links back to the job.
 */
import type { ogcapi } from "@roost/core";
import { JobDirs } from "../../storage/job-dirs.js";
import type { PageRequest, UiContext } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { failureSection } from "./job-page.js";
import { page, uiPath } from "./layout.js";
import { jobLogTail } from "./log-tail.js";
import { resultsList } from "./results-section.js";

/** The job id of a `/jobs/{id}…` request, if any. */
export function jobIdOf(url: string): string | undefined {
  return /\/jobs\/([0-9a-fA-F-]{36})(\/|\?|$)/.exec(new URL(url, "http://x").pathname + "/")?.[1];
}

function jobCrumbs(ctx: UiContext, id: string, title: string, last: string) {
  return [
    { label: "Jobs", href: uiPath(ctx, "/jobs") },
    { label: `${title} ${id.slice(0, 8)}`, href: uiPath(ctx, `/jobs/${id}`) },
    { label: last },
  ];
}

function genericResults(doc: ogcapi.ResultsDocument): SafeHtml {
  return html`<dl class="facts">${Object.entries(doc).map(
    ([k, v]) => html`<div><dt>${k}</dt><dd><pre>${JSON.stringify(v, null, 2)}</pre></dd></div>`,
  )}</dl>`;
}

/** `/jobs/{id}/results` as HTML. */
export async function renderResults(
  ctx: UiContext,
  req: PageRequest,
  doc: ogcapi.ResultsDocument,
): Promise<string> {
  const id = jobIdOf(req.url);
  const job = id !== undefined ? await ctx.service.job(id) : undefined;
  const p = job ? ctx.service.processes().find((x) => x.identifier === job.processId) : undefined;
  const title = p?.title ?? job?.processId ?? "Job";
  const list = job ? await resultsList(ctx, job, p) : genericResults(doc);
  const body = html`<header class="page-head"><h1>Results of ${title}</h1>${id !== undefined ? html`<p class="sub">Job <a href="${uiPath(ctx, `/jobs/${id}`)}"><code class="ident">${id}</code></a></p>` : ""}</header>
<section class="results-section" data-role="results" aria-label="Results">${list}</section>`;
  return page(ctx, req, {
    title: `Results of ${title}`,
    page: "results",
    section: "jobs",
    ...(id !== undefined ? { crumbs: jobCrumbs(ctx, id, title, "Results") } : {}),
    body,
  });
}

/** A problem document as HTML (a failed job's results: with the job's log tail). */
export async function renderProblem(
  ctx: UiContext,
  req: PageRequest,
  doc: ogcapi.ProblemDocument,
): Promise<string> {
  const id = jobIdOf(req.url);
  const job = id !== undefined ? await ctx.service.job(id) : undefined;
  let extra: SafeHtml | string = "";
  if (job?.status === "failed") {
    const log = await jobLogTail(new JobDirs(ctx.config.server.data_dir), job);
    extra = failureSection(job.error?.message ?? doc.detail, log, false);
  }
  const title = job ? `Job ${job.id.slice(0, 8)}: ${doc.title}` : doc.title;
  const body = html`<header class="page-head"><h1>${title}</h1><p class="sub">HTTP ${doc.status}${doc.locator !== undefined ? html` · <code>${doc.locator}</code>` : ""}</p></header>
${job?.status === "failed" ? "" : html`<p class="lead problem-detail">${doc.detail}</p>`}
${doc.errors !== undefined && doc.errors.length > 1 ? html`<ul class="problems">${doc.errors.map((e) => html`<li>${e.detail}</li>`)}</ul>` : ""}
${extra}
<p class="page-links">${job ? html`<a href="${uiPath(ctx, `/jobs/${job.id}`)}">The job</a> · <a href="${uiPath(ctx, `/processes/${encodeURIComponent(job.processId)}?rerun=${job.id}`)}">Re-run</a> · ` : ""}<a href="${uiPath(ctx, "/processes")}">Processes</a> · <a href="${uiPath(ctx, "/jobs")}">Jobs</a></p>`;
  return page(ctx, req, { title: doc.title, page: "problem", section: "none", body });
}

/** The recorded request of a job (`GET /jobs/{id}/inputs`), with a link to run it again. */
export interface JobInputsDoc {
  readonly jobID: string;
  readonly processID: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly omitted?: readonly string[];
  readonly message?: string;
  readonly links?: readonly { href: string; rel?: string; type?: string; title?: string }[];
}

/** `/jobs/{id}/inputs` as HTML. */
export function renderInputs(ctx: UiContext, req: PageRequest, doc: JobInputsDoc): string {
  const p = ctx.service.processes().find((x) => x.identifier === doc.processID);
  const title = p?.title ?? doc.processID;
  const body = html`<header class="page-head"><h1>Inputs of ${title}</h1><p class="sub">Job <a href="${uiPath(ctx, `/jobs/${doc.jobID}`)}"><code class="ident">${doc.jobID}</code></a></p>
${doc.message !== undefined ? html`<p class="lead">${doc.message}</p>` : ""}
${doc.omitted && doc.omitted.length > 0 ? html`<p class="muted">Too large to keep: ${doc.omitted.join(", ")}</p>` : ""}
<p class="actions"><a class="button" href="${uiPath(ctx, `/processes/${encodeURIComponent(doc.processID)}?rerun=${doc.jobID}`)}">Re-run with these inputs</a></p></header>
<section class="results-section" aria-label="Recorded request"><pre>${JSON.stringify({ inputs: doc.inputs, ...(doc.outputs !== undefined ? { outputs: doc.outputs } : {}) }, null, 2)}</pre></section>`;
  return page(ctx, req, {
    title: `Inputs of ${title}`,
    page: "inputs",
    section: "jobs",
    crumbs: jobCrumbs(ctx, doc.jobID, title, "Inputs"),
    body,
    ...(doc.links !== undefined ? { links: doc.links } : {}),
  });
}
