/**
 * The disk-full harness itself: a filled tmpfs refuses writes with ENOSPC (but still creates directories and empty
 * files, which take no data pages), a partial fill leaves the asked room, and releasing gives the space back.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRoot, Tmpfs } from "./tmpfs.js";

const rooted = requireRoot();

describe.skipIf(!rooted)("the disk-full tmpfs", () => {
  let disk: Tmpfs;
  beforeAll(() => {
    disk = Tmpfs.mount(8 * 1024 * 1024);
  });
  afterAll(() => disk?.unmount());

  it("fills to the last page, refuses writes with ENOSPC, and gives the space back", () => {
    const empty = disk.free();
    expect(empty).toBeGreaterThan(7 * 1024 * 1024);
    expect(disk.fill(0)).toBe(0);
    expect(() => writeFileSync(join(disk.dataDir, "x"), Buffer.alloc(4096))).toThrow(/ENOSPC/);
    mkdirSync(join(disk.dataDir, "still-possible"));
    disk.release();
    expect(disk.free()).toBe(empty);
    writeFileSync(join(disk.dataDir, "x"), Buffer.alloc(4096));
  });

  it("a partial fill leaves the room asked for", () => {
    const left = disk.fill(1024 * 1024);
    expect(left).toBeGreaterThanOrEqual(1024 * 1024 - 4096);
    expect(left).toBeLessThanOrEqual(1024 * 1024);
    disk.release();
  });
});
