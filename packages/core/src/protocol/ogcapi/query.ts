/**
 * Query parameters of the process list (`limit`) and of the job list (job-list class: `type`, `processID`, `status`,
 * `datetime`, `minDuration`, `maxDuration`, `limit`), parsed into typed filters. Arrays follow the OpenAPI
 * definition's `style: form, explode: false` (`status=running,failed`); repeated parameters are accepted too. A bad
 * value is an InvalidParameter error naming the parameter (HTTP 400).
 */
import { RoostError } from "../../errors/catalogue.js";
import type { JobStatus } from "../../job/status.js";
import { preview } from "../../util/preview.js";
import { jobStatusOf, type OgcStatus } from "./jobs.js";

/** Query parameters as an HTTP framework hands them over. */
export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Bounds of `limit`: the standard's example values (`/per/core/limit-default-minimum-maximum`). */
export const LIMIT = Object.freeze({ default: 10, minimum: 1, maximum: 10000 });

/** Statuses the job list considers without a `status` filter: all but `accepted` (job-list class). */
export const DEFAULT_JOB_STATUSES: readonly JobStatus[] = Object.freeze([
  "running",
  "succeeded",
  "failed",
  "dismissed",
]);

const OGC_STATUSES: ReadonlySet<string> = new Set([
  "accepted",
  "running",
  "successful",
  "failed",
  "dismissed",
]);

/** The job-list filters. Times are epoch milliseconds; durations seconds. */
export interface JobListQuery {
  /** Only jobs of these processes; undefined: all. */
  readonly processIds?: readonly string[];
  readonly statuses: readonly JobStatus[];
  /** `created` must lie in [from, to] (either end open when absent). */
  readonly created?: { readonly from?: number; readonly to?: number };
  readonly minDuration?: number;
  readonly maxDuration?: number;
  readonly limit: number;
}

function bad(name: string, message: string): never {
  throw new RoostError("InvalidParameter", `Query parameter '${name}' ${message}`, { locator: name });
}

/** Comma-separated and/or repeated values, trimmed, empties dropped; undefined when the parameter is absent. */
export function listParam(v: string | readonly string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (typeof v === "string" ? [v] : v)
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function single(q: QueryParams, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || typeof v === "string") return v;
  if (v.length > 1) bad(name, "is given more than once");
  return v[0];
}

/**
 * `limit`: an integer ≥ 1; the default when absent. A value above the maximum is lowered to it rather than refused
 * (the API definition states the maximum, and a client asking for more still gets a valid page).
 */
export function parseLimit(q: QueryParams, name = "limit"): number {
  const v = single(q, name);
  if (v === undefined) return LIMIT.default;
  if (!/^\s*\+?\d{1,15}\s*$/.test(v))
    bad(name, `must be an integer from ${LIMIT.minimum} to ${LIMIT.maximum}, got '${preview(v, 40)}'`);
  const n = Number(v);
  if (n < LIMIT.minimum) bad(name, `must be at least ${LIMIT.minimum}, got ${n}`);
  return Math.min(n, LIMIT.maximum);
}

const RFC3339 = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;

function instant(name: string, s: string): number {
  const t = RFC3339.test(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(t))
    bad(name, `must be an RFC 3339 date-time or interval (a/b, ../b, a/..), got '${preview(s, 60)}'`);
  return t;
}

/** `datetime`: an instant (created exactly then) or a closed or half-open interval. */
export function parseDatetime(v: string, name = "datetime"): { from?: number; to?: number } {
  const parts = v.trim().split("/");
  if (parts.length === 1) {
    const t = instant(name, parts[0] as string);
    return { from: t, to: t };
  }
  if (parts.length !== 2) bad(name, `must be an instant or one interval, got '${preview(v, 60)}'`);
  const open = (s: string) => s === "" || s === "..";
  const [a, b] = parts as [string, string];
  if (open(a) && open(b)) bad(name, "must bound the interval on at least one side");
  const from = open(a) ? undefined : instant(name, a);
  const to = open(b) ? undefined : instant(name, b);
  if (from !== undefined && to !== undefined && from > to) bad(name, "starts after it ends");
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

function seconds(q: QueryParams, name: string): number | undefined {
  const v = single(q, name);
  if (v === undefined) return undefined;
  if (!/^\s*\d{1,12}\s*$/.test(v)) bad(name, `must be a whole number of seconds, got '${preview(v, 40)}'`);
  return Number(v);
}

/** Parse the job list's query. */
export function parseJobListQuery(q: QueryParams): JobListQuery {
  const types = listParam(q.type);
  if (types !== undefined) {
    const other = types.find((t) => t !== "process");
    if (other !== undefined)
      bad("type", `must be 'process' (the only job type), got '${preview(other, 40)}'`);
  }
  const processIds = listParam(q.processID);
  const statusList = listParam(q.status);
  let statuses = DEFAULT_JOB_STATUSES;
  if (statusList !== undefined && statusList.length > 0) {
    const wrong = statusList.find((s) => !OGC_STATUSES.has(s));
    if (wrong !== undefined)
      bad(
        "status",
        `must be accepted, running, successful, failed or dismissed, got '${preview(wrong, 40)}'`,
      );
    statuses = [...new Set(statusList.map((s) => jobStatusOf(s as OgcStatus)))];
  }
  const dt = single(q, "datetime");
  const minDuration = seconds(q, "minDuration");
  const maxDuration = seconds(q, "maxDuration");
  if (minDuration !== undefined && maxDuration !== undefined && minDuration > maxDuration)
    bad("minDuration", `(${minDuration}) is greater than maxDuration (${maxDuration})`);
  return {
    ...(processIds !== undefined && processIds.length > 0 ? { processIds } : {}),
    statuses,
    ...(dt !== undefined && dt.trim() !== "" ? { created: parseDatetime(dt) } : {}),
    ...(minDuration !== undefined ? { minDuration } : {}),
    ...(maxDuration !== undefined ? { maxDuration } : {}),
    limit: parseLimit(q),
  };
}
