/**
 * The local history of jobs this client submitted, so `roost jobs` and `roost status <id>` work against servers that
 * cannot list jobs (every WPS server), and `roost status <id>` finds a job's service and protocol again. One JSON object per line, appended: a submission and each later status
 * update are separate lines merged by job id when read (last line wins), so concurrent `roost` processes never
 * rewrite each other's lines. The file is compacted once it grows past a few thousand lines.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One job as the history knows it. */
export interface HistoryEntry {
  readonly id: string;
  /** Service URL the job was submitted to. */
  readonly service: string;
  /** The protocol it was submitted with (`wps1`, `wps2`, `ogcapi`); absent in entries older than the field: `wps1`. */
  readonly protocol?: string;
  readonly process: string;
  readonly statusLocation?: string;
  /** ISO 8601 time of submission. */
  readonly submitted: string;
  /** Last known state (`accepted`, `running`, `succeeded`, `failed`, …). */
  readonly state: string;
  readonly percent?: number;
  readonly message?: string;
  /** ISO 8601 time of the last update. */
  readonly updated: string;
}

const KEEP = 1000;
const COMPACT_AT = 3000;

/** The history file of one user. */
export class JobHistory {
  /** The JSON-lines file (`$XDG_STATE_HOME/roost/jobs.jsonl`). */
  readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, "jobs.jsonl");
  }

  /** Record a submission or an update (fields not given keep their earlier values). Failures are ignored. */
  async record(entry: Partial<HistoryEntry> & { readonly id: string }): Promise<void> {
    try {
      await mkdir(join(this.file, ".."), { recursive: true, mode: 0o700 });
      await appendFile(this.file, `${JSON.stringify({ ...entry, updated: new Date().toISOString() })}\n`, {
        mode: 0o600,
      });
    } catch {
      // The history is a convenience; a read-only home must not fail a run.
    }
  }

  async #lines(): Promise<string[]> {
    try {
      return (await readFile(this.file, "utf8")).split("\n").filter((l) => l.trim() !== "");
    } catch {
      return [];
    }
  }

  /** All jobs, newest submission first. */
  async list(): Promise<HistoryEntry[]> {
    const lines = await this.#lines();
    const merged = new Map<string, Record<string, unknown>>();
    for (const line of lines) {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof o.id !== "string") continue;
      const prev = merged.get(o.id);
      merged.set(o.id, { ...(prev ?? {}), ...o });
    }
    const out = [...merged.values()].filter(
      (o): o is Record<string, unknown> & HistoryEntry =>
        typeof o.service === "string" && typeof o.process === "string" && typeof o.submitted === "string",
    );
    out.sort((a, b) => b.submitted.localeCompare(a.submitted));
    if (lines.length > COMPACT_AT) await this.#compact(out.slice(0, KEEP));
    return out;
  }

  /** The job with this id (or unique id prefix), if the history has it. */
  async find(id: string): Promise<HistoryEntry | undefined> {
    const all = await this.list();
    const exact = all.find((e) => e.id === id);
    if (exact) return exact;
    const prefixed = all.filter((e) => e.id.startsWith(id));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  async #compact(keep: readonly HistoryEntry[]): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      const text = [...keep]
        .reverse()
        .map((e) => JSON.stringify(e))
        .join("\n");
      await writeFile(tmp, `${text}\n`, { mode: 0o600 });
      await rename(tmp, this.file);
    } catch {
      // Compaction is best effort.
    }
  }
}
