/**
 * Readiness (`GET /ready`): the store answers, the data directory takes a file, every backend answers. Each check is
 * bounded (the store by the read budget), so a hung database makes the server "not ready", never a hung probe.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobStore, MonitoredBackend } from "@roost/core/internal";
import { READ_BUDGET_MS, within } from "./deadline.js";

/** The answer: ready or not, and each check's result ("ok" or why not). */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, string>;
}

/** What the checks look at. */
export interface ReadinessSources {
  readonly started: boolean;
  readonly store: JobStore;
  readonly dataDir: string;
  readonly remotes: ReadonlyMap<string, MonitoredBackend>;
}

/** Run every check. */
export async function checkReadiness(o: ReadinessSources): Promise<Readiness> {
  const checks: Record<string, string> = {};
  let ready = o.started;
  if (!o.started) checks.server = "starting or stopping";
  try {
    await within(o.store.listServers(), READ_BUDGET_MS);
    checks.store = "ok";
  } catch (e) {
    ready = false;
    checks.store = (e as Error).message;
  }
  try {
    const probe = join(o.dataDir, `.ready.${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    checks.data_dir = "ok";
  } catch (e) {
    ready = false;
    checks.data_dir = `not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  checks.local = "ok";
  for (const [kind, b] of o.remotes) {
    const h = b.health();
    if (!h.ok) ready = false;
    checks[kind] = h.ok ? "ok" : (h.detail ?? "unavailable");
  }
  return { ready, checks };
}
