/**
 * Turning any error into the protocol's exception: the error catalogue gives status and code, the message is
 * escaped by the encoder, and anything unexpected becomes a 500 that says only "internal error" plus a reference id
 * the operator can find in the log — never a stack trace, never driver text.
 */
import { randomUUID } from "node:crypto";
import {
  ERRORS,
  type ErrorView,
  errorList,
  isRoostError,
  RoostError,
  wps1,
  wps2,
  XmlSyntaxError,
} from "@roost/core/internal";
import type { FastifyReply } from "fastify";

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Map framework errors (body too large, bad content, timeouts) to catalogue errors. */
export function toRoostError(e: unknown): RoostError | undefined {
  if (isRoostError(e)) return e;
  if (e instanceof XmlSyntaxError)
    return new RoostError("MalformedRequest", `The request body is not acceptable XML: ${e.message}`);
  const f = e as FastifyLikeError;
  switch (f?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new RoostError("FileSizeExceeded", "The request body is larger than the server accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new RoostError("MalformedRequest", "The request body could not be read");
    case "FST_ERR_BAD_URL":
      return new RoostError("MalformedRequest", "The request URL is malformed");
  }
  if (typeof f?.statusCode === "number" && f.statusCode >= 400 && f.statusCode < 500) {
    return new RoostError("MalformedRequest", "The request could not be read");
  }
  return undefined;
}

/** Send a WPS 1.0.0 ExceptionReport for `e`. Unexpected errors are logged with a reference id. */
export function sendWps1Exception(reply: FastifyReply, e: unknown, language?: string): FastifyReply {
  const known = toRoostError(e);
  let errors: ErrorView[];
  let status: number;
  let retryAfter: number | undefined;
  if (known) {
    errors = errorList(known).map((x) => ({
      code: ERRORS[x.code].wps1,
      text: x.message,
      ...(x.locator !== undefined ? { locator: x.locator } : {}),
    }));
    status = known.status("wps1");
    retryAfter = known.retryAfter;
  } else {
    const ref = randomUUID();
    reply.log.error({ err: e, ref }, "unexpected error");
    errors = [{ code: "NoApplicableCode", text: `Internal server error (reference ${ref})` }];
    status = 500;
  }
  if (retryAfter !== undefined) reply.header("Retry-After", String(Math.ceil(retryAfter)));
  return reply
    .code(status)
    .type("text/xml; charset=utf-8")
    .send(wps1.encodeExceptionReport(errors, language));
}

/**
 * Send a WPS 2.0.0 ExceptionReport (OWS 2.0) for `e`, with the WPS 2.0.0 exception codes and HTTP statuses
 * (`wps2.wps2Exceptions`). Unexpected errors are logged with a reference id, as for WPS 1.0.0.
 */
export function sendWps2Exception(reply: FastifyReply, e: unknown, language?: string): FastifyReply {
  const known = toRoostError(e);
  let errors: ErrorView[];
  let status: number;
  if (known) {
    ({ errors, status } = wps2.wps2Exceptions(known));
    if (known.retryAfter !== undefined) reply.header("Retry-After", String(Math.ceil(known.retryAfter)));
  } else {
    const ref = randomUUID();
    reply.log.error({ err: e, ref }, "unexpected error");
    errors = [{ code: "NoApplicableCode", text: `Internal server error (reference ${ref})` }];
    status = 500;
  }
  return reply
    .code(status)
    .type("text/xml; charset=utf-8")
    .send(wps2.encodeExceptionReport(errors, language));
}
