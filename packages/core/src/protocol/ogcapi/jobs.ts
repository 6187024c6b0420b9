/**
 * Job documents: `statusInfo.yaml` from a stored {@link JobRecord}, and the job list (`jobList.yaml`). Timestamps are
 * RFC 3339 UTC; members the store does not know (not started yet, no progress reported) are **omitted**, never
 * `null`, because the schema types them as strings/integers. `type: "process"` is always present: the published
 * schema requires it even though the standard's own examples leave it out.
 */
import type { JobRecord } from "../../job/record.js";
import type { JobStatus } from "../../job/status.js";
import { type Link, OGC_MEDIA, OGC_REL, type OgcUrls } from "./constants.js";
import { type PageLinks, pageLinks } from "./describe.js";

/** `statusCode.yaml`. */
export type OgcStatus = "accepted" | "running" | "successful" | "failed" | "dismissed";

/** `statusInfo.yaml`. */
export interface StatusInfo {
  readonly type: "process";
  readonly jobID: string;
  readonly processID: string;
  readonly status: OgcStatus;
  readonly message?: string;
  readonly created?: string;
  readonly started?: string;
  readonly finished?: string;
  readonly updated?: string;
  readonly progress?: number;
  readonly links: readonly Link[];
}

/** `jobList.yaml`. */
export interface JobList {
  readonly jobs: readonly StatusInfo[];
  readonly links: readonly Link[];
}

const STATUS: Readonly<Record<JobStatus, OgcStatus>> = Object.freeze({
  accepted: "accepted",
  running: "running",
  succeeded: "successful",
  failed: "failed",
  dismissed: "dismissed",
});

/** The OGC status code of a Roost job status (`succeeded` → `successful`). */
export function ogcStatus(s: JobStatus): OgcStatus {
  return STATUS[s];
}

/** The Roost job status of an OGC status code (for the job list's `status` filter). */
export function jobStatusOf(s: OgcStatus): JobStatus {
  return s === "successful" ? "succeeded" : s;
}

/** An epoch-milliseconds timestamp as RFC 3339 UTC, or undefined when unknown or not a valid time. */
export function rfc3339(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function message(job: JobRecord): string | undefined {
  // A failed job's error message is what the client needs to read (it is client-safe by construction).
  const m = job.status === "failed" ? (job.error?.message ?? job.message) : job.message;
  return m === null || m === undefined || m === "" ? undefined : m;
}

function progress(job: JobRecord): number | undefined {
  if (job.progress === null || !Number.isFinite(job.progress)) return undefined;
  return Math.max(0, Math.min(100, Math.round(job.progress)));
}

/**
 * A job's statusInfo. Links: the document itself, the job list (`up`), and once the job has ended the results
 * (`…/results` when successful, `…/exceptions` to the same resource when failed — reading it returns the
 * exception), then `extraLinks` (e.g. the WPS 1.0.0 status document).
 */
export function encodeStatusInfo(
  job: JobRecord,
  urls: OgcUrls,
  extraLinks: readonly Link[] = [],
): StatusInfo {
  const json = OGC_MEDIA.json;
  const links: Link[] = [
    { href: urls.job(job.id), rel: OGC_REL.self, type: json, title: "This document" },
    { href: urls.jobs, rel: OGC_REL.up, type: json, title: "The job list" },
  ];
  if (job.status === "succeeded")
    links.push({ href: urls.results(job.id), rel: OGC_REL.results, title: "Results of the job" });
  else if (job.status === "failed")
    links.push({
      href: urls.results(job.id),
      rel: OGC_REL.exceptions,
      type: json,
      title: "Why the job failed",
    });
  links.push(...extraLinks);
  const m = message(job);
  const p = progress(job);
  const created = rfc3339(job.createdAt);
  const started = rfc3339(job.startedAt);
  const finished = rfc3339(job.finishedAt);
  const updated = rfc3339(job.updatedAt);
  return {
    type: "process",
    jobID: job.id,
    processID: job.processId,
    status: ogcStatus(job.status),
    ...(m !== undefined ? { message: m } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(started !== undefined ? { started } : {}),
    ...(finished !== undefined ? { finished } : {}),
    ...(updated !== undefined ? { updated } : {}),
    ...(p !== undefined ? { progress: p } : {}),
    links,
  };
}

/** The job list: the caller filters and pages; `page` gives this page's URL and the neighbours'. */
export function encodeJobList(
  jobs: readonly JobRecord[],
  urls: OgcUrls,
  page: PageLinks,
  extraLinks: readonly Link[] = [],
): JobList {
  return {
    jobs: jobs.map((j) => encodeStatusInfo(j, urls)),
    links: [...pageLinks(page, "This list of jobs"), ...extraLinks],
  };
}
