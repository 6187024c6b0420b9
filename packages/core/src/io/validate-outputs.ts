/**
 * Checking an Execute request's output requests against a process definition: which outputs, in which format and
 * unit. All problems of a request are reported together, each naming the output (the locator).
 */
import { RoostError, ValidationError } from "../errors/catalogue.js";
import type { ProcessDefinition } from "../process/define.js";
import { preview } from "../util/preview.js";
import { findFormat } from "./formats.js";
import type { OutputRequest } from "./types.js";

/**
 * Check the client's output requests: known identifiers, supported formats, no duplicates. An empty list means
 * "all outputs, each in its default form".
 */
export function validateOutputRequests(
  p: ProcessDefinition,
  requests: readonly OutputRequest[],
): readonly OutputRequest[] {
  const errors: RoostError[] = [];
  const seen = new Set<string>();
  for (const r of requests) {
    const def = p.outputMap.get(r.id);
    if (!def) {
      errors.push(
        new RoostError("NoSuchOutput", `Process '${p.identifier}' has no output '${preview(r.id)}'`, {
          locator: r.id,
        }),
      );
      continue;
    }
    if (seen.has(r.id)) {
      errors.push(
        new RoostError("InvalidParameter", `Output '${r.id}' is requested more than once`, { locator: r.id }),
      );
      continue;
    }
    seen.add(r.id);
    if (
      def.kind === "complex" &&
      (r.mimeType !== undefined || r.schema !== undefined || r.encoding !== undefined)
    ) {
      if (!findFormat(def.formats, r)) {
        errors.push(
          new RoostError(
            "NoSuchFormat",
            `Output '${r.id}': format ${r.mimeType ?? ""} is not supported; supported: ${def.formats.map((f) => f.mimeType).join(", ")}`,
            { locator: r.id },
          ),
        );
      }
    }
    if (def.kind === "literal" && r.uom !== undefined && r.uom !== "" && !(def.uoms ?? []).includes(r.uom)) {
      errors.push(
        new RoostError(
          "InvalidParameter",
          `Output '${r.id}': unit of measure '${preview(r.uom)}' is not supported`,
          { locator: r.id },
        ),
      );
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return requests;
}
