/**
 * One output of a succeeded job as the whole response body — WPS 1.0.0 RawDataOutput and WPS 2.0.0
 * `response="raw"`: a literal as text, a bounding box as `minx,miny,maxx,maxy[,crs]`, a file streamed with its
 * recorded media type (re-encoded to base64 when the client asked for that encoding), an external reference as a
 * 303 redirect. The caller checks that the job succeeded.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  formatLiteral,
  type JobRecord,
  type OutputRequest,
  type ProcessDefinition,
  RoostError,
} from "@roost/core/internal";
import type { FastifyReply } from "fastify";
import type { JobApi } from "../service/job-api.js";

/** Options of {@link sendRawOutput}. */
export interface RawOutputOptions {
  /**
   * A file output is wanted by reference (WPS 2.0.0 `transmission="reference"` with `response="raw"`): answered
   * 303 See Other to its published URL, with an empty body, so a client that follows redirects still gets the data.
   */
  readonly byReference?: boolean;
}

function literalType(p: ProcessDefinition, id: string) {
  const d = p.outputMap.get(id);
  return d?.kind === "literal" ? d.dataType : undefined;
}

/** Send output `req.id` of the succeeded `job` as the response body. */
export async function sendRawOutput(
  reply: FastifyReply,
  service: JobApi,
  p: ProcessDefinition,
  job: JobRecord,
  req: OutputRequest,
  opts: RawOutputOptions = {},
): Promise<FastifyReply> {
  const stored = job.outputs?.[req.id];
  if (!stored)
    throw new RoostError("ProcessFailed", `Process '${p.identifier}' did not produce output '${req.id}'`);
  switch (stored.kind) {
    case "literal":
      return reply
        .type(req.mimeType ?? "text/plain; charset=utf-8")
        .send(formatLiteral(stored.value, literalType(p, req.id)));
    case "bbox":
      return reply
        .type("text/plain; charset=utf-8")
        .send(
          [
            ...stored.value.lowerCorner,
            ...stored.value.upperCorner,
            ...(stored.value.crs ? [stored.value.crs] : []),
          ].join(","),
        );
    case "href":
      return reply.redirect(stored.href, 303);
    case "file": {
      const href = service.outputHref(job.id, stored.file);
      if (opts.byReference) return reply.header("Content-Location", href).redirect(href, 303);
      const path = join(service.outputsDir(job.id), stored.file);
      reply.header(
        "Content-Disposition",
        `inline; filename="${stored.file.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      );
      reply.header("Content-Location", href);
      if ((req.encoding ?? "").toLowerCase() === "base64" && stored.encoding?.toLowerCase() !== "base64") {
        return reply.type(stored.mimeType).send((await readFile(path)).toString("base64"));
      }
      reply.header("Content-Length", String(stored.size));
      return reply.type(stored.mimeType).send(createReadStream(path));
    }
  }
}
