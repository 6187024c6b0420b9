/**
 * The form → an OGC API – Processes execute request (`{inputs, outputs, response}`), with every value checked in
 * the page first. Inputs with maxOccurs > 1 are sent as arrays; empty optional fields are left out (the server then
 * applies their defaults); complex values are `{value, mediaType, encoding?}` (text or upload) or `{href, type}`;
 * bounding boxes `{bbox: [minx, miny, maxx, maxy], crs}`.
 */
import { $, $$ } from "../dom.js";
import { rowsOf } from "./rows.js";
import { checkLiteral, type LiteralRules } from "./rules.js";
import { isTextual, uploads } from "./uploads.js";

/** A problem found in the page. */
export interface FieldError {
  readonly field: HTMLElement;
  readonly control?: HTMLElement;
  readonly message: string;
}

/** An upload behind one input occurrence, as the preview request describes it. */
export interface FileNote {
  readonly name: string;
  readonly size: number;
  readonly elided?: boolean;
}

/** What the form says. */
export interface Collected {
  readonly request: {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    response: "document";
  };
  readonly async: boolean;
  readonly files: Record<string, (FileNote | null)[]>;
  readonly errors: FieldError[];
}

/** Uploads bigger than this are replaced by a placeholder in preview requests (the preview does not need them). */
const PREVIEW_INLINE_MAX = 32 * 1024;

interface Format {
  readonly mimeType: string;
  readonly encoding?: string;
  readonly schema?: string;
}

function literalValues(field: HTMLElement, errors: FieldError[], lenient: boolean): unknown[] {
  const rules = JSON.parse(field.dataset.rules ?? "{}") as LiteralRules;
  const out: unknown[] = [];
  for (const row of rowsOf(field)) {
    const c = $<HTMLInputElement | HTMLSelectElement>("[data-role=value]", row);
    if (!c) continue;
    const text = c instanceof HTMLInputElement && c.type === "checkbox" ? String(c.checked) : c.value;
    if (text.trim() === "") continue;
    const r = checkLiteral(text, rules);
    if (!r.ok) {
      errors.push({ field, control: c, message: r.message });
      if (lenient) out.push(text);
      continue;
    }
    const uom = $<HTMLSelectElement>("[data-role=uom]", row)?.value;
    out.push(uom ? { value: r.value, uom } : r.value);
  }
  return out;
}

function complexValues(
  field: HTMLElement,
  errors: FieldError[],
  forPreview: boolean,
  notes: (FileNote | null)[],
): unknown[] {
  const { formats = [] } = JSON.parse(field.dataset.rules ?? "{}") as { formats?: Format[] };
  const out: unknown[] = [];
  for (const row of rowsOf(field)) {
    const fmt =
      formats[Number($<HTMLSelectElement>("[data-role=format]", row)?.value ?? "0") || 0] ?? formats[0];
    const mediaType = fmt?.mimeType ?? "application/octet-stream";
    const extra = { ...(fmt?.schema !== undefined ? { schema: fmt.schema } : {}) };
    const mode = $<HTMLInputElement>("[data-role=mode]:checked", row)?.value ?? "href";
    if (mode === "text") {
      const text = $<HTMLTextAreaElement>("[data-role=text]", row)?.value ?? "";
      if (text === "") continue;
      out.push({ value: text, mediaType, ...extra });
      notes.push(null);
    } else if (mode === "href") {
      const c = $<HTMLInputElement>("[data-role=href]", row);
      const href = c?.value.trim() ?? "";
      if (href === "") continue;
      try {
        const u = new URL(href);
        if (!/^(https?|ftp|file):$/.test(u.protocol)) throw new Error();
      } catch {
        errors.push({ field, ...(c ? { control: c } : {}), message: "Enter an http(s) URL" });
      }
      out.push({ href, type: mediaType });
      notes.push(null);
    } else {
      const c = $<HTMLInputElement>("[data-role=file]", row);
      const up = c ? uploads.get(c) : undefined;
      if (!up) {
        if (c && c.validationMessage !== "")
          errors.push({ field, control: c, message: "The file is too large" });
        continue;
      }
      const elide = forPreview && up.data.length > PREVIEW_INLINE_MAX;
      const value = elide ? `<contents of ${up.name}, ${up.size} bytes>` : up.data;
      const encoding = up.encoding ?? (isTextual(mediaType) ? undefined : "base64");
      out.push({ value, mediaType, ...(encoding !== undefined ? { encoding } : {}), ...extra });
      notes.push({ name: up.name, size: up.size, ...(elide ? { elided: true } : {}) });
    }
  }
  return out;
}

function bboxValues(field: HTMLElement, errors: FieldError[]): unknown[] {
  const out: unknown[] = [];
  for (const row of rowsOf(field)) {
    const axes = $$<HTMLInputElement>("[data-role^=min]", row).map((c) => c.dataset.role?.slice(3) ?? "");
    const get = (role: string) => $<HTMLInputElement>(`[data-role=${role}]`, row);
    const texts = [...axes.map((a) => get(`min${a}`)), ...axes.map((a) => get(`max${a}`))].map(
      (c) => c?.value.trim() ?? "",
    );
    if (texts.every((t) => t === "")) continue;
    const nums = texts.map(Number);
    const bad = texts.findIndex((t, i) => t === "" || !Number.isFinite(nums[i]));
    if (bad >= 0) {
      const role = bad < axes.length ? `min${axes[bad]}` : `max${axes[bad - axes.length]}`;
      const c = get(role);
      errors.push({ field, ...(c ? { control: c } : {}), message: "Enter all four coordinates as numbers" });
      continue;
    }
    const flipped = axes.findIndex((_, i) => (nums[i] ?? 0) > (nums[i + axes.length] ?? 0));
    if (flipped >= 0) {
      const c = get(`min${axes[flipped]}`);
      errors.push({
        field,
        ...(c ? { control: c } : {}),
        message: `Min ${axes[flipped]} must not exceed max ${axes[flipped]}`,
      });
      continue;
    }
    const crs =
      $<HTMLSelectElement>("[data-role=crs]", row)?.value ??
      $("[data-role=crs-fixed]", row)?.textContent ??
      undefined;
    out.push({ bbox: nums, ...(crs ? { crs } : {}) });
  }
  return out;
}

function outputs(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const li of $$<HTMLElement>("[data-output]", form)) {
    const id = li.dataset.output ?? "";
    if (li.dataset.kind !== "complex") {
      out[id] = {};
      continue;
    }
    const formats = JSON.parse(li.dataset.formats ?? "[]") as Format[];
    const fmt =
      formats[Number($<HTMLSelectElement>("[data-role=format]", li)?.value ?? "0") || 0] ?? formats[0];
    const mode = $<HTMLSelectElement>("[data-role=transmission]", li)?.value ?? "value";
    out[id] = { ...(fmt ? { format: { mediaType: fmt.mimeType } } : {}), transmissionMode: mode };
  }
  return out;
}

/** Read and check the whole form. `forPreview`: invalid texts are kept and big uploads elided. */
export function collect(form: HTMLFormElement, forPreview = false): Collected {
  const errors: FieldError[] = [];
  const inputs: Record<string, unknown> = {};
  const files: Record<string, (FileNote | null)[]> = {};
  for (const field of $$<HTMLElement>("[data-input]", form)) {
    const id = field.dataset.input ?? "";
    const notes: (FileNote | null)[] = [];
    const values =
      field.dataset.kind === "literal"
        ? literalValues(field, errors, forPreview)
        : field.dataset.kind === "complex"
          ? complexValues(field, errors, forPreview, notes)
          : bboxValues(field, errors);
    const min = Number(field.dataset.min ?? "0");
    const max = Number(field.dataset.max ?? "1");
    if (values.length < min && !errors.some((e) => e.field === field)) {
      const c = $<HTMLElement>("input:not([type=radio]), select, textarea", field);
      errors.push({
        field,
        ...(c ? { control: c } : {}),
        message: min === 1 ? "Required" : `Give at least ${min} values`,
      });
    }
    if (values.length === 0) continue;
    inputs[id] = max > 1 ? values : values[0];
    if (notes.some((n) => n !== null)) files[id] = notes;
  }
  const mode =
    $<HTMLInputElement>("[data-role=exec-mode]:checked", form)?.value ??
    $<HTMLInputElement>("input[type=hidden][data-role=exec-mode]", form)?.value ??
    "sync";
  return {
    request: { inputs, outputs: outputs(form), response: "document" },
    async: mode === "async",
    files,
    errors,
  };
}

/** Show the problems beside their fields (and clear the others); returns the first control to focus. */
export function showErrors(form: HTMLFormElement, errors: readonly FieldError[]): HTMLElement | undefined {
  for (const f of $$<HTMLElement>("[data-input]", form)) {
    const mine = errors.filter((e) => e.field === f);
    const out = $("[data-role=error]", f);
    if (out) out.textContent = mine.map((e) => e.message).join(" · ");
    f.classList.toggle("invalid", mine.length > 0);
    for (const c of $$<HTMLElement>("input, select, textarea", f)) c.removeAttribute("aria-invalid");
    for (const e of mine) e.control?.setAttribute("aria-invalid", "true");
  }
  return errors[0]?.control ?? errors[0]?.field;
}
