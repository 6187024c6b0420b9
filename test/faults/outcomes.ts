/**
 * What a fault case asserts after the fault: every accepted job terminal within the bound (with the states seen
 * when not), none ran twice, and the store audited directly (nothing active, nothing half-accepted).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { sleep } from "../execution/helpers.js";
import type { CaseStore, Row } from "./case-stores.js";
import type { Ledger } from "./ledger.js";
import { jobInfo } from "./probes.js";

/** Every accepted job must be terminal this long after a fault ends (the bound). */
export const TERMINAL_BOUND_MS = 15_000;

/** Terminal states of a statusInfo document. */
export const TERMINAL: ReadonlySet<string> = new Set(["successful", "failed", "dismissed"]);

/** statusInfo of each job once terminal. */
export type Finals = Map<string, { status: string; message?: string }>;

/** What {@link waitTerminal} saw. */
export interface Outcome {
  /** Jobs that reached a terminal state, with it. */
  readonly finals: Finals;
  /** Jobs still not terminal at the bound, with the last state seen (or `HTTP <code>`). */
  readonly pending: Map<string, string>;
  /** Count of every job by its last state, e.g. `{"successful":5,"running":1,"accepted":9}`. */
  readonly summary: string;
}

/**
 * Wait until every job in `ids` is terminal on `/jobs/<id>`, at most `boundMs`. Never throws: the caller asserts
 * on the {@link Outcome} (see {@link expectAllTerminal}), so the other checks of a case still run and report.
 */
export async function waitTerminal(
  base: string,
  ids: readonly string[],
  boundMs = TERMINAL_BOUND_MS,
): Promise<Outcome> {
  const deadline = performance.now() + boundMs;
  const finals: Finals = new Map();
  const pending = new Map<string, string>();
  for (;;) {
    pending.clear();
    for (const id of ids) {
      if (finals.has(id)) continue;
      const j = await jobInfo(base, id);
      if (j.status !== undefined && TERMINAL.has(j.status)) {
        finals.set(id, { status: j.status, ...(j.message !== undefined ? { message: j.message } : {}) });
      } else pending.set(id, j.status ?? `HTTP ${j.http}`);
    }
    if (pending.size === 0 || performance.now() > deadline) break;
    await sleep(100);
  }
  const counts: Record<string, number> = {};
  for (const s of [...[...finals.values()].map((f) => f.status), ...pending.values()])
    counts[s] = (counts[s] ?? 0) + 1;
  return { finals, pending, summary: JSON.stringify(counts) };
}

/** Every job terminal within the bound, and (when given) all in `status`. */
export function expectAllTerminal(o: Outcome, what: string, status?: string): void {
  expect
    .soft(o.pending.size, `${what}: jobs not terminal within the bound after the fault ended: ${o.summary}`)
    .toBe(0);
  if (status !== undefined) {
    const other = [...o.finals].filter(([, f]) => f.status !== status);
    expect.soft(other, `${what}: terminal jobs not ${status}: ${o.summary}`).toEqual([]);
  }
}

/** No job ran twice (the ledger has one start per job at most). */
export function expectNoneRanTwice(ledger: Ledger): void {
  expect.soft(ledger.ranTwice(), "jobs that ran more than once (job id → runs)").toEqual({});
}

/** Wait until `check` holds; bounded, fails naming `what` and what `describe` says at the end. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  describe: () => string = () => "",
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${describe()}`);
    await sleep(25);
  }
}

/**
 * The store after a case, once no row is active any more (waited for up to `boundMs`, default 2 s: callers normally
 * waited for their jobs already): every row terminal; rows of
 * submissions that were refused (ids nobody was given) never ran — with `strict`, there are none at all; every job
 * directory belongs to a row (nothing half-accepted).
 */
export async function auditStore(
  c: { readonly store: CaseStore; readonly dataDir: string; readonly ledger: Ledger },
  accepted: ReadonlySet<string>,
  o: { readonly strict?: boolean; readonly boundMs?: number } = {},
): Promise<void> {
  let rows: Row[] = [];
  const deadline = performance.now() + (o.boundMs ?? 2000);
  for (;;) {
    rows = await c.store.rows();
    if (!rows.some((r) => r.status === "accepted" || r.status === "running")) break;
    if (performance.now() > deadline) break;
    await sleep(200);
  }
  const started = c.ledger.starts();
  const known = rows.filter((r) => accepted.has(r.id));
  const unknown = rows.filter((r) => !accepted.has(r.id));
  const isActive = (r: Row) => r.status === "accepted" || r.status === "running";
  expect.soft(known.filter(isActive), "accepted jobs whose rows are still active").toEqual([]);
  expect
    .soft(unknown.filter(isActive), "rows of refused submissions (ids never given out) left active")
    .toEqual([]);
  expect
    .soft(
      unknown.filter((r) => started.has(r.id)),
      "jobs whose submission was refused must never run",
    )
    .toEqual([]);
  if (o.strict) expect.soft(unknown, "rows of refused submissions (half-accepted)").toEqual([]);
  const ids = new Set(rows.map((r) => r.id));
  const jobsDir = join(c.dataDir, "jobs");
  const dirs = existsSync(jobsDir) ? readdirSync(jobsDir) : [];
  expect
    .soft(
      dirs.filter((d) => !ids.has(d)),
      "job directories without a job row (half-accepted)",
    )
    .toEqual([]);
}
