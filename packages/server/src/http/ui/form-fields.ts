/**
 * The generated form's fields, one per input: typed widgets, labels naming the input (its title, else its
 * identifier), help from the abstract, the constraints in words, and a `<template>` row for repeatable inputs. The
 * markup contract with the browser (`packages/ui/src/form/*.ts`): a field is `[data-input]` with `data-kind`,
 * `data-min`, `data-max`, `data-rules`; its rows are `[data-row]` holding controls marked `data-role`; control ids
 * are `f<field>-<row>-<role>` and the template's rows use the row number `__R__`.
 */
import type { InputDefinition } from "@roost/core";
import type { BboxField, ComplexField, Field, LiteralField } from "./field-model.js";
import { formatBytes } from "./field-model.js";
import { html, type SafeHtml, safeHref } from "./html.js";

/** What a field shows about its input. */
export interface FieldTexts {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}

/** Upper bound of rendered rows per field (maxOccurs may be "unbounded"). */
const MAX_ROWS_SHOWN = 1000;

function sr(text: string): SafeHtml {
  return html`<span class="sr-only">${text} </span>`;
}

function literalControl(
  f: LiteralField,
  cid: string,
  attrs: SafeHtml,
  value: string | undefined,
  required: boolean,
) {
  const v = value ?? "";
  switch (f.widget) {
    case "select":
      return html`<select id="${cid}" data-role="value" ${attrs}>
${required ? "" : html`<option value="">(not set)</option>`}
${(f.options ?? []).map((o) => html`<option value="${o}"${o === v ? html` selected` : ""}>${o}</option>`)}
</select>`;
    case "checkbox":
      return html`<input type="checkbox" id="${cid}" data-role="value" value="true"${v === "true" ? html` checked` : ""} ${attrs}>`;
    case "tristate":
      return html`<select id="${cid}" data-role="value" ${attrs}><option value="">(not set)</option><option value="true">true</option><option value="false">false</option></select>`;
    case "number":
      return html`<input type="number" id="${cid}" data-role="value" value="${v}" inputmode="decimal"${f.min !== undefined ? html` min="${f.min}"` : ""}${f.max !== undefined ? html` max="${f.max}"` : ""} step="${f.step ?? "any"}" ${attrs}>`;
    case "date":
      return html`<input type="date" id="${cid}" data-role="value" value="${v}" ${attrs}>`;
    case "time":
      return html`<input type="time" id="${cid}" data-role="value" value="${v}" step="1" ${attrs}>`;
    case "datetime":
      return html`<input type="datetime-local" id="${cid}" data-role="value" value="${v}" step="1" ${attrs}>`;
    case "url":
      return html`<input type="url" id="${cid}" data-role="value" value="${v}" placeholder="https://…" ${attrs}>`;
    default:
      return html`<input type="text" id="${cid}" data-role="value" value="${v}" autocomplete="off" ${attrs}>`;
  }
}

function literalRow(f: LiteralField, n: number, r: string, t: FieldTexts, required: boolean, first: boolean) {
  const cid = `f${n}-${r}-value`;
  // The first row is named by the field's label (or legend, for repeatable inputs); the others by "Title (k)",
  // which the page's script sets on rows it adds.
  const name = first ? html` aria-labelledby="f${n}-label"` : html` aria-label="${t.title}"`;
  const attrs = html`aria-describedby="f${n}-help f${n}-err"${required && first ? html` required aria-required="true"` : ""}${name}`;
  const uom =
    f.uoms !== undefined
      ? html`<label class="inline" for="f${n}-${r}-uom">${sr(t.title)}unit</label><select id="f${n}-${r}-uom" data-role="uom">${f.uoms.map((u) => html`<option>${u}</option>`)}</select>`
      : "";
  return html`<div class="row" data-row="${r}">${literalControl(f, cid, attrs, first ? f.value : undefined, required && first)}${uom}</div>`;
}

function complexRow(f: ComplexField, n: number, r: string, t: FieldTexts) {
  const id = (role: string) => `f${n}-${r}-${role}`;
  const textual = f.formats.some((x) =>
    /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml))/i.test(x.mimeType),
  );
  const initial = textual ? "text" : "href";
  const accept = f.formats.map((x) => x.mimeType.split(";")[0]).join(",");
  const mode = (value: string, label: string) =>
    html`<label class="inline"><input type="radio" name="${id("mode")}" value="${value}" data-role="mode"${value === initial ? html` checked` : ""}> ${label}</label>`;
  return html`<div class="row complex" data-row="${r}">
<div class="modes" role="radiogroup" aria-label="How to give ${t.title}">${textual ? mode("text", "Text") : ""}${mode("href", "URL")}${mode("file", "Upload")}</div>
${textual ? html`<div class="pane" data-pane="text"${initial === "text" ? "" : html` hidden`}><label for="${id("text")}">${sr(t.title)}Text</label><textarea id="${id("text")}" data-role="text" rows="4" spellcheck="false" aria-describedby="f${n}-help f${n}-err"></textarea></div>` : ""}
<div class="pane" data-pane="href"${initial === "href" ? "" : html` hidden`}><label for="${id("href")}">${sr(t.title)}URL</label><input type="url" id="${id("href")}" data-role="href" placeholder="https://…" aria-describedby="f${n}-help f${n}-err"></div>
<div class="pane" data-pane="file" hidden><div class="drop" data-role="drop"><label for="${id("file")}">${sr(t.title)}File</label><input type="file" id="${id("file")}" data-role="file" accept="${accept}" data-max-bytes="${f.maxBytes}" aria-describedby="f${n}-help f${n}-err f${n}-${r}-limit"><p class="hint" id="f${n}-${r}-limit">Drop a file here or choose one · at most ${formatBytes(f.maxBytes)}</p><p class="file-name" data-role="file-name" aria-live="polite"></p></div></div>
${f.formats.length > 1 ? html`<label class="inline" for="${id("format")}">${sr(t.title)}Format</label><select id="${id("format")}" data-role="format">${f.formats.map((x, i) => html`<option value="${i}">${x.mimeType}</option>`)}</select>` : ""}
</div>`;
}

function bboxRow(f: BboxField, n: number, r: string, t: FieldTexts, required: boolean) {
  const id = (role: string) => `f${n}-${r}-${role}`;
  const axes = f.dimensions === 3 ? ["x", "y", "z"] : ["x", "y"];
  const num = (role: string, label: string) =>
    html`<div class="coord"><label for="${id(role)}">${sr(t.title)}${label}</label><input type="number" id="${id(role)}" data-role="${role}" step="any" inputmode="decimal"${required ? html` required` : ""} aria-describedby="f${n}-help f${n}-err"></div>`;
  return html`<div class="row bbox" data-row="${r}">
<div class="coords">${axes.map((a) => num(`min${a}`, `Min ${a}`))}${axes.map((a) => num(`max${a}`, `Max ${a}`))}</div>
<div class="bbox-tools">${f.crs.length > 1 ? html`<label class="inline" for="${id("crs")}">${sr(t.title)}CRS</label><select id="${id("crs")}" data-role="crs">${f.crs.map((c) => html`<option>${c}</option>`)}</select>` : html`<span class="crs" data-role="crs-fixed">${f.crs[0] ?? ""}</span>`}
<button type="button" class="secondary" data-action="draw" aria-expanded="false">Draw on map</button></div>
<div class="map" data-role="map" hidden></div>
</div>`;
}

function row(field: Field, n: number, r: string, t: FieldTexts, required: boolean, first: boolean) {
  switch (field.kind) {
    case "literal":
      return literalRow(field, n, r, t, required, first);
    case "complex":
      return complexRow(field, n, r, t);
    case "bbox":
      return bboxRow(field, n, r, t, required);
  }
}

function rulesOf(field: Field): string {
  if (field.kind === "literal") return JSON.stringify(field.rules);
  if (field.kind === "complex") return JSON.stringify({ formats: field.formats, maxBytes: field.maxBytes });
  return JSON.stringify({ crs: field.crs, dimensions: field.dimensions });
}

/** One input's field. */
export function renderField(n: number, d: InputDefinition, field: Field, t: FieldTexts): SafeHtml {
  const required = d.minOccurs > 0;
  const max = Math.min(d.maxOccurs, MAX_ROWS_SHOWN);
  const repeat = max > 1;
  const constraint =
    field.kind === "literal"
      ? [field.constraint, field.value !== undefined ? `default ${field.value}` : ""]
          .filter((x) => x !== "")
          .join(" · ")
      : field.kind === "complex"
        ? field.formats.map((f) => f.mimeType).join(", ")
        : `bounding box in ${field.crs.join(", ")}`;
  const occurs = repeat
    ? ` · up to ${d.maxOccurs >= Number.MAX_SAFE_INTEGER ? "any number of" : max} values`
    : "";
  const grouped = field.kind !== "literal" || repeat;
  const head = grouped
    ? html`<legend id="f${n}-label">${t.title}${required ? html` <span class="req">required</span>` : ""}</legend>`
    : html`<label class="field-label" id="f${n}-label" for="f${n}-0-value">${t.title}${required ? html` <span class="req">required</span>` : ""}</label>`;
  const body = html`${head}
<p class="help" id="f${n}-help">${t.description !== undefined ? html`<span class="abstract">${t.description}</span> ` : ""}<span class="constraint">${constraint}${occurs}</span>${t.id !== t.title ? html` · <code class="ident">${t.id}</code>` : ""}${field.kind === "literal" && field.reference !== undefined ? html` · <a href="${safeHref(field.reference)}" rel="noreferrer" target="_blank">allowed values</a>` : ""}</p>
<div class="rows">${row(field, n, "0", t, required, true)}</div>
${repeat ? html`<template data-role="row-template">${row(field, n, "__R__", t, false, false)}</template><button type="button" class="secondary add" data-action="add-row" aria-describedby="f${n}-label">Add a value</button>` : ""}
<p class="error" id="f${n}-err" data-role="error" aria-live="polite"></p>`;
  const attrs = html`class="field" data-input="${d.identifier}" data-title="${t.title}" data-kind="${d.kind}"${field.kind === "literal" ? html` data-widget="${field.widget}"` : ""} data-min="${d.minOccurs}" data-max="${max}" data-rules="${rulesOf(field)}"`;
  return grouped ? html`<fieldset ${attrs}>${body}</fieldset>` : html`<div ${attrs}>${body}</div>`;
}
