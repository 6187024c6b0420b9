/**
 * The WPS 2.0.0 front end (OGC 14-065r2 with the Dismiss extension): GetCapabilities, DescribeProcess, GetStatus,
 * GetResult and Dismiss by KVP and XML POST, Execute by XML POST (mode sync|async|auto, response document|raw). It
 * is reached through version negotiation at `/wps` (`wps-negotiate.ts`), decodes with the WPS 2.0.0 codec, calls the
 * job API (jobs recorded as `protocol: "wps2"`, visible through every front end) and answers every error as an OWS
 * 2.0 ExceptionReport with the WPS 2.0.0 code and HTTP status.
 *
 * Decisions the specification leaves open (README "WPS 2.0.0"):
 * - GetResult of a failed job answers the job's own exception with its catalogue status (a process failure:
 *   NoApplicableCode, 500); of a dismissed job NoSuchJob (its results are gone); of an active one ResultNotReady.
 * - Dismiss of a job that has already ended withdraws it: Dismissed, its results removed (the extension: the client
 *   "is no longer interested in the results"; the same job model as OGC API's DELETE). A running job that has not
 *   stopped within the wait is answered Running: the answer never claims a dismissal that did not happen.
 * - `response="raw"` with `transmission="reference"` answers 303 See Other to the published output.
 */
import {
  isTerminal,
  type JobRecord,
  type OutputRequest,
  type ProcessDefinition,
  preview,
  RoostError,
  ValidationError,
  wps2,
  type XmlElement,
} from "@roost/core/internal";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/load.js";
import type { JobApi } from "../service/job-api.js";
import { negotiateLanguage } from "../service/languages.js";
import { exceptionCode } from "../service/views.js";
import { sendWps2Exception } from "./exceptions.js";
import { sendRawOutput } from "./raw-output.js";
import { serviceInfo } from "./service-info.js";
import type { PublicUrls } from "./urls.js";
import type { VersionFrontEnd } from "./wps-negotiate.js";
import { jobError, statusTimes, statusView } from "./wps2-status.js";

const XML_TYPE = "text/xml; charset=utf-8";

/** Options of the front end. */
export interface Wps2Options {
  readonly service: JobApi;
  readonly config: Config;
  readonly urls: PublicUrls;
}

/** How WPS 2.0.0 names a stored error's code. */
const wps2Code = (code: string) => exceptionCode(code, "wps2");

/** Build the WPS 2.0.0 front end. */
export function wps2FrontEnd(o: Wps2Options): VersionFrontEnd {
  const { service, config, urls } = o;
  const svcInfo = serviceInfo(config, service.languages);
  // The registry is immutable at runtime: documents are rendered once per language (and identifier list).
  const capsCache = new Map<string, string>();
  const describeCache = new Map<string, string>();

  const capabilities = (lang: string): string => {
    let doc = capsCache.get(lang);
    if (doc === undefined) {
      doc = wps2.encodeCapabilities(svcInfo, urls.wps, service.processes(), lang);
      capsCache.set(lang, doc);
    }
    return doc;
  };

  const describe = (r: { identifiers: readonly string[]; all: boolean }, lang: string): string => {
    const key = `${lang}\n${r.all ? "\u0000all" : r.identifiers.join("\n")}`;
    let doc = describeCache.get(key);
    if (doc === undefined) {
      doc = wps2.encodeProcessOfferings(r.all ? service.processes() : processes(r.identifiers), lang);
      if (describeCache.size > 1000) describeCache.clear();
      describeCache.set(key, doc);
    }
    return doc;
  };

  /**
   * The processes named, or NoSuchProcess for every unknown one (locator: the identifier, 14-065r2 §9.8.3, shortened
   * and with control characters replaced like every echoed value).
   */
  const processes = (ids: readonly string[]): ProcessDefinition[] => {
    const found: ProcessDefinition[] = [];
    const errors: RoostError[] = [];
    for (const id of ids) {
      try {
        found.push(service.process(id, preview(id, 100)));
      } catch (e) {
        if (e instanceof RoostError) errors.push(e);
        else throw e;
      }
    }
    if (errors.length > 0) throw new ValidationError(errors);
    return found;
  };

  /** A language the client asked for by name must be supported (locator `lang`); else Accept-Language decides. */
  const strictLanguage = (req: FastifyRequest, requested: string | undefined): string => {
    try {
      return negotiateLanguage(service.languages, requested, req.headers["accept-language"]);
    } catch (e) {
      if (e instanceof RoostError) throw new RoostError(e.code, e.message, { locator: "lang" });
      throw e;
    }
  };

  /** A preference (AcceptLanguages, Execute's xml:lang): the first supported one, else Accept-Language, else default. */
  const preferredLanguage = (req: FastifyRequest, accepted: readonly string[]): string =>
    wps2.pickLanguage(service.languages, accepted) ??
    negotiateLanguage(service.languages, undefined, req.headers["accept-language"]);

  const sendXml = (reply: FastifyReply, doc: string, language?: string): FastifyReply => {
    if (language !== undefined) reply.header("Content-Language", language);
    return reply.type(XML_TYPE).send(doc);
  };

  const sendStatus = (reply: FastifyReply, job: JobRecord): FastifyReply => {
    const live = job.status === "running" ? service.liveProgress(job.id)?.percent : undefined;
    const doc = wps2.encodeStatusInfo(
      { jobId: job.id, status: statusView(job, live) },
      statusTimes(job, live, Date.now()),
    );
    reply.header("Cache-Control", isTerminal(job.status) ? "private, max-age=60" : "no-store");
    return sendXml(reply, doc);
  };

  /** The Result document of a succeeded job, or its raw output when it was asked for raw (one output). */
  const sendResult = async (
    reply: FastifyReply,
    p: ProcessDefinition,
    job: JobRecord,
  ): Promise<FastifyReply> => {
    const requested = job.request.outputs;
    if (job.request.response === "raw" && requested.length === 1)
      return sendRawOutput(reply, service, p, job, requested[0]!, {
        byReference: requested[0]!.asReference === true,
      });
    const view = await service.view(job, { exceptionCode: wps2Code });
    return sendXml(reply, wps2.encodeResult(view, { outputs: requested }), job.request.language);
  };

  const execute = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ex: wps2.Wps2ExecuteRequest,
  ): Promise<FastifyReply> => {
    const p = service.process(ex.processId, preview(ex.processId, 100));
    let outputs: readonly OutputRequest[] = ex.outputs;
    if (ex.response === "raw" && outputs.length === 0) {
      // `response="raw"` without wps:Output means the process's only output (the XSD wants one, clients omit it).
      if (p.outputs.length !== 1)
        throw new RoostError(
          "TooManyOutputs",
          `Process '${p.identifier}' has ${p.outputs.length} outputs; response=raw returns one: name it with wps:Output`,
          { locator: "response" },
        );
      outputs = [{ id: p.outputs[0]!.identifier }];
    }
    const ac = new AbortController();
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) ac.abort();
    });
    const language = preferredLanguage(req, ex.language !== undefined ? [ex.language] : []);
    const { job } = await service.execute(
      { ...wps2.toExecuteRequest(ex), outputs },
      { protocol: "wps2", language, signal: ac.signal, modeLocator: "mode" },
    );
    if (job.mode === "async") return sendStatus(reply, job);
    if (job.status !== "succeeded") throw jobError(job);
    return sendResult(reply, p, job);
  };

  /** A job by id; an unknown one is NoSuchJob with the id as locator (14-065r2 §9.10.3). */
  const jobOf = (id: string): Promise<JobRecord> => service.getJob(id, id);

  const getResult = async (reply: FastifyReply, id: string): Promise<FastifyReply> => {
    const job = await jobOf(id);
    switch (job.status) {
      case "accepted":
      case "running":
        throw new RoostError("ResultNotReady", `Job ${id} is ${job.status}; its result is not ready yet`, {
          locator: id,
        });
      case "dismissed":
        throw new RoostError("NoSuchJob", `Job ${id} was dismissed; it has no result`, { locator: id });
      case "failed":
        throw jobError(job);
      case "succeeded":
        reply.header("Cache-Control", "private, max-age=60");
        return sendResult(reply, service.process(job.processId), job);
    }
  };

  const dismiss = async (reply: FastifyReply, id: string): Promise<FastifyReply> => {
    await jobOf(id);
    return sendStatus(reply, await service.dismiss(id, { waitMs: service.dismissWaitMs }));
  };

  const handle = async (
    req: FastifyRequest,
    reply: FastifyReply,
    r: wps2.Wps2Request,
  ): Promise<FastifyReply> => {
    switch (r.operation) {
      case "GetCapabilities": {
        const lang = preferredLanguage(req, r.acceptLanguages ?? []);
        return sendXml(reply, capabilities(lang), lang);
      }
      case "DescribeProcess": {
        const lang = strictLanguage(req, r.language);
        return sendXml(reply, describe(r, lang), lang);
      }
      case "Execute":
        return execute(req, reply, r.execute);
      case "GetStatus":
        return sendStatus(reply, await jobOf(r.jobId));
      case "GetResult":
        return getResult(reply, r.jobId);
      case "Dismiss":
        return dismiss(reply, r.jobId);
    }
  };

  return {
    async kvp(req, reply, params) {
      try {
        return await handle(req, reply, wps2.decodeKvp(params));
      } catch (e) {
        return sendWps2Exception(reply, e);
      }
    },
    async xml(req, reply, root: XmlElement) {
      try {
        return await handle(req, reply, wps2.decodeXml(root));
      } catch (e) {
        return sendWps2Exception(reply, e);
      }
    },
  };
}
