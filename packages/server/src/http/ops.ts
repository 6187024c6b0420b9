/**
 * Operations endpoints: `/health` (the process answers: liveness), `/ready` (the store answers, the data directory
 * is writable, every backend answers: 200 or 503 with the failing checks), `/metrics` (Prometheus text format). They
 * answer plain JSON/text whatever the front ends do, and every request is counted by protocol, route and status.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Metrics } from "../ops/metrics.js";
import type { JobApi } from "../service/job-api.js";

/** Which front end a route belongs to, for the request metrics. */
export function protocolOf(route: string): string {
  if (route.startsWith("/wps")) return "wps";
  if (route.startsWith("/outputs")) return "outputs";
  if (route === "/health" || route === "/ready" || route === "/metrics") return "ops";
  if (route.startsWith("/ui")) return "ui";
  return "ogcapi";
}

/**
 * Count every request by protocol, route and status. Call on the root instance before the front ends are
 * registered: a hook added inside an encapsulated plugin would not see its siblings' routes.
 */
export function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", async (req: FastifyRequest, reply) => {
    // The route pattern, never the raw URL: job ids and query strings would explode the label set.
    const route = req.routeOptions.url ?? "unmatched";
    metrics.request(protocolOf(route), route, req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}

/** Register the operations routes. */
export async function opsPlugin(
  app: FastifyInstance,
  o: { readonly service: JobApi; readonly metrics: Metrics },
): Promise<void> {
  const { service, metrics } = o;
  app.get("/health", async (_req, reply) => reply.header("Cache-Control", "no-store").send({ status: "ok" }));
  app.get("/ready", async (_req, reply) => {
    const r = await service.readiness();
    return reply
      .code(r.ready ? 200 : 503)
      .header("Cache-Control", "no-store")
      .send({ status: r.ready ? "ready" : "not ready", checks: r.checks });
  });
  app.get("/metrics", async (_req, reply) => {
    const m = await metrics.render();
    return reply.header("Cache-Control", "no-store").type(m.type).send(m.body);
  });
}
