/**
 * From an input definition of the core I/O model (the model DescribeProcess and the OGC description are encoded
 * from) to what the generated form needs: the widget, the HTML constraints a browser checks natively, and the rules
 * the page's script checks before anything is sent (JSON in `data-rules`, read by `packages/ui/src/form/rules.ts`).
 */
import type { InputDefinition, LiteralInputDefinition, LiteralValue, ValueRange } from "@roost/core";

/** Widgets of literal inputs. */
export type LiteralWidget =
  | "select"
  | "checkbox"
  | "tristate"
  | "number"
  | "date"
  | "time"
  | "datetime"
  | "url"
  | "text";

/**
 * Rules the browser checks (kept in step with `packages/ui/src/form/rules.ts`). `ranges` are alternatives to
 * `values`: a value is valid when it is one of the values or inside one of the ranges.
 */
export interface LiteralRules {
  readonly type: "integer" | "number" | "boolean" | "date" | "time" | "datetime" | "uri" | "string";
  readonly values?: readonly (string | number)[];
  readonly ranges?: readonly ValueRange[];
}

/** A literal field. */
export interface LiteralField {
  readonly kind: "literal";
  readonly widget: LiteralWidget;
  readonly rules: LiteralRules;
  /** Native constraints (`min`, `max`, `step`), when one range says it all. */
  readonly min?: number;
  readonly max?: number;
  readonly step?: string;
  readonly options?: readonly string[];
  /** The default as the widget shows it. */
  readonly value?: string;
  readonly uoms?: readonly string[];
  /** Human summary of the constraints ("integer, 1–10 or 100–200 step 10"). */
  readonly constraint: string;
  /** A values reference to look up (advisory). */
  readonly reference?: string;
}

/** A complex field. */
export interface ComplexField {
  readonly kind: "complex";
  readonly formats: readonly {
    readonly mimeType: string;
    readonly encoding?: string;
    readonly schema?: string;
  }[];
  /** Largest upload in bytes (the input's own limit, the server's, and what fits in one request). */
  readonly maxBytes: number;
}

/** A bounding-box field. */
export interface BboxField {
  readonly kind: "bbox";
  readonly crs: readonly string[];
  readonly dimensions: number;
}

/** Any field. */
export type Field = LiteralField | ComplexField | BboxField;

const NUMERIC_TYPES = new Set([
  "integer",
  "positiveInteger",
  "nonNegativeInteger",
  "float",
  "double",
  "angle",
]);

function ruleType(d: LiteralInputDefinition): LiteralRules["type"] {
  switch (d.dataType) {
    case "integer":
    case "positiveInteger":
    case "nonNegativeInteger":
      return "integer";
    case "float":
    case "double":
    case "angle":
      return "number";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "time":
      return "time";
    case "dateTime":
      return "datetime";
    case "anyURI":
      return "uri";
    default:
      return "string";
  }
}

function fmt(n: number): string {
  return String(n);
}

/** "1–10", "> 0", "100–200 step 10", "0–1 (open)". */
export function describeRange(r: ValueRange): string {
  const lo = r.minimum;
  const hi = r.maximum;
  const closure = r.closure ?? "closed";
  const openLo = closure === "open" || closure === "open-closed";
  const openHi = closure === "open" || closure === "closed-open";
  let s: string;
  if (lo !== undefined && hi !== undefined)
    s = `${openLo ? "above " : ""}${fmt(lo)}–${fmt(hi)}${openHi ? " (excluded)" : ""}`;
  else if (lo !== undefined) s = `${openLo ? ">" : "≥"} ${fmt(lo)}`;
  else if (hi !== undefined) s = `${openHi ? "<" : "≤"} ${fmt(hi)}`;
  else s = "any";
  return r.spacing !== undefined ? `${s} step ${fmt(r.spacing)}` : s;
}

function typeFloor(d: LiteralInputDefinition): number | undefined {
  if (d.dataType === "positiveInteger") return 1;
  if (d.dataType === "nonNegativeInteger") return 0;
  return undefined;
}

function shown(d: LiteralInputDefinition, v: LiteralValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  // `datetime-local` takes no time zone: defaults are shown in UTC, and the form sends them back with `Z`.
  if (d.dataType === "dateTime") {
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
    return Number.isNaN(t) ? s : new Date(t).toISOString().slice(0, 19);
  }
  if (d.dataType === "time") return s.replace(/([zZ]|[+-]\d\d:?\d\d)$/, "");
  return s;
}

function literalField(d: LiteralInputDefinition): LiteralField {
  const type = ruleType(d);
  const a = d.allowedValues;
  const values = a.kind === "values" ? a.values : [];
  const ranges = a.kind === "values" ? a.ranges : [];
  const value = shown(d, d.default);
  const base = {
    kind: "literal" as const,
    ...(value !== undefined ? { value } : {}),
    ...(d.uoms !== undefined && d.uoms.length > 0 ? { uoms: d.uoms } : {}),
    ...(a.kind === "reference" ? { reference: a.reference } : {}),
  };
  const rules: LiteralRules = {
    type,
    ...(values.length > 0 ? { values } : {}),
    ...(ranges.length > 0 ? { ranges } : {}),
  };
  const parts: string[] = [d.dataType];
  if (ranges.length > 0) parts.push(ranges.map(describeRange).join(" or "));
  const floor = typeFloor(d);
  if (values.length > 0 && ranges.length === 0) {
    return {
      ...base,
      widget: "select",
      rules,
      options: values.map(String),
      constraint: `one of ${values.length}`,
    };
  }
  if (type === "boolean") {
    // A checkbox cannot say "not given": an optional boolean without default gets a three-way choice.
    const widget = d.minOccurs === 0 && d.default === undefined ? "tristate" : "checkbox";
    return { ...base, widget, rules, constraint: "true or false" };
  }
  if (NUMERIC_TYPES.has(d.dataType)) {
    const only = ranges.length === 1 && values.length === 0 ? ranges[0] : undefined;
    const exclusive = only?.closure !== undefined && only.closure !== "closed";
    const min = !exclusive ? (only?.minimum ?? floor) : floor;
    const max = !exclusive ? only?.maximum : undefined;
    const spacing = only?.spacing;
    const step = spacing !== undefined ? fmt(spacing) : type === "integer" ? "1" : "any";
    if (floor !== undefined && ranges.length === 0) parts.push(`≥ ${floor}`);
    return {
      ...base,
      widget: "number",
      rules,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      step,
      constraint: [...parts, ...(values.length > 0 ? [`or one of ${values.join(", ")}`] : [])].join(", "),
    };
  }
  const widget: LiteralWidget =
    type === "date"
      ? "date"
      : type === "time"
        ? "time"
        : type === "datetime"
          ? "datetime"
          : type === "uri"
            ? "url"
            : "text";
  return {
    ...base,
    widget,
    rules,
    constraint: type === "datetime" ? "date and time, UTC" : parts.join(", "),
  };
}

/** Largest upload that fits in one execute request: base64 grows data by 4/3, and the JSON around it needs room. */
export function uploadLimit(own: number | undefined, maxInput: number, maxRequest: number): number {
  const ownBytes = own !== undefined ? own * 1024 * 1024 : Number.POSITIVE_INFINITY;
  const fits = Math.floor(Math.max(0, maxRequest - 16 * 1024) * 0.75);
  return Math.min(ownBytes, maxInput, fits);
}

/** The field of an input. */
export function fieldOf(d: InputDefinition, limits: { maxInput: number; maxRequest: number }): Field {
  switch (d.kind) {
    case "literal":
      return literalField(d);
    case "complex":
      return {
        kind: "complex",
        formats: d.formats.map((f) => ({
          mimeType: f.mimeType,
          ...(f.encoding !== undefined ? { encoding: f.encoding } : {}),
          ...(f.schema !== undefined ? { schema: f.schema } : {}),
        })),
        maxBytes: uploadLimit(d.maximumMegabytes, limits.maxInput, limits.maxRequest),
      };
    case "bbox":
      return { kind: "bbox", crs: d.crs, dimensions: d.dimensions };
  }
}

/** "1.5 MB", "300 kB", "12 B" (decimal units, as browsers and `ls -h --si` show them). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "unlimited";
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, "")} ${units[i]}`;
}
