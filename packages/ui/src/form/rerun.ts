/**
 * Re-run: `/processes/{id}?rerun=<jobId>` opens the form filled with the job's recorded inputs and output choices,
 * read from the OGC API (`GET /jobs/{id}/inputs`, an execute-shaped `{inputs, outputs}`). Uploaded data comes back
 * as inline values: text is put in the text box, binary data is kept as it was and named as such.
 */
import { $, $$, basePath, problemText, say } from "../dom.js";
import { ensureRows } from "./rows.js";
import { isTextual, showMode, uploads } from "./uploads.js";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setValue(c: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null, v: string): void {
  if (!c) return;
  if (c instanceof HTMLInputElement && c.type === "checkbox") c.checked = v === "true";
  else if (c instanceof HTMLInputElement && c.type === "datetime-local")
    c.value = v.replace(/(\.\d+)?([zZ]|[+-]\d\d:?\d\d)$/, "");
  else c.value = v;
}

function fillLiteral(row: HTMLElement, v: unknown): void {
  const value = isObject(v) ? v.value : v;
  setValue($("[data-role=value]", row), String(value));
  if (isObject(v) && typeof v.uom === "string") setValue($("[data-role=uom]", row), v.uom);
}

function chooseFormat(row: HTMLElement, field: HTMLElement, mediaType: unknown): void {
  const { formats = [] } = JSON.parse(field.dataset.rules ?? "{}") as { formats?: { mimeType: string }[] };
  const i = formats.findIndex((f) => f.mimeType === mediaType);
  const sel = $<HTMLSelectElement>("[data-role=format]", row);
  if (sel && i >= 0) sel.value = String(i);
}

function fillComplex(row: HTMLElement, field: HTMLElement, v: unknown, jobId: string): void {
  if (isObject(v) && typeof v.href === "string") {
    showMode(row, "href");
    setValue($("[data-role=href]", row), v.href);
    chooseFormat(row, field, v.type ?? v.mediaType);
    return;
  }
  const q = isObject(v) && "value" in v ? v : { value: v };
  const mediaType = typeof q.mediaType === "string" ? q.mediaType : "";
  chooseFormat(row, field, mediaType);
  const data = typeof q.value === "string" ? q.value : JSON.stringify(q.value, null, 2);
  const text = $<HTMLTextAreaElement>("[data-role=text]", row);
  if (text && q.encoding !== "base64" && (mediaType === "" || isTextual(mediaType))) {
    showMode(row, "text");
    text.value = data;
    return;
  }
  // Binary data: kept as the job had it, shown as an upload.
  const file = $<HTMLInputElement>("[data-role=file]", row);
  if (!file) return;
  showMode(row, "file");
  const size = q.encoding === "base64" ? Math.floor((data.length * 3) / 4) : data.length;
  uploads.set(file, {
    name: `data of job ${jobId.slice(0, 8)}`,
    size,
    data,
    ...(q.encoding === "base64" ? { encoding: "base64" as const } : {}),
  });
  say($("[data-role=file-name]", row), `Kept from job ${jobId.slice(0, 8)} (${size} bytes)`);
}

function fillBbox(row: HTMLElement, v: unknown): void {
  if (!isObject(v) || !Array.isArray(v.bbox)) return;
  const axes = $$<HTMLInputElement>("[data-role^=min]", row).map((c) => c.dataset.role?.slice(3) ?? "");
  v.bbox.forEach((n, i) => {
    const role = i < axes.length ? `min${axes[i]}` : `max${axes[i - axes.length]}`;
    setValue($(`[data-role=${role}]`, row), String(n));
  });
  if (typeof v.crs === "string") setValue($("[data-role=crs]", row), v.crs);
}

function fillOutputs(form: HTMLFormElement, outputs: unknown): void {
  if (!isObject(outputs)) return;
  for (const li of $$<HTMLElement>("[data-output]", form)) {
    const o = outputs[li.dataset.output ?? ""];
    if (!isObject(o)) continue;
    const formats = JSON.parse(li.dataset.formats ?? "[]") as { mimeType: string }[];
    const mt = isObject(o.format) ? o.format.mediaType : undefined;
    const i = formats.findIndex((f) => f.mimeType === mt);
    if (i >= 0) setValue($("[data-role=format]", li), String(i));
    if (typeof o.transmissionMode === "string")
      setValue($("[data-role=transmission]", li), o.transmissionMode);
  }
}

/** Fill the form from a job's recorded request. */
export function fillForm(form: HTMLFormElement, recorded: Json, jobId: string): void {
  const inputs = isObject(recorded.inputs) ? recorded.inputs : {};
  for (const field of $$<HTMLElement>("[data-input]", form)) {
    const id = field.dataset.input ?? "";
    if (!Object.hasOwn(inputs, id)) {
      // Not given in the job: cleared, so the server applies the same defaults again.
      for (const c of $$<HTMLInputElement>("[data-role=value]", field))
        setValue(c, c.type === "checkbox" ? "false" : "");
      continue;
    }
    const raw = inputs[id];
    const values = Array.isArray(raw) ? raw : [raw];
    const rows = ensureRows(field, values.length);
    values.forEach((v, i) => {
      const row = rows[i];
      if (!row) return;
      if (field.dataset.kind === "literal") fillLiteral(row, v);
      else if (field.dataset.kind === "complex") fillComplex(row, field, v, jobId);
      else fillBbox(row, v);
    });
    const details = field.closest<HTMLDetailsElement>("details.optional");
    if (details) details.open = true;
  }
  fillOutputs(form, recorded.outputs);
}

/** When the page was opened to re-run a job, fill the form from its recorded inputs. */
export async function initRerun(form: HTMLFormElement, onFilled: () => void): Promise<void> {
  const jobId = new URLSearchParams(window.location.search).get("rerun");
  const status = $("[data-role=form-status]", form);
  if (!jobId || !/^[0-9a-fA-F-]{36}$/.test(jobId)) return;
  try {
    const res = await fetch(`${basePath()}/jobs/${jobId}/inputs`, {
      headers: { Accept: "application/json" },
    });
    if (!res.ok) {
      say(
        status,
        `Could not read the inputs of job ${jobId.slice(0, 8)}: ${await problemText(res)}`,
        "error",
      );
      return;
    }
    fillForm(form, (await res.json()) as Json, jobId);
    say(status, `Filled in with the inputs of job ${jobId.slice(0, 8)}. Change what you like, then Execute.`);
    onFilled();
  } catch (e) {
    say(status, `Could not read the inputs of job ${jobId.slice(0, 8)}: ${(e as Error).message}`, "error");
  }
}
