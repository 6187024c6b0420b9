/**
 * The error of the strict JSON parser: a RoostError (MalformedRequest, or FileSizeExceeded for an oversized body)
 * with the reason, the JSON pointer of the offending value and its position, so a front end can answer a 400 (413)
 * problem that says where the body is wrong.
 */
import { RoostError } from "../../errors/catalogue.js";

/** Why parsing failed. */
export type JsonErrorReason =
  | "too-large"
  | "too-deep"
  | "string-too-long"
  | "syntax"
  | "duplicate-key"
  | "forbidden-key"
  | "number-out-of-range"
  | "invalid-encoding";

/** A JSON body was refused. `path` is the JSON pointer (RFC 6901) of the value being read, `""` for the root. */
export class JsonParseError extends RoostError {
  /** What went wrong, for programs. */
  readonly reason: JsonErrorReason;
  /** JSON pointer of the offending value or member. */
  readonly path: string;
  /** Offset (UTF-16 code units) in the text where the problem was found. */
  readonly position: number;
  /** 1-based line of `position`. */
  readonly line: number;
  /** 1-based column of `position`. */
  readonly column: number;

  constructor(reason: JsonErrorReason, detail: string, path: string, position: number, text: string) {
    const { line, column } = lineColumn(text, position);
    super(
      reason === "too-large" ? "FileSizeExceeded" : "MalformedRequest",
      `Invalid JSON body: ${detail}${path === "" ? "" : ` at ${path}`} (line ${line}, column ${column})`,
      { locator: path === "" ? undefined : path },
    );
    this.reason = reason;
    this.path = path;
    this.position = position;
    this.line = line;
    this.column = column;
  }
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Escape a member name for a JSON pointer (RFC 6901). */
export function jsonPointerSegment(key: string | number): string {
  return typeof key === "number" ? String(key) : key.replace(/~/g, "~0").replace(/\//g, "~1");
}
