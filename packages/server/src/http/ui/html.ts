/**
 * HTML templating for the web UI: an escaping tagged template. Every interpolated value is escaped for text and
 * double-quoted attribute contexts unless it is already {@link SafeHtml} (the result of another `html` template or of
 * {@link raw}); arrays are joined, and `null`, `undefined` and `false` render nothing (so `${cond && html`…`}` works).
 * Templates always quote attribute values, so escaping `&<>"'` is enough for both contexts. URLs taken from documents
 * go through {@link safeHref}, which keeps `javascript:` and other schemes out of links.
 */

/** Markup that is safe to insert as is. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for HTML text and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function render(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (v === null || v === undefined || v === false) return "";
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** The escaping template tag: `html`<p>${userText}</p>``. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Trusted markup (constants written in this code base only, never request or process text). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A URL fit for `href`/`src`: http(s) and mailto URLs, and relative references; anything else (`javascript:`,
 * `data:`, `vbscript:`) becomes `#`. Process metadata links are written by process authors, who are trusted less
 * than the server.
 */
export function safeHref(url: string | undefined): string {
  if (url === undefined) return "#";
  const t = url.trim();
  if (/^(https?:|mailto:)/i.test(t)) return t;
  // A relative reference has no scheme: nothing before the first ':' that would parse as one.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("//")) return t;
  return "#";
}

/**
 * JSON for a `<script type="application/json">` data block (never executed): `<` is escaped so no text can close
 * the element, and U+2028/U+2029 for old parsers.
 */
export function jsonBlock(value: unknown): SafeHtml {
  const s = JSON.stringify(value ?? null)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return new SafeHtml(s);
}
