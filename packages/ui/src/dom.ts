/**
 * Small DOM helpers. Everything that comes from a document, a request or an output is inserted as text
 * (`textContent`, attributes through `setAttribute`), never as markup: the one exception is the results fragment,
 * which is the server's own escaped HTML (see `job.ts`).
 */

/** The first element matching `sel` under `root`, typed. */
export function $<T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(sel as never) as T | null;
}

/** Every element matching `sel` under `root`. */
export function $$<T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T[] {
  return [...root.querySelectorAll(sel)] as T[];
}

type Child = Node | string | null | undefined | false;

/** A new element with attributes and text or element children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/** "1.5 MB", "300 kB", "12 B" (decimal units, like the server's pages). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "unlimited";
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, "")} ${units[i]}`;
}

/** "4 ms", "2.5 s", "3 min 20 s", "2 h 5 min" (the server's `formatDuration`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** The UI's path prefix (`data-base` of `<body>`). */
export function basePath(): string {
  return document.body.dataset.base ?? "";
}

/** Announce a message in a live region. */
export function say(region: HTMLElement | null, text: string, kind: "info" | "error" = "info"): void {
  if (!region) return;
  region.textContent = text;
  region.classList.toggle("is-error", kind === "error");
}

/** The `detail` of a problem document, or a generic text. */
export async function problemText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown; title?: unknown; errors?: { detail?: unknown }[] };
    if (Array.isArray(body.errors) && body.errors.length > 1)
      return body.errors.map((e) => String(e.detail ?? "")).join("; ");
    if (typeof body.detail === "string") return body.detail;
    if (typeof body.title === "string") return body.title;
  } catch {
    // not JSON
  }
  return `The server answered ${res.status} ${res.statusText}`;
}
