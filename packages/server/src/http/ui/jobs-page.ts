/**
 * The history: the HTML encoding of the job list (`GET /jobs`). Every job with its process, status, progress,
 * submitted/started/finished times and duration; filters by status and process (the OGC query parameters `status`
 * and `processID`, so the filter form is a plain GET); paging by the list's `next`/`prev` links; per job: copy the
 * id or status URL, re-run with the recorded inputs, delete. Rows of unfinished jobs are kept up to date by
 * `packages/ui/src/history.ts`.
 */
import type { ogcapi } from "@roost/core";
import type { PageRequest, UiContext } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { asHtml, page, pathOf, uiPath } from "./layout.js";
import { isFinal, progressBar, STATUS_LABEL, STATUSES, statusBadge } from "./status.js";
import { durationEl, timeEl } from "./time.js";

function row(ctx: UiContext, j: ogcapi.StatusInfo, titles: ReadonlyMap<string, string>): SafeHtml {
  const title = titles.get(j.processID) ?? j.processID;
  const jobUrl = ctx.urls.job(j.jobID);
  const final = isFinal(j.status);
  return html`<tr data-job="${j.jobID}" data-status="${j.status}" data-url="${pathOf(jobUrl)}">
<td data-label="Job"><a href="${uiPath(ctx, `/jobs/${j.jobID}`)}" class="job-id"><code>${j.jobID.slice(0, 8)}</code></a><span class="copies"><button type="button" class="icon" data-copy-text="${j.jobID}" aria-label="Copy job id ${j.jobID}">id</button><button type="button" class="icon" data-copy-text="${jobUrl}" aria-label="Copy status URL of job ${j.jobID}">URL</button></span></td>
<td data-label="Process"><a href="${uiPath(ctx, `/processes/${encodeURIComponent(j.processID)}`)}">${title}</a></td>
<td data-label="Status">${statusBadge(j.status)}${j.message !== undefined ? html`<span class="msg" data-role="message">${j.message}</span>` : html`<span class="msg" data-role="message"></span>`}</td>
<td data-label="Progress">${progressBar(j.status, j.progress, `Progress of job ${j.jobID.slice(0, 8)}`)}</td>
<td data-label="Submitted">${timeEl(j.created, true)}</td>
<td data-label="Started" data-role="started">${timeEl(j.started, true)}</td>
<td data-label="Finished" data-role="finished">${timeEl(j.finished, true)}</td>
<td data-label="Duration" data-role="duration">${durationEl(j.started, j.finished)}</td>
<td class="row-actions"><div class="row-buttons"><a class="button secondary" href="${uiPath(ctx, `/processes/${encodeURIComponent(j.processID)}?rerun=${j.jobID}`)}">Re-run</a><button type="button" class="secondary danger" data-action="delete" data-url="${pathOf(jobUrl)}" data-delete-url="${uiPath(ctx, `/ui/jobs/${j.jobID}`)}" data-final="${final ? "true" : "false"}">${final ? "Delete" : "Dismiss"}</button></div></td>
</tr>`;
}

function filters(ctx: UiContext, q: URLSearchParams): SafeHtml {
  const statuses = new Set(q.getAll("status").flatMap((s) => s.split(",")));
  const pids = new Set(q.getAll("processID").flatMap((s) => s.split(",")));
  const processes = ctx.service.processes();
  return html`<form class="filters" method="get" action="${uiPath(ctx, "/jobs")}" aria-label="Filter jobs">
<label for="filter-status">Status</label><select id="filter-status" name="status"><option value="">any</option>${STATUSES.map(
    (s) => html`<option value="${s}"${statuses.has(s) ? html` selected` : ""}>${STATUS_LABEL[s]}</option>`,
  )}</select>
<label for="filter-process">Process</label><select id="filter-process" name="processID"><option value="">any</option>${processes.map(
    (p) =>
      html`<option value="${p.identifier}"${pids.has(p.identifier) ? html` selected` : ""}>${p.title}</option>`,
  )}</select>
${q.get("limit") !== null ? html`<input type="hidden" name="limit" value="${q.get("limit")}">` : ""}
<button type="submit" class="secondary">Filter</button>${statuses.size > 0 || pids.size > 0 ? html` <a href="${uiPath(ctx, "/jobs")}">Clear</a>` : ""}
</form>`;
}

/** `/jobs` as HTML. */
export function renderJobList(ctx: UiContext, req: PageRequest, doc: ogcapi.JobList): string {
  const q = new URL(req.url, "http://x").searchParams;
  const titles = new Map(ctx.service.processes().map((p) => [p.identifier, p.title]));
  const next = doc.links.find((l) => l.rel === "next")?.href;
  const prev = doc.links.find((l) => l.rel === "prev")?.href;
  const table =
    doc.jobs.length === 0
      ? html`<p class="empty">No jobs${q.has("status") || q.has("processID") ? " match these filters" : " yet"}. <a href="${uiPath(ctx, "/processes")}">Run a process</a>.</p>`
      : html`<div class="table-wrap"><table class="jobs">
<caption class="sr-only">Jobs, newest first</caption>
<thead><tr><th scope="col">Job</th><th scope="col">Process</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Submitted</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Duration</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
<tbody>${doc.jobs.map((j) => row(ctx, j, titles))}</tbody>
</table></div>`;
  const body = html`<header class="page-head"><h1>Jobs</h1><p class="lead">Every job run on this server, newest first.</p></header>
${filters(ctx, q)}
<p class="status" data-role="list-status" role="status" aria-live="polite"></p>
${table}
${next !== undefined || prev !== undefined ? html`<nav class="pager" aria-label="Pages">${prev !== undefined ? html`<a rel="prev" href="${asHtml(prev)}">← Newer</a>` : ""}${next !== undefined ? html`<a rel="next" href="${asHtml(next)}">Older →</a>` : ""}</nav>` : ""}`;
  return page(ctx, req, { title: "Jobs", page: "history", section: "jobs", body, links: doc.links });
}
