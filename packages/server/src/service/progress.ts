/**
 * Throttled progress: workers may report progress hundreds of times a second, the store takes at most one write per
 * job every {@link PROGRESS_WRITE_INTERVAL_MS}, and the latest report always wins. Readers see the newest report
 * through {@link ProgressBuffer.live} even between two writes.
 */
import type { WorkerProgress } from "@roost/core/internal";

/** Minimum milliseconds between two progress writes of one job. */
export const PROGRESS_WRITE_INTERVAL_MS = 250;

interface Pending {
  p: WorkerProgress;
  timer: NodeJS.Timeout | undefined;
  lastWrite: number;
}

/**
 * How long the last report of an ended job stays readable, ms: a reader that fetched the job's row just before its
 * terminal status was written, and asks for the live progress just after, must not see the older stored value
 * (progress would move backwards; seen on PostgreSQL under load).
 */
const ENDED_TTL_MS = 5000;

/** See the module comment. */
export class ProgressBuffer {
  readonly #pending = new Map<string, Pending>();
  /** Last reports of jobs that just ended, with when they ended. */
  readonly #ended = new Map<string, { p: WorkerProgress; at: number }>();
  /** Called when a job's write is due; the caller serialises it with the job's other store writes. */
  readonly #due: (jobId: string) => void;

  constructor(due: (jobId: string) => void) {
    this.#due = due;
  }

  /** Keep a report; `memoryOnly` (a sync job, not in the store while it runs) schedules no write. */
  report(p: WorkerProgress, memoryOnly: boolean): void {
    let e = this.#pending.get(p.jobId);
    if (!e) {
      e = { p, timer: undefined, lastWrite: 0 };
      this.#pending.set(p.jobId, e);
    } else e.p = p;
    if (e.timer || memoryOnly) return;
    const entry = e;
    const wait = Math.max(0, entry.lastWrite + PROGRESS_WRITE_INTERVAL_MS - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.#due(p.jobId);
    }, wait);
  }

  /** The newest report of a job, possibly newer than the store (kept a few seconds after the job ended). */
  live(jobId: string): WorkerProgress | undefined {
    return this.#pending.get(jobId)?.p ?? this.#ended.get(jobId)?.p;
  }

  /** The report to write now (marks the write time), or undefined when the job has none pending. */
  take(jobId: string): WorkerProgress | undefined {
    const e = this.#pending.get(jobId);
    if (!e) return undefined;
    e.lastWrite = Date.now();
    return e.p;
  }

  /** Forget a job (it ended: its terminal status replaces any progress; see {@link ENDED_TTL_MS}). */
  drop(jobId: string): void {
    const e = this.#pending.get(jobId);
    if (e) {
      clearTimeout(e.timer);
      const now = Date.now();
      for (const [id, x] of this.#ended) {
        if (now - x.at < ENDED_TTL_MS) break; // insertion order = end order
        this.#ended.delete(id);
      }
      this.#ended.set(jobId, { p: e.p, at: now });
    }
    this.#pending.delete(jobId);
  }

  /** Cancel every timer and return the jobs that still have a report to write (shutdown). */
  drain(): string[] {
    for (const e of this.#pending.values()) clearTimeout(e.timer);
    return [...this.#pending.keys()];
  }
}
