/**
 * Parsing and checking literal values. The lexical forms are XML Schema's (WPS's data types are XSD types), widened
 * on purpose for what real clients send (see the README's client-quirks table):
 *
 * - `boolean`: `true`, `false`, `1`, `0` in any letter case — birdy's Python API sends Python's `str(bool)`, `True`
 *   and `False`, even for the defaults Roost advertises. Anything else (`yes`, `on`, `t`) is still refused, unlike
 *   PyWPS, which reads any unknown text as true.
 * - `dateTime`: a space instead of the `T` (RFC 3339 §5.6 allows it; Python's `str(datetime)`, which birdy sends,
 *   writes it), with or without an offset, with or without fractions of a second. The handler always gets the
 *   XML Schema form, with the `T`.
 *
 * Numbers must be finite.
 */
import type { AllowedValues, LiteralType, LiteralValue, ValueRange } from "./types.js";

/** Outcome of parsing: the value, or the reason it was refused (said to the user). */
export type ParseResult = { ok: true; value: LiteralValue } | { ok: false; reason: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TZ = "(Z|[+-](0\\d|1[0-3]):[0-5]\\d|[+-]14:00)?";
const DATE = new RegExp(`^(-?\\d{4,})-(\\d{2})-(\\d{2})${TZ}$`);
const TIME = new RegExp(`^(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${TZ}$`);
// `T` or `t` (XML Schema, RFC 3339) or one space (RFC 3339 §5.6 note, Python's `str(datetime)`) between date and time.
const DATETIME = new RegExp(
  `^(-?\\d{4,})-(\\d{2})-(\\d{2})([Tt ])(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${TZ}$`,
);

// Characters XML 1.0 cannot carry (NUL, most C0 controls, U+FFFE/U+FFFF, lone surrogates). Values containing them
// could never be echoed in a well-formed document, so they are refused at the door.
const XML_ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` contains a character XML 1.0 cannot represent. */
export function hasXmlIllegalChars(s: string): boolean {
  return XML_ILLEGAL.test(s);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkDate(y: string, m: string, d: string): string | undefined {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12) return "month must be 01–12";
  if (day < 1 || day > daysInMonth(year, month)) return `day must be 01–${daysInMonth(year, month)}`;
  return undefined;
}

function checkTime(h: string, mi: string, s: string): string | undefined {
  const hour = Number(h);
  if (hour > 24 || (hour === 24 && (Number(mi) !== 0 || Number(s) !== 0))) return "hour must be 00–23";
  if (Number(mi) > 59) return "minutes must be 00–59";
  if (Number(s) > 59) return "seconds must be 00–59";
  return undefined;
}

/** Parse the lexical form `text` of a literal of type `type`. */
export function parseLiteral(type: LiteralType, text: string): ParseResult {
  const raw = text;
  const t = type === "string" ? raw : raw.trim();
  if (hasXmlIllegalChars(raw))
    return { ok: false, reason: "contains control characters that are not allowed" };
  switch (type) {
    case "string":
      return { ok: true, value: t };
    case "anyURI":
      if (/\s/.test(t)) return { ok: false, reason: "is not a valid URI (contains white space)" };
      return { ok: true, value: t };
    case "boolean": {
      const b = t.toLowerCase();
      if (b === "true" || b === "1") return { ok: true, value: true };
      if (b === "false" || b === "0") return { ok: true, value: false };
      return { ok: false, reason: "is not a boolean (use true, false, 1 or 0)" };
    }
    case "integer":
    case "positiveInteger":
    case "nonNegativeInteger": {
      if (!INTEGER.test(t)) return { ok: false, reason: "is not an integer" };
      const n = Number(t);
      if (!Number.isSafeInteger(n)) return { ok: false, reason: "is outside the supported integer range" };
      if (type === "positiveInteger" && n <= 0) return { ok: false, reason: "must be a positive integer" };
      if (type === "nonNegativeInteger" && n < 0) return { ok: false, reason: "must not be negative" };
      return { ok: true, value: n };
    }
    case "float":
    case "double":
    case "angle": {
      if (!DECIMAL.test(t)) return { ok: false, reason: `is not a number` };
      const n = Number(t);
      if (!Number.isFinite(n)) return { ok: false, reason: "is not a finite number" };
      return { ok: true, value: n };
    }
    case "date": {
      const m = DATE.exec(t);
      if (!m) return { ok: false, reason: "is not a date (YYYY-MM-DD)" };
      const bad = checkDate(m[1]!, m[2]!, m[3]!);
      return bad ? { ok: false, reason: `is not a valid date: ${bad}` } : { ok: true, value: t };
    }
    case "time": {
      const m = TIME.exec(t);
      if (!m) return { ok: false, reason: "is not a time (hh:mm:ss)" };
      const bad = checkTime(m[1]!, m[2]!, m[3]!);
      return bad ? { ok: false, reason: `is not a valid time: ${bad}` } : { ok: true, value: t };
    }
    case "dateTime": {
      const m = DATETIME.exec(t);
      if (!m) return { ok: false, reason: "is not a date-time (YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm])" };
      const bad = checkDate(m[1]!, m[2]!, m[3]!) ?? checkTime(m[5]!, m[6]!, m[7]!);
      if (bad) return { ok: false, reason: `is not a valid date-time: ${bad}` };
      // Handlers and documents get XML Schema's form whatever separator the client used.
      const sep = m[4]!;
      return {
        ok: true,
        value: sep === "T" ? t : `${t.slice(0, m[1]!.length + 6)}T${t.slice(m[1]!.length + 7)}`,
      };
    }
  }
}

/** Convert a typed default or allowed value to its value type (authors may write `"2"` for a float). */
export function coerceLiteral(type: LiteralType, v: LiteralValue): ParseResult {
  if (typeof v === "string") return parseLiteral(type, v);
  if (typeof v === "boolean")
    return type === "boolean" ? { ok: true, value: v } : parseLiteral(type, String(v));
  return type === "boolean" ? parseLiteral(type, String(v)) : parseLiteral(type, String(v));
}

/**
 * Canonical lexical form of a value (what goes on the wire). With a floating-point `type`, integral values keep a
 * decimal point (`11.0`, as Python/PyWPS write them), so clients comparing Emu's outputs as text see the same.
 */
export function formatLiteral(v: LiteralValue, type?: LiteralType): string {
  if (
    typeof v === "number" &&
    Number.isInteger(v) &&
    (type === "float" || type === "double") &&
    Math.abs(v) < 1e21
  )
    return v.toFixed(1);
  return String(v);
}

function inRange(n: number, r: ValueRange): boolean {
  const closure = r.closure ?? "closed";
  const lowClosed = closure === "closed" || closure === "closed-open";
  const highClosed = closure === "closed" || closure === "open-closed";
  if (r.minimum !== undefined && (lowClosed ? n < r.minimum : n <= r.minimum)) return false;
  if (r.maximum !== undefined && (highClosed ? n > r.maximum : n >= r.maximum)) return false;
  if (r.spacing !== undefined && r.spacing > 0) {
    const base = r.minimum ?? 0;
    const steps = (n - base) / r.spacing;
    // Tolerance for binary floating point: 0.1 + 0.2 style errors must not reject 0.3 on a 0.1 grid.
    if (Math.abs(steps - Math.round(steps)) > 1e-9) return false;
  }
  return true;
}

/** Describe a range for messages: `1–10 (step 10)`. */
export function describeRange(r: ValueRange): string {
  const closure = r.closure ?? "closed";
  const lo = r.minimum === undefined ? "-∞" : String(r.minimum);
  const hi = r.maximum === undefined ? "∞" : String(r.maximum);
  const left = closure === "closed" || closure === "closed-open" ? "[" : "(";
  const right = closure === "closed" || closure === "open-closed" ? "]" : ")";
  return `${left}${lo}, ${hi}${right}${r.spacing ? ` step ${r.spacing}` : ""}`;
}

/**
 * Check a parsed value against allowed values. Returns the reason for refusal, or undefined when allowed.
 * `reference` lists are advisory (never fetched), so they allow everything.
 */
export function checkAllowed(
  type: LiteralType,
  value: LiteralValue,
  allowed: AllowedValues,
): string | undefined {
  if (allowed.kind !== "values") return undefined;
  for (const a of allowed.values) {
    const c = coerceLiteral(type, a);
    if (c.ok && c.value === value) return undefined;
  }
  if (typeof value === "number") {
    for (const r of allowed.ranges) if (inRange(value, r)) return undefined;
  }
  const parts = [...allowed.values.map((v) => String(v)), ...allowed.ranges.map(describeRange)];
  return `is not one of the allowed values: ${parts.join(", ")}`;
}
