/** Recognising a full filesystem (or an exhausted quota) wherever it surfaces: handlers, outputs, job files. */

/** Error codes of a full filesystem or an exhausted quota. */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT"]);

/** The message of a job that ran out of disk space: the one failure a user can act on without the server log. */
export const NO_SPACE_MESSAGE = "No space left on device";

/** True when `e` (or an error it wraps) is a full filesystem or an exhausted quota. */
export function isNoSpace(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && NO_SPACE.has(code)) return true;
    x = (x as { cause?: unknown }).cause;
  }
  return false;
}
