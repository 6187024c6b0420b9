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
export function fileLogger(file: string, mirror?: (level: string, msg: string) => void): ProcessLogger {
  const write = (level: string, msg: string, args: unknown[]) => {
    const text = line(level, String(msg), args);
    try {
      appendFileSync(file, text);
    } catch {
      // The attempt directory is created lazily (on first use of workdir/outputDir): create it, inside an
      // existing job directory only (sync jobs without one keep their disk-free fast path), and retry once.
      try {
        mkdirSync(dirname(file));
        appendFileSync(file, text);
      } catch {
        // A full or missing disk must not turn a log call into a handler failure.
      }
    }
    mirror?.(level, String(msg));
  };
  return {
    info: (m, ...a) => write("info", m, a),
    warn: (m, ...a) => write("warn", m, a),
    error: (m, ...a) => write("error", m, a),
    debug: (m, ...a) => write("debug", m, a),
  };
}
