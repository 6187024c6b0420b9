/**
 * Services the integration suites need. Outside CI a missing service skips the suite with a message; under
 * CI=true it fails the suite instead (a CI run must never pass by skipping).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** True under CI. */
export const IN_CI = process.env.CI === "true";

/**
 * Decide whether a suite can run. Returns true to run; false to skip (with a console note). Under CI a missing
 * service throws, failing the suite.
 */
export function requireService(name: string, available: boolean, hint: string): boolean {
  if (available) return true;
  const msg = `${name} is not available (${hint})`;
  if (IN_CI) throw new Error(`${msg}: required under CI=true`);
  console.warn(`skipping: ${msg}`);
  return false;
}

/** Debian's python3 (OWSLib and PyWPS are installed for it, not for a pyenv python). */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** True when a Debian python module is importable. */
export function havePythonModule(mod: string): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  return spawnSync(DEBIAN_PYTHON, ["-c", `import ${mod}`], { stdio: "ignore" }).status === 0;
}
