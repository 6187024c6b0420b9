/**
 * Metalink documents listing a job's extra output files: version 3.0 (`http://www.metalinker.org/`, what PyWPS's
 * `MetaLink` writes) and version 4.0 (RFC 5854, PyWPS's `MetaLink4`). Every value is escaped, so file names and
 * URLs cannot break the document.
 */
import { escapeAttr, escapeText } from "@roost/core/internal";

/** One listed file. */
export interface MetalinkFile {
  /** File name (the last path segment of its URL). */
  readonly name: string;
  /** Human-readable identity. */
  readonly identity: string;
  readonly description: string;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the content, lowercase hex. */
  readonly sha256: string;
  /** Where to download it. */
  readonly url: string;
  /** MIME type of the content. */
  readonly mediaType: string;
}

/** Texts of the whole document. */
export interface MetalinkInfo {
  readonly identity: string;
  readonly description: string;
  /** Generating agent, e.g. `Roost`. */
  readonly generator: string;
}

/** The URL scheme in the form Metalink 3.0's `url/@type` wants (`http`, `https`, `ftp`…). */
function urlType(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return m?.[1]?.toLowerCase() ?? "http";
}

/** A Metalink 3.0 document (`application/metalink+xml; version=3.0`). */
export function metalink3(info: MetalinkInfo, files: readonly MetalinkFile[]): string {
  const entries = files.map(
    (f) => `    <file name="${escapeAttr(f.name)}">
      <identity>${escapeText(f.identity)}</identity>
      <description>${escapeText(f.description)}</description>
      <size>${f.size}</size>
      <verification>
        <hash type="sha256">${f.sha256}</hash>
      </verification>
      <resources>
        <url type="${escapeAttr(urlType(f.url))}">${escapeText(f.url)}</url>
      </resources>
    </file>
`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" generator="${escapeAttr(info.generator)}" type="static">
  <identity>${escapeText(info.identity)}</identity>
  <description>${escapeText(info.description)}</description>
  <files>
${entries.join("")}  </files>
</metalink>
`;
}

/**
 * A Metalink 4.0 document (`application/metalink+xml; version=4.0`). Each file has its download URL in `url`, as
 * RFC 5854 defines it, and also in `metaurl` with the file's media type, which is where PyWPS puts it; clients
 * written against either find it.
 */
export function metalink4(info: MetalinkInfo, files: readonly MetalinkFile[], published: Date): string {
  const entries = files.map(
    (f) => `  <file name="${escapeAttr(f.name)}">
    <identity>${escapeText(f.identity)}</identity>
    <description>${escapeText(f.description)}</description>
    <size>${f.size}</size>
    <hash type="sha-256">${f.sha256}</hash>
    <url>${escapeText(f.url)}</url>
    <metaurl mediatype="${escapeAttr(f.mediaType)}">${escapeText(f.url)}</metaurl>
  </file>
`,
  );
  // RFC 3339 without fractional seconds.
  const when = published.toISOString().replace(/\.\d+Z$/, "Z");
  return `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <published>${when}</published>
  <generator>${escapeText(info.generator)}</generator>
${entries.join("")}</metalink>
`;
}
