/**
 * Which protocol version a request at `/wps` speaks: WPS 1.0.0 or 2.0.0. These functions only classify; the
 * request is then decoded by that version's codec, so everything classified 1.0.0 is answered exactly as before
 * WPS 2.0.0 existed.
 *
 * The rule (references: OWS Common 2.0 = OGC 06-121r9, WPS 2.0 = OGC 14-065r2):
 *
 * KVP GetCapabilities (the only operation that negotiates, OWS Common 2.0):
 * 1. `AcceptVersions` (comma list) present: the **first** listed version this server supports, in the client's
 *    order (OWS Common's AcceptVersions, `wps.md` §2.3; PyWPS wrongly takes the last); none supported →
 *    VersionNegotiationFailed, locator `AcceptVersions`.
 * 2. otherwise a `version` parameter present (not an OWS GetCapabilities parameter, but ets-wps20 A.5.2 sends
 *    `Version=2.0.0` and requires `Version=3.0.0` to fail, and OWSLib sends `version=1.0.0`): 2.0.0 or 1.0.0 is
 *    used as given; any other value → VersionNegotiationFailed, locator `version`.
 * 3. otherwise the default version, **1.0.0** unless configured. 14-065r2 §9.7.2
 *    (`/req/service/model/get-capabilities/response/version`) makes 2.0.0 the default of a WPS 2.0 server, but the
 *    WPS 1.0.0 clients Roost already serves (OWSLib, birdy, QGIS) send a bare GetCapabilities and cannot read a
 *    2.0 document, while a WPS 2.0 client can always say AcceptVersions (ets-wps20 sends version=2.0.0).
 *    A front end can change this with {@link NegotiationOptions.defaultVersion}.
 *
 * KVP, every other operation (14-065r2 §9.3 `/req/service/model/handling/version`: `version` is mandatory):
 * - `version=2.0.0` → 2.0.0; `version=1.0.0` → 1.0.0 (values are trimmed, compared exactly);
 * - no `version`: GetStatus, GetResult and Dismiss exist only in 2.0.0, so MissingParameterValue (locator
 *   `version`); anything else goes to the 1.0.0 path, which reports MissingParameterValue itself (or its earlier
 *   `request`/`service` errors) as it always did;
 * - any other version → InvalidParameterValue, locator `version` (the 1.0.0 path's answer, now naming both
 *   versions). A request without `request` is left to the 1.0.0 path, which reports that first.
 *
 * XML POST: the root element's namespace tells the version (`http://www.opengis.net/wps/2.0` → 2.0.0; anything
 * else → the 1.0.0 path, which accepts or refuses it as before); a GetCapabilities root (either namespace) with
 * AcceptVersions negotiates as in rule 1.
 */
import { RoostError } from "../../errors/catalogue.js";
import { elements, textOf, type XmlElement } from "../xml/parse.js";
import { NS, WPS1_NAMESPACE, WPS2_VERSION, wps2OperationOf } from "./constants.js";

/** Versions `/wps` speaks, newest first. */
export const SUPPORTED_VERSIONS = [WPS2_VERSION, "1.0.0"] as const;

/** One of {@link SUPPORTED_VERSIONS}. */
export type WpsVersion = (typeof SUPPORTED_VERSIONS)[number];

/** Options of the classifiers. */
export interface NegotiationOptions {
  /** Version of a GetCapabilities that names none. Default `1.0.0` (see the module comment). */
  readonly defaultVersion?: WpsVersion;
}

const OWS_URIS = new Set([NS.ows, "http://www.opengis.net/ows/1.1", "http://www.opengis.net/ows"]);
const ACCEPT_URIS = new Set([...OWS_URIS, NS.wps, WPS1_NAMESPACE]);

/**
 * KVP parameters with lower-cased names (OWS keys are case-insensitive, 14-065r2 §10.2
 * `/req/service/binding/get-kvp/case-sensitivity`); the first occurrence of a name wins, values are kept as given.
 */
export function normalizeParams(params: Iterable<readonly [string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) {
    const key = k.toLowerCase();
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

/** Split a comma list (`AcceptVersions`, `AcceptLanguages`, `identifier`), dropping empty items. */
export function commaList(s: string): string[] {
  return s
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function isSupported(v: string): v is WpsVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** The first version of `accepted` this server speaks, or VersionNegotiationFailed. */
export function negotiateAcceptVersions(accepted: readonly string[]): WpsVersion {
  for (const v of accepted) if (isSupported(v.trim())) return v.trim() as WpsVersion;
  throw new RoostError(
    "VersionNegotiationFailed",
    `None of the versions ${accepted.join(", ").slice(0, 100)} is supported; this service speaks ${SUPPORTED_VERSIONS.join(" and ")}`,
    { locator: "AcceptVersions" },
  );
}

/** The version of a KVP request (see the module comment); throws a RoostError when none applies. */
export function negotiateKvp(
  raw: Iterable<readonly [string, string]>,
  options: NegotiationOptions = {},
): WpsVersion {
  const params = normalizeParams(raw);
  const request = (params.get("request") ?? "").trim();
  const version = (params.get("version") ?? "").trim();
  const op = wps2OperationOf(request);
  if (op === "GetCapabilities") {
    const av = commaList(params.get("acceptversions") ?? "");
    if (av.length > 0) return negotiateAcceptVersions(av);
    if (version === "") return options.defaultVersion ?? "1.0.0";
    if (isSupported(version)) return version;
    throw new RoostError(
      "VersionNegotiationFailed",
      `Version '${version.slice(0, 20)}' is not supported; this service speaks ${SUPPORTED_VERSIONS.join(" and ")}`,
      { locator: "version" },
    );
  }
  if (request === "") return "1.0.0";
  if (isSupported(version)) return version;
  if (version === "") {
    if (op === "GetStatus" || op === "GetResult" || op === "Dismiss")
      throw new RoostError("MissingParameter", "Parameter 'version' is required (2.0.0)", {
        locator: "version",
      });
    return "1.0.0";
  }
  throw new RoostError(
    "InvalidParameter",
    `Version '${version.slice(0, 20)}' is not supported; use ${SUPPORTED_VERSIONS.join(" or ")}`,
    { locator: "version" },
  );
}

/** The versions listed in a GetCapabilities document's AcceptVersions, or undefined when it has none. */
export function xmlAcceptVersions(root: XmlElement): string[] | undefined {
  const av = elements(root).find((e) => e.local === "AcceptVersions" && ACCEPT_URIS.has(e.uri));
  if (!av) return undefined;
  return elements(av)
    .filter((e) => e.local === "Version" && OWS_URIS.has(e.uri))
    .map((e) => textOf(e).trim())
    .filter((v) => v !== "");
}

/** The version of an XML request (see the module comment); throws VersionNegotiationFailed when none applies. */
export function negotiateXml(root: XmlElement): WpsVersion {
  if (root.local === "GetCapabilities" && (root.uri === NS.wps || root.uri === WPS1_NAMESPACE)) {
    const av = xmlAcceptVersions(root);
    if (av !== undefined && av.length > 0) return negotiateAcceptVersions(av);
  }
  return root.uri === NS.wps ? WPS2_VERSION : "1.0.0";
}
