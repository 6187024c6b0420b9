/**
 * What the WPS 2.0.0 request decoders produce, and the checks the KVP and XML bindings share (service, version,
 * job ids, DescribeProcess identifiers, language choice).
 */
import { RoostError } from "../../errors/catalogue.js";
import type { RawInput } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import type { ExecuteRequest } from "../../job/request.js";
import { isJobId } from "../../util/ids.js";
import { preview } from "../../util/preview.js";
import { WPS2_VERSION } from "./constants.js";

/** A decoded WPS 2.0.0 Execute request, in the core's neutral types. */
export interface Wps2ExecuteRequest {
  readonly processId: string;
  readonly inputs: readonly RawInput[];
  /** `auto` lets the server choose (14-065r2 §9.9.1, "Additional properties in the Execute request"). */
  readonly mode: "sync" | "async" | "auto";
  /** A Result document, or the single requested output as the body. */
  readonly response: "document" | "raw";
  /** Requested outputs (`transmission` → `asReference`); empty means all outputs in their default form. */
  readonly outputs: readonly OutputRequest[];
  /** `xml:lang` of the request root; WPS 2.0 defines no language for Execute, Roost accepts it leniently. */
  readonly language?: string;
}

/** Job operations: the job id has been checked with `isJobId` (and lower-cased). */
export interface Wps2JobRequest {
  readonly operation: "GetStatus" | "GetResult" | "Dismiss";
  readonly jobId: string;
}

/** A decoded WPS 2.0.0 request. */
export type Wps2Request =
  | {
      readonly operation: "GetCapabilities";
      /** `AcceptVersions`, in the client's order (already negotiated by the version classifier). */
      readonly acceptVersions?: readonly string[];
      /** `AcceptLanguages` in the client's order (or a lone `language=`); see {@link pickLanguage}. */
      readonly acceptLanguages?: readonly string[];
    }
  | {
      readonly operation: "DescribeProcess";
      readonly identifiers: readonly string[];
      /** The reserved identifier `ALL` (case-insensitive, 14-065r2 §10.2.2) was given: describe every process. */
      readonly all: boolean;
      /** `lang` (KVP) or `xml:lang` (XML). */
      readonly language?: string;
    }
  | { readonly operation: "Execute"; readonly execute: Wps2ExecuteRequest }
  | Wps2JobRequest;

/** The job API's protocol-neutral request for a WPS 2.0.0 Execute (WPS 2.0 has no lineage; progress always shows). */
export function toExecuteRequest(r: Wps2ExecuteRequest): ExecuteRequest {
  return {
    processId: r.processId,
    inputs: r.inputs,
    mode: r.mode,
    response: r.response,
    outputs: r.outputs,
    ...(r.language !== undefined ? { language: r.language } : {}),
  };
}

/** `service` must be `WPS` (14-065r2 `/req/service/model/handling/service`). */
export function checkService(service: string | undefined): void {
  if (service === undefined || service.trim() === "")
    throw new RoostError("MissingParameter", "Parameter 'service' is required", { locator: "service" });
  if (service.trim().toUpperCase() !== "WPS")
    throw new RoostError("InvalidParameter", `Service '${preview(service, 40)}' is not supported; use WPS`, {
      locator: "service",
    });
}

/**
 * A GetCapabilities answered in 2.0.0 that names its accepted versions must name 2.0.0 (14-065r2 §9.7.1
 * `/req/service/model/get-capabilities/request/accept-versions`): the version classifier routes such requests
 * elsewhere, so this only catches a caller that skipped it.
 */
export function checkAcceptVersions(versions: readonly string[]): void {
  if (versions.length > 0 && !versions.some((v) => v.trim() === WPS2_VERSION))
    throw new RoostError(
      "VersionNegotiationFailed",
      `AcceptVersions ${preview(versions.join(","), 60)} does not include ${WPS2_VERSION}`,
      { locator: "AcceptVersions" },
    );
}

/** `version` must be 2.0.0 on every operation but GetCapabilities (`/req/service/model/handling/version`). */
export function checkVersion(version: string | undefined): void {
  if (version === undefined || version.trim() === "")
    throw new RoostError("MissingParameter", "Parameter 'version' is required", { locator: "version" });
  if (version.trim() !== WPS2_VERSION)
    throw new RoostError(
      "InvalidParameter",
      `Version '${preview(version, 20)}' is not supported here; use ${WPS2_VERSION}`,
      { locator: "version" },
    );
}

/**
 * A job id from a request, checked with `isJobId` before anything else sees it. UUIDs are case-insensitive on
 * input (RFC 4122 §3), so the id is trimmed and lower-cased first. A value that cannot be a Roost job id names no
 * job, so it is NoSuchJob — exactly what an unknown well-formed id gets later — with the violating id as locator
 * (14-065r2 §9.10.3: locator "Violating JobID"). An empty one is MissingParameterValue (locator `JobID`).
 */
export function jobIdOf(raw: string | undefined): string {
  const t = (raw ?? "").trim();
  if (t === "")
    throw new RoostError("MissingParameter", "Parameter 'JobID' is required", { locator: "JobID" });
  const id = t.toLowerCase();
  if (!isJobId(id))
    throw new RoostError(
      "NoSuchJob",
      "The JobID from the request does not match any of the jobs on this server",
      { locator: preview(t, 100) },
    );
  return id;
}

/** DescribeProcess identifiers: at least one; `ALL` in any case selects every process. */
export function describeIdentifiers(
  ids: readonly string[],
  locator: string,
): { identifiers: string[]; all: boolean } {
  const identifiers = ids.map((i) => i.trim()).filter((i) => i !== "");
  if (identifiers.length === 0)
    throw new RoostError("MissingParameter", "At least one process identifier is required", { locator });
  return { identifiers, all: identifiers.some((i) => i.toUpperCase() === "ALL") };
}

/**
 * The response language for `accepted` (in the client's order of preference, OWS 06-121r9 AcceptLanguages):
 * the first one supported — exactly (case-insensitive), or by its primary subtag (`fr` → `fr-CA`), `*` meaning
 * any; undefined when none is supported, and the server answers in its default language.
 */
export function pickLanguage(supported: readonly string[], accepted: readonly string[]): string | undefined {
  for (const a of accepted) {
    const want = a.trim().toLowerCase();
    if (want === "") continue;
    if (want === "*") return supported[0];
    const exact = supported.find((s) => s.toLowerCase() === want);
    if (exact) return exact;
    const primary = supported.find((s) => s.toLowerCase().split("-")[0] === want);
    if (primary) return primary;
  }
  return undefined;
}
