/**
 * Exit codes of the client commands, and the one function that maps an error onto them — the same whatever the
 * protocol (WPS 1.0.0, WPS 2.0.0, OGC API – Processes). Scripts rely on these:
 *
 * | Code | Meaning                                                                                                    |
 * |------|------------------------------------------------------------------------------------------------------------|
 * | 0    | succeeded (for `status`: the job exists and has not failed)                                                |
 * | 1    | the process ran and failed (WPS `ProcessFailed`, OGC API `failed`), or the job was dismissed               |
 * | 2    | usage or validation error found before anything was sent: bad or unknown option, unknown process, missing  |
 * |      | required input, wrong type, value not allowed, unsupported format/CRS, a file that does not exist, or an    |
 * |      | action the server cannot do (`--async` on a sync-only process)                                             |
 * | 3    | connection or server error: unreachable server, TLS failure, HTTP error, a response the protocol does not   |
 * |      | explain, a refusal (ExceptionReport, problem document) of a request the client had checked, an unknown job, |
 * |      | `--timeout` reached while the job still runs                                                               |
 * | 130  | interrupted (Ctrl-C); the job may still be running on the server                                            |
 */
import {
  AbortedError,
  ConnectionError,
  InputValidationError,
  JobTimeoutError,
  NotSupportedError,
  ProcessFailedError,
  ServerError,
  ServiceExceptionError,
  UnknownProcessError,
} from "../errors.js";

/** The exit codes. */
export const ExitCode = Object.freeze({
  ok: 0,
  processFailed: 1,
  usage: 2,
  server: 3,
  interrupted: 130,
} as const);

/** A mistake in the command line (exit code 2). */
export class UsageError extends Error {
  /** Extra lines shown after the message (a hint, the usage line). */
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    if (hint !== undefined) this.hint = hint;
  }
}

/** The exit code for an error. Unexpected errors count as 3: the outcome of the request is unknown. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof ProcessFailedError) return ExitCode.processFailed;
  if (
    e instanceof UsageError ||
    e instanceof InputValidationError ||
    e instanceof UnknownProcessError ||
    e instanceof NotSupportedError
  )
    return ExitCode.usage;
  if (e instanceof AbortedError) return ExitCode.interrupted;
  if (
    e instanceof ConnectionError ||
    e instanceof ServerError ||
    e instanceof ServiceExceptionError ||
    e instanceof JobTimeoutError
  )
    return ExitCode.server;
  return ExitCode.server;
}
