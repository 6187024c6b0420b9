/**
 * Repeatable inputs (maxOccurs > 1): "Add a value" clones the field's `<template>` row (renumbering the `__R__`
 * placeholders of ids, names and references), up to `data-max` rows; added rows get a Remove button and an
 * accessible name "Title (k)".
 */
import { $, $$, el } from "../dom.js";

/** The rows of a field. */
export function rowsOf(field: HTMLElement): HTMLElement[] {
  return $$<HTMLElement>(":scope > .rows > .row", field);
}

function renumber(root: Element, r: string): void {
  for (const e of [root, ...root.querySelectorAll("*")]) {
    for (const a of ["id", "for", "name", "aria-describedby", "aria-controls"]) {
      const v = e.getAttribute(a);
      if (v?.includes("__R__")) e.setAttribute(a, v.replaceAll("__R__", r));
    }
  }
}

function updateAddButton(field: HTMLElement): void {
  const add = $<HTMLButtonElement>(":scope > [data-action=add-row]", field);
  if (add) add.disabled = rowsOf(field).length >= Number(field.dataset.max ?? "1");
}

function relabel(field: HTMLElement): void {
  const title = field.dataset.title ?? field.dataset.input ?? "";
  rowsOf(field).forEach((row, k) => {
    if (k === 0) return;
    const v = $("[data-role=value]", row);
    v?.setAttribute("aria-label", `${title} (${k + 1})`);
    $("[data-action=remove-row]", row)?.setAttribute("aria-label", `Remove ${title} (${k + 1})`);
  });
}

/** Add a row to a repeatable field; returns it (undefined when the field is full or not repeatable). */
export function addRow(field: HTMLElement): HTMLElement | undefined {
  const tpl = $<HTMLTemplateElement>(":scope > template[data-role=row-template]", field);
  if (!tpl || rowsOf(field).length >= Number(field.dataset.max ?? "1")) return undefined;
  const next = Number(field.dataset.next ?? "1");
  field.dataset.next = String(next + 1);
  const frag = tpl.content.cloneNode(true) as DocumentFragment;
  const row = frag.firstElementChild as HTMLElement;
  renumber(row, String(next));
  row.append(el("button", { type: "button", class: "icon remove", "data-action": "remove-row" }, "Remove"));
  $(":scope > .rows", field)?.append(row);
  relabel(field);
  updateAddButton(field);
  return row;
}

/** Remove a row (never the first). */
export function removeRow(field: HTMLElement, row: HTMLElement): void {
  const rows = rowsOf(field);
  if (rows.indexOf(row) <= 0) return;
  row.remove();
  relabel(field);
  updateAddButton(field);
}

/** Make the field have exactly `n` rows (at least one). */
export function ensureRows(field: HTMLElement, n: number): HTMLElement[] {
  let rows = rowsOf(field);
  while (rows.length < n && addRow(field)) rows = rowsOf(field);
  for (const extra of rows.slice(Math.max(1, n))) removeRow(field, extra);
  return rowsOf(field);
}

/** Wire the add/remove buttons of a form (delegated). */
export function initRows(form: HTMLFormElement, onChange: () => void): void {
  form.addEventListener("click", (ev) => {
    const b = (ev.target as Element | null)?.closest<HTMLButtonElement>("button[data-action]");
    const field = b?.closest<HTMLElement>("[data-input]");
    if (!b || !field) return;
    if (b.dataset.action === "add-row") {
      const row = addRow(field);
      $<HTMLElement>("input, select, textarea", row ?? field)?.focus();
      onChange();
    } else if (b.dataset.action === "remove-row") {
      const row = b.closest<HTMLElement>(".row");
      if (row) removeRow(field, row);
      $<HTMLButtonElement>(":scope > [data-action=add-row]", field)?.focus();
      onChange();
    }
  });
  for (const f of $$<HTMLElement>("[data-input]", form)) updateAddButton(f);
}
