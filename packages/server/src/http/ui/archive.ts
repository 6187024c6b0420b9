/**
 * Listings of archive outputs for the results page: the entries of a zip file (read from its central directory —
 * only the file's tail is read, nothing is decompressed) and the files a Metalink 3.0/4.0 document lists. Both are
 * bounded (entries shown, bytes read) and return undefined for anything they cannot read, so a broken or hostile
 * output only loses its listing.
 */
import { open } from "node:fs/promises";
import { parseXml, type XmlElement } from "@roost/core";

/** One listed entry. */
export interface ArchiveEntry {
  readonly name: string;
  /** Size in bytes, when known. */
  readonly size?: number;
  /** Download URL (Metalink). */
  readonly url?: string;
}

/** A listing: the first entries and how many there are in all. */
export interface Listing {
  readonly entries: readonly ArchiveEntry[];
  readonly total: number;
}

/** Entries shown at most. */
const MAX_ENTRIES = 200;
/** Largest central directory read, bytes (about 10 000 entries with 50-character names). */
const MAX_DIRECTORY = 1024 * 1024;
/** End-of-central-directory record (22 bytes) plus the longest zip comment. */
const TAIL = 22 + 0xffff;

/** The entries of a zip file (directories left out), or undefined when it is not a readable zip. */
export async function listZip(path: string): Promise<Listing | undefined> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return undefined;
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, TAIL);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return undefined;
    const total = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size) return undefined;
    const cd = Buffer.alloc(Math.min(cdSize, MAX_DIRECTORY));
    await fh.read(cd, 0, cd.length, cdOffset);
    const entries: ArchiveEntry[] = [];
    let files = 0;
    let p = 0;
    while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
      const usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      if (p + 46 + nameLen > cd.length) break;
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      if (!name.endsWith("/")) {
        files++;
        if (entries.length < MAX_ENTRIES)
          entries.push({ name, ...(usize !== 0xffffffff ? { size: usize } : {}) });
      }
      p += 46 + nameLen + extraLen + commentLen;
    }
    // Entries beyond the bytes read are counted from the end record (directories included, a close estimate).
    return { entries, total: p < cdSize ? Math.max(files, total) : files };
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

function child(e: XmlElement, local: string): XmlElement | undefined {
  return e.children.find((c): c is XmlElement => typeof c !== "string" && c.local === local);
}

function children(e: XmlElement, local: string): XmlElement[] {
  return e.children.filter((c): c is XmlElement => typeof c !== "string" && c.local === local);
}

function text(e: XmlElement | undefined): string | undefined {
  if (!e) return undefined;
  return e.children
    .filter((c): c is string => typeof c === "string")
    .join("")
    .trim();
}

/** The files a Metalink document lists (3.0 `files/file`, 4.0 `file`), or undefined when it is not one. */
export function listMetalink(xml: string): Listing | undefined {
  let root: XmlElement;
  try {
    root = parseXml(xml, { maxDepth: 16, maxElements: 50_000 });
  } catch {
    return undefined;
  }
  if (root.local !== "metalink") return undefined;
  const files = [...children(root, "file"), ...children(child(root, "files") ?? root, "file")];
  const unique = [...new Set(files)];
  const entries = unique.slice(0, MAX_ENTRIES).map((f): ArchiveEntry => {
    const sizeText = text(child(f, "size"));
    const url = text(child(f, "url")) ?? text(child(child(f, "resources") ?? f, "url"));
    const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;
    return {
      name: f.attrs.get("name") ?? "(unnamed)",
      ...(size !== undefined ? { size } : {}),
      ...(url !== undefined && url !== "" ? { url } : {}),
    };
  });
  return { entries, total: unique.length };
}
