/**
 * Strings that say where a complex value comes from: a URL the server fetches itself (sent by reference), or a
 * `data:` URL that carries the value (embedded). Shared by the library, which accepts both as input values, and the
 * command line, which sorts its arguments with them.
 */

const REFERENCE_SCHEMES = new Set(["http:", "https:", "ftp:", "file:"]);

/** True when `s` is a URL the server can fetch (`http`, `https`, `ftp`, `file`). */
export function isReferenceUrl(s: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return false;
  try {
    return REFERENCE_SCHEMES.has(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** Parse a `data:` URL (RFC 2397) into bytes and media type; undefined when `s` is not one. */
export function parseDataUrl(s: string): { readonly mimeType?: string; readonly bytes: Buffer } | undefined {
  const m = /^data:([^,]*),(.*)$/is.exec(s);
  if (!m) return undefined;
  const meta = (m[1] ?? "").split(";");
  const base64 = meta.includes("base64");
  const type = meta[0]?.trim();
  const params = meta.slice(1).filter((p) => p !== "base64" && !/^charset=/i.test(p));
  const payload = m[2] ?? "";
  let bytes: Buffer;
  try {
    bytes = base64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
  } catch {
    bytes = Buffer.from(payload, "utf8");
  }
  const mimeType = type ? [type, ...params].join("; ") : undefined;
  return { ...(mimeType !== undefined ? { mimeType } : {}), bytes };
}
