/**
 * The error catalogue: every error Roost reports to a client has one code here, and the code and the protocol alone
 * decide the HTTP status, the OWS exceptionCode (WPS 1.0.0 and 2.0.0) and the OGC API – Processes problem type.
 * Front ends never invent statuses; codes are never reused for a different meaning.
 */

/** The protocol front ends, as the catalogue's status columns name them. */
export type Protocol = "wps1" | "wps2" | "ogcapi";

/** One row of the catalogue. */
export interface ErrorSpec {
  /** HTTP status sent with the exception, unless {@link ErrorSpec.status} names another for the protocol. */
  readonly http: number;
  /**
   * Per-protocol HTTP statuses where the protocols disagree: OGC API – Processes answers an unknown process or job
   * with 404 (`/req/core/process-success`, `job-exception-no-such-job`), WPS 1.0.0 with 400 InvalidParameterValue;
   * WPS 2.0.0 gives every WPS exception code 400 but ServerBusy (OGC 14-065r2 §9.8.3–§9.11.3, the codec's
   * `WPS2_HTTP_STATUS`; a test keeps the two in step).
   */
  readonly status?: Readonly<Partial<Record<Protocol, number>>>;
  /** OWS 1.1 exceptionCode used by WPS 1.0.0. */
  readonly wps1: string;
  /** exceptionCode used by WPS 2.0.0 (OWS 2.0 + WPS 2.0 codes). */
  readonly wps2: string;
  /** OGC API – Processes exception type URI (or a Roost URI when OGC defines none). */
  readonly ogcType: string;
}

const OGC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";
const ROOST = "https://roost.dev/errors/";

/** The catalogue, keyed by Roost error code. */
export const ERRORS = Object.freeze({
  MissingParameter: {
    http: 400,
    wps1: "MissingParameterValue",
    wps2: "MissingParameterValue",
    ogcType: `${ROOST}missing-parameter`,
  },
  InvalidParameter: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "InvalidParameterValue",
    ogcType: `${ROOST}invalid-parameter`,
  },
  NoSuchProcess: {
    http: 400,
    status: { ogcapi: 404 },
    wps1: "InvalidParameterValue",
    wps2: "NoSuchProcess",
    ogcType: `${OGC}no-such-process`,
  },
  NoSuchInput: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "NoSuchInput",
    ogcType: `${ROOST}no-such-input`,
  },
  NoSuchOutput: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "NoSuchOutput",
    ogcType: `${ROOST}no-such-output`,
  },
  NoSuchFormat: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "NoSuchFormat",
    ogcType: `${ROOST}no-such-format`,
  },
  TooManyInputs: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "TooManyInputs",
    ogcType: `${ROOST}too-many-inputs`,
  },
  /** A raw response asked of more than one output (WPS 2.0 `response="raw"`, wpsExecute.xsd). */
  TooManyOutputs: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "TooManyOutputs",
    ogcType: `${ROOST}too-many-outputs`,
  },
  /** An input value that cannot be read as the input's type or is outside its allowed values. */
  WrongInputData: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "WrongInputData",
    ogcType: `${ROOST}wrong-input-data`,
  },
  DataNotAccessible: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "DataNotAccessible",
    ogcType: `${ROOST}data-not-accessible`,
  },
  /**
   * A reference the reference policy refuses (private address, scheme, file:// outside the allowed paths, bad URL):
   * to WPS 2.0 the data is not accessible to this server; WPS 1.0.0 has always said InvalidParameterValue.
   */
  ReferenceRefused: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "DataNotAccessible",
    ogcType: `${ROOST}reference-refused`,
  },
  FileSizeExceeded: {
    http: 413,
    status: { wps2: 400 },
    wps1: "FileSizeExceeded",
    wps2: "SizeExceeded",
    ogcType: `${ROOST}size-exceeded`,
  },
  /** Asynchronous execution asked of a process that cannot store its response (WPS 1.0.0's name for it). */
  StorageNotSupported: {
    http: 400,
    wps1: "StorageNotSupported",
    wps2: "NoSuchMode",
    ogcType: `${ROOST}storage-not-supported`,
  },
  /** Synchronous execution asked of a process that only runs asynchronously. */
  NoSuchMode: {
    http: 400,
    wps1: "InvalidParameterValue",
    wps2: "NoSuchMode",
    ogcType: `${ROOST}no-such-mode`,
  },
  /** An output by reference asked of a process that does not store outputs (sync-only processes). */
  ReferenceNotSupported: {
    http: 400,
    wps1: "StorageNotSupported",
    wps2: "StorageNotSupported",
    ogcType: `${ROOST}reference-not-supported`,
  },
  OperationNotSupported: {
    http: 501,
    wps1: "OperationNotSupported",
    wps2: "OperationNotSupported",
    ogcType: `${ROOST}operation-not-supported`,
  },
  VersionNegotiationFailed: {
    http: 400,
    wps1: "VersionNegotiationFailed",
    wps2: "VersionNegotiationFailed",
    ogcType: `${ROOST}version-negotiation-failed`,
  },
  ServerBusy: { http: 503, wps1: "ServerBusy", wps2: "ServerBusy", ogcType: `${ROOST}server-busy` },
  NoSuchJob: {
    http: 404,
    status: { wps2: 400 },
    wps1: "InvalidParameterValue",
    wps2: "NoSuchJob",
    ogcType: `${OGC}no-such-job`,
  },
  ResultNotReady: {
    http: 404,
    status: { wps2: 400 },
    wps1: "InvalidParameterValue",
    wps2: "ResultNotReady",
    ogcType: `${OGC}result-not-ready`,
  },
  MalformedRequest: {
    http: 400,
    wps1: "NoApplicableCode",
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}malformed-request`,
  },
  ProcessFailed: {
    http: 500,
    wps1: "NoApplicableCode",
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}process-failed`,
  },
  /** The resource exists but cannot be represented in any media type the request's `Accept` allows. */
  NotAcceptable: {
    http: 406,
    wps1: "NoApplicableCode",
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}not-acceptable`,
  },
  /** The resource exists but does not support the request's HTTP method (sent with `Allow`). */
  MethodNotAllowed: {
    http: 405,
    wps1: "OperationNotSupported",
    // Not OperationNotSupported: WPS 2.0 ties that code to HTTP 501 (an operation the server lacks), while this is
    // an HTTP method the resource does not take (405 with Allow).
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}method-not-allowed`,
  },
  /** The request body's media type is not one the endpoint reads (OGC API: JSON only). */
  UnsupportedMediaType: {
    http: 415,
    wps1: "NoApplicableCode",
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}unsupported-media-type`,
  },
  /** The job was dismissed: its results are gone for good (HTTP 410, not "not ready"). */
  JobDismissed: {
    http: 410,
    // WPS 2.0 answers a dismissed job's GetResult as it does an unknown job: NoSuchJob, HTTP 400.
    status: { wps2: 400 },
    wps1: "InvalidParameterValue",
    wps2: "NoSuchJob",
    ogcType: `${ROOST}job-dismissed`,
  },
  NotFound: {
    http: 404,
    status: { wps2: 400 },
    wps1: "InvalidParameterValue",
    wps2: "InvalidParameterValue",
    ogcType: `${ROOST}not-found`,
  },
  ServiceUnavailable: {
    http: 503,
    wps1: "NoApplicableCode",
    wps2: "NoApplicableCode",
    ogcType: `${ROOST}service-unavailable`,
  },
  Internal: { http: 500, wps1: "NoApplicableCode", wps2: "NoApplicableCode", ogcType: `${ROOST}internal` },
} satisfies Record<string, ErrorSpec>);

/** A Roost error code (a key of {@link ERRORS}). */
export type ErrorCode = keyof typeof ERRORS;

/** The HTTP status of an error code in one protocol (the catalogue's default when the protocol has no override). */
export function httpStatus(code: ErrorCode, protocol: Protocol): number {
  const spec: ErrorSpec = ERRORS[code];
  return spec.status?.[protocol] ?? spec.http;
}

/**
 * An error meant for the client: its message is shown verbatim (after escaping), its code picks status and
 * exception code, and its locator names the offending parameter, input or output.
 */
export class RoostError extends Error {
  /** Catalogue code. */
  readonly code: ErrorCode;
  /** Parameter, input or output identifier the error is about. */
  readonly locator: string | undefined;
  /** Seconds the client should wait before retrying (ServerBusy). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { locator?: string | undefined; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RoostError";
    this.code = code;
    this.locator = options.locator;
    this.retryAfter = options.retryAfter;
  }

  /** The catalogue row for this error. */
  get spec(): ErrorSpec {
    return ERRORS[this.code];
  }

  /** The HTTP status of this error in `protocol`. */
  status(protocol: Protocol): number {
    return httpStatus(this.code, protocol);
  }
}

/** Narrow an unknown thrown value to a {@link RoostError}. */
export function isRoostError(e: unknown): e is RoostError {
  return (
    e instanceof RoostError ||
    (e instanceof Error && e.name === "RoostError" && typeof (e as RoostError).code === "string")
  );
}

/** Turn anything thrown into an `Error` so `unknown` never leaks past a catch. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === "string" ? e : `non-error thrown: ${safeString(e)}`);
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Several client errors found at once (e.g. every bad input of an Execute); reported together. */
export class ValidationError extends RoostError {
  /** The individual errors, in request order; the first decides the HTTP status. */
  readonly errors: readonly RoostError[];

  constructor(errors: readonly RoostError[]) {
    const first = errors[0];
    if (!first) throw new TypeError("ValidationError needs at least one error");
    super(first.code, first.message, { locator: first.locator });
    this.name = "RoostError";
    this.errors = errors;
  }
}

/** The list of errors carried by `e`: its parts for a ValidationError, itself otherwise. */
export function errorList(e: RoostError): readonly RoostError[] {
  return e instanceof ValidationError ? e.errors : [e];
}
