/**
 * A job's results in the form its execute request asked for (digest §5 and §7), for a synchronous execution and for
 * `GET /jobs/{id}/results` alike:
 *
 * | response | outputs                          | answer                                                        |
 * |----------|----------------------------------|---------------------------------------------------------------|
 * | document | any                              | 200 `results.yaml` JSON (large files by reference)             |
 * | raw      | one by value                     | 200, the output in its own media type (a literal as text/plain) |
 * | raw      | all by reference                 | 204, one `Link: <href>; rel=item; title="<id>"` per output      |
 * | raw      | several, or values and references | 200 `multipart/related`, one part per output (`Content-ID: <id>`; by-reference parts carry `Content-Location` and no body) |
 *
 * A literal or bounding-box output has no file to link to, so it is always sent by value. Files are streamed, never
 * held in memory. Errors: an active job → 404 result-not-ready, a dismissed one → 410, a failed one → its exception
 * with the status of its error code (500 for a process failure).
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  ERRORS,
  type ErrorCode,
  formatLiteral,
  httpStatus,
  type JobRecord,
  type OutputRequest,
  ogcapi,
  type ProcessDefinition,
  RoostError,
} from "@roost/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { JobApi } from "../../service/job-api.js";
import { JSON_TYPE, type OgcContext, sendJson } from "./context.js";
import { addLinkHeaders, resource } from "./http.js";
import { prefersHtml } from "./negotiate.js";
import { PROBLEM_TYPE } from "./problems.js";

/** One output of a raw answer. */
interface Part {
  readonly id: string;
  readonly mediaType: string;
  /** The output's URL when it goes by reference. */
  readonly href?: string;
  /** The content when it goes by value. */
  readonly body?: () => Promise<string | Buffer | Readable>;
  readonly size?: number;
}

const TEXT = "text/plain; charset=utf-8";

/** The error `GET …/results` answers for a job that has no results (undefined: it has). */
export function noResults(job: JobRecord): RoostError | undefined {
  switch (job.status) {
    case "accepted":
    case "running":
      return new RoostError(
        "ResultNotReady",
        `Job '${job.id}' is still ${job.status}; its results are not ready`,
        {
          locator: "jobID",
        },
      );
    case "dismissed":
      return new RoostError("JobDismissed", `Job '${job.id}' was dismissed; it has no results`, {
        locator: "jobID",
      });
    default:
      return undefined;
  }
}

/** The problem document of a failed job, with the status its error code has in OGC API (500 when unknown). */
export function failureProblem(job: JobRecord, instance: string): ogcapi.ProblemDocument {
  const code = job.error?.code ?? "ProcessFailed";
  const status = Object.hasOwn(ERRORS, code) ? httpStatus(code as ErrorCode, "ogcapi") : 500;
  return ogcapi.encodeJobFailure(job, status, instance);
}

/** The results document of a succeeded job (the view decides what goes by reference). */
export async function resultsDocument(service: JobApi, job: JobRecord): Promise<ogcapi.ResultsDocument> {
  const view = await service.view(job, { exceptionCode: (c) => c });
  return ogcapi.encodeResults(view.outputs ?? []);
}

/** The outputs a job's request asked for (all declared ones when it named none), in request order. */
function wanted(p: ProcessDefinition, job: JobRecord): OutputRequest[] {
  const r = job.request.outputs;
  return r.length > 0 ? [...r] : p.outputs.map((o) => ({ id: o.identifier }));
}

function rawParts(service: JobApi, p: ProcessDefinition, job: JobRecord, only?: string): Part[] {
  const parts: Part[] = [];
  for (const r of only !== undefined ? [{ id: only } as OutputRequest] : wanted(p, job)) {
    const def = p.outputMap.get(r.id);
    const stored = job.outputs?.[r.id];
    if (!def || !stored) continue;
    switch (stored.kind) {
      case "literal": {
        const text = formatLiteral(stored.value, def.kind === "literal" ? def.dataType : undefined);
        parts.push({ id: r.id, mediaType: TEXT, body: async () => text });
        break;
      }
      case "bbox": {
        const b = stored.value;
        const json = JSON.stringify({
          bbox: [...b.lowerCorner, ...b.upperCorner],
          ...((b.crs ?? (def.kind === "bbox" ? def.crs[0] : undefined))
            ? { crs: b.crs ?? (def.kind === "bbox" ? def.crs[0] : undefined) }
            : {}),
        });
        parts.push({ id: r.id, mediaType: JSON_TYPE, body: async () => json });
        break;
      }
      case "href":
        parts.push({ id: r.id, mediaType: stored.mimeType, href: stored.href });
        break;
      case "file": {
        const byRef =
          only === undefined && (r.asReference ?? (def.kind === "complex" && def.asReference === true));
        if (byRef) {
          parts.push({ id: r.id, mediaType: stored.mimeType, href: service.outputHref(job.id, stored.file) });
          break;
        }
        const path = join(service.outputsDir(job.id), stored.file);
        const base64 =
          (r.encoding ?? "").toLowerCase() === "base64" && stored.encoding?.toLowerCase() !== "base64";
        parts.push({
          id: r.id,
          mediaType: stored.mimeType,
          ...(base64 ? {} : { size: stored.size }),
          body: async () => (base64 ? (await readFile(path)).toString("base64") : createReadStream(path)),
        });
        break;
      }
    }
  }
  return parts;
}

async function* multipart(parts: readonly Part[], boundary: string): AsyncGenerator<Buffer | string> {
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-ID: <${encodeURIComponent(part.id)}>\r\nContent-Type: ${part.mediaType}\r\n`;
    if (part.href !== undefined) head += `Content-Location: ${part.href}\r\n`;
    yield `${head}\r\n`;
    if (part.body) {
      const b = await part.body();
      if (typeof b === "string" || Buffer.isBuffer(b)) yield b;
      else for await (const chunk of b) yield chunk as Buffer;
    }
    yield "\r\n";
  }
  yield `--${boundary}--\r\n`;
}

/** Send a succeeded job's outputs raw (table in the module comment). */
async function sendRaw(
  reply: FastifyReply,
  service: JobApi,
  p: ProcessDefinition,
  job: JobRecord,
): Promise<FastifyReply> {
  const parts = rawParts(service, p, job);
  if (parts.length > 0 && parts.every((x) => x.href !== undefined)) {
    addLinkHeaders(
      reply,
      parts.map((x) => ({ href: x.href!, rel: "item", type: x.mediaType, title: x.id })),
    );
    return reply.code(204).send();
  }
  if (parts.length === 1) return sendOne(reply, parts[0]!);
  const boundary = `roost-${randomUUID()}`;
  return reply
    .code(200)
    .type(`multipart/related; boundary=${boundary}; type="${(parts[0]?.mediaType ?? TEXT).split(";")[0]}"`)
    .send(Readable.from(multipart(parts, boundary)));
}

async function sendOne(reply: FastifyReply, part: Part): Promise<FastifyReply> {
  if (part.body === undefined) return reply.code(303).header("Location", part.href!).send();
  const body = await part.body();
  if (part.size !== undefined && !(typeof body === "string" || Buffer.isBuffer(body)))
    reply.header("Content-Length", String(part.size));
  // A process output may be HTML or script: it must never run in the API's origin.
  if (/html|javascript|svg/i.test(part.mediaType)) reply.header("Content-Disposition", "attachment");
  return reply.code(200).type(part.mediaType).send(body);
}

/**
 * Answer with a job's results as its request asked (or its problem). `html`: the document form rendered as a page.
 */
export async function sendResults(
  ctx: OgcContext,
  reply: FastifyReply,
  job: JobRecord,
  p: ProcessDefinition,
  html?: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const missing = noResults(job);
  if (missing) throw missing;
  if (job.status === "failed") {
    const d = failureProblem(job, ctx.urls.results(job.id));
    return reply.code(d.status).type(PROBLEM_TYPE).send(JSON.stringify(d));
  }
  if (html) return html();
  if (job.request.response === "document") return sendJson(reply, await resultsDocument(ctx.service, job));
  return sendRaw(reply, ctx.service, p, job);
}

/** Register `GET /jobs/{id}/results` and `GET /jobs/{id}/results/{outputId}`. */
export function resultRoutes(app: FastifyInstance, ctx: OgcContext): void {
  const { service } = ctx;
  resource(app, "/jobs/:jobId/results", {
    GET: async (req, reply) => {
      const { jobId } = req.params as { jobId: string };
      const job = await service.getJob(jobId, "jobID");
      const p = service.process(job.processId, "processID");
      const q = req.query as Record<string, unknown>;
      reply.header("Cache-Control", "private, max-age=60");
      const wantsHtml = ctx.html !== undefined && prefersHtml(q.f, req.headers.accept, true);
      // A browser asking for a failed job's results gets the problem as a page (the web UI adds the log tail).
      if (wantsHtml && job.status === "failed") {
        const d = failureProblem(job, ctx.urls.results(job.id));
        return ctx.send(req, reply, "problem", d, { status: d.status });
      }
      const html =
        wantsHtml && job.status === "succeeded"
          ? async () => ctx.send(req, reply, "results", await resultsDocument(service, job))
          : undefined;
      return sendResults(ctx, reply, job, p, html);
    },
  });

  resource(app, "/jobs/:jobId/results/:outputId", {
    GET: async (req, reply) => {
      const { jobId, outputId } = req.params as { jobId: string; outputId: string };
      const job = await service.getJob(jobId, "jobID");
      const missing = noResults(job);
      if (missing) throw missing;
      if (job.status === "failed") {
        const d = failureProblem(job, ctx.urls.results(job.id));
        return reply.code(d.status).type(PROBLEM_TYPE).send(JSON.stringify(d));
      }
      const p = service.process(job.processId, "processID");
      const [part] = rawParts(service, p, job, outputId);
      if (!part)
        throw new RoostError(
          "NotFound",
          `Job '${job.id}' has no output '${outputId.slice(0, 100)}' (outputs: ${Object.keys(job.outputs ?? {}).join(", ")})`,
          { locator: "outputID" },
        );
      reply.header("Cache-Control", "private, max-age=60");
      return sendOne(reply, part);
    },
  });
}
