/**
 * A small tmpfs mounted as a data directory, to fill while Roost runs (reliability promise P9, case F20). Mounting
 * needs root, as CI runs: outside CI the disk-full cases are skipped with a note when not root; under `CI=true` they
 * fail ({@link requireRoot}).
 *
 * Filling writes zero-filled files beside the data directory until only the asked number of bytes is left; a full
 * tmpfs still creates directories and empty files (they take no data pages) but fails every write that needs a page
 * with ENOSPC, the same as a full disk. Releasing deletes the fill files.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireService } from "../helpers/services.js";

/** True when this process runs as root (and so may mount). */
export const IS_ROOT = process.getuid?.() === 0;

/** Whether the root-only cases run: true as root; otherwise skipped outside CI, failing under CI=true. */
export function requireRoot(): boolean {
  return requireService(
    "root",
    IS_ROOT,
    "the disk-full cases mount a tmpfs; run the suite as root, as CI does",
  );
}

const CHUNK = 1024 * 1024;

/** A mounted tmpfs: `dataDir` for Roost, fill files beside it. */
export class Tmpfs {
  /** The mount point. */
  readonly mountPoint: string;
  /** The directory to give Roost as `server.data_dir`. */
  readonly dataDir: string;
  readonly #fills: string[] = [];

  private constructor(mountPoint: string) {
    this.mountPoint = mountPoint;
    this.dataDir = join(mountPoint, "data");
  }

  /** Mount a tmpfs of `sizeBytes` on a fresh directory under the system temp dir. */
  static mount(sizeBytes: number): Tmpfs {
    const dir = mkdtempSync(join(tmpdir(), "roost-tmpfs-"));
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir], {
      encoding: "utf8",
    });
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mount -t tmpfs failed (${r.status}): ${r.stderr || r.error?.message}`);
    }
    const t = new Tmpfs(dir);
    mkdirSync(t.dataDir);
    return t;
  }

  /** Bytes an unprivileged write could still use. */
  free(): number {
    const s = statfsSync(this.mountPoint);
    return Number(s.bavail) * Number(s.bsize);
  }

  /**
   * Write fill data until at most `leaveBytes` are free (0: completely full, every page taken). Can be called again
   * to top up after Roost freed space. Returns the bytes free afterwards.
   */
  fill(leaveBytes = 0): number {
    const file = join(this.mountPoint, `fill-${this.#fills.length}`);
    this.#fills.push(file);
    const fd = openSync(file, "w");
    const zeros = Buffer.alloc(CHUNK);
    try {
      for (;;) {
        const want = this.free() - leaveBytes;
        if (want <= 0) break;
        try {
          writeSync(fd, zeros, 0, Math.min(CHUNK, want));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw e;
        }
      }
    } finally {
      closeSync(fd);
    }
    return this.free();
  }

  /** Delete the fill files: the space is back. */
  release(): void {
    for (const f of this.#fills.splice(0)) {
      try {
        unlinkSync(f);
      } catch {
        // already gone
      }
    }
  }

  /** Unmount (lazily if something still holds a file open) and remove the mount point. Never throws. */
  unmount(): void {
    const r = spawnSync("umount", [this.mountPoint]);
    if (r.status !== 0) spawnSync("umount", ["-l", this.mountPoint]);
    try {
      rmSync(this.mountPoint, { recursive: true, force: true });
    } catch {
      // left for the system's temp cleaner
    }
  }
}
