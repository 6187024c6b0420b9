/**
 * The retention sweep (`jobs.retention`), on every store: finished jobs past their status's TTL lose their directory
 * and then their row; younger ones, active ones (however old) and files outside `jobs/` are never touched; a TTL of 0
 * keeps a status forever. Also the store's `listExpired` uses the partial index of finished jobs.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FinishedJob } from "@roost/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sweepExpired } from "../../src/service/retention.js";
import { JobDirs } from "../../src/storage/job-dirs.js";
import { newJob, STORES, useTestDb } from "./stores.js";

const DAY = 86_400_000;

describe.each(STORES)("retention on $name", (backend) => {
  if (!backend.enabled) {
    it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
    return;
  }
  const db = useTestDb(backend);
  let dataDir = "";
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "roost-retention-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A finished job that ended `ageMs` ago, with a directory holding an output. */
  function finished(status: FinishedJob["status"], ageMs: number, now: number): FinishedJob {
    const base = newJob({ createdAt: now - ageMs - 1000 });
    return {
      ...base,
      status,
      startedAt: base.createdAt,
      finishedAt: now - ageMs,
      progress: status === "succeeded" ? 100 : null,
      outputs: null,
      error: null,
    };
  }

  it("removes expired finished jobs (files first), keeps young, active and foreign files", async () => {
    const store = await db().open();
    const dirs = new JobDirs(dataDir);
    const now = Date.now();
    const old = [
      finished("succeeded", 3 * DAY, now),
      finished("failed", 9 * DAY, now),
      finished("dismissed", 2 * DAY, now),
    ];
    const young = [finished("succeeded", 1 * DAY, now), finished("failed", 1 * DAY, now)];
    const keptForever = finished("dismissed", 400 * DAY, now);
    await store.insertFinished([...old, ...young]);
    // An active job created long ago: never swept, whatever its age.
    const active = newJob({ createdAt: now - 100 * DAY });
    await store.insert(active);
    for (const j of [...old, ...young, active]) {
      mkdirSync(dirs.outputs(j.id), { recursive: true });
      writeFileSync(join(dirs.outputs(j.id), "out.txt"), "x");
    }
    // Files of the operator's outside jobs/.
    writeFileSync(join(dataDir, "roost.toml"), "# keep me");
    mkdirSync(join(dataDir, "slurm"));

    const removed = await sweepExpired(
      store,
      dirs,
      { succeeded: (2 * DAY) / 1000, failed: (7 * DAY) / 1000, dismissed: DAY / 1000 },
      now,
    );
    expect(removed).toBe(3);
    for (const j of old) {
      expect(await store.get(j.id)).toBeUndefined();
      expect(existsSync(dirs.job(j.id))).toBe(false);
    }
    for (const j of [...young, active]) {
      expect(await store.get(j.id)).toBeDefined();
      expect(existsSync(join(dirs.outputs(j.id), "out.txt"))).toBe(true);
    }
    expect(existsSync(join(dataDir, "roost.toml"))).toBe(true);
    expect(existsSync(join(dataDir, "slurm"))).toBe(true);

    // A TTL of 0 keeps that status forever.
    await store.insertFinished([keptForever]);
    expect(await sweepExpired(store, dirs, { succeeded: 1, failed: 1, dismissed: 0 }, now)).toBe(2);
    expect(await store.get(keptForever.id)).toBeDefined();
  });

  it("listExpired takes one status, oldest first, bounded", async () => {
    const store = await db().open();
    const now = Date.now();
    const jobs = Array.from({ length: 5 }, (_, i) => finished("succeeded", (10 - i) * DAY, now));
    await store.insertFinished([...jobs, finished("failed", 30 * DAY, now)]);
    const ids = await store.listExpired("succeeded", now - 6 * DAY, 3);
    expect(ids).toEqual(jobs.slice(0, 3).map((j) => j.id));
    expect(await store.listExpired("running", now, 10)).toEqual([]);
  });
});
