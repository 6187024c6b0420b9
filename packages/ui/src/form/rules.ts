/**
 * In-page checks of literal values, from the rules the server put in `data-rules` (see the server's
 * `http/ui/field-model.ts`): type, allowed values and ranges with their closure and spacing. A value that fails
 * is reported beside its field and nothing is sent.
 */

/** A range of allowed values (`ows:Range`). */
export interface Range {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly spacing?: number;
  readonly closure?: "closed" | "open" | "closed-open" | "open-closed";
}

/** The rules of a literal field. */
export interface LiteralRules {
  readonly type: "integer" | "number" | "boolean" | "date" | "time" | "datetime" | "uri" | "string";
  readonly values?: readonly (string | number)[];
  readonly ranges?: readonly Range[];
}

function inRange(n: number, r: Range): boolean {
  const c = r.closure ?? "closed";
  const openLo = c === "open" || c === "open-closed";
  const openHi = c === "open" || c === "closed-open";
  if (r.minimum !== undefined && (openLo ? n <= r.minimum : n < r.minimum)) return false;
  if (r.maximum !== undefined && (openHi ? n >= r.maximum : n > r.maximum)) return false;
  if (r.spacing !== undefined && r.spacing > 0) {
    const q = (n - (r.minimum ?? 0)) / r.spacing;
    if (Math.abs(q - Math.round(q)) > 1e-9) return false;
  }
  return true;
}

/** "1–10", "100–200 step 10", "≥ 0". */
export function describeRange(r: Range): string {
  const lo = r.minimum;
  const hi = r.maximum;
  const s =
    lo !== undefined && hi !== undefined
      ? `${lo}–${hi}`
      : lo !== undefined
        ? `≥ ${lo}`
        : hi !== undefined
          ? `≤ ${hi}`
          : "any";
  const c = r.closure ?? "closed";
  const note = c === "closed" ? "" : ` (${c.replace("-", "/")})`;
  return `${s}${r.spacing !== undefined ? ` step ${r.spacing}` : ""}${note}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The typed value of a widget's text, or an error message. */
export function checkLiteral(
  text: string,
  rules: LiteralRules,
): { ok: true; value: string | number | boolean } | { ok: false; message: string } {
  const t = text.trim();
  let value: string | number | boolean = text;
  switch (rules.type) {
    case "integer": {
      if (!/^[+-]?\d+$/.test(t)) return { ok: false, message: "Enter a whole number" };
      value = Number(t);
      if (!Number.isSafeInteger(value)) return { ok: false, message: "This number is too large" };
      break;
    }
    case "number": {
      const n = Number(t);
      if (t === "" || !Number.isFinite(n)) return { ok: false, message: "Enter a number" };
      value = n;
      break;
    }
    case "boolean":
      if (t !== "true" && t !== "false") return { ok: false, message: "Choose true or false" };
      value = t === "true";
      break;
    case "date":
      // A real calendar date: 2024-02-30 does not survive the round trip.
      if (
        !DATE.test(t) ||
        Number.isNaN(Date.parse(t)) ||
        new Date(`${t}T00:00:00Z`).toISOString().slice(0, 10) !== t
      )
        return { ok: false, message: "Enter a date (YYYY-MM-DD)" };
      value = t;
      break;
    case "time":
      if (!TIME.test(t)) return { ok: false, message: "Enter a time (HH:MM:SS)" };
      value = t.length === 5 ? `${t}:00` : t;
      break;
    case "datetime":
      if (!DATETIME.test(t)) return { ok: false, message: "Enter a date and time" };
      value = `${t.length === 16 ? `${t}:00` : t}Z`;
      break;
    case "uri":
      try {
        new URL(t);
      } catch {
        return { ok: false, message: "Enter an absolute URL (https://…)" };
      }
      value = t;
      break;
    default:
      value = text;
  }
  const values = rules.values ?? [];
  const ranges = rules.ranges ?? [];
  if (values.length === 0 && ranges.length === 0) return { ok: true, value };
  if (values.some((v) => String(v) === String(value))) return { ok: true, value };
  if (typeof value === "number" && ranges.some((r) => inRange(value as number, r)))
    return { ok: true, value };
  const allowed = [
    ...(values.length > 0 ? [`one of ${values.join(", ")}`] : []),
    ...ranges.map(describeRange),
  ];
  return { ok: false, message: `Must be ${allowed.join(" or ")}` };
}
