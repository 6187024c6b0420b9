/**
 * Reading KVP tokens (`value@attr=v`): WPS 1.0.0 KVP does not say whether a token is a literal, inline data, a
 * reference or a bounding box, so a decoder leaves it as `text` and its meaning is settled here from the kind of
 * input it is given for — when the request is validated, and when it is echoed (lineage).
 */
import type { ProcessDefinition } from "../process/define.js";
import { parseBboxText } from "./bbox.js";
import type { RawInput, RawValue } from "./raw-input.js";
import type { InputDefinition } from "./types.js";

/** An attribute of a KVP token by name; KVP attribute names are case-insensitive. */
function textAttr(attrs: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const [k, v] of attrs) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

/**
 * Turn a KVP token into a typed raw value according to the input's kind; a string is the reason it cannot be
 * (an error message without the input's name).
 */
export function interpretText(
  def: InputDefinition,
  v: { value: string; attributes: ReadonlyMap<string, string> },
): RawValue | string {
  const href = textAttr(v.attributes, "xlink:href") ?? textAttr(v.attributes, "href");
  const mimeType = textAttr(v.attributes, "mimeType");
  const encoding = textAttr(v.attributes, "encoding");
  const schema = textAttr(v.attributes, "schema");
  const fmt = {
    ...(mimeType !== undefined ? { mimeType } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(schema !== undefined ? { schema } : {}),
  };
  if (href !== undefined) {
    const method = textAttr(v.attributes, "method")?.toUpperCase();
    if (method !== undefined && method !== "GET" && method !== "POST")
      return "has a reference method other than GET or POST";
    return {
      kind: "reference",
      href,
      ...fmt,
      ...(method !== undefined ? { method: method as "GET" | "POST" } : {}),
    };
  }
  switch (def.kind) {
    case "literal": {
      const uom = textAttr(v.attributes, "uom");
      const dataType = textAttr(v.attributes, "datatype");
      return {
        kind: "literal",
        value: v.value,
        ...(uom !== undefined ? { uom } : {}),
        ...(dataType !== undefined ? { dataType } : {}),
      };
    }
    case "complex":
      return { kind: "complex", data: v.value, ...fmt };
    case "bbox":
      return parseBboxText(v.value, textAttr(v.attributes, "crs"));
  }
}

/**
 * Resolve KVP tokens into typed raw values by the input's kind (for echoing the request, e.g. lineage); tokens of
 * unknown inputs or that cannot be interpreted stay literal text.
 */
export function interpretInputs(p: ProcessDefinition, raw: readonly RawInput[]): RawInput[] {
  return raw.map((r) => {
    if (r.value.kind !== "text") return r;
    const def = p.inputMap.get(r.id);
    const v = def ? interpretText(def, r.value) : r.value.value;
    return {
      id: r.id,
      value: typeof v === "string" || v.kind === "text" ? { kind: "literal", value: r.value.value } : v,
    };
  });
}
