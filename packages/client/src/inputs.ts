/**
 * Turning caller values into the inputs and output requests of one Execute, checked against the process description
 * before anything is sent: unknown inputs, occurrences, required inputs, and each value by its kind
 * (`prepare-literal.ts`, `prepare-complex.ts`, `prepare-bbox.ts`); unknown outputs, formats, by-reference outputs.
 * All problems are reported together.
 */
import { findFormat, type OutputRequest, type wps1 } from "@roost/core/internal";
import { type InputProblem, InputValidationError } from "./errors.js";
import type {
  InputValue,
  InputValues,
  OutputChoice,
  PreparedInput,
  PreparedValue,
} from "./execute-values.js";
import { prepareBbox } from "./prepare-bbox.js";
import { formatProblem, prepareComplex } from "./prepare-complex.js";
import { prepareLiteral } from "./prepare-literal.js";
import { suggest } from "./suggest.js";

// The unit tests import these from here, where they were defined before the split.
export type { InputValues } from "./execute-values.js";
export { parseDataUrl } from "./value-urls.js";

/**
 * Check `values` against a process description and prepare them for the request. Inputs the caller leaves out are
 * not sent (the server applies its defaults); a required input without a default is a problem. Throws an
 * {@link InputValidationError} listing every problem.
 */
export async function prepareInputs(
  desc: wps1.Wps1ProcessDescription,
  values: InputValues,
): Promise<PreparedInput[]> {
  const problems: InputProblem[] = [];
  const byId = new Map(desc.inputs.map((i) => [i.identifier, i]));
  for (const id of Object.keys(values)) {
    if (!byId.has(id)) {
      const hint = suggest(id, [...byId.keys()]);
      problems.push({
        id,
        message: `the process '${desc.identifier}' has no such input${hint.length > 0 ? ` (did you mean ${hint.map((h) => `'${h}'`).join(", ")}?)` : ""}; inputs: ${[...byId.keys()].join(", ") || "(none)"}`,
      });
    }
  }
  const out: PreparedInput[] = [];
  for (const def of desc.inputs) {
    const id = def.identifier;
    const raw = Object.hasOwn(values, id) ? values[id] : undefined;
    const list = (raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw]) as InputValue[];
    const given = list.filter((x) => x !== undefined && x !== null);
    const problem = (message: string) => problems.push({ id, message });
    if (given.length === 0) {
      const hasDefault = def.kind === "literal" && def.default !== undefined;
      if (def.minOccurs > 0 && !hasDefault) problem("is required");
      continue;
    }
    if (given.length > def.maxOccurs) {
      problem(`given ${given.length} times; at most ${def.maxOccurs} allowed`);
      continue;
    }
    if (given.length < def.minOccurs) {
      problem(`given ${given.length} times; at least ${def.minOccurs} required`);
      continue;
    }
    for (const v of given) {
      let p: PreparedValue | undefined;
      if (def.kind === "literal") p = prepareLiteral(def, v, problem);
      else if (def.kind === "complex") p = await prepareComplex(def, v, problem);
      else p = prepareBbox(def, v, problem);
      if (p) out.push({ id, value: p });
    }
  }
  if (problems.length > 0) throw new InputValidationError(problems);
  return out;
}

/**
 * Check output choices (known identifiers, supported formats, by-reference only where the server can store) and turn
 * them into output requests.
 */
export function prepareOutputs(
  desc: wps1.Wps1ProcessDescription,
  choices: readonly OutputChoice[],
): OutputRequest[] {
  const problems: InputProblem[] = [];
  const byId = new Map(desc.outputs.map((o) => [o.identifier, o]));
  const seen = new Set<string>();
  const out: OutputRequest[] = [];
  for (const c of choices) {
    const def = byId.get(c.id);
    if (!def) {
      problems.push({
        message: `output '${c.id}': the process '${desc.identifier}' has no such output; outputs: ${[...byId.keys()].join(", ") || "(none)"}`,
      });
      continue;
    }
    if (seen.has(c.id)) {
      problems.push({ message: `output '${c.id}' is chosen more than once` });
      continue;
    }
    seen.add(c.id);
    if (
      def.kind === "complex" &&
      (c.mimeType !== undefined || c.schema !== undefined) &&
      def.formats.length > 0
    ) {
      if (!findFormat(def.formats, c)) {
        problems.push({ message: `output '${c.id}': ${formatProblem(c, def.formats)}` });
        continue;
      }
    }
    if (def.kind !== "complex" && c.mimeType !== undefined) {
      problems.push({
        message: `output '${c.id}' is not a complex output; it has no formats to choose from`,
      });
      continue;
    }
    if (c.asReference === true && !desc.storeSupported) {
      problems.push({
        message: `output '${c.id}': the process cannot return outputs by reference (it does not store results)`,
      });
      continue;
    }
    out.push({
      id: c.id,
      ...(c.asReference !== undefined ? { asReference: c.asReference } : {}),
      ...(c.mimeType !== undefined ? { mimeType: c.mimeType } : {}),
      ...(c.encoding !== undefined ? { encoding: c.encoding } : {}),
      ...(c.schema !== undefined ? { schema: c.schema } : {}),
      ...(c.uom !== undefined ? { uom: c.uom } : {}),
    });
  }
  if (problems.length > 0) throw new InputValidationError(problems);
  return out;
}
