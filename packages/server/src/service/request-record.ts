/**
 * The record of a job's request kept with the job ({@link RecordedRequest}): the checked inputs the client gave, as an
 * OGC API – Processes execute body, whatever protocol submitted it, so every front end can show a job's inputs and a
 * client can run it again. Built from the *validated* values (typed literals, the chosen format, references as links)
 * of the inputs the request named; defaults the server filled in are not recorded.
 *
 * Size: at most {@link RECORDED_REQUEST_MAX_BYTES} of JSON. A larger record drops whole inputs, inline complex ones
 * first and the largest first, and names them in `omitted`; literals and references are dropped only if that is not
 * enough (a literal may be megabytes of text).
 */
import {
  type OutputRequest,
  type ProcessDefinition,
  RECORDED_REQUEST_MAX_BYTES,
  type RecordedRequest,
  type ValidatedInputs,
  type ValidatedValue,
} from "@roost/core";

function valueJson(v: ValidatedValue): unknown {
  switch (v.kind) {
    case "literal":
      return v.uom !== undefined ? { value: v.value, uom: v.uom } : v.value;
    case "bbox":
      return {
        bbox: [...v.value.lowerCorner, ...v.value.upperCorner],
        ...(v.value.crs !== undefined ? { crs: v.value.crs } : {}),
      };
    case "complex":
      if (v.source.kind === "reference") return { href: v.source.href, type: v.format.mimeType };
      return {
        value: v.source.data,
        mediaType: v.format.mimeType,
        ...(v.encoding !== undefined ? { encoding: v.encoding } : {}),
        ...(v.format.schema !== undefined ? { schema: v.format.schema } : {}),
      };
  }
}

function outputJson(o: OutputRequest): Record<string, unknown> {
  const format = {
    ...(o.mimeType !== undefined ? { mediaType: o.mimeType } : {}),
    ...(o.encoding !== undefined ? { encoding: o.encoding } : {}),
    ...(o.schema !== undefined ? { schema: o.schema } : {}),
  };
  return {
    ...(o.asReference !== undefined ? { transmissionMode: o.asReference ? "reference" : "value" } : {}),
    ...(Object.keys(format).length > 0 ? { format } : {}),
  };
}

/** One input's entry with what it weighs in the record and whether it holds inline complex data. */
interface Entry {
  readonly id: string;
  readonly json: unknown;
  readonly bytes: number;
  readonly inline: boolean;
}

/**
 * The record of a request: `requested` are the identifiers the request gave values for, `values` the validated
 * inputs (defaults included), `outputs` the checked output requests.
 */
export function recordRequest(
  p: ProcessDefinition,
  requested: ReadonlySet<string>,
  values: ValidatedInputs,
  outputs: readonly OutputRequest[],
  response: "raw" | "document",
  maxBytes = RECORDED_REQUEST_MAX_BYTES,
): RecordedRequest {
  const entries: Entry[] = [];
  for (const [id, list] of values) {
    if (!requested.has(id)) continue;
    const def = p.inputMap.get(id);
    const items = list.map(valueJson);
    const json = def !== undefined && def.maxOccurs > 1 ? items : items[0];
    entries.push({
      id,
      json,
      bytes: Buffer.byteLength(JSON.stringify(json) ?? "") + id.length + 4,
      inline: list.some((v) => v.kind === "complex" && v.source.kind === "inline"),
    });
  }
  const outs: Record<string, unknown> = Object.create(null);
  for (const o of outputs) outs[o.id] = outputJson(o);
  const hasOutputs = outputs.length > 0;
  // The fixed part: braces, member names, outputs and the response (a few hundred bytes at most).
  let total = Buffer.byteLength(JSON.stringify({ inputs: {}, outputs: outs, response })) + 32;
  for (const e of entries) total += e.bytes;
  const omitted = new Set<string>();
  if (total > maxBytes) {
    const victims = [...entries].sort((a, b) => Number(b.inline) - Number(a.inline) || b.bytes - a.bytes);
    for (const e of victims) {
      if (total <= maxBytes) break;
      omitted.add(e.id);
      total -= e.bytes;
    }
  }
  const inputs: Record<string, unknown> = Object.create(null);
  for (const e of entries) if (!omitted.has(e.id)) inputs[e.id] = e.json;
  return {
    inputs,
    ...(hasOutputs ? { outputs: outs } : {}),
    response,
    ...(omitted.size > 0 ? { omitted: [...omitted] } : {}),
  };
}
