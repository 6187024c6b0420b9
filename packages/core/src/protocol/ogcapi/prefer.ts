/**
 * The `Prefer` request header (RFC 7240) and the execution-mode decision of OGC API – Processes 1.0
 * (`/req/core/process-execute-default-execution-mode`, `-auto-execution-mode`):
 *
 * | process jobControlOptions | no `respond-async` | `respond-async`                          |
 * |---------------------------|--------------------|------------------------------------------|
 * | async only                | async              | async                                    |
 * | sync only                 | sync               | sync (a sync-only process never runs async) |
 * | both                      | **sync** (SHALL)   | async (`/rec/core/process-execute-honor-prefer`) |
 *
 * Parsing is tolerant, as the ETS needs: it sends `Prefer: respond-async ` with a trailing space; tokens are
 * case-insensitive, several preferences may share a header or come in several headers, parameters after `;` are
 * ignored, the first occurrence of a preference wins (RFC 7240 §2), and anything unknown is kept aside.
 */
import type { JobControl } from "../../process/define.js";

/** The preferences Roost understands. */
export interface Preferences {
  /** `respond-async`. */
  readonly respondAsync: boolean;
  /** `wait=N`: seconds the client is willing to wait for a synchronous answer. */
  readonly wait?: number;
  /** `return=minimal|representation` (the 2.0 draft's way of choosing the response form). */
  readonly return?: "minimal" | "representation";
  /** Other preferences, lower-cased names as sent (ignored, reported for logging). */
  readonly other: readonly string[];
}

/** No preferences at all. */
export const NO_PREFERENCES: Preferences = Object.freeze({ respondAsync: false, other: [] });

/** Split on `sep` outside double-quoted strings. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"' && s[i - 1] !== "\\") quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, "$1") : t;
}

/** Parse one or several `Prefer` header values. Never throws: malformed preferences are ignored. */
export function parsePrefer(header: string | readonly string[] | undefined): Preferences {
  if (header === undefined) return NO_PREFERENCES;
  const values = typeof header === "string" ? [header] : header;
  const seen = new Set<string>();
  let respondAsync = false;
  let wait: number | undefined;
  let ret: Preferences["return"];
  const other: string[] = [];
  for (const value of values) {
    for (const pref of splitOutsideQuotes(value, ",")) {
      const head = splitOutsideQuotes(pref, ";")[0] ?? "";
      const eq = head.indexOf("=");
      const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
      if (name === "" || seen.has(name)) continue;
      seen.add(name);
      const v = eq < 0 ? undefined : unquote(head.slice(eq + 1));
      if (name === "respond-async") respondAsync = true;
      else if (name === "wait") {
        if (v !== undefined && /^\d{1,9}$/.test(v)) wait = Number(v);
      } else if (name === "return") {
        const r = v?.toLowerCase();
        if (r === "minimal" || r === "representation") ret = r;
      } else other.push(name);
    }
  }
  return {
    respondAsync,
    ...(wait !== undefined ? { wait } : {}),
    ...(ret !== undefined ? { return: ret } : {}),
    other,
  };
}

/** The outcome of the decision: how to run, and what to echo in `Preference-Applied`. */
export interface ModeDecision {
  readonly mode: "sync" | "async";
  /** Preferences honoured (e.g. `respond-async`); send as `Preference-Applied` when not empty. */
  readonly preferenceApplied: readonly string[];
}

/** Decide the execution mode from the process's job control and the client's preferences (table above). */
export function decideExecutionMode(
  jobControl: Pick<JobControl, "sync" | "async">,
  prefs: Preferences = NO_PREFERENCES,
): ModeDecision {
  const mode = !jobControl.sync
    ? "async"
    : !jobControl.async
      ? "sync"
      : prefs.respondAsync
        ? "async"
        : "sync";
  return { mode, preferenceApplied: prefs.respondAsync && mode === "async" ? ["respond-async"] : [] };
}
