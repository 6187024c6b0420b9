/**
 * `POST /processes/{id}/execution`: the body (parsed by the strict JSON parser) is decoded by the codec, which also
 * decides the mode from `Prefer` and the process's job control (digest §4: sync unless `respond-async` and the
 * process allows async; a sync-only process never runs async, an async-only one never sync), then the job API runs
 * it. Subscriber URLs are checked against the reference policy first, so a forbidden callback is a 400 naming
 * `subscriber.successUri` (etc.) before anything is queued.
 *
 * Answers: async → 201, `Location` = the job URL (absolute, no query, no trailing slash: the ETS appends
 * `/results`), statusInfo body; sync → the results as the request asked (`results.ts`), always with
 * `Link: <…/jobs/{id}>; rel=monitor` (sync jobs are recorded, so their results can be read again); honoured
 * preferences in `Preference-Applied`.
 */
import { type ExecuteRequest, ogcapi, RoostError } from "@roost/core";
import type { FastifyInstance } from "fastify";
import { checkReference } from "../../fetch/index.js";
import { type OgcContext, sendJson } from "./context.js";
import { addLinkHeaders, linkHeader, resource } from "./http.js";
import { sendResults } from "./results.js";

/** Register the execute route. */
export function executionRoutes(app: FastifyInstance, ctx: OgcContext): void {
  const { service, urls } = ctx;
  resource(app, "/processes/:processId/execution", {
    POST: async (req, reply) => {
      const { processId } = req.params as { processId: string };
      const p = service.process(processId, "processID");
      if (req.body === undefined)
        throw new RoostError(
          "MissingParameter",
          "The execute request needs a JSON body (at least {} for a process without required inputs)",
          { locator: "body" },
        );
      const prefs = ogcapi.parsePrefer(req.headers.prefer);
      const ex = ogcapi.decodeExecute(req.body, p, prefs);
      if (ex.subscriber) {
        for (const [name, href] of Object.entries(ex.subscriber))
          if (typeof href === "string")
            await checkReference(
              href,
              { ...service.referencePolicy, allowedPaths: [] },
              `subscriber.${name}`,
            );
      }
      const language = ctx.language(req);
      const ac = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) ac.abort();
      });
      const request: ExecuteRequest = {
        processId: p.identifier,
        inputs: ex.inputs,
        mode: ex.mode,
        response: ex.response,
        outputs: ex.outputs,
        language,
        ...(ex.subscriber !== undefined ? { subscriber: ex.subscriber } : {}),
      };
      const { job } = await service.execute(request, {
        protocol: "ogcapi",
        language,
        signal: ac.signal,
        modeLocator: "Prefer",
      });
      reply.header("Content-Language", language);
      if (ex.preferenceApplied.length > 0)
        reply.header("Preference-Applied", ex.preferenceApplied.join(", "));
      if (job.mode === "async") {
        const info = ctx.statusInfo(job);
        reply.header("Location", urls.job(job.id));
        addLinkHeaders(reply, info.links);
        return sendJson(reply, info, 201);
      }
      reply.header("Link", [linkHeader({ href: urls.job(job.id), rel: "monitor" })]);
      return sendResults(ctx, reply, job, p);
    },
  });
}
