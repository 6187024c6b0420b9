/**
 * WPS 2.0.0 KVP (HTTP GET) decoding, OGC 14-065r2 §10.2: GetCapabilities, DescribeProcess, GetStatus and GetResult,
 * plus Dismiss (§12.2.2). Keys are case-insensitive, values are
 * taken as given. There is no KVP Execute in WPS 2.0 ("due to the complex and nested structure of the request",
 * §10.2 footnote), so `request=Execute` is OperationNotSupported with a message pointing at XML POST.
 */
import { RoostError } from "../../errors/catalogue.js";
import { preview } from "../../util/preview.js";
import { WPS2_OPERATIONS, wps2OperationOf } from "./constants.js";
import {
  checkAcceptVersions,
  checkService,
  checkVersion,
  describeIdentifiers,
  jobIdOf,
  type Wps2Request,
} from "./request.js";
import { commaList, normalizeParams } from "./version.js";

/**
 * Decode a WPS 2.0.0 KVP request. `params` are the query's name/value pairs in any key case (a Map with
 * lower-cased keys works as is); checks `request`, `service` and, except for GetCapabilities, `version` first.
 */
export function decodeKvp(params: Iterable<readonly [string, string]>): Wps2Request {
  const p = normalizeParams(params);
  const request = p.get("request");
  if (request === undefined || request.trim() === "")
    throw new RoostError("MissingParameter", "Parameter 'request' is required", { locator: "request" });
  checkService(p.get("service"));
  const op = wps2OperationOf(request);
  if (op === undefined)
    throw new RoostError(
      "OperationNotSupported",
      `Operation '${preview(request, 40)}' is not supported; WPS 2.0.0 offers ${WPS2_OPERATIONS.join(", ")}`,
      { locator: preview(request, 40) },
    );
  if (op === "GetCapabilities") {
    const av = commaList(p.get("acceptversions") ?? "");
    checkAcceptVersions(av);
    // OWS 2.0 names the parameter AcceptLanguages; Roost's WPS 1.0.0 clients send `language`.
    const langs = commaList(p.get("acceptlanguages") ?? p.get("language") ?? "");
    return {
      operation: op,
      ...(av.length > 0 ? { acceptVersions: av } : {}),
      ...(langs.length > 0 ? { acceptLanguages: langs } : {}),
    };
  }
  checkVersion(p.get("version"));
  switch (op) {
    case "DescribeProcess": {
      const ids = p.get("identifier");
      if (ids === undefined || ids.trim() === "")
        throw new RoostError("MissingParameter", "Parameter 'identifier' is required", {
          locator: "identifier",
        });
      const language = (p.get("lang") ?? p.get("language") ?? "").trim();
      return {
        operation: op,
        ...describeIdentifiers(commaList(ids), "identifier"),
        ...(language !== "" ? { language } : {}),
      };
    }
    case "Execute":
      throw new RoostError(
        "OperationNotSupported",
        "WPS 2.0.0 defines Execute only as an XML POST request (OGC 14-065r2 §10.2)",
        { locator: "Execute" },
      );
    default:
      return { operation: op, jobId: jobIdOf(p.get("jobid")) };
  }
}
