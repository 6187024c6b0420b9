/**
 * The job page: the HTML encoding of a job's status (`GET /jobs/{id}`), at the job's own URL. Status, progress bar,
 * message, elapsed time, where the job runs and its queue state, kept live without reloading by
 * `packages/ui/src/job.ts` (server-sent events from `/ui/jobs/{id}/events`, polling the JSON status as a
 * fallback); a Dismiss button that stops the job (`DELETE /jobs/{id}`); the results once it succeeded, the error
 * and the tail of its logs once it failed.
 */
import type { ogcapi } from "@roost/core";
import { JobDirs } from "../../storage/job-dirs.js";
import type { PageRequest, UiContext } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { liveJob } from "./job-info.js";
import { page, pathOf, uiPath } from "./layout.js";
import { jobLogTail } from "./log-tail.js";
import { resultsList } from "./results-section.js";
import { isFinal, progressBar, statusBadge } from "./status.js";
import { durationEl, timeEl } from "./time.js";

/** The failure section: error text and log tails (filled by the script when a job fails while watched). */
export function failureSection(
  error: string | undefined,
  log: { job?: string; worker?: string },
  hidden: boolean,
): SafeHtml {
  return html`<section class="failure" data-role="failure" aria-labelledby="failure-h"${hidden ? html` hidden` : ""}>
<h2 id="failure-h">Why it failed</h2>
<p class="error-text" data-role="error-text">${error ?? ""}</p>
<h3>Log</h3>
<pre class="log" data-role="log" tabindex="0">${log.worker !== undefined ? `${log.worker}\n` : ""}${log.job ?? (hidden ? "" : "(no log)")}</pre>
</section>`;
}

/** `/jobs/{id}` as HTML. */
export async function renderJob(ctx: UiContext, req: PageRequest, doc: ogcapi.StatusInfo): Promise<string> {
  const job = await ctx.service.job(doc.jobID);
  const p = ctx.service.processes().find((x) => x.identifier === doc.processID);
  const title = p?.title ?? doc.processID;
  const live = job ? liveJob(job, ctx.service.liveProgress(job.id)) : undefined;
  const final = isFinal(doc.status);
  const jobUrl = ctx.urls.job(doc.jobID);
  const id = doc.jobID;
  let results: SafeHtml | string = "";
  if (job && doc.status === "successful") results = await resultsList(ctx, job, p);
  const log =
    job && doc.status === "failed" ? await jobLogTail(new JobDirs(ctx.config.server.data_dir), job) : {};
  const percent = doc.status === "successful" ? 100 : doc.progress;
  const body = html`<header class="page-head">
<h1>${title} <span class="muted">job</span></h1>
<p class="sub">Job <code class="ident" data-role="job-id">${id}</code> <button type="button" class="icon" data-copy-text="${id}">Copy id</button> <button type="button" class="icon" data-copy-text="${jobUrl}">Copy status URL</button></p>
</header>
<section class="job-status" aria-labelledby="status-h" data-job="${id}" data-status="${doc.status}" data-job-url="${pathOf(jobUrl)}" data-results-url="${pathOf(ctx.urls.results(id))}" data-events="${uiPath(ctx, `/ui/jobs/${id}/events`)}" data-fragment="${uiPath(ctx, `/ui/jobs/${id}/results`)}" data-log="${uiPath(ctx, `/ui/jobs/${id}/log`)}">
<h2 id="status-h" class="sr-only">Status</h2>
<div class="status-line" role="status" aria-live="polite">${statusBadge(doc.status)} <span class="msg" data-role="message">${doc.message ?? ""}</span></div>
<div class="progress-line">${progressBar(doc.status, doc.progress, "Progress")} <span data-role="percent">${percent !== undefined ? `${percent}%` : ""}</span></div>
<dl class="facts">
<div><dt>Elapsed</dt><dd data-role="elapsed">${durationEl(doc.started, doc.finished)}</dd></div>
<div><dt>Submitted</dt><dd>${timeEl(doc.created)}</dd></div>
<div><dt>Started</dt><dd data-role="started">${timeEl(doc.started)}</dd></div>
<div><dt>Finished</dt><dd data-role="finished">${timeEl(doc.finished)}</dd></div>
<div><dt>Runs on</dt><dd data-role="where">${live?.where ?? "—"}</dd></div>
<div data-role="queue-fact"${live?.queue === undefined ? html` hidden` : ""}><dt>Queue</dt><dd data-role="queue">${live?.queue ?? ""}</dd></div>
</dl>
<div class="actions">
<button type="button" class="danger" data-action="dismiss"${final ? html` hidden` : ""}>Dismiss</button>
<a class="button secondary" href="${uiPath(ctx, `/processes/${encodeURIComponent(doc.processID)}?rerun=${id}`)}">Re-run</a>
<a class="button secondary" data-role="results-link" href="${uiPath(ctx, `/jobs/${id}/results`)}"${doc.status === "successful" ? "" : html` hidden`}>Results page</a>
<a class="button secondary" href="${uiPath(ctx, "/jobs")}">All jobs</a>
</div>
<p class="live-note muted" data-role="live-note"></p>
</section>
<section class="results-section" data-role="results" aria-labelledby="results-h"${doc.status === "successful" ? "" : html` hidden`}>
<h2 id="results-h">Results</h2>
<div data-role="results-body">${results}</div>
</section>
${failureSection(doc.status === "failed" ? doc.message : undefined, log, doc.status !== "failed")}`;
  return page(ctx, req, {
    title: `${title} job ${id.slice(0, 8)}`,
    page: "job",
    section: "jobs",
    crumbs: [
      { label: "Jobs", href: uiPath(ctx, "/jobs") },
      { label: title, href: uiPath(ctx, `/processes/${encodeURIComponent(doc.processID)}`) },
      { label: id.slice(0, 8) },
    ],
    body,
    links: doc.links,
  });
}
