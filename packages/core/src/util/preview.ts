/**
 * Values quoted in error messages: a client's input can be long or hold control characters, and an error report
 * (XML, JSON, a terminal) must stay short and printable.
 */

/** Shorten and de-control a value for an error message. */
export function preview(s: string, max = 80): string {
  const clean = s.replace(/[\u0000-\u001F\u007F]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
