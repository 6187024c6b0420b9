/**
 * The job resource: `GET /jobs/<id>` and `DELETE /jobs/<id>` with OGC API – Processes `statusInfo` documents. WPS
 * 1.0.0 cannot dismiss a job; this is how clients (the `roost` CLI's Ctrl-C and `roost jobs cancel`) stop one. The
 * capabilities advertise it in `ows:ExtendedCapabilities`. A job id is an unguessable capability, the same as its
 * status document URL.
 */
import { isJobId, isTerminal, type JobRecord, type JobStatus, RoostError } from "@roost/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { JobApi } from "../service/job-api.js";
import type { PublicUrls } from "./urls.js";

const OGC_STATUS: Record<JobStatus, string> = {
  accepted: "accepted",
  running: "running",
  succeeded: "successful",
  failed: "failed",
  dismissed: "dismissed",
};

/** A job as an OGC API – Processes `statusInfo` document. */
export function statusInfo(job: JobRecord, urls: PublicUrls): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? undefined : new Date(t).toISOString());
  return {
    type: "process",
    jobID: job.id,
    processID: job.processId,
    status: OGC_STATUS[job.status],
    message: job.message ?? undefined,
    created: iso(job.createdAt),
    started: iso(job.startedAt),
    finished: iso(job.finishedAt),
    updated: iso(job.updatedAt),
    progress: job.progress ?? undefined,
    links: [
      { href: urls.job(job.id), rel: "self", type: "application/json", title: "this document" },
      ...(job.mode === "async"
        ? [
            {
              href: urls.statusDocument(job.id),
              rel: "alternate",
              type: "text/xml",
              title: "WPS 1.0.0 status document",
            },
          ]
        : []),
    ],
  };
}

/** An OGC API problem document (RFC 7807) for a catalogue error: status and type come from the catalogue. */
function sendProblem(reply: FastifyReply, e: RoostError, title: string): FastifyReply {
  const status = e.status("ogcapi");
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: e.spec.ogcType, title, status, detail: e.message });
}

function noSuchJob(reply: FastifyReply, id: string): FastifyReply {
  return sendProblem(reply, new RoostError("NoSuchJob", `No job '${id.slice(0, 40)}'`), "No such job");
}

/** Register the job routes. */
export async function jobsPlugin(
  app: FastifyInstance,
  o: { readonly service: JobApi; readonly urls: PublicUrls },
): Promise<void> {
  const { service, urls } = o;
  app.get<{ Params: { jobId: string } }>("/jobs/:jobId", async (req, reply) => {
    const job = await service.job(req.params.jobId);
    if (!job) return noSuchJob(reply, req.params.jobId);
    reply.header("Cache-Control", isTerminal(job.status) ? "private, max-age=60" : "no-store");
    return reply.type("application/json").send(statusInfo(job, urls));
  });

  app.delete<{ Params: { jobId: string } }>("/jobs/:jobId", async (req, reply) => {
    const id = req.params.jobId;
    if (!isJobId(id) || !(await service.job(id))) return noSuchJob(reply, id);
    const job = await service.dismiss(id, { waitMs: service.dismissWaitMs });
    return reply.type("application/json").send(statusInfo(job, urls));
  });
}
