/**
 * Errors a process handler throws on purpose. The message of a {@link ProcessError} reaches the client (PyWPS shows
 * it as "Process error: <message>"); any other error reaches the client only as a generic message and is logged in
 * full with the job id.
 */

const PROCESS_ERROR = Symbol.for("roost.ProcessError");

/**
 * Throw this from a handler to fail the job with a message meant for the user. Subclass it for structured
 * errors (the subclass name is logged, the message is shown).
 *
 * @example
 * if (inputs.count > 10) throw new ProcessError(`Too many files: used=${inputs.count}, available=10`);
 */
export class ProcessError extends Error {
  /** Brand so `isProcessError` works across duplicated copies of this module (e.g. src and dist). */
  readonly [PROCESS_ERROR] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for a {@link ProcessError} from any copy of this module. */
export function isProcessError(e: unknown): e is ProcessError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[PROCESS_ERROR] === true;
}

/** The text a client sees when a handler fails with anything but a ProcessError. */
export const GENERIC_FAILURE_MESSAGE = "Process failed, please check server error log";

/** Longest user-visible process error message; longer ones are cut (PyWPS allows 300 characters). */
export const MAX_PROCESS_ERROR_LENGTH = 1000;

/**
 * Decide what the client may see of a handler failure: the message of a ProcessError (control characters removed,
 * length capped), otherwise the generic text.
 */
export function clientFailureMessage(e: unknown): string {
  if (!isProcessError(e)) return GENERIC_FAILURE_MESSAGE;
  const clean = (e.message || e.name)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, " ")
    .trim();
  const text =
    clean.length > MAX_PROCESS_ERROR_LENGTH ? `${clean.slice(0, MAX_PROCESS_ERROR_LENGTH - 1)}…` : clean;
  return `Process error: ${text || "unspecified"}`;
}
