/**
 * What can go wrong when talking to a WPS server, as distinct classes so callers (and the CLI's exit codes) can tell
 * a bad request from an unreachable server from a failed process. Every message is meant to be shown as is.
 */
import type { wps1 } from "@roost/core/internal";

/** Base class of every error the client library throws. */
export class WpsClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WpsClientError";
  }
}

/** One problem with the inputs or options of a request, found before anything was sent. */
export interface InputProblem {
  /** The input (or output) identifier, or undefined for a problem with the request as a whole. */
  readonly id?: string;
  readonly message: string;
}

/** The request is invalid for this process (unknown input, wrong type, value not allowed, missing input…). */
export class InputValidationError extends WpsClientError {
  /** Every problem found, in input order. */
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    super(problems.map((p) => (p.id !== undefined ? `input '${p.id}': ${p.message}` : p.message)).join("\n"));
    this.name = "InputValidationError";
    this.problems = problems;
  }
}

/** The server has no process with this identifier. */
export class UnknownProcessError extends WpsClientError {
  /** The identifier asked for. */
  readonly processId: string;
  /** The identifiers the server does offer. */
  readonly known: readonly string[];
  constructor(processId: string, known: readonly string[]) {
    super(`the server has no process '${processId}'`);
    this.name = "UnknownProcessError";
    this.processId = processId;
    this.known = known;
  }
}

/** The server could not be reached or the TLS handshake failed. */
export class ConnectionError extends WpsClientError {
  /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, …), when known. */
  readonly code?: string;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "ConnectionError";
    if (options.code !== undefined) this.code = options.code;
  }
}

/** The server answered, but not with what a WPS server should (HTTP error without a report, unreadable XML). */
export class ServerError extends WpsClientError {
  /** HTTP status, when the problem is the status. */
  readonly status?: number;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "ServerError";
    if (options.status !== undefined) this.status = options.status;
  }
}

function describeExceptions(list: readonly wps1.Wps1Exception[]): string {
  if (list.length === 0) return "(no exception details)";
  return list
    .map(
      (e) =>
        `${e.code}${e.locator !== undefined ? ` (locator: ${e.locator})` : ""}: ${e.text || "(no text)"}`,
    )
    .join("\n");
}

/** The server refused a request with an OWS ExceptionReport. */
export class ServiceExceptionError extends WpsClientError {
  /** The report's exceptions (code, locator, text). */
  readonly exceptions: readonly wps1.Wps1Exception[];
  /** HTTP status of the response carrying the report. */
  readonly status: number;
  constructor(exceptions: readonly wps1.Wps1Exception[], status: number) {
    super(`the server refused the request: ${describeExceptions(exceptions)}`);
    this.name = "ServiceExceptionError";
    this.exceptions = exceptions;
    this.status = status;
  }
}

/** The process ran and failed (WPS `ProcessFailed`); the server's exceptions say why. */
export class ProcessFailedError extends WpsClientError {
  /** The exceptions of the `ProcessFailed` status (code, locator, text). */
  readonly exceptions: readonly wps1.Wps1Exception[];
  /** The failed job, when it ran asynchronously. */
  readonly jobId?: string;
  constructor(exceptions: readonly wps1.Wps1Exception[], message: string, jobId?: string) {
    super(`the process failed: ${exceptions.length > 0 ? describeExceptions(exceptions) : message}`);
    this.name = "ProcessFailedError";
    this.exceptions = exceptions;
    if (jobId !== undefined) this.jobId = jobId;
  }
}

/** The server (or its protocol) cannot do this (dismiss, list jobs on WPS 1.0.0, async on a sync-only process). */
export class NotSupportedError extends WpsClientError {
  constructor(message: string) {
    super(message);
    this.name = "NotSupportedError";
  }
}

/** Waiting for a job took longer than allowed; the job itself may still be running. */
export class JobTimeoutError extends WpsClientError {
  /** Where to follow the job later. */
  readonly statusLocation?: string;
  constructor(message: string, statusLocation?: string) {
    super(message);
    this.name = "JobTimeoutError";
    if (statusLocation !== undefined) this.statusLocation = statusLocation;
  }
}

/** The operation was aborted through an AbortSignal. */
export class AbortedError extends WpsClientError {
  constructor(message = "aborted") {
    super(message);
    this.name = "AbortedError";
  }
}
