/**
 * Crash-safe file replacement: write a temporary file in the same directory, optionally fsync it, then rename it
 * over the target. Readers (pollers, the server reading a worker's files over NFS) see the old or the new content,
 * never a partial file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** Write `data` to `path` atomically. `durable` adds fsync of the file (the rename itself is atomic either way). */
export function writeFileAtomic(path: string, data: string | Uint8Array, durable = false): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, "w", 0o644);
  try {
    try {
      // writeFileSync on a descriptor loops until every byte is written (a bare writeSync may write part of it).
      writeFileSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // A full disk (ENOSPC) fails the write: the half-written temporary file must not stay behind.
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file is already gone
    }
    throw e;
  }
}
