/**
 * `file://` references: the one place where a path from a request is opened. PyWPS checked
 * `abspath(p).startswith(root)` — a prefix match that lets `/data` allow `/data-private`, with symlinks unresolved
 * (security.md §2). Here the path is resolved with `realpath`, must lie under a realpath'd root followed by a
 * separator, and is opened without following a final symlink; on Linux the opened descriptor is checked again, so
 * swapping a directory for a symlink between the check and the open gains nothing.
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, open, readlink, realpath } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { notAccessible, refused, tooLarge } from "./errors.js";
import type { ReferencePolicy } from "./policy.js";

/** An opened, checked local file. The caller closes `handle`. */
export interface LocalFile {
  readonly handle: FileHandle;
  readonly size: number;
}

const OUTSIDE = "it is not inside a directory this server allows file:// references to read";

function withSep(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path.startsWith(withSep(r)));
}

async function realRoots(policy: ReferencePolicy): Promise<string[]> {
  const out: string[] = [];
  for (const r of policy.allowedPaths) {
    // A root that does not exist allows nothing; it is not an error for the client.
    const real = await realpath(resolve(r)).catch(() => undefined);
    if (real !== undefined) out.push(real);
  }
  return out;
}

function errno(e: unknown): string {
  return typeof (e as { code?: unknown })?.code === "string" ? (e as { code: string }).code : "";
}

/**
 * Check and open the file a `file://` URL names, refusing it unless `allowedPaths` contains its real location.
 * Refusals are InvalidParameter; a missing or unreadable file inside a root is DataNotAccessible; a file already
 * larger than `maxBytes` is FileSizeExceeded.
 */
export async function openLocalFile(url: URL, policy: ReferencePolicy, locator: string): Promise<LocalFile> {
  if (policy.allowedPaths.length === 0)
    throw refused(url, "file:// references are not enabled on this server", locator);
  if (url.hostname !== "" && url.hostname !== "localhost")
    throw refused(url, "a file:// reference must not name a host", locator);
  let path: string;
  try {
    path = resolve(fileURLToPath(url));
  } catch {
    throw refused(url, "it is not a valid local file path", locator);
  }
  const roots = await realRoots(policy);
  // First a purely lexical check against the roots as configured and as resolved: a path outside every root is
  // refused before the filesystem is touched, so clients cannot probe which files exist elsewhere.
  const lexicalRoots = [...policy.allowedPaths.map((r) => resolve(r)), ...roots];
  if (!inside(path, lexicalRoots)) throw refused(url, OUTSIDE, locator);

  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw errno(e) === "ENOENT" || errno(e) === "ENOTDIR"
      ? notAccessible(url, "names a file that does not exist", locator)
      : notAccessible(url, "names a file that cannot be read", locator);
  }
  if (!inside(real, roots)) throw refused(url, OUTSIDE, locator);

  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the final component must not have become a symlink since realpath. O_NONBLOCK: opening a FIFO
    // must not wait for a writer (it is refused just below as not a regular file).
    handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw errno(e) === "ELOOP"
      ? refused(url, OUTSIDE, locator)
      : notAccessible(url, "names a file that cannot be read", locator);
  }
  try {
    const st: Stats = await handle.stat();
    if (st.isDirectory()) throw refused(url, "it names a directory, not a file", locator);
    if (!st.isFile()) throw refused(url, "it does not name a regular file", locator);
    // Where the kernel can tell what was actually opened, ask it: a directory swapped for a symlink between the
    // realpath and the open would show here.
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (opened !== undefined && !inside(opened, roots)) throw refused(url, OUTSIDE, locator);
    if (st.size > policy.maxBytes) throw tooLarge(url, policy.maxBytes, locator);
    return { handle, size: st.size };
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
}
