/**
 * Complex inputs: the choice between text, URL and upload, and uploads by file picker or drag and drop. A chosen
 * file is read at once (as text for textual formats, base64 otherwise) and checked against the limit the page
 * shows; its content is kept beside the file input until the request is sent.
 */
import { $, $$, formatBytes, say } from "../dom.js";

/** A file read for an input occurrence. */
export interface Upload {
  readonly name: string;
  readonly size: number;
  /** Text, or base64 when `encoding` is set. */
  readonly data: string;
  readonly encoding?: "base64";
}

/** The uploads of file inputs (and values kept from a job being re-run). */
export const uploads = new WeakMap<HTMLInputElement, Upload>();

/** True for media types sent as text. */
export function isTextual(mimeType: string): boolean {
  return /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml)\b)/i.test(mimeType);
}

function base64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = "";
  // String.fromCharCode takes its arguments on the stack: 32 K at a time stays well below engines' limits.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The format (media type) chosen in a complex row. */
export function chosenFormat(row: HTMLElement): number {
  const sel = $<HTMLSelectElement>("[data-role=format]", row);
  return sel ? Number(sel.value) || 0 : 0;
}

async function readFile(input: HTMLInputElement, file: File): Promise<void> {
  const row = input.closest<HTMLElement>(".row");
  const field = input.closest<HTMLElement>("[data-input]");
  const nameOut = row ? $("[data-role=file-name]", row) : null;
  const max = Number(input.dataset.maxBytes ?? "Infinity");
  uploads.delete(input);
  if (file.size > max) {
    say(
      nameOut,
      `${file.name} is ${formatBytes(file.size)}: larger than the limit of ${formatBytes(max)}`,
      "error",
    );
    input.setCustomValidity("too large");
    return;
  }
  input.setCustomValidity("");
  const rules = JSON.parse(field?.dataset.rules ?? "{}") as { formats?: { mimeType: string }[] };
  const fmt = rules.formats?.[row ? chosenFormat(row) : 0]?.mimeType ?? file.type;
  const buf = await file.arrayBuffer();
  const upload: Upload = isTextual(fmt)
    ? { name: file.name, size: file.size, data: new TextDecoder().decode(buf) }
    : { name: file.name, size: file.size, data: base64(buf), encoding: "base64" };
  uploads.set(input, upload);
  say(nameOut, `${file.name} · ${formatBytes(file.size)}`);
}

/** Show the pane of the chosen mode (text, URL, upload) in a complex row. */
export function showMode(row: HTMLElement, mode: string): void {
  for (const p of $$<HTMLElement>("[data-pane]", row)) p.hidden = p.dataset.pane !== mode;
  const radio = $<HTMLInputElement>(`[data-role=mode][value="${mode}"]`, row);
  if (radio) radio.checked = true;
}

/** Wire the mode switches, file inputs and drop zones of a form (delegated). */
export function initUploads(form: HTMLFormElement, onChange: () => void): void {
  form.addEventListener("change", (ev) => {
    const t = ev.target as HTMLInputElement;
    if (t.dataset.role === "mode") {
      const row = t.closest<HTMLElement>(".row");
      if (row) showMode(row, t.value);
    } else if (t.dataset.role === "file" && t.files?.[0]) {
      void readFile(t, t.files[0]).then(onChange);
    }
  });
  form.addEventListener("dragover", (ev) => {
    const zone = (ev.target as Element).closest<HTMLElement>("[data-role=drop]");
    if (!zone) return;
    ev.preventDefault();
    zone.classList.add("dragging");
  });
  form.addEventListener("dragleave", (ev) => {
    (ev.target as Element).closest<HTMLElement>("[data-role=drop]")?.classList.remove("dragging");
  });
  form.addEventListener("drop", (ev) => {
    const zone = (ev.target as Element).closest<HTMLElement>("[data-role=drop]");
    const file = ev.dataTransfer?.files[0];
    if (!zone || !file) return;
    ev.preventDefault();
    zone.classList.remove("dragging");
    const input = $<HTMLInputElement>("[data-role=file]", zone);
    if (!input) return;
    if (ev.dataTransfer) input.files = ev.dataTransfer.files;
    void readFile(input, file).then(onChange);
  });
}
