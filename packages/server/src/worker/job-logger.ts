/**
 * The handler's log: JSON lines appended to `worker.log` in the attempt directory, opened lazily so a process that
 * never logs costs no file operation.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ProcessLogger } from "@roost/core";

function line(level: string, msg: string, args: unknown[]): string {
  const extra =
    args.length === 0
      ? {}
      : args.length === 1 && typeof args[0] === "object" && args[0] !== null
        ? args[0]
        : { args };
  try {
    return `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra })}\n`;
  } catch {
    return `${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`;
  }
}

/** A logger writing to `file` (created on first use); `mirror` also receives every line (e.g. the server log). */
export function fileLogger(
  file: string,
  mirror?: (level: string, msg: string) => void,
  noDirectory?: (level: string, text: string) => void,
): ProcessLogger {
  // Decided on the first line: a sync job without a job directory keeps its disk-free fast path, and retrying the
  // failing append on every line cost 29 % of a worker's CPU for `hello` (two failing syscalls and two exceptions).
  let state: "unknown" | "file" | "none" = "unknown";
  const write = (level: string, msg: string, args: unknown[]) => {
    const text = line(level, String(msg), args);
    if (state === "unknown") {
      // The attempt directory is created lazily (on first use of workdir/outputDir); create it now, but inside an
      // existing job directory only.
      try {
        mkdirSync(dirname(file));
        state = "file";
      } catch (e) {
        state = (e as NodeJS.ErrnoException).code === "EEXIST" ? "file" : "none";
      }
    }
    if (state === "file") {
      try {
        appendFileSync(file, text);
      } catch {
        // A full disk must not turn a log call into a handler failure.
      }
    } else noDirectory?.(level, text);
    mirror?.(level, String(msg));
  };
  return {
    info: (m, ...a) => write("info", m, a),
    warn: (m, ...a) => write("warn", m, a),
    error: (m, ...a) => write("error", m, a),
    debug: (m, ...a) => write("debug", m, a),
  };
}
