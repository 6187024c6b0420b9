/**
 * The OGC API – Processes execute request (`execute.yaml`, 1.0.0) for checked inputs: literals as typed JSON values
 * (numbers and booleans as such, via the core's `literalJson`), complex values inline as the qualified form
 * `{value, mediaType, encoding?}` (JSON content as JSON, anything binary base64) or by reference as `{href, type}`,
 * bounding boxes as `{bbox, crs}`; a repeatable input (`maxOccurs > 1`, or an array-valued schema) is always a JSON
 * array, which every 1.0 server reads for both. The request asks for a results document (`response: document`), the
 * one form whose outputs can be read without knowing how the server chose to send them raw.
 *
 * Round-trip tests decode what this writes with the core's `ogcapi.decodeExecute` (the server's decoder).
 */
import { type OutputRequest, ogcapi } from "@roost/core/internal";
import type { PreparedInput, PreparedValue } from "./execute-values.js";
import type { ProcessDescription } from "./protocol-client.js";

/** The JSON body of an execute request. */
export interface OgcExecuteBody {
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly response: "document";
}

function jsonValue(v: PreparedValue, dataType: string | undefined): unknown {
  switch (v.kind) {
    case "literal":
      return dataType !== undefined ? ogcapi.literalJson(v.value, dataType) : v.value;
    case "reference":
      return { href: v.href, ...(v.mimeType !== undefined ? { type: v.mimeType } : {}) };
    case "bbox":
      return { bbox: [...v.lowerCorner, ...v.upperCorner], ...(v.crs !== undefined ? { crs: v.crs } : {}) };
    case "complex": {
      const base64 = v.encoding?.toLowerCase() === "base64";
      let value: unknown = v.data;
      if (!base64 && v.mimeType !== undefined && ogcapi.isJsonMimeType(v.mimeType)) {
        try {
          // JSON content travels as JSON (a string stays a string: the decoder reads a string value as the text).
          const parsed: unknown = JSON.parse(v.data);
          if (typeof parsed !== "string") value = parsed;
        } catch {
          value = v.data;
        }
      }
      return {
        value,
        ...(v.mimeType !== undefined ? { mediaType: v.mimeType } : {}),
        ...(base64 ? { encoding: "base64" } : {}),
        ...(v.schema !== undefined ? { schema: v.schema } : {}),
      };
    }
  }
}

/**
 * The execute body for `desc` with checked `inputs` and output requests. When some outputs are chosen the others are
 * named too (with no preference), so choosing a format for one output does not drop the rest.
 */
export function encodeOgcExecute(
  desc: ProcessDescription,
  inputs: readonly PreparedInput[],
  outputs: readonly OutputRequest[],
): OgcExecuteBody {
  const body: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const def of desc.inputs) {
    const values = inputs.filter((i) => i.id === def.identifier);
    if (values.length === 0) continue;
    const dataType = def.kind === "literal" ? (def.literalType ?? def.dataType) : undefined;
    const json = values.map((i) => jsonValue(i.value, dataType));
    body[def.identifier] = def.maxOccurs > 1 ? json : json[0];
  }
  let outs: Record<string, unknown> | undefined;
  if (outputs.length > 0) {
    outs = Object.create(null) as Record<string, unknown>;
    for (const d of desc.outputs) {
      const o = outputs.find((x) => x.id === d.identifier);
      const format = {
        ...(o?.mimeType !== undefined ? { mediaType: o.mimeType } : {}),
        ...(o?.encoding !== undefined ? { encoding: o.encoding } : {}),
        ...(o?.schema !== undefined ? { schema: o.schema } : {}),
      };
      outs[d.identifier] = {
        ...(Object.keys(format).length > 0 ? { format } : {}),
        ...(o?.asReference !== undefined ? { transmissionMode: o.asReference ? "reference" : "value" } : {}),
      };
    }
  }
  return { inputs: body, ...(outs !== undefined ? { outputs: outs } : {}), response: "document" };
}
