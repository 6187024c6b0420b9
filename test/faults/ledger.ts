/**
 * The ledger of the counting process (`test/fixtures/processes/counted.mjs`): one line per start, end or error of a
 * run, appended by the process itself, so it tells what really ran whatever the store recorded — the proof that no
 * job ran twice.
 */
import { join } from "node:path";
import { readIf } from "../execution/helpers.js";

/** One line of the counting process's ledger. */
export interface LedgerLine {
  readonly jobId: string;
  readonly attempt: string;
  readonly pid: number;
  readonly event: "start" | "end" | "error";
  readonly tag: string;
  /** `error` lines: the error code (ENOSPC, AbortError…). */
  readonly code?: string;
}

/** The file `fx_counted` appends to: one line per start, end or error of a run. */
export class Ledger {
  /** Absolute path, passed to the process as its `ledger` input. */
  readonly path: string;

  /** The ledger `ledger.txt` in `dir` (outside the data dir). */
  constructor(dir: string) {
    this.path = join(dir, "ledger.txt");
  }

  /** Every line so far, in order. */
  lines(): LedgerLine[] {
    return (readIf(this.path) ?? "")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        const [jobId, attempt, pid, event, tag, code] = l.split(" ");
        return {
          jobId: jobId!,
          attempt: attempt!,
          pid: Number(pid),
          event: event as LedgerLine["event"],
          tag: tag ?? "",
          ...(code !== undefined ? { code } : {}),
        };
      });
  }

  /** Runs started, per job id. */
  starts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const l of this.lines()) if (l.event === "start") m.set(l.jobId, (m.get(l.jobId) ?? 0) + 1);
    return m;
  }

  /** Job ids with a line of `event`. */
  with(event: LedgerLine["event"]): Set<string> {
    return new Set(
      this.lines()
        .filter((l) => l.event === event)
        .map((l) => l.jobId),
    );
  }

  /** Job ids that ran more than once, with their run count. */
  ranTwice(): Record<string, number> {
    return Object.fromEntries([...this.starts()].filter(([, n]) => n > 1));
  }

  /** Tags of every run started. */
  tagsStarted(): Set<string> {
    return new Set(
      this.lines()
        .filter((l) => l.event === "start")
        .map((l) => l.tag),
    );
  }
}
