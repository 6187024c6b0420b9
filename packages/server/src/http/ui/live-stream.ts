/**
 * A job's live status as server-sent events (`GET /ui/jobs/{id}/events`): the stream reads the job through the job
 * API every {@link POLL_MS} — the store, plus this server's in-memory progress — so it also follows jobs run or
 * monitored by another server on the same database; a change this server records itself (`JobApi.onJobChange`)
 * is read at once instead of at the next tick. It sends an event when something the page shows changed, a
 * comment every {@link HEARTBEAT_MS} to keep proxies from closing an idle connection, and ends after the final state.
 */
import { isJobId } from "@roost/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { JobApi } from "../../service/job-api.js";
import { liveJob } from "./job-info.js";
import { isFinal } from "./status.js";

/** Store read interval of a stream, ms: progress writes are throttled to about this rate anyway. */
export const POLL_MS = 500;
/** Comment interval keeping idle connections open, ms. */
const HEARTBEAT_MS = 15_000;
/** Streams open at once; beyond, 503 and the page falls back to polling the JSON status. */
export const MAX_STREAMS = 256;

/** The open streams of one server, ended together when it closes. */
export class LiveStreams {
  readonly #open = new Set<() => void>();
  readonly #service: JobApi;

  constructor(service: JobApi) {
    this.#service = service;
  }

  /** Streams open now. */
  get size(): number {
    return this.#open.size;
  }

  /** End every stream (server shutdown). */
  closeAll(): void {
    for (const end of [...this.#open]) end();
  }

  /** Answer an events request. */
  async serve(req: FastifyRequest<{ Params: { jobId: string } }>, reply: FastifyReply): Promise<void> {
    const id = req.params.jobId;
    const problem = (status: number, detail: string) =>
      reply
        .code(status)
        .type("application/problem+json")
        .send({ type: "about:blank", title: detail, status, detail });
    if (!isJobId(id) || !(await this.#service.job(id))) return problem(404, "No such job");
    if (this.#open.size >= MAX_STREAMS) return problem(503, "Too many live streams; poll the job's status");
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      // nginx buffers proxied responses unless told otherwise; events must pass at once.
      "X-Accel-Buffering": "no",
      Connection: "keep-alive",
    });
    // The browser reconnects after this long if the connection drops.
    res.write("retry: 2000\n\n");
    let last = "";
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    let ended = false;
    let reading = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearTimeout(timer);
      this.#open.delete(end);
      res.end();
    };
    this.#open.add(end);
    req.raw.on("close", end);
    const tick = async () => {
      if (ended || reading) return;
      reading = true;
      clearTimeout(timer);
      try {
        const job = await this.#service.job(id);
        if (!job) {
          res.write("event: gone\ndata: {}\n\n");
          return end();
        }
        const data = JSON.stringify(liveJob(job, this.#service.liveProgress(id)));
        if (data !== last) {
          last = data;
          res.write(`event: status\ndata: ${data}\n\n`);
          lastWrite = Date.now();
          if (isFinal(JSON.parse(data).status as string)) return end();
        } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          res.write(": keep-alive\n\n");
          lastWrite = Date.now();
        }
      } catch {
        // A slow or unreachable store: try again at the next tick; the page shows the last state meanwhile.
      } finally {
        reading = false;
      }
      if (!ended) timer = setTimeout(() => void tick(), POLL_MS);
    };
    const unsubscribe = this.#service.onJobChange((c) => {
      if ((c.kind === "progress" ? c.jobId : c.job.id) === id) void tick();
    });
    await tick();
  }
}
