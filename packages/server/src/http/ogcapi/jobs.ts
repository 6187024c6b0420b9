/**
 * The jobs: the list (`GET /jobs`, see `job-list.ts`), a job's statusInfo (`GET /jobs/{id}`), dismissal
 * (`DELETE /jobs/{id}`) and its recorded inputs (`GET /jobs/{id}/inputs`). Every job is here whatever protocol
 * submitted it (one job model): a WPS 1.0.0 job has its statusInfo, an OGC API job its WPS status document.
 *
 * Dismissal (class dismiss):
 * * a queued or running job is stopped (`JobApi.dismiss`, waiting up to its default 3 s) and answered 200 with its
 *   statusInfo, `dismissed`; its files (inputs, work directories, outputs) are then removed, keeping only `job.log`.
 *   A job that has not stopped within the wait (a Slurm job being cancelled) is answered 200 with its current state
 *   and the message "Dismissal requested; the job is stopping"; its files go when it ends, also when another server
 *   owns and stops it (`dismiss-cleanup.ts`).
 * * a finished job (successful or failed) is withdrawn: it becomes dismissed, its files go but for `job.log`, and the
 *   answer is 200 with its statusInfo, `dismissed` (the standard: dismiss "removes the artefacts of a finished one";
 *   its 2022 clarification spares only results already staged out to other systems, which Roost never does). A job
 *   that ends while being dismissed is withdrawn the same way.
 * * dismissing a dismissed job again answers 200 with the same statusInfo (reliability P5 allows that or 404).
 * * an unknown or malformed id: 404 no-such-job.
 */
import { ACTIVE, isTerminal, type JobRecord, ogcapi } from "@roost/core/internal";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { OgcContext } from "./context.js";
import { DismissCleanups } from "./dismiss-cleanup.js";
import { resource } from "./http.js";
import { jobInputs } from "./job-inputs.js";
import { decodeCursor, JOB_LIST_PARAMS, nextUrl, readPage, storeQuery } from "./job-list.js";
import { checkParams } from "./processes.js";

/** The message of a job whose dismissal was asked but which has not stopped yet. */
export const STOPPING_MESSAGE = "Dismissal requested; the job is stopping";

/** Register the job routes. */
export function jobRoutes(app: FastifyInstance, ctx: OgcContext, logger: Logger): void {
  const { service, urls } = ctx;
  /** Dismissed jobs whose files go as soon as they have stopped, whichever server stops them. */
  const cleanups = new DismissCleanups(service, logger);
  app.addHook("onClose", async () => cleanups.close());

  resource(app, "/jobs", {
    GET: async (req, reply) => {
      const q = req.query as Record<string, string | string[] | undefined>;
      checkParams(q, JOB_LIST_PARAMS);
      const parsed = ogcapi.parseJobListQuery(q);
      const cursor = decodeCursor(q.cursor);
      const { jobs, more } = await readPage(service, storeQuery(parsed), parsed.limit, cursor);
      const rawQuery = req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "";
      const self = new URLSearchParams(rawQuery);
      self.delete("f");
      const selfQs = self.toString();
      const last = jobs.at(-1);
      const doc: ogcapi.JobList = {
        jobs: jobs.map((j) => ctx.statusInfo(j, undefined, true)),
        links: ogcapi.pageLinks(
          {
            self: `${urls.jobs}${selfQs ? `?${selfQs}` : ""}`,
            ...(more && last ? { next: nextUrl(urls.jobs, rawQuery, last) } : {}),
          },
          "This list of jobs",
        ),
      };
      return ctx.send(req, reply, "jobs", doc, { cache: "no-store" });
    },
  });

  const statusCache = (job: JobRecord) => (isTerminal(job.status) ? "private, max-age=60" : "no-store");

  resource(app, "/jobs/:jobId", {
    GET: async (req, reply) => {
      const { jobId } = req.params as { jobId: string };
      const job = await service.getJob(jobId, "jobID");
      return ctx.send(req, reply, "job", ctx.statusInfo(job), { cache: statusCache(job) });
    },
    DELETE: async (req, reply) => {
      const { jobId } = req.params as { jobId: string };
      const before = await service.getJob(jobId, "jobID");
      if (!isTerminal(before.status)) cleanups.add(before.id);
      const job = await service.dismiss(before.id, { waitMs: service.dismissWaitMs });
      if (isTerminal(job.status)) {
        cleanups.delete(job.id);
        if (job.status === "dismissed") await service.removeDismissedFiles(job.id);
      }
      const stopping = (ACTIVE as readonly string[]).includes(job.status);
      return ctx.send(req, reply, "job", ctx.statusInfo(job, stopping ? STOPPING_MESSAGE : undefined), {
        cache: "no-store",
      });
    },
  });

  resource(app, "/jobs/:jobId/inputs", {
    GET: async (req, reply) => {
      const { jobId } = req.params as { jobId: string };
      const job = await service.getJob(jobId, "jobID");
      return ctx.send(req, reply, "inputs", await jobInputs(ctx, service, job), {
        cache: "private, max-age=60",
      });
    },
  });
}
