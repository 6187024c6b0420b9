/**
 * Version negotiation at `/wps`: the WPS 1.0.0 plugin owns the routes (its body parser, limits and XML hardening
 * apply to every version) and offers each request to this dispatcher first. The codec's classifiers
 * (`wps2.negotiateKvp`, `wps2.negotiateXml`; the rule is in the header of `protocol/wps2/version.ts`) decide:
 *
 * - 1.0.0 → the dispatcher declines and the WPS 1.0.0 handling answers exactly as before WPS 2.0.0 existed;
 * - 2.0.0 → the WPS 2.0.0 front end answers (OWS 2.0 ExceptionReports, WPS 2.0.0 statuses);
 * - neither (VersionNegotiationFailed for GetCapabilities, InvalidParameterValue or MissingParameterValue on
 *   `version` for the other operations: always 4xx, never 200) → answered here, in the report format of the only
 *   version the operation exists in: WPS 2.0.0 for GetStatus, GetResult and Dismiss, WPS 1.0.0 otherwise (the
 *   client established no version, and WPS 1.0.0 is the default one; its tests pin these reports).
 */
import { wps2, type XmlElement } from "@roost/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendWps1Exception, sendWps2Exception } from "./exceptions.js";

/** What the WPS 1.0.0 routes ask before handling a request; `true` means the request has been answered. */
export interface WpsDispatch {
  /** A KVP request; `params` have lower-cased names (first occurrence wins). */
  kvp(req: FastifyRequest, reply: FastifyReply, params: ReadonlyMap<string, string>): Promise<boolean>;
  /** An XML request, already through the hardened parser. */
  xml(req: FastifyRequest, reply: FastifyReply, root: XmlElement): Promise<boolean>;
}

/** A front end of another version: it answers every request given to it (errors included). */
export interface VersionFrontEnd {
  kvp(req: FastifyRequest, reply: FastifyReply, params: ReadonlyMap<string, string>): Promise<FastifyReply>;
  xml(req: FastifyRequest, reply: FastifyReply, root: XmlElement): Promise<FastifyReply>;
}

const WPS2_ONLY = new Set(["GetStatus", "GetResult", "Dismiss"]);

/** The dispatcher handing WPS 2.0.0 requests to `v2`. */
export function versionDispatch(v2: VersionFrontEnd): WpsDispatch {
  return {
    async kvp(req, reply, params) {
      let version: wps2.WpsVersion;
      try {
        version = wps2.negotiateKvp(params);
      } catch (e) {
        const op = wps2.wps2OperationOf(params.get("request") ?? "");
        if (op !== undefined && WPS2_ONLY.has(op)) sendWps2Exception(reply, e);
        else sendWps1Exception(reply, e);
        return true;
      }
      if (version !== wps2.WPS2_VERSION) return false;
      await v2.kvp(req, reply, params);
      return true;
    },
    async xml(req, reply, root) {
      let version: wps2.WpsVersion;
      try {
        version = wps2.negotiateXml(root);
      } catch (e) {
        // Only a GetCapabilities whose AcceptVersions names no supported version fails here.
        sendWps1Exception(reply, e);
        return true;
      }
      if (version !== wps2.WPS2_VERSION) return false;
      await v2.xml(req, reply, root);
      return true;
    },
  };
}
