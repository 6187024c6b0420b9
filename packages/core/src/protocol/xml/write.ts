/**
 * A small XML writer. Responses are built by string concatenation through these escaping helpers: on the hot path
 * (sync Execute, status documents) this is several times faster than building an xmlbuilder2 object tree (measured
 * in `bench/`), and every document kind is XSD-validated in the tests.
 */

// Characters XML 1.0 cannot carry become U+FFFD instead of producing a non-well-formed document.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;
const ATTR_SPECIAL = /[&<>"\n\r\t\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Escape character data. */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(ILLEGAL, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escape an attribute value (double-quoted). */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return escapeText(s)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** Wrap text in CDATA sections, splitting any `]]>` so the result is always well-formed. */
export function cdata(s: string): string {
  return `<![CDATA[${s.replace(ILLEGAL, "\uFFFD").replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

/** Attribute list; `undefined` values are skipped. */
export type Attrs = readonly (readonly [string, string | number | boolean | undefined])[];

function attrs(a: Attrs | undefined): string {
  if (!a) return "";
  let s = "";
  for (const [k, v] of a) if (v !== undefined) s += ` ${k}="${escapeAttr(String(v))}"`;
  return s;
}

/** Appends markup to an internal buffer; `toString()` returns the document. */
export class XmlWriter {
  #s = "";

  /** Start with the XML declaration. */
  constructor(declaration = true) {
    if (declaration) this.#s = '<?xml version="1.0" encoding="UTF-8"?>\n';
  }

  /** `<name attrs>` */
  open(name: string, a?: Attrs): this {
    this.#s += `<${name}${attrs(a)}>`;
    return this;
  }

  /** `</name>` */
  close(name: string): this {
    this.#s += `</${name}>`;
    return this;
  }

  /** `<name attrs>text</name>`, or `<name attrs/>` when text is undefined. */
  leaf(name: string, a?: Attrs, text?: string): this {
    this.#s +=
      text === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${escapeText(text)}</${name}>`;
    return this;
  }

  /** Escaped character data. */
  text(t: string): this {
    this.#s += escapeText(t);
    return this;
  }

  /** Markup that is already well-formed (e.g. a CDATA section or serialised embedded XML). */
  raw(markup: string): this {
    this.#s += markup;
    return this;
  }

  /** The document. */
  toString(): string {
    return this.#s;
  }
}
