/**
 * Small pieces shared by the deployment suites: paths, bounded polling, HTTP status probes, command lookup, the
 * in-process deploy commands' output, and deployment files reduced to their directives.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built `roost` command: servers, workers and `roost deploy nginx` run it (`npm test` builds first). */
export const CLI = join(ROOT, "packages/server/dist/bin/roost.js");
/** The committed deployment files. */
export const DEPLOY = join(ROOT, "deploy");

/** Wait `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` every `intervalMs` until it returns a value other than undefined/false; throws `what` after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string),
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`,
      );
    await sleep(intervalMs);
  }
}

/** GET returning the status, or 0 when nothing answered within `timeoutMs`. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** True when a command is on PATH. */
export function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** The absolute path of a command on PATH. */
export function which(cmd: string): string {
  return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim();
}

/** Output of a deploy command run in-process (`deployNginx`, `deploySystemd`). */
export async function capture(
  run: (io: { out(t: string): void; err(l: string): void }) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run({ out: (t) => (out += t), err: (l) => (err += `${l}\n`) });
  return { code, out, err };
}

/** Directives of an nginx file or unit file: comments (from an unquoted `#`) and blank lines dropped, trimmed. */
export function directives(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    let inQuote = false;
    let cut = raw.length;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '"') inQuote = !inQuote;
      if (raw[i] === "#" && !inQuote) {
        cut = i;
        break;
      }
    }
    const line = raw.slice(0, cut).trim();
    if (line !== "") out.push(line);
  }
  return out;
}
