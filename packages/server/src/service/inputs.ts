/**
 * Preparing inputs before a job is accepted: literal and bounding-box values go into the job spec as they are;
 * complex values become files in the job's `inputs/` directory — inline text written, base64 decoded, references
 * checked against the SSRF policy and downloaded with timeouts and a byte cap. A bad reference is the client's
 * error (HTTP 400) before anything is queued, never a failed job later.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ComplexInputDefinition,
  errorList,
  isRoostError,
  type ProcessDefinition,
  type RawInput,
  RoostError,
  type SpecValue,
  type ValidatedComplex,
  type ValidatedInputs,
  ValidationError,
  validateInputs,
} from "@roost/core/internal";
import { checkReference, fetchReference, type ReferencePolicy } from "../fetch/index.js";

/** Limits applied while preparing inputs. */
export interface InputLimits {
  /** Largest complex value in bytes (the input's own `maximumMegabytes` may lower it). */
  readonly maxInputSize: number;
  readonly policy: ReferencePolicy;
}

function capFor(def: ComplexInputDefinition, limits: InputLimits): number {
  const own =
    def.maximumMegabytes !== undefined ? def.maximumMegabytes * 1024 * 1024 : Number.POSITIVE_INFINITY;
  return Math.min(own, limits.maxInputSize);
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;
}

/**
 * Check raw inputs against the process (`validateInputs`) in the job API's terms: a value the input cannot take —
 * wrong type, outside its allowed values, a bad bounding box — is WrongInputData (the protocols' own code for it:
 * WPS 2.0.0 WrongInputData, WPS 1.0.0 InvalidParameterValue as always). Missing, surplus and unknown inputs and
 * unsupported formats keep their codes.
 */
export function readInputs(p: ProcessDefinition, raw: readonly RawInput[]): ValidatedInputs {
  try {
    return validateInputs(p, raw);
  } catch (e) {
    if (!isRoostError(e)) throw e;
    const parts = errorList(e).map((x) =>
      x.code === "InvalidParameter"
        ? new RoostError("WrongInputData", x.message, { locator: x.locator, cause: x })
        : x,
    );
    throw new ValidationError(parts);
  }
}

/**
 * A reference the fetch module refuses (policy, malformed URL or reference headers: its InvalidParameter errors) is
 * ReferenceRefused — WPS 2.0.0 DataNotAccessible, WPS 1.0.0 InvalidParameterValue as always.
 */
function refusedReference(e: unknown): unknown {
  if (isRoostError(e) && e.code === "InvalidParameter")
    return new RoostError("ReferenceRefused", e.message, { locator: e.locator, cause: e });
  return e;
}

/** Check every reference of a request against the policy (DNS included) before anything is downloaded. */
export async function checkReferences(
  p: ProcessDefinition,
  values: ValidatedInputs,
  policy: ReferencePolicy,
): Promise<void> {
  try {
    for (const [id, list] of values) {
      for (const v of list) {
        if (v.kind === "complex" && v.source.kind === "reference") {
          await checkReference(v.source.href, policy, id);
          if (v.source.bodyReference !== undefined) await checkReference(v.source.bodyReference, policy, id);
        }
      }
    }
  } catch (e) {
    throw refusedReference(e);
  }
  void p;
}

/** True when preparing these inputs needs the job directory (a complex value to write). */
export function needsInputFiles(values: ValidatedInputs): boolean {
  for (const list of values.values()) for (const v of list) if (v.kind === "complex") return true;
  return false;
}

/** Turn checked inputs into spec values, writing complex data under `<jobDir>/inputs/`. */
export async function materializeInputs(
  p: ProcessDefinition,
  values: ValidatedInputs,
  jobDir: string,
  limits: InputLimits,
  signal?: AbortSignal,
): Promise<Record<string, SpecValue[]>> {
  const out: Record<string, SpecValue[]> = {};
  let n = 0;
  for (const [id, list] of values) {
    const def = p.inputMap.get(id)!;
    const specs: SpecValue[] = [];
    for (const v of list) {
      if (v.kind === "literal")
        specs.push({ kind: "literal", value: v.value, ...(v.uom !== undefined ? { uom: v.uom } : {}) });
      else if (v.kind === "bbox") specs.push({ kind: "bbox", value: v.value });
      else
        specs.push(
          await writeComplex(
            def as ComplexInputDefinition,
            v,
            jobDir,
            `${++n}${v.format.extension ?? ""}`,
            limits,
            signal,
          ),
        );
    }
    out[id] = specs;
  }
  return out;
}

async function writeComplex(
  def: ComplexInputDefinition,
  v: ValidatedComplex,
  jobDir: string,
  name: string,
  limits: InputLimits,
  signal: AbortSignal | undefined,
): Promise<SpecValue> {
  const dir = join(jobDir, "inputs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const cap = capFor(def, limits);
  const id = def.identifier;
  const meta = {
    mimeType: v.format.mimeType,
    ...(v.format.schema !== undefined ? { schema: v.format.schema } : {}),
  };
  if (v.source.kind === "inline") {
    const data =
      v.encoding === "base64"
        ? Buffer.from(v.source.data.replace(/\s+/g, ""), "base64")
        : Buffer.from(v.source.data, "utf8");
    if (data.length > cap) {
      throw new RoostError(
        "FileSizeExceeded",
        `Input '${id}' is ${mb(data.length)}; at most ${mb(cap)} allowed`,
        { locator: id },
      );
    }
    writeFileSync(file, data);
    return { kind: "complex", file: `inputs/${name}`, size: data.length, ...meta };
  }
  const { size } = await fetchReference(
    v.source,
    { ...limits.policy, maxBytes: Math.min(cap, limits.policy.maxBytes) },
    file,
    {
      locator: id,
      ...(signal !== undefined ? { signal } : {}),
    },
  ).catch((e: unknown) => {
    throw refusedReference(e);
  });
  return { kind: "complex", file: `inputs/${name}`, size, href: v.source.href, ...meta };
}
