/**
 * The job list (`GET /jobs`, class job-list): the codec parses the filters (`type`, `processID`, `status`,
 * `datetime`, `minDuration`, `maxDuration`, `limit`), this module maps them onto the store's query and pages by an
 * opaque keyset cursor (`createdAt` + id of the last job shown, base64url) — never an offset, so a page costs the same
 * with a million jobs as with ten (the store walks its creation-order index from the cursor) and jobs added meanwhile
 * neither repeat nor skip entries. A page may hold up to 10 000 jobs (the standard's maximum `limit`); the store
 * answers at most 1000 rows per query, so larger pages are read in several keyset steps. There is no `prev` link: it
 * would need a second, reversed walk for every page.
 */
import { isJobId, type JobListQuery, type JobRecord, type ogcapi, RoostError } from "@roost/core";
import type { JobApi } from "../../service/job-api.js";

/** Rows the store returns per query (its own maximum). */
const STORE_PAGE = 1000;

/** Query parameters the job list understands. */
export const JOB_LIST_PARAMS: ReadonlySet<string> = new Set([
  "type",
  "processID",
  "status",
  "datetime",
  "minDuration",
  "maxDuration",
  "limit",
  "cursor",
  "f",
  "lang",
]);

/** A position in the list: strictly older than this job. */
export interface Cursor {
  readonly createdAt: number;
  readonly id: string;
}

/** The cursor of a page that ends with `job`. */
export function encodeCursor(job: Pick<JobRecord, "createdAt" | "id">): string {
  return Buffer.from(`${job.createdAt}.${job.id}`, "utf8").toString("base64url");
}

/** Read a cursor; anything but one this server made is a 400 naming `cursor`. */
export function decodeCursor(v: unknown): Cursor | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[0] : v;
  const text = typeof s === "string" && s.length <= 200 ? Buffer.from(s, "base64url").toString("utf8") : "";
  const m = /^(\d{1,16})\.(.+)$/.exec(text);
  if (!m || !isJobId(m[2]!) || !Number.isSafeInteger(Number(m[1])))
    throw new RoostError("InvalidParameter", "Query parameter 'cursor' is not a cursor from a 'next' link", {
      locator: "cursor",
    });
  return { createdAt: Number(m[1]), id: m[2]! };
}

/** The store query of the parsed filters. */
export function storeQuery(q: ogcapi.JobListQuery): JobListQuery {
  return {
    status: q.statuses,
    ...(q.processIds !== undefined ? { processIds: q.processIds } : {}),
    ...(q.created?.from !== undefined ? { createdFrom: q.created.from } : {}),
    ...(q.created?.to !== undefined ? { createdTo: q.created.to } : {}),
    ...(q.minDuration !== undefined ? { minDurationMs: q.minDuration * 1000 } : {}),
    ...(q.maxDuration !== undefined ? { maxDurationMs: q.maxDuration * 1000 } : {}),
  };
}

/** One page: up to `limit` jobs after `cursor`, and whether more follow. */
export async function readPage(
  service: JobApi,
  base: JobListQuery,
  limit: number,
  cursor: Cursor | undefined,
): Promise<{ jobs: JobRecord[]; more: boolean }> {
  const jobs: JobRecord[] = [];
  let before = cursor;
  // One row beyond the page tells whether a next page exists.
  for (let want = limit + 1; want > 0; ) {
    const n = Math.min(want, STORE_PAGE);
    const rows = await service.list({ ...base, limit: n, ...(before !== undefined ? { before } : {}) });
    jobs.push(...rows);
    want -= rows.length;
    const last = rows.at(-1);
    if (rows.length < n || !last) break;
    before = { createdAt: last.createdAt, id: last.id };
  }
  const more = jobs.length > limit;
  return { jobs: more ? jobs.slice(0, limit) : jobs, more };
}

/** The URL of the page after `last`: the request's query with its cursor replaced. */
export function nextUrl(jobsUrl: string, rawQuery: string, last: JobRecord): string {
  const params = new URLSearchParams(rawQuery);
  params.delete("cursor");
  params.delete("f");
  params.set("cursor", encodeCursor(last));
  return `${jobsUrl}?${params.toString()}`;
}
