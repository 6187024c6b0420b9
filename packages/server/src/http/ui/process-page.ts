/**
 * The process page: the HTML encoding of a process description (`GET /processes/{id}`) — title, abstract, keywords,
 * version, execution modes, metadata links — with the execute form generated from the process's inputs and
 * outputs, and the request preview beside it (filled by the server from the defaults, then kept in step with the
 * form by `packages/ui/src/form/preview.ts`).
 */
import type { ogcapi, ProcessDefinition } from "@roost/core";
import type { PageRequest, UiContext } from "./context.js";
import { fieldOf } from "./field-model.js";
import { renderField } from "./form-fields.js";
import { html, type SafeHtml, safeHref } from "./html.js";
import { page, pathOf, uiPath } from "./layout.js";
import { defaultRequest, type Preview, previewOf } from "./preview.js";

type Description = ogcapi.ProcessDescription;

/** The badges of a process's execution modes. */
export function modeBadges(options: readonly string[]): SafeHtml {
  return html`${options.includes("sync-execute") ? html`<span class="badge sync">sync</span>` : ""}${options.includes("async-execute") ? html`<span class="badge async">async</span>` : ""}`;
}

function outputsSection(p: ProcessDefinition, doc: Description): SafeHtml {
  const rows = p.outputs.map((o, n) => {
    const title = doc.outputs[o.identifier]?.title ?? o.title;
    const formats =
      o.kind === "complex" && o.formats.length > 1
        ? html`<label class="inline" for="o${n}-format"><span class="sr-only">${title} </span>format</label><select id="o${n}-format" data-role="format">${o.formats.map((f, i) => html`<option value="${i}">${f.mimeType}</option>`)}</select>`
        : o.kind === "complex"
          ? html`<span class="mime">${o.formats[0]?.mimeType ?? ""}</span>`
          : html`<span class="mime">${o.kind === "bbox" ? "bounding box" : o.dataType}</span>`;
    const transmission =
      o.kind === "complex"
        ? html`<label class="inline" for="o${n}-mode"><span class="sr-only">${title} </span>returned as</label><select id="o${n}-mode" data-role="transmission"><option value="value"${o.asReference ? "" : html` selected`}>value</option><option value="reference"${o.asReference ? html` selected` : ""}>reference (link)</option></select>`
        : "";
    return html`<li class="output" data-output="${o.identifier}" data-kind="${o.kind}" data-formats="${o.kind === "complex" ? JSON.stringify(o.formats.map((f) => ({ mimeType: f.mimeType, ...(f.encoding !== undefined ? { encoding: f.encoding } : {}), ...(f.schema !== undefined ? { schema: f.schema } : {}) }))) : "[]"}"><span class="output-title">${title}${title !== o.identifier ? html` <code class="ident">${o.identifier}</code>` : ""}</span><span class="output-opts">${formats}${transmission}</span></li>`;
  });
  return html`<fieldset class="outputs"><legend>Outputs</legend><ul class="plain">${rows}</ul></fieldset>`;
}

function modeSection(p: ProcessDefinition): SafeHtml {
  const both = p.jobControl.sync && p.jobControl.async;
  if (!both)
    return html`<input type="hidden" data-role="exec-mode" value="${p.jobControl.async ? "async" : "sync"}"><p class="mode-note">This process runs ${p.jobControl.async ? "asynchronously" : "synchronously"} only.</p>`;
  return html`<fieldset class="mode"><legend>Execution</legend>
<label class="inline"><input type="radio" name="exec-mode" value="async" data-role="exec-mode" checked> Asynchronous <span class="muted">(live progress)</span></label>
<label class="inline"><input type="radio" name="exec-mode" value="sync" data-role="exec-mode"> Synchronous <span class="muted">(wait for the result)</span></label>
</fieldset>`;
}

/** The four request forms, each copyable. */
export function previewPanels(v: Preview): SafeHtml {
  const tabs: [string, string, string][] = [
    ["json", "OGC API JSON", v.json],
    ["xml", "WPS 1.0 XML", v.xml],
    ["curl", "curl", v.curl],
    ["cli", "roost run", v.cli],
  ];
  return html`<div class="tabs" role="tablist" aria-label="Request format">${tabs.map(
    ([k, label], i) =>
      html`<button type="button" role="tab" id="tab-${k}" aria-controls="panel-${k}" aria-selected="${i === 0 ? "true" : "false"}"${i === 0 ? "" : html` tabindex="-1"`}>${label}</button>`,
  )}</div>
${tabs.map(
  ([k, label, text], i) =>
    html`<div class="panel" role="tabpanel" id="panel-${k}" aria-labelledby="tab-${k}"${i === 0 ? "" : html` hidden`}><button type="button" class="copy secondary" data-copy="#code-${k}">Copy ${label}</button><pre tabindex="0"><code id="code-${k}" data-preview="${k}">${text}</code></pre></div>`,
)}
<ul class="problems" data-role="preview-problems" aria-live="polite">${v.problems.map((p) => html`<li>The server would refuse this: ${p}</li>`)}</ul>`;
}

function metadataLinks(doc: Description): SafeHtml | string {
  if (!doc.metadata || doc.metadata.length === 0) return "";
  return html`<ul class="meta-links">${doc.metadata.map((m) =>
    m.href !== undefined
      ? html`<li><a href="${safeHref(m.href)}" rel="noreferrer">${m.title}</a></li>`
      : html`<li>${m.title}</li>`,
  )}</ul>`;
}

function schemaRows(
  list: Readonly<
    Record<string, { title: string; schema: unknown; minOccurs?: number; maxOccurs?: number | string }>
  >,
): SafeHtml {
  return html`${Object.entries(list).map(
    ([id, d]) =>
      html`<tr><th scope="row"><code>${id}</code></th><td>${d.title}</td><td>${d.minOccurs !== undefined ? `${d.minOccurs}–${d.maxOccurs}` : ""}</td><td><pre>${JSON.stringify(d.schema, null, 1)}</pre></td></tr>`,
  )}`;
}

/** Every input's and output's schema, as the description states it. */
function details(doc: Description): SafeHtml {
  const head = html`<thead><tr><th scope="col">Identifier</th><th scope="col">Title</th><th scope="col">Occurs</th><th scope="col">Schema</th></tr></thead>`;
  return html`<details class="schemas"><summary>Inputs and outputs in detail</summary>
<h2>Inputs</h2><div class="table-wrap"><table>${head}<tbody>${schemaRows(doc.inputs)}</tbody></table></div>
<h2>Outputs</h2><div class="table-wrap"><table>${head}<tbody>${schemaRows(doc.outputs)}</tbody></table></div>
</details>`;
}

/** The process page. */
export function renderProcess(ctx: UiContext, req: PageRequest, doc: Description): string {
  const p = ctx.service.processes().find((x) => x.identifier === doc.id);
  const limits = { maxInput: ctx.config.jobs.max_input_size, maxRequest: ctx.config.server.max_request_size };
  let form: SafeHtml = html`<p>This process is not available for execution here.</p>`;
  if (p) {
    const fields = p.inputs.map((d, n) => {
      const t = doc.inputs[d.identifier];
      const texts = {
        id: d.identifier,
        title: t?.title || d.identifier,
        ...(t?.description !== undefined ? { description: t.description } : {}),
      };
      return { d, html: renderField(n, d, fieldOf(d, limits), texts) };
    });
    const required = fields.filter((f) => f.d.minOccurs > 0).map((f) => f.html);
    const optional = fields.filter((f) => f.d.minOccurs === 0).map((f) => f.html);
    const preview = previewOf(ctx, p, defaultRequest(p), { async: p.jobControl.async, files: {} });
    form = html`<div class="workbench">
<form class="execute" data-process="${p.identifier}" data-execution="${pathOf(ctx.urls.execution(p.identifier))}" data-preview-url="${uiPath(ctx, `/ui/preview/${encodeURIComponent(p.identifier)}`)}" novalidate>
<h2>Inputs</h2>
${required.length === 0 && optional.length === 0 ? html`<p class="muted">This process takes no inputs.</p>` : ""}
${required}
${optional.length > 0 ? html`<details class="optional"${required.length === 0 ? html` open` : ""}><summary>Optional inputs (${optional.length})</summary>${optional}</details>` : ""}
${outputsSection(p, doc)}
${modeSection(p)}
<div class="actions"><button type="submit" class="primary">Execute</button><button type="reset" class="secondary">Reset to defaults</button></div>
<p class="status" data-role="form-status" role="status" aria-live="polite"></p>
<noscript><p class="muted">Executing from this page needs JavaScript; the request below works with curl or <code>roost run</code>.</p></noscript>
</form>
<section class="preview" aria-labelledby="preview-h"><h2 id="preview-h">Request</h2>
${previewPanels(preview)}
</section>
</div>`;
  }
  const body = html`<header class="page-head">
<h1>${doc.title}</h1>
<p class="sub"><code class="ident">${doc.id}</code> · version ${doc.version} ${modeBadges(doc.jobControlOptions)}</p>
${doc.description !== undefined ? html`<p class="lead">${doc.description}</p>` : ""}
${doc.keywords && doc.keywords.length > 0 ? html`<ul class="keywords" aria-label="Keywords">${doc.keywords.map((k) => html`<li>${k}</li>`)}</ul>` : ""}
${metadataLinks(doc)}
<p class="page-links"><a href="${uiPath(ctx, `/jobs?processID=${encodeURIComponent(doc.id)}`)}">Jobs of this process</a> · <a href="${ctx.urls.wps}?service=WPS&amp;version=1.0.0&amp;request=DescribeProcess&amp;identifier=${encodeURIComponent(doc.id)}">WPS DescribeProcess</a></p>
</header>
${form}
${details(doc)}`;
  return page(ctx, req, {
    title: doc.title,
    page: "process",
    section: "processes",
    crumbs: [{ label: "Processes", href: uiPath(ctx, "/processes") }, { label: doc.title }],
    body,
    maps: p?.inputs.some((i) => i.kind === "bbox") === true,
    links: doc.links,
  });
}
