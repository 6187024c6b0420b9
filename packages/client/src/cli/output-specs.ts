/**
 * The `--output` option of `roost run`: which outputs, in which media type, by reference or by value. Checked
 * against the process later, by the library (`prepareOutputs`).
 */
import type { OutputChoice } from "../execute-values.js";
import { UsageError } from "./exit.js";

const AS_REF = /@(asref|asreference|ref|reference|byref)$/i;
const AS_VALUE = /@(asvalue|value|inline|byvalue)$/i;

/**
 * Parse `--output` specs: `id`, `id=mimeType`, `id@asref`, `id=mimeType@asvalue`. An identifier that itself holds
 * `=` or `@` is recognised when it matches an output exactly.
 */
export function parseOutputSpecs(specs: readonly string[], outputIds: readonly string[]): OutputChoice[] {
  const ids = new Set(outputIds);
  return specs.map((spec): OutputChoice => {
    if (ids.has(spec)) return { id: spec };
    let rest = spec;
    let asReference: boolean | undefined;
    if (AS_REF.test(rest)) {
      asReference = true;
      rest = rest.replace(AS_REF, "");
    } else if (AS_VALUE.test(rest)) {
      asReference = false;
      rest = rest.replace(AS_VALUE, "");
    }
    let id = rest;
    let mimeType: string | undefined;
    if (!ids.has(rest)) {
      const eq = rest.indexOf("=");
      if (eq > 0) {
        id = rest.slice(0, eq);
        mimeType = rest.slice(eq + 1).trim();
        if (mimeType === "") throw new UsageError(`--output '${spec}': the media type after '=' is empty`);
      }
    }
    return {
      id,
      ...(mimeType !== undefined ? { mimeType } : {}),
      ...(asReference !== undefined ? { asReference } : {}),
    };
  });
}
