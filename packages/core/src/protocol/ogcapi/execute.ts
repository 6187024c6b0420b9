/**
 * Decoding an execute request body (`execute.yaml`, 1.0.0) for a process into a protocol-neutral
 * {@link OgcExecuteRequest}. The body is whatever the JSON parser produced (`parseJson`'s null-prototype objects or
 * `JSON.parse`'s plain ones): only own members are read, and input/output identifiers are looked up in the process's
 * Maps, so `__proto__` and friends are just unknown identifiers.
 *
 * Choices for clients of other versions, each free for 1.0 clients:
 * * `response` absent → `raw` (the 1.0 default). A 2.0-draft client, which has no `response` member, may state its
 *   wish with `Prefer: return=minimal` (→ `document`) or `return=representation` (→ `raw`); the preference is then
 *   echoed in `preferenceApplied`.
 * * qualified values may carry their format flat (1.0) or as a `format` object (2.0 draft, and the ETS's binary
 *   test).
 * * `subscriber.successUrl` (the typo in the 1.0 schema's `required`) is read as `successUri`.
 * * `outputs: {}` means "all outputs", like an absent `outputs` (the neutral request cannot express "none").
 * * the members `id` and `process` some drafts put in the body are ignored; any other unknown member is an error,
 *   so a misspelt `input` does not silently run the process with defaults.
 *
 * All problems of a request are reported together in one ValidationError (first one decides the status).
 */
import { RoostError, ValidationError } from "../../errors/catalogue.js";
import type { RawInput } from "../../io/raw-input.js";
import type { OutputRequest } from "../../io/types.js";
import type { ProcessDefinition } from "../../process/define.js";
import { preview } from "../../util/preview.js";
import { decodeInputValues, isObject, jsonKind, member, type Report } from "./execute-inputs.js";
import { decideExecutionMode, NO_PREFERENCES, type Preferences } from "./prefer.js";

/** Callback URLs of the callback class (`subscriber.yaml`). */
export interface OgcSubscriber {
  readonly successUri?: string;
  readonly inProgressUri?: string;
  readonly failedUri?: string;
}

/** An execute request after decoding, before `validateInputs`/`validateOutputRequests`. */
export interface OgcExecuteRequest {
  readonly processId: string;
  /** One entry per occurrence, in request order. */
  readonly inputs: readonly RawInput[];
  /**
   * How to run. The OGC decoder always decides (`sync` or `async`, by the table in `prefer.ts`): in 1.0 a process
   * offering both modes SHALL run synchronously without `Prefer: respond-async`, which is not a free choice. `auto`
   * is for the neutral request's other producers (WPS 2.0 `mode="auto"`).
   */
  readonly mode: "sync" | "async" | "auto";
  /** `raw` (outputs as HTTP bodies/links) or `document` (a results document). */
  readonly response: "raw" | "document";
  /** Requested outputs; empty means all outputs in their default form. */
  readonly outputs: readonly OutputRequest[];
  readonly subscriber?: OgcSubscriber;
  /** Preferences honoured, for the `Preference-Applied` response header. */
  readonly preferenceApplied: readonly string[];
}

const MEMBERS = new Set(["inputs", "outputs", "response", "subscriber"]);
const IGNORED = new Set(["id", "process"]);
const SUBSCRIBER_MEMBERS = ["successUri", "inProgressUri", "failedUri"] as const;

function malformed(report: Report, locator: string, message: string): void {
  report(new RoostError("MalformedRequest", message, { locator }));
}

function invalidParam(report: Report, locator: string, message: string): void {
  report(new RoostError("InvalidParameter", message, { locator }));
}

function decodeInputs(report: Report, p: ProcessDefinition, v: unknown): RawInput[] {
  if (v === undefined) return [];
  if (!isObject(v)) {
    malformed(report, "inputs", `"inputs" must be an object keyed by input identifier, got ${jsonKind(v)}`);
    return [];
  }
  const out: RawInput[] = [];
  for (const id of Object.keys(v)) {
    const def = p.inputMap.get(id);
    if (!def) {
      report(
        new RoostError("NoSuchInput", `Process '${p.identifier}' has no input '${preview(id)}'`, {
          locator: id,
        }),
      );
      continue;
    }
    for (const value of decodeInputValues(report, def, v[id])) out.push({ id, value });
  }
  return out;
}

function decodeOutput(
  report: Report,
  p: ProcessDefinition,
  id: string,
  v: unknown,
): OutputRequest | undefined {
  if (!p.outputMap.has(id)) {
    report(
      new RoostError("NoSuchOutput", `Process '${p.identifier}' has no output '${preview(id)}'`, {
        locator: id,
      }),
    );
    return undefined;
  }
  if (v === null) return { id };
  if (!isObject(v)) {
    invalidParam(
      report,
      id,
      `Output '${preview(id)}' must be an object {"format": …, "transmissionMode": …}, got ${jsonKind(v)}`,
    );
    return undefined;
  }
  let ok = true;
  const mode = member(v, "transmissionMode");
  if (mode !== undefined && mode !== "value" && mode !== "reference") {
    invalidParam(
      report,
      id,
      `Output '${preview(id)}': transmissionMode must be "value" or "reference", got ${typeof mode === "string" ? `"${preview(mode)}"` : jsonKind(mode)}`,
    );
    ok = false;
  }
  const format = member(v, "format");
  const fmt: { mimeType?: string; encoding?: string; schema?: string } = {};
  if (format !== undefined) {
    if (!isObject(format)) {
      invalidParam(report, id, `Output '${preview(id)}': format must be an object, got ${jsonKind(format)}`);
      return undefined;
    }
    for (const [name, key] of [
      ["mediaType", "mimeType"],
      ["encoding", "encoding"],
      ["schema", "schema"],
    ] as const) {
      const m = member(format, name);
      if (m === undefined || (name === "schema" && isObject(m))) continue;
      if (typeof m !== "string") {
        invalidParam(
          report,
          id,
          `Output '${preview(id)}': format.${name} must be a string, got ${jsonKind(m)}`,
        );
        ok = false;
      } else fmt[key] = m;
    }
  }
  if (!ok) return undefined;
  return { id, ...(mode !== undefined ? { asReference: mode === "reference" } : {}), ...fmt };
}

function decodeOutputs(report: Report, p: ProcessDefinition, v: unknown): OutputRequest[] {
  if (v === undefined) return [];
  if (!isObject(v)) {
    malformed(
      report,
      "outputs",
      `"outputs" must be an object keyed by output identifier, got ${jsonKind(v)}`,
    );
    return [];
  }
  const out: OutputRequest[] = [];
  for (const id of Object.keys(v)) {
    const r = decodeOutput(report, p, id, v[id]);
    if (r) out.push(r);
  }
  return out;
}

function httpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

function decodeSubscriber(report: Report, v: unknown): OgcSubscriber | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    invalidParam(report, "subscriber", `"subscriber" must be an object, got ${jsonKind(v)}`);
    return undefined;
  }
  const out: { -readonly [K in keyof OgcSubscriber]: string } = {};
  for (const name of SUBSCRIBER_MEMBERS) {
    let u = member(v, name);
    if (u === undefined && name === "successUri") u = member(v, "successUrl");
    if (u === undefined) continue;
    if (typeof u !== "string" || !httpUrl(u)) {
      invalidParam(
        report,
        `subscriber.${name}`,
        `subscriber.${name} must be an absolute http(s) URL, got ${typeof u === "string" ? `'${preview(u)}'` : jsonKind(u)}`,
      );
      continue;
    }
    out[name] = u;
  }
  return out;
}

/**
 * Decode an execute request for process `p`. `prefs` are the request's parsed `Prefer` headers
 * ({@link parsePrefer}); they decide the mode and, for bodies without `response`, the response form.
 *
 * @throws ValidationError listing every problem (NoSuchInput/NoSuchOutput naming the identifier, InvalidParameter
 *   naming the input for values of the wrong JSON shape, MalformedRequest for a body that is not an execute request).
 */
export function decodeExecute(
  body: unknown,
  p: ProcessDefinition,
  prefs: Preferences = NO_PREFERENCES,
): OgcExecuteRequest {
  const errors: RoostError[] = [];
  const report: Report = (e) => errors.push(e);
  if (!isObject(body)) {
    throw new ValidationError([
      new RoostError("MalformedRequest", `The execute request must be a JSON object, got ${jsonKind(body)}`),
    ]);
  }
  for (const k of Object.keys(body)) {
    if (!MEMBERS.has(k) && !IGNORED.has(k))
      malformed(
        report,
        k,
        `Unknown member "${preview(k)}" in the execute request (expected inputs, outputs, response, subscriber)`,
      );
  }
  const inputs = decodeInputs(report, p, member(body, "inputs"));
  const outputs = decodeOutputs(report, p, member(body, "outputs"));
  const applied: string[] = [];
  const r = member(body, "response");
  let response: "raw" | "document" = "raw";
  if (r === "raw" || r === "document") response = r;
  else if (r !== undefined)
    invalidParam(
      report,
      "response",
      `"response" must be "raw" or "document", got ${typeof r === "string" ? `"${preview(r)}"` : jsonKind(r)}`,
    );
  else if (prefs.return !== undefined) {
    response = prefs.return === "minimal" ? "document" : "raw";
    applied.push(`return=${prefs.return}`);
  }
  const subscriber = decodeSubscriber(report, member(body, "subscriber"));
  if (errors.length > 0) throw new ValidationError(errors);
  const decision = decideExecutionMode(p.jobControl, prefs);
  return {
    processId: p.identifier,
    inputs,
    mode: decision.mode,
    response,
    outputs,
    ...(subscriber !== undefined ? { subscriber } : {}),
    preferenceApplied: [...decision.preferenceApplied, ...applied],
  };
}
