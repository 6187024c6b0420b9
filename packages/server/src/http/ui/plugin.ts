/**
 * The web UI's own routes, beside the HTML encodings of the OGC API resources: the built assets, the request preview
 * of the process form, a job's live status stream, its results as an HTML fragment (the job page swaps it in when the
 * job succeeds) and the tail of its logs. Also the security headers of every HTML page (registered on the root by
 * the composition, since the pages come from the OGC front end).
 */
import { isJobId, isTerminal } from "@roost/core/internal";
import type { FastifyInstance, FastifyReply, onSendHookHandler } from "fastify";
import { JobDirs } from "../../storage/job-dirs.js";
import { contentSecurityPolicy, type UiContext } from "./context.js";
import { LiveStreams } from "./live-stream.js";
import { jobLogTail } from "./log-tail.js";
import { type FileNote, previewOf } from "./preview.js";
import { resultsList } from "./results-section.js";

function problem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: "about:blank", title: detail, status, detail });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `files` member of a preview request, checked: anything malformed is dropped. */
export function fileNotes(v: unknown): Record<string, (FileNote | null)[]> {
  const out: Record<string, (FileNote | null)[]> = Object.create(null);
  if (!isObject(v)) return out;
  for (const [id, list] of Object.entries(v)) {
    if (!Array.isArray(list)) continue;
    out[id] = list
      .slice(0, 1000)
      .map((f: unknown) =>
        isObject(f) && typeof f.name === "string" && typeof f.size === "number"
          ? { name: f.name.slice(0, 255), size: f.size, ...(f.elided === true ? { elided: true } : {}) }
          : null,
      );
  }
  return out;
}

/** Security headers of UI pages: the CSP, no framing, no referrer beyond this origin. */
export function uiSecurityHeaders(ctx: UiContext): onSendHookHandler {
  const csp = contentSecurityPolicy(ctx);
  return async (_req, reply) => {
    const type = String(reply.getHeader("content-type") ?? "");
    // Pages only: a response that set its own policy (an output file, Swagger UI) keeps it.
    if (type.startsWith("text/html") && !reply.hasHeader("Content-Security-Policy")) {
      reply.header("Content-Security-Policy", csp);
      reply.header("X-Frame-Options", "DENY");
      reply.header("Referrer-Policy", "same-origin");
    }
  };
}

/** Register the UI routes. */
export async function uiPlugin(app: FastifyInstance, o: { readonly ctx: UiContext }): Promise<void> {
  const { ctx } = o;
  const { service, assets } = ctx;
  const dirs = new JobDirs(ctx.config.server.data_dir);
  const streams = new LiveStreams(service);
  app.addHook("preClose", async () => streams.closeAll());

  app.get<{ Params: { file: string } }>("/ui/assets/:file", async (req, reply) => {
    const a = assets.get(req.params.file);
    if (!a) return problem(reply, 404, "No such asset");
    const gzip = a.gzip !== undefined && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    reply.header("Cache-Control", "public, max-age=31536000, immutable");
    reply.header("Vary", "Accept-Encoding");
    if (gzip) reply.header("Content-Encoding", "gzip");
    return reply.type(a.type).send(gzip ? a.gzip : a.body);
  });

  app.post<{ Params: { processId: string } }>("/ui/preview/:processId", async (req, reply) => {
    const p = service.processes().find((x) => x.identifier === req.params.processId);
    if (!p) return problem(reply, 404, "No such process");
    const body = req.body;
    if (!isObject(body) || !isObject(body.request))
      return problem(reply, 400, 'Expected {"request": {…}, "async": true|false, "files": {…}}');
    const preview = previewOf(ctx, p, body.request, {
      async: body.async === true,
      files: fileNotes(body.files),
    });
    reply.header("Cache-Control", "no-store");
    return reply.type("application/json").send(preview);
  });

  app.get<{ Params: { jobId: string } }>("/ui/jobs/:jobId/events", (req, reply) => streams.serve(req, reply));

  app.get<{ Params: { jobId: string } }>("/ui/jobs/:jobId/results", async (req, reply) => {
    const job = await service.job(req.params.jobId);
    if (!job) return problem(reply, 404, "No such job");
    if (job.status !== "succeeded") return problem(reply, 409, "The job has not succeeded");
    const p = service.processes().find((x) => x.identifier === job.processId);
    reply.header("Cache-Control", "private, max-age=60");
    return reply.type("text/html; charset=utf-8").send((await resultsList(ctx, job, p)).value);
  });

  // The history's Delete: OGC API `DELETE /jobs/{id}` dismisses (a finished job loses its results but stays listed as
  // dismissed), so removing a finished job from the history — row and all — is the UI's own operation.
  app.delete<{ Params: { jobId: string } }>("/ui/jobs/:jobId", async (req, reply) => {
    const job = await service.job(req.params.jobId);
    if (!job) return problem(reply, 404, "No such job");
    if (!isTerminal(job.status)) return problem(reply, 409, "The job is still active: dismiss it first");
    await service.remove(job.id);
    return reply.code(204).send();
  });

  app.get<{ Params: { jobId: string } }>("/ui/jobs/:jobId/log", async (req, reply) => {
    const id = req.params.jobId;
    const job = isJobId(id) ? await service.job(id) : undefined;
    if (!job) return problem(reply, 404, "No such job");
    reply.header("Cache-Control", "no-store");
    return reply.type("application/json").send(await jobLogTail(dirs, job));
  });
}
