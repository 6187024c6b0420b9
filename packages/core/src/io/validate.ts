/**
 * Checking an Execute request's inputs against a process definition: occurrences, required inputs and defaults,
 * literal types and allowed values, formats, bounding boxes and CRSs. Every problem names the input (the locator)
 * and the reason; all problems of a request are reported together. Unknown identifiers are looked up in Maps, so
 * `__proto__` and friends are just unknown inputs.
 */
import { RoostError, ValidationError } from "../errors/catalogue.js";
import type { ProcessDefinition } from "../process/define.js";
import { preview } from "../util/preview.js";
import { crsKey, parseBboxText } from "./bbox.js";
import { findFormat } from "./formats.js";
import { interpretText } from "./interpret.js";
import { checkAllowed, hasXmlIllegalChars, parseLiteral } from "./literal.js";
import type { RawInput, RawReference, RawValue } from "./raw-input.js";
import type {
  BoundingBox,
  BoundingBoxInputDefinition,
  ComplexInputDefinition,
  Format,
  LiteralInputDefinition,
  LiteralValue,
} from "./types.js";

/** A checked complex value: the chosen format and where the data comes from. */
export interface ValidatedComplex {
  readonly kind: "complex";
  readonly format: Format;
  /** Transport encoding of inline data (`base64`), if any. */
  readonly encoding?: string;
  readonly source: { readonly kind: "inline"; readonly data: string } | RawReference;
}

/** A checked input occurrence. */
export type ValidatedValue =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly uom?: string }
  | ValidatedComplex
  | { readonly kind: "bbox"; readonly value: BoundingBox };

/** Checked inputs: every declared input that has values (defaults applied), in declaration order. */
export type ValidatedInputs = ReadonlyMap<string, readonly ValidatedValue[]>;

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function validateLiteral(
  def: LiteralInputDefinition,
  raw: RawValue,
  err: (m: string) => void,
): ValidatedValue | undefined {
  let text: string;
  let uom: string | undefined;
  switch (raw.kind) {
    case "literal":
      text = raw.value;
      uom = raw.uom;
      break;
    case "complex":
      text = raw.data;
      break;
    case "reference":
      err("is a literal input and cannot be passed by reference");
      return undefined;
    default:
      err("is a literal input; a bounding box was given");
      return undefined;
  }
  const parsed = parseLiteral(def.dataType, text);
  if (!parsed.ok) {
    err(`${parsed.reason} (got '${preview(text)}', expected ${def.dataType})`);
    return undefined;
  }
  const bad = checkAllowed(def.dataType, parsed.value, def.allowedValues);
  if (bad) {
    err(`${bad} (got '${preview(text)}')`);
    return undefined;
  }
  if (uom !== undefined && uom !== "") {
    if (!def.uoms?.includes(uom)) {
      err(
        `unit of measure '${preview(uom)}' is not supported${def.uoms ? ` (supported: ${def.uoms.join(", ")})` : ""}`,
      );
      return undefined;
    }
  }
  return { kind: "literal", value: parsed.value, ...(uom ? { uom } : {}) };
}

function validateComplex(
  def: ComplexInputDefinition,
  raw: RawValue,
  err: (m: string) => void,
  formatErr: (m: string) => void,
): ValidatedValue | undefined {
  let mimeType: string | undefined;
  let encoding: string | undefined;
  let schema: string | undefined;
  let source: ValidatedComplex["source"];
  switch (raw.kind) {
    case "complex":
      ({ mimeType, encoding, schema } = raw);
      source = { kind: "inline", data: raw.data };
      break;
    case "literal":
      source = { kind: "inline", data: raw.value };
      break;
    case "reference": {
      ({ mimeType, encoding, schema } = raw);
      let url: URL;
      try {
        url = new URL(raw.href);
      } catch {
        err(`reference '${preview(raw.href)}' is not a valid URL`);
        return undefined;
      }
      if (url.username || url.password) {
        err("reference URLs must not contain credentials");
        return undefined;
      }
      source = raw;
      break;
    }
    default:
      err("is a complex input; a bounding box was given");
      return undefined;
  }
  const format = findFormat(def.formats, { mimeType, encoding, schema });
  if (!format) {
    formatErr(
      `format ${mimeType ?? ""}${schema ? ` (schema ${schema})` : ""}${encoding ? ` (encoding ${encoding})` : ""} is not supported; supported: ${def.formats.map((f) => f.mimeType).join(", ")}`,
    );
    return undefined;
  }
  const b64 = encoding?.toLowerCase() === "base64";
  if (source.kind === "inline") {
    if (b64 && !BASE64.test(source.data)) {
      err("is declared base64 but is not valid base64");
      return undefined;
    }
    if (!b64 && hasXmlIllegalChars(source.data)) {
      err("contains control characters that are not allowed (send binary data base64-encoded)");
      return undefined;
    }
  }
  return { kind: "complex", format, ...(b64 ? { encoding: "base64" } : {}), source };
}

function validateBbox(
  def: BoundingBoxInputDefinition,
  raw: RawValue,
  err: (m: string) => void,
): ValidatedValue | undefined {
  let v: RawValue | string = raw;
  if (raw.kind === "literal") v = parseBboxText(raw.value);
  else if (raw.kind === "complex") v = parseBboxText(raw.data);
  if (typeof v === "string") {
    err(v);
    return undefined;
  }
  if (v.kind !== "bbox") {
    err("is a bounding box input; pass minx,miny,maxx,maxy[,crs]");
    return undefined;
  }
  const { lowerCorner, upperCorner } = v;
  if (lowerCorner.length !== upperCorner.length || lowerCorner.length < 2) {
    err("lower and upper corners must have the same number (≥ 2) of coordinates");
    return undefined;
  }
  if ([...lowerCorner, ...upperCorner].some((n) => !Number.isFinite(n))) {
    err("has a coordinate that is not a finite number");
    return undefined;
  }
  if (v.dimensions !== undefined && v.dimensions !== lowerCorner.length) {
    err(`declares ${v.dimensions} dimensions but has ${lowerCorner.length} coordinates per corner`);
    return undefined;
  }
  if (v.crs !== undefined && v.crs !== "") {
    const key = crsKey(v.crs);
    if (!def.crs.some((c) => crsKey(c) === key)) {
      err(`CRS '${preview(v.crs)}' is not supported; supported: ${def.crs.join(", ")}`);
      return undefined;
    }
  }
  return {
    kind: "bbox",
    value: {
      ...(v.crs !== undefined && v.crs !== "" ? { crs: v.crs } : {}),
      dimensions: lowerCorner.length,
      lowerCorner,
      upperCorner,
    },
  };
}

/**
 * Check raw inputs against a process. Returns the values per input (defaults filled in for inputs the client did
 * not send); throws a {@link ValidationError} listing every problem.
 *
 * Defaults: an input that declares a default is filled with it when the client sends nothing, whatever its
 * minOccurs — the behaviour Emu's `show_defaults` test and `birdy sleep` (no `--delay`) rely on. An input without
 * a default and with minOccurs ≥ 1 is MissingParameterValue.
 */
export function validateInputs(p: ProcessDefinition, raw: readonly RawInput[]): ValidatedInputs {
  const errors: RoostError[] = [];
  const grouped = new Map<string, RawValue[]>();
  for (const r of raw) {
    const def = p.inputMap.get(r.id);
    if (!def) {
      if (!errors.some((e) => e.locator === r.id && e.code === "NoSuchInput")) {
        errors.push(
          new RoostError("NoSuchInput", `Process '${p.identifier}' has no input '${preview(r.id)}'`, {
            locator: r.id,
          }),
        );
      }
      continue;
    }
    const list = grouped.get(r.id);
    if (list) list.push(r.value);
    else grouped.set(r.id, [r.value]);
  }
  const out = new Map<string, ValidatedValue[]>();
  for (const def of p.inputs) {
    const values = grouped.get(def.identifier) ?? [];
    const id = def.identifier;
    if (values.length > def.maxOccurs) {
      errors.push(
        new RoostError(
          "TooManyInputs",
          `Input '${id}' occurs ${values.length} times; at most ${def.maxOccurs} allowed`,
          { locator: id },
        ),
      );
      continue;
    }
    if (values.length === 0) {
      if (def.kind === "literal" && def.default !== undefined) {
        out.set(id, [{ kind: "literal", value: def.default }]);
      } else if (def.minOccurs > 0) {
        errors.push(new RoostError("MissingParameter", `Input '${id}' is required`, { locator: id }));
      }
      continue;
    }
    if (values.length < def.minOccurs) {
      errors.push(
        new RoostError(
          "MissingParameter",
          `Input '${id}' occurs ${values.length} times; at least ${def.minOccurs} required`,
          { locator: id },
        ),
      );
      continue;
    }
    const checked: ValidatedValue[] = [];
    for (const v0 of values) {
      const err = (m: string) =>
        errors.push(new RoostError("InvalidParameter", `Input '${id}' ${m}`, { locator: id }));
      const v = v0.kind === "text" ? interpretText(def, v0) : v0;
      if (typeof v === "string") {
        err(v);
        continue;
      }
      let res: ValidatedValue | undefined;
      if (def.kind === "literal") res = validateLiteral(def, v, err);
      else if (def.kind === "complex")
        res = validateComplex(def, v, err, (m) =>
          errors.push(new RoostError("NoSuchFormat", `Input '${id}': ${m}`, { locator: id })),
        );
      else res = validateBbox(def, v, err);
      if (res) checked.push(res);
    }
    out.set(id, checked);
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}
