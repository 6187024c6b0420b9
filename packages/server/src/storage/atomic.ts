/**
 * Crash-safe file replacement: write a temporary file in the same directory, optionally fsync it, then rename it
 * over the target. Readers (pollers, the server reading a worker's files over NFS) see the old or the new content,
 * never a partial file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** Write `data` to `path` atomically. `durable` adds fsync of the file (the rename itself is atomic either way). */
export function writeFileAtomic(path: string, data: string | Uint8Array, durable = false): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, "w", 0o644);
  try {
    if (typeof data === "string") writeSync(fd, data);
    else writeSync(fd, data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file is already gone
    }
    throw e;
  }
}
