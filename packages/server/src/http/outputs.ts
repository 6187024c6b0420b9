/**
 * Published outputs at `/outputs/<jobId>/<file>`. Only files of the job's published outputs directory are served
 * (it exists only once the job succeeded), with the recorded media type, `nosniff`, and HTML served as an
 * attachment so a process output can never script the service's origin.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import type { JobApi } from "../service/job-api.js";

const EXT_TYPES: Record<string, string> = {
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".nc": "application/x-netcdf",
  ".zip": "application/zip",
  ".png": "image/png",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".csv": "text/csv",
  ".geojson": "application/geo+json",
  ".metalink": "application/metalink+xml",
  ".meta4": "application/metalink4+xml",
};

/** Register the outputs route. */
export async function outputsPlugin(app: FastifyInstance, o: { readonly service: JobApi }): Promise<void> {
  const { service } = o;
  app.get<{ Params: { jobId: string; "*": string } }>("/outputs/:jobId/*", async (req, reply) => {
    const { jobId } = req.params;
    const rel = req.params["*"];
    const path = await service.outputFile(jobId, rel);
    // Outputs are published (one rename) just before the job's status says succeeded: serve them only from then on,
    // never to a client whose status document still says running.
    const job = path ? await service.job(jobId) : undefined;
    if (!path || job?.status !== "succeeded") {
      return reply.code(404).type("application/problem+json").send({
        type: "https://roost.dev/errors/not-found",
        title: "Not found",
        status: 404,
        detail: "No such output",
      });
    }
    const recorded = Object.values(job?.outputs ?? {}).find((x) => x.kind === "file" && x.file === rel);
    const ext = /\.[A-Za-z0-9]+$/.exec(rel)?.[0]?.toLowerCase() ?? "";
    const type =
      recorded && recorded.kind === "file"
        ? recorded.mimeType
        : (EXT_TYPES[ext] ?? "application/octet-stream");
    const st = await stat(path);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Content-Length", String(st.size));
    reply.header("Cache-Control", "private, max-age=3600");
    if (/html|javascript|svg/i.test(type)) reply.header("Content-Disposition", "attachment");
    return reply.type(type).send(createReadStream(path));
  });
}
