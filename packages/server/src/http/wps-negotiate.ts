/**
 * Version negotiation at `/wps`: the WPS 1.0.0 plugin owns the routes (its body parser, limits and XML hardening
 * apply to every version) and offers each request to this dispatcher first. The codec's classifiers
 * (`wps2.negotiateKvp`, `wps2.negotiateXml`; the rule is in the header of `protocol/wps2/version.ts`) decide:
 *
 * - 1.0.0 → the dispatcher declines and the WPS 1.0.0 handling answers exactly as before WPS 2.0.0 existed;
 * - 2.0.0 → the WPS 2.0.0 front end answers (OWS 2.0 ExceptionReports, WPS 2.0.0 statuses);
 * - neither (VersionNegotiationFailed for GetCapabilities, InvalidParameterValue or MissingParameterValue on
 *   `version` for the other operations: always 4xx, never 200) → answered here, in the report format of the only
 *   version the request can be meant for: WPS 2.0.0 for GetStatus, GetResult and Dismiss and for a GetCapabilities
 *   document in the WPS 2.0 namespace, WPS 1.0.0 otherwise (the client established no version, and WPS 1.0.0 is
 *   the default one; its tests pin these reports).
 */
import { wps2, type XmlElement } from "@roost/core/internal";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendWps1Exception, sendWps2Exception } from "./exceptions.js";

/** What the WPS 1.0.0 routes ask before handling a request. */
export interface WpsDispatch {
  /** A KVP request (`params` with lower-cased names, first occurrence wins); true when it has been answered. */
  kvp(req: FastifyRequest, reply: FastifyReply, params: ReadonlyMap<string, string>): Promise<boolean>;
  /**
   * An XML request, already through the hardened parser: undefined when it has been answered, else the document
   * the WPS 1.0.0 handling answers (`root` itself, or the WPS 1.0.0 GetCapabilities a WPS 2.0 one negotiated to).
   */
  xml(req: FastifyRequest, reply: FastifyReply, root: XmlElement): Promise<XmlElement | undefined>;
}

/** A front end of another version: it answers every request given to it (errors included). */
export interface VersionFrontEnd {
  kvp(req: FastifyRequest, reply: FastifyReply, params: ReadonlyMap<string, string>): Promise<FastifyReply>;
  xml(req: FastifyRequest, reply: FastifyReply, root: XmlElement): Promise<FastifyReply>;
}

const WPS2_ONLY = new Set(["GetStatus", "GetResult", "Dismiss"]);

/**
 * The WPS 1.0.0 GetCapabilities a WPS 2.0 one stands for when its AcceptVersions prefer 1.0.0 (only a
 * GetCapabilities negotiates, so only it gets here): same `service`; the versions are settled, and OWS 2.0
 * AcceptLanguages have no WPS 1.0.0 form, so the language comes from Accept-Language or the default.
 */
function wps1GetCapabilities(root: XmlElement): XmlElement {
  const service = root.attrs.get("service");
  return {
    uri: wps2.WPS1_NAMESPACE,
    local: "GetCapabilities",
    name: "wps:GetCapabilities",
    attrs: new Map(service !== undefined ? [["service", service]] : []),
    children: [],
    scope: { wps: wps2.WPS1_NAMESPACE },
    rawAttrs: service !== undefined ? [["service", service]] : [],
  };
}

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
        // Only a GetCapabilities whose AcceptVersions names no supported version fails here; its root's
        // namespace is the one version the client did name.
        if (root.uri === wps2.NS.wps) sendWps2Exception(reply, e);
        else sendWps1Exception(reply, e);
        return undefined;
      }
      if (version === wps2.WPS2_VERSION) {
        await v2.xml(req, reply, root);
        return undefined;
      }
      return root.uri === wps2.NS.wps ? wps1GetCapabilities(root) : root;
    },
  };
}
