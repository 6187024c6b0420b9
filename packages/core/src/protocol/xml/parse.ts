/**
 * The one entry point for XML Roost reads. saxes resolves namespace URIs (clients choose arbitrary prefixes: OWSLib
 * sends `ns0:`) and never expands DTD entities; on top of that every DOCTYPE is refused outright, and depth and
 * element counts are capped so a hostile document cannot exhaust memory or the event loop.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";

/** A parsed element. Attributes are keyed by `local` (no namespace) or `{uri}local`. */
export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  /** Qualified name as written (`prefix:local`). */
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlNode[];
  /** Namespace bindings in scope at this element (prefix → URI; `""` is the default namespace). */
  readonly scope: Readonly<Record<string, string>>;
  /** Attributes as written, for faithful re-serialisation of embedded XML. */
  readonly rawAttrs: readonly (readonly [string, string])[];
}

/** A child node: an element or a text run (CDATA included). */
export type XmlNode = XmlElement | string;

/** Limits for {@link parseXml}. */
export interface XmlLimits {
  /** Deepest element nesting accepted. Default 64. */
  readonly maxDepth?: number;
  /** Most elements accepted. Default 200 000. */
  readonly maxElements?: number;
}

/** Why a document was refused; the message is safe to show (it contains no document content). */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

interface MutableElement {
  uri: string;
  local: string;
  name: string;
  attrs: Map<string, string>;
  children: XmlNode[];
  scope: Record<string, string>;
  rawAttrs: [string, string][];
}

/** Parse a whole document into an element tree; throws {@link XmlSyntaxError} for anything refused. */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 64;
  const maxElements = limits.maxElements ?? 200_000;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let count = 0;
  let failure: XmlSyntaxError | undefined;
  const stop = (msg: string): never => {
    failure = new XmlSyntaxError(msg);
    throw failure;
  };

  parser.on("doctype", () => stop("DOCTYPE declarations are not allowed"));
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (stack.length >= maxDepth) stop(`the document is nested deeper than ${maxDepth} elements`);
    if (++count > maxElements) stop(`the document has more than ${maxElements} elements`);
    const parent = stack[stack.length - 1];
    const declared = Object.keys(tag.ns).length > 0;
    const scope = declared ? { ...(parent?.scope ?? {}), ...tag.ns } : (parent?.scope ?? {});
    const attrs = new Map<string, string>();
    const rawAttrs: [string, string][] = [];
    for (const a of Object.values(tag.attributes)) {
      rawAttrs.push([a.name, a.value]);
      if (a.uri === "http://www.w3.org/2000/xmlns/") continue;
      attrs.set(a.uri === "" ? a.local : `{${a.uri}}${a.local}`, a.value);
    }
    const el: MutableElement = {
      uri: tag.uri,
      local: tag.local,
      name: tag.name,
      attrs,
      children: [],
      scope,
      rawAttrs,
    };
    if (parent) parent.children.push(el);
    else if (root) stop("the document has more than one root element");
    else root = el;
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.children.push(t);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  try {
    parser.write(text).close();
  } catch (e) {
    if (failure) throw failure;
    // saxes messages carry a position and a description, never document content.
    throw new XmlSyntaxError(
      `the request is not well-formed XML (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (!root) throw new XmlSyntaxError("the document has no root element");
  return root;
}

/** Attribute value by local name (and namespace URI, if any). */
export function attr(el: XmlElement, local: string, uri = ""): string | undefined {
  return el.attrs.get(uri === "" ? local : `{${uri}}${local}`);
}

/** Child elements, optionally filtered by namespace URI and local name. */
export function elements(el: XmlElement, uri?: string, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (
      typeof c !== "string" &&
      (uri === undefined || c.uri === uri) &&
      (local === undefined || c.local === local)
    )
      out.push(c);
  }
  return out;
}

/** First child element with this namespace URI and local name. */
export function element(el: XmlElement, uri: string, local: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== "string" && c.uri === uri && c.local === local) return c;
  return undefined;
}

/** Concatenated text content of the element's direct text children. */
export function textOf(el: XmlElement): string {
  let s = "";
  for (const c of el.children) if (typeof c === "string") s += c;
  return s;
}

/** Serialise an element (e.g. XML embedded in ComplexData) as a standalone document fragment. */
export function serializeElement(el: XmlElement): string {
  const declared = new Set(
    el.rawAttrs.filter(([n]) => n === "xmlns" || n.startsWith("xmlns:")).map(([n]) => n),
  );
  const extra: [string, string][] = [];
  for (const [prefix, uri] of Object.entries(el.scope)) {
    const n = prefix === "" ? "xmlns" : `xmlns:${prefix}`;
    if (!declared.has(n)) extra.push([n, uri]);
  }
  return write(el, extra);
}

function write(el: XmlElement, extra: [string, string][]): string {
  let s = `<${el.name}`;
  for (const [n, v] of [...extra, ...el.rawAttrs]) s += ` ${n}="${escapeAttrValue(v)}"`;
  if (el.children.length === 0) return `${s}/>`;
  s += ">";
  for (const c of el.children) s += typeof c === "string" ? escapeTextValue(c) : write(c, []);
  return `${s}</${el.name}>`;
}

function escapeTextValue(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttrValue(s: string): string {
  return escapeTextValue(s)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
