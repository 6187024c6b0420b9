/**
 * The WPS 1.0.0 front end: KVP (GET) and XML (POST) bindings of GetCapabilities, DescribeProcess and Execute at
 * `/wps`, and the stored status documents at `/outputs/<jobId>.xml`. A self-contained fastify plugin: it owns its body
 * parser (WPS bodies are XML whatever Content-Type the client sends — OWSLib sends text/xml, the ETS
 * application/xml), its error handler and its not-found handler, so every error under its routes leaves as an OWS
 * ExceptionReport with the catalogue's status. It decodes requests, negotiates the language, calls the job API and
 * encodes the views.
 */
import {
  isTerminal,
  type JobRecord,
  type ProcessDefinition,
  parseXml,
  RoostError,
  wps1,
} from "@roost/core/internal";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/load.js";
import type { JobApi } from "../service/job-api.js";
import { negotiateLanguage } from "../service/languages.js";
import { exceptionCode } from "../service/views.js";
import { sendWps1Exception } from "./exceptions.js";
import { sendRawOutput } from "./raw-output.js";
import { serviceInfo } from "./service-info.js";
import type { PublicUrls } from "./urls.js";
import type { WpsDispatch } from "./wps-negotiate.js";

const XML_TYPE = "text/xml; charset=utf-8";

/** Options of the plugin. */
export interface Wps1Options {
  readonly service: JobApi;
  readonly config: Config;
  readonly urls: PublicUrls;
  /** Version negotiation: offered every `/wps` request first; it answers those that are not WPS 1.0.0. */
  readonly dispatch?: WpsDispatch;
}

/** How WPS 1.0.0 names a stored error's code. */
const wps1Code = (code: string) => exceptionCode(code, "wps1");

/** Parse a raw query string into lower-cased names → first value (names are case-insensitive in OWS KVP). */
export function kvpParams(url: string): Map<string, string> {
  const q = url.indexOf("?");
  const params = new Map<string, string>();
  if (q < 0) return params;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    const key = k.toLowerCase();
    if (!params.has(key)) params.set(key, v);
  }
  return params;
}

function checkService(service: string | undefined): void {
  if (service === undefined || service === "")
    throw new RoostError("MissingParameter", "Parameter 'service' is required", { locator: "service" });
  if (service.toUpperCase() !== "WPS")
    throw new RoostError("InvalidParameter", `Service '${service.slice(0, 40)}' is not supported; use WPS`, {
      locator: "service",
    });
}

function checkVersion(version: string | undefined): void {
  if (version === undefined || version.trim() === "")
    throw new RoostError("MissingParameter", "Parameter 'version' is required", { locator: "version" });
  if (!wps1.isWps1Version(version))
    throw new RoostError(
      "InvalidParameter",
      `Version '${version.slice(0, 20)}' is not supported; use ${wps1.WPS1_VERSION}`,
      { locator: "version" },
    );
}

function checkAcceptVersions(versions: readonly string[] | undefined): void {
  if (versions === undefined || versions.length === 0) return;
  if (!versions.some((v) => wps1.isWps1Version(v))) {
    throw new RoostError(
      "VersionNegotiationFailed",
      `None of the versions ${versions.join(", ").slice(0, 100)} is supported; this service speaks ${wps1.WPS1_VERSION}`,
      {
        locator: "AcceptVersions",
      },
    );
  }
}

/** Register the WPS 1.0.0 routes (encapsulated: register without fastify-plugin). */
export async function wps1Plugin(app: FastifyInstance, o: Wps1Options): Promise<void> {
  const { service, config, urls } = o;
  const endpoint = urls.wps;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "string", bodyLimit: config.server.max_request_size },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err, _req, reply) => sendWps1Exception(reply, err));
  const serviceInstance = `${endpoint}?service=WPS&request=GetCapabilities`;
  const svcInfo = serviceInfo(config, service.languages);
  // The registry is immutable, so capabilities and descriptions are rendered once per language and reused.
  const capsCache = new Map<string, string>();
  const describeCache = new Map<string, string>();

  const capabilities = (lang: string) => {
    let doc = capsCache.get(lang);
    if (doc === undefined) {
      doc = wps1.encodeCapabilities(svcInfo, endpoint, service.processes(), lang, {
        jobsUrl: urls.jobs,
      });
      capsCache.set(lang, doc);
    }
    return doc;
  };

  const describe = (ids: readonly string[], lang: string) => {
    const all = ids.length === 1 && ids[0]!.toLowerCase() === "all";
    const key = `${lang}\n${all ? "\u0000all" : ids.join("\n")}`;
    let doc = describeCache.get(key);
    if (doc === undefined) {
      const procs: ProcessDefinition[] = all
        ? [...service.processes()]
        : ids.map((id) => service.process(id));
      doc = wps1.encodeProcessDescriptions(procs, lang);
      if (describeCache.size > 1000) describeCache.clear();
      describeCache.set(key, doc);
    }
    return doc;
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply, r: wps1.Wps1Request) => {
    const language = negotiateLanguage(
      service.languages,
      r.operation === "Execute" ? r.execute.language : r.language,
      req.headers["accept-language"],
    );
    reply.header("Content-Language", language);
    switch (r.operation) {
      case "GetCapabilities":
        checkAcceptVersions(r.acceptVersions);
        return reply.type(XML_TYPE).send(capabilities(language));
      case "DescribeProcess":
        return reply.type(XML_TYPE).send(describe(r.identifiers, language));
      case "Execute":
        return execute(reply, r.execute, language);
    }
  };

  const execute = async (
    reply: FastifyReply,
    ex: wps1.Wps1Request & { operation: "Execute" } extends { execute: infer E } ? E : never,
    language: string,
  ) => {
    const ac = new AbortController();
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) ac.abort();
    });
    const { job, process: p } = await service.execute(ex, {
      protocol: "wps1",
      language,
      signal: ac.signal,
      lineage: ex.lineage,
      statusUpdates: ex.statusUpdates,
      modeLocator: "storeExecuteResponse",
    });
    if (ex.response === "raw") return sendRaw(reply, p, job);
    const view = await service.view(job, {
      exceptionCode: wps1Code,
      ...(job.mode === "async" ? { statusLocation: urls.statusDocument(job.id) } : {}),
    });
    return reply.type(XML_TYPE).send(wps1.encodeExecuteResponse(view, serviceInstance));
  };

  const sendRaw = async (reply: FastifyReply, p: ProcessDefinition, job: JobRecord) => {
    if (job.status !== "succeeded") {
      const e = job.error;
      throw new RoostError(
        "ProcessFailed",
        e?.message ?? (job.status === "dismissed" ? "Job dismissed" : "Process failed"),
      );
    }
    return sendRawOutput(reply, service, p, job, job.request.outputs[0]!);
  };

  await app.register(
    async (wps) => {
      // Unknown paths under /wps answer an ExceptionReport, not the OGC API's problem JSON.
      wps.setNotFoundHandler((req, reply) =>
        sendWps1Exception(
          reply,
          new RoostError("NotFound", `No WPS resource at ${req.url.slice(0, 100)}; the endpoint is /wps`),
        ),
      );
    },
    { prefix: "/wps" },
  );

  app.get("/wps", async (req, reply) => {
    const params = kvpParams(req.url);
    if (await o.dispatch?.kvp(req, reply, params)) return reply;
    let lang: string | undefined;
    try {
      const request = params.get("request");
      if (request === undefined || request === "")
        throw new RoostError("MissingParameter", "Parameter 'request' is required", { locator: "request" });
      checkService(params.get("service"));
      const op = wps1.operationOf(request);
      if (!op)
        throw new RoostError(
          "OperationNotSupported",
          `Operation '${request.slice(0, 40)}' is not supported`,
          { locator: request.slice(0, 40) },
        );
      if (op !== "GetCapabilities") checkVersion(params.get("version"));
      const r = wps1.decodeKvp(op, params);
      lang = r.operation === "Execute" ? r.execute.language : r.language;
      return await handle(req, reply, r);
    } catch (e) {
      return sendWps1Exception(reply, e, safeLang(service.languages, lang));
    }
  });

  app.post("/wps", async (req, reply) => {
    try {
      const body =
        typeof req.body === "string" ? req.body : Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
      if (body.trim() === "")
        throw new RoostError("MissingParameter", "The POST body must be a WPS XML request", {
          locator: "request",
        });
      const parsed = parseXml(body);
      const root = o.dispatch ? await o.dispatch.xml(req, reply, parsed) : parsed;
      if (root === undefined) return reply;
      const op = wps1.xmlOperation(root);
      const service_ = root.attrs.get("service");
      checkService(service_);
      if (op !== "GetCapabilities") checkVersion(root.attrs.get("version"));
      const r = wps1.decodeXml(root);
      return await handle(req, reply, r);
    } catch (e) {
      return sendWps1Exception(reply, e);
    }
  });

  // WPS 1.0.0 binds its operations to GET (KVP) and POST (XML) only. Other methods get 405 with `Allow` (RFC 9110
  // §15.5.6) instead of the generic 404, and an ExceptionReport so WPS clients can read it. Answered in `onRequest`,
  // before any body is read or its content type judged: the method alone decides.
  const methodNotAllowed = async (req: FastifyRequest, reply: FastifyReply) => {
    const method = req.method.slice(0, 20);
    return reply
      .code(405)
      .header("Allow", "GET, POST")
      .type(XML_TYPE)
      .send(
        wps1.encodeExceptionReport([
          {
            code: "OperationNotSupported",
            locator: method,
            text: `HTTP method ${method} is not supported at /wps; use GET (KVP) or POST (XML)`,
          },
        ]),
      );
  };
  app.route({
    method: ["PUT", "DELETE", "PATCH"],
    url: "/wps",
    onRequest: methodNotAllowed,
    handler: methodNotAllowed,
  });

  /** Stored status documents (WPS 1.0.0 `statusLocation`), rendered from the store: never half-written. */
  app.get<{ Params: { file: string } }>("/outputs/:file", async (req, reply) => {
    const m = /^([0-9a-f-]{36})\.xml$/.exec(req.params.file);
    try {
      const job = m ? await service.job(m[1]!) : undefined;
      if (job?.mode !== "async")
        throw new RoostError("NoSuchJob", "No such status document", { locator: "jobId" });
      // status=false: "the Status element shall not be updated until the process either completes successfully
      // or fails" (XSD annotation of `status`), so a running job still reads as accepted.
      const shown: JobRecord =
        job.status === "running" && job.request.statusUpdates === false
          ? {
              ...job,
              status: "accepted",
              message: "Process accepted",
              progress: null,
              updatedAt: job.createdAt,
            }
          : job;
      const view = await service.view(shown, {
        exceptionCode: wps1Code,
        statusLocation: urls.statusDocument(job.id),
      });
      reply.header("Cache-Control", isTerminal(job.status) ? "private, max-age=60" : "no-store");
      return reply.type(XML_TYPE).send(wps1.encodeExecuteResponse(view, serviceInstance));
    } catch (e) {
      return sendWps1Exception(reply, e);
    }
  });
}

function safeLang(supported: readonly string[], lang: string | undefined): string | undefined {
  return lang !== undefined && supported.includes(lang) ? lang : undefined;
}
