/**
 * The handler's log: JSON lines appended to `worker.log` in the attempt directory, opened lazily so a process that
 * never logs costs no file operation.
 */
import { appendFileSync } from "node:fs";
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
    try {
      appendFileSync(file, line(level, String(msg), args));
    } catch {
      // A full or missing disk must not turn a log call into a handler failure.
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
