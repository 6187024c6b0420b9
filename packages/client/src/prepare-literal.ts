/**
 * Preparing a literal value: checked with Roost's XML Schema parsing from `@roost/core` (type, allowed values,
 * ranges) before anything is sent, and put on the wire in canonical form.
 */
import {
  checkAllowed,
  formatLiteral,
  hasXmlIllegalChars,
  parseLiteral,
  preview,
  type wps1,
} from "@roost/core/internal";
import type { InputValue, PreparedValue } from "./execute-values.js";

/** Check one value of a literal input and put it in wire form; problems go to `problem`, which makes it undefined. */
export function prepareLiteral(
  def: wps1.Wps1LiteralInput,
  v: InputValue,
  problem: (m: string) => void,
): PreparedValue | undefined {
  if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
    problem("is a literal input; pass a string, number or boolean");
    return undefined;
  }
  const text = typeof v === "string" ? v : String(v);
  if (typeof v === "number" && !Number.isFinite(v)) {
    problem(`${text} is not a finite number`);
    return undefined;
  }
  if (hasXmlIllegalChars(text)) {
    problem("contains control characters that are not allowed");
    return undefined;
  }
  const dt = def.dataType !== undefined ? { dataType: def.dataType } : {};
  const lt = def.literalType;
  if (lt === undefined) {
    // A type Roost does not know: send the text as given; only a plain list of allowed values can be checked.
    const av = def.allowedValues;
    if (av.kind === "values" && av.ranges.length === 0 && !av.values.some((a) => String(a) === text)) {
      problem(`'${preview(text)}' is not one of the allowed values: ${av.values.join(", ")}`);
      return undefined;
    }
    return { kind: "literal", value: text, ...dt };
  }
  const parsed = parseLiteral(lt, text);
  if (!parsed.ok) {
    problem(`'${preview(text)}' ${parsed.reason} (expected ${def.dataType ?? lt})`);
    return undefined;
  }
  const bad = checkAllowed(lt, parsed.value, def.allowedValues);
  if (bad) {
    problem(`'${preview(text)}' ${bad}`);
    return undefined;
  }
  // Numbers and booleans go out in canonical form; strings, dates and times exactly as given (trimmed).
  const wire =
    typeof parsed.value === "string" ? (lt === "string" ? text : parsed.value) : formatLiteral(parsed.value);
  return { kind: "literal", value: wire, ...dt };
}
