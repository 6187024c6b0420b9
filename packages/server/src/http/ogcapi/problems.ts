/**
 * Errors of the OGC API front end as RFC 7807 problem documents (`application/problem+json`): the status from the
 * catalogue's `ogcapi` column, `type` its OGC (or Roost) exception URI, `detail` the client-safe message, `locator`
 * naming the offending parameter, input or output, and every problem of a request in `errors`. Anything unexpected is
 * a 500 saying only "internal error" with a reference id that is logged with the stack — never the stack itself.
 */
import { randomUUID } from "node:crypto";
import { isRoostError, ogcapi, RoostError } from "@roost/core";
import type { FastifyReply } from "fastify";
import { toRoostError } from "../exceptions.js";

/** The media type of problem documents. */
export const PROBLEM_TYPE = "application/problem+json";

/** Framework and parser errors as catalogue errors; undefined for real bugs. */
export function ogcError(e: unknown): RoostError | undefined {
  if (isRoostError(e)) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return new RoostError(
      "UnsupportedMediaType",
      "The request body must be JSON: send it with Content-Type: application/json",
      { locator: "Content-Type" },
    );
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new RoostError("FileSizeExceeded", "The request body is larger than the server accepts");
  return toRoostError(e);
}

/** A problem document and its status for any thrown value (unexpected errors are logged with a reference). */
export function problemOf(
  e: unknown,
  reply: FastifyReply,
  instance?: string,
): { readonly status: number; readonly doc: ogcapi.ProblemDocument; readonly error?: RoostError } {
  const known = ogcError(e);
  if (known) {
    const status = known.status("ogcapi");
    return { status, doc: ogcapi.encodeProblem(known, status, instance), error: known };
  }
  const ref = randomUUID();
  reply.log.error({ err: e, ref }, "unexpected error");
  const internal = new RoostError("Internal", `Internal server error (reference ${ref})`);
  return { status: 500, doc: ogcapi.encodeProblem(internal, 500, instance) };
}

/** Send a problem document as JSON (headers such as Allow or Retry-After set by the caller or from the error). */
export function sendProblemJson(
  reply: FastifyReply,
  p: { readonly status: number; readonly doc: ogcapi.ProblemDocument; readonly error?: RoostError },
): FastifyReply {
  if (p.error?.retryAfter !== undefined) reply.header("Retry-After", String(Math.ceil(p.error.retryAfter)));
  return reply.code(p.status).type(PROBLEM_TYPE).send(JSON.stringify(p.doc));
}
