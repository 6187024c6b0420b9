/**
 * The handler's log: JSON lines appended to `worker.log` in the attempt directory, opened lazily so a process that
 * never logs costs no file operation.
 *
 * A line is `{"time","level","msg", ...fields}`: the fields of an object argument sit beside the line's own keys
 * (as with pino, so `jq .n` works), but never replace them — a field named `time`, `level` or `msg` is written with
 * a `_` prefix (`ctx.logger.info("computed", { level: 3 })` gives `"level":"info", …, "_level":3`). An Error
 * argument is written as `err: { name, message, stack }`; other arguments go to `args`.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ProcessLogger } from "@roost/core";

/** Keys of a log line that user fields never overwrite. */
export const RESERVED_LOG_KEYS: readonly string[] = ["time", "level", "msg"];

function errorFields(e: Error): Record<string, unknown> {
  return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
}

/** The user fields of a log call: one object's own fields, an Error as `err`, anything else as `args`. */
function userFields(args: readonly unknown[]): Readonly<Record<string, unknown>> {
  if (args.length === 0) return {};
  const [first] = args;
  if (args.length === 1 && first instanceof Error) return { err: errorFields(first) };
  if (args.length === 1 && typeof first === "object" && first !== null && !Array.isArray(first))
    return first as Record<string, unknown>;
  return { args: args.map((a) => (a instanceof Error ? errorFields(a) : a)) };
}

/** One JSON line; exported for tests. */
export function logLine(level: string, msg: string, args: readonly unknown[], now = new Date()): string {
  // A null-prototype object: a user field called `__proto__` is just a field.
  const out: Record<string, unknown> = Object.create(null);
  out.time = now.toISOString();
  out.level = level;
  out.msg = msg;
  const base = JSON.stringify(out);
  try {
    for (const [k, v] of Object.entries(userFields(args))) {
      let key = k;
      while (key in out) key = `_${key}`;
      out[key] = v;
    }
    return `${JSON.stringify(out)}\n`;
  } catch {
    // Fields that cannot be serialised (a cycle, a BigInt) must not lose the message.
    return `${base}\n`;
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
    const text = logLine(level, String(msg), args);
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
