/**
 * WPS 1.0.0 KVP (HTTP GET) decoding. Parameter names are case-insensitive; values are taken as given. DataInputs,
 * ResponseDocument and RawDataOutput use `id=value@attr=val;id2=...`: the query string is decoded once by the HTTP
 * layer, then split, then every piece is percent-decoded again, so clients that double-encode `;`, `@` and `=`
 * inside values (as the spec asks) and clients that encode the whole parameter once both work — PyWPS's behaviour.
 */
import { RoostError } from "../../errors/catalogue.js";
import type { RawInput } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import type { ExecuteRequest } from "../../job/request.js";
import { WPS1_VERSION } from "./constants.js";

/** A decoded WPS 1.0.0 request. */
export type Wps1Request =
  | {
      readonly operation: "GetCapabilities";
      readonly acceptVersions?: readonly string[];
      readonly language?: string;
    }
  | {
      readonly operation: "DescribeProcess";
      readonly identifiers: readonly string[];
      readonly language?: string;
    }
  | { readonly operation: "Execute"; readonly execute: Wps1ExecuteRequest };

/** A WPS 1.0.0 Execute: the neutral request plus the two ResponseDocument flags only this version has. */
export interface Wps1ExecuteRequest extends ExecuteRequest {
  /** Echo inputs and output definitions in the response (`lineage`). */
  readonly lineage: boolean;
  /** `status=true`: the stored document shows progress while the job runs. */
  readonly statusUpdates: boolean;
}

/** The operations this front end knows (matched case-insensitively). */
export const OPERATIONS = ["GetCapabilities", "DescribeProcess", "Execute"] as const;

function decodePiece(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parse `true`/`false` (any case); anything else is InvalidParameterValue for `name`. */
export function parseBoolean(name: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === "") return dflt;
  const l = v.trim().toLowerCase();
  if (l === "true" || l === "1") return true;
  if (l === "false" || l === "0") return false;
  throw new RoostError("InvalidParameter", `Parameter '${name}' must be true or false`, { locator: name });
}

interface KvpItem {
  readonly id: string;
  readonly value: string;
  readonly attributes: Map<string, string>;
}

/** Split `id=value@a=b;id2=value2` into items. */
export function splitKvpList(s: string, param: string): KvpItem[] {
  const out: KvpItem[] = [];
  for (const part of s.split(";")) {
    if (part.trim() === "") continue;
    const fields = part.split("@");
    const head = fields[0] ?? "";
    const eq = head.indexOf("=");
    const id = decodePiece(eq < 0 ? head : head.slice(0, eq)).trim();
    const value = eq < 0 ? "" : decodePiece(head.slice(eq + 1));
    if (id === "")
      throw new RoostError("InvalidParameter", `Parameter '${param}' has an entry without identifier`, {
        locator: param,
      });
    const attributes = new Map<string, string>();
    for (const f of fields.slice(1)) {
      const e = f.indexOf("=");
      if (e < 0)
        throw new RoostError(
          "InvalidParameter",
          `Parameter '${param}': attribute '${f}' of '${id}' has no value`,
          { locator: param },
        );
      attributes.set(decodePiece(f.slice(0, e)).trim(), decodePiece(f.slice(e + 1)));
    }
    out.push({ id, value, attributes });
  }
  return out;
}

function attrCI(m: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const [k, v] of m) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

function outputRequests(items: readonly KvpItem[], param: string, raw: boolean): OutputRequest[] {
  return items.map((it) => {
    const asRef = attrCI(it.attributes, "asReference");
    const mimeType = attrCI(it.attributes, "mimeType");
    const encoding = attrCI(it.attributes, "encoding");
    const schema = attrCI(it.attributes, "schema");
    const uom = attrCI(it.attributes, "uom");
    // `ResponseDocument=output=...` is not meaningful: an output request has no value.
    if (it.value !== "")
      throw new RoostError(
        "InvalidParameter",
        `Parameter '${param}': output '${it.id}' cannot have a value`,
        { locator: param },
      );
    if (raw && asRef !== undefined)
      throw new RoostError("InvalidParameter", "RawDataOutput cannot be requested by reference", {
        locator: param,
      });
    return {
      id: it.id,
      ...(asRef !== undefined ? { asReference: parseBoolean(`${param}@asReference`, asRef, false) } : {}),
      ...(mimeType !== undefined && mimeType !== "" ? { mimeType } : {}),
      ...(encoding !== undefined && encoding !== "" ? { encoding } : {}),
      ...(schema !== undefined && schema !== "" ? { schema } : {}),
      ...(uom !== undefined && uom !== "" ? { uom } : {}),
    };
  });
}

/** Find the canonical operation name for a `request` value, case-insensitively. */
export function operationOf(request: string): (typeof OPERATIONS)[number] | undefined {
  return OPERATIONS.find((o) => o.toLowerCase() === request.toLowerCase());
}

/**
 * Decode a KVP request. `params` maps lower-cased parameter names to values (first occurrence wins); the caller
 * has checked `service` and `request` and resolved the version.
 */
export function decodeKvp(
  operation: (typeof OPERATIONS)[number],
  params: ReadonlyMap<string, string>,
): Wps1Request {
  const language = params.get("language") || undefined;
  const lang = language !== undefined ? { language } : {};
  if (operation === "GetCapabilities") {
    const av = params.get("acceptversions");
    return {
      operation,
      ...(av !== undefined
        ? {
            acceptVersions: av
              .split(",")
              .map((v) => v.trim())
              .filter((v) => v !== ""),
          }
        : {}),
      ...lang,
    };
  }
  if (operation === "DescribeProcess") {
    const ids = params.get("identifier");
    if (ids === undefined || ids.trim() === "")
      throw new RoostError("MissingParameter", "Parameter 'identifier' is required", {
        locator: "identifier",
      });
    return {
      operation,
      identifiers: ids
        .split(",")
        .map((i) => i.trim())
        .filter((i) => i !== ""),
      ...lang,
    };
  }
  const processId = params.get("identifier");
  if (processId === undefined || processId.trim() === "") {
    throw new RoostError("MissingParameter", "Parameter 'identifier' is required", { locator: "identifier" });
  }
  const inputs: RawInput[] = splitKvpList(params.get("datainputs") ?? "", "DataInputs").map((it) => ({
    id: it.id,
    value: { kind: "text", value: it.value, attributes: it.attributes },
  }));
  const rd = params.get("responsedocument");
  const rdo = params.get("rawdataoutput");
  if (rd !== undefined && rdo !== undefined) {
    throw new RoostError("InvalidParameter", "ResponseDocument and RawDataOutput are mutually exclusive", {
      locator: "RawDataOutput",
    });
  }
  const store = parseBoolean("storeExecuteResponse", params.get("storeexecuteresponse"), false);
  const status = parseBoolean("status", params.get("status"), false);
  const lineage = parseBoolean("lineage", params.get("lineage"), false);
  let outputs: OutputRequest[] = [];
  let response: "document" | "raw" = "document";
  if (rdo !== undefined) {
    outputs = outputRequests(splitKvpList(rdo, "RawDataOutput"), "RawDataOutput", true);
    if (outputs.length !== 1)
      throw new RoostError("InvalidParameter", "RawDataOutput names exactly one output", {
        locator: "RawDataOutput",
      });
    response = "raw";
  } else if (rd !== undefined) {
    outputs = outputRequests(splitKvpList(rd, "ResponseDocument"), "ResponseDocument", false);
  }
  return {
    operation,
    execute: executeRequest(processId.trim(), inputs, response, outputs, store, status, lineage, language),
  };
}

/** Shared checks of the ResponseForm flags (KVP and XML). */
export function executeRequest(
  processId: string,
  inputs: readonly RawInput[],
  response: "document" | "raw",
  outputs: readonly OutputRequest[],
  store: boolean,
  status: boolean,
  lineage: boolean,
  language: string | undefined,
): Wps1ExecuteRequest {
  if (response === "raw" && store) {
    throw new RoostError(
      "InvalidParameter",
      "RawDataOutput cannot be combined with storeExecuteResponse=true",
      { locator: "storeExecuteResponse" },
    );
  }
  // XSD annotation of `status`: "If storeExecuteResponse is false, ... the service shall raise an exception."
  if (status && !store) {
    throw new RoostError("InvalidParameter", "status=true requires storeExecuteResponse=true", {
      locator: "status",
    });
  }
  return {
    processId,
    inputs,
    mode: store ? "async" : "sync",
    response,
    outputs,
    lineage,
    statusUpdates: status,
    ...(language !== undefined ? { language } : {}),
  };
}

/** True when `version` is the one this module speaks. */
export function isWps1Version(version: string): boolean {
  return version.trim() === WPS1_VERSION;
}
