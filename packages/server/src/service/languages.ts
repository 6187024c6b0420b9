/**
 * Language negotiation: the service's languages are the configured ones plus every language a registered process
 * has translations for (so the demo's `translation` process works out of the box). An explicit `language=`
 * parameter must be supported exactly; `Accept-Language` picks the best supported match.
 */
import { type ProcessDefinition, RoostError } from "@roost/core/internal";

/** Supported languages, default first. */
export function supportedLanguages(
  configured: readonly string[],
  processes: readonly ProcessDefinition[],
): string[] {
  const out = [...configured];
  const seen = new Set(out.map((l) => l.toLowerCase()));
  for (const p of processes) {
    for (const l of Object.keys(p.translations ?? {})) {
      if (!seen.has(l.toLowerCase())) {
        seen.add(l.toLowerCase());
        out.push(l);
      }
    }
  }
  return out;
}

/**
 * The language of a response: `requested` (the protocol's language parameter) must be supported, else
 * InvalidParameterValue; otherwise the best `Accept-Language` match, otherwise the default.
 */
export function negotiateLanguage(
  supported: readonly string[],
  requested: string | undefined,
  acceptLanguage: string | undefined,
): string {
  const dflt = supported[0] ?? "en-US";
  if (requested !== undefined && requested !== "") {
    const hit = supported.find((l) => l.toLowerCase() === requested.toLowerCase());
    if (!hit) {
      throw new RoostError(
        "InvalidParameter",
        `Language '${requested.slice(0, 40)}' is not supported; supported: ${supported.join(", ")}`,
        {
          locator: "language",
        },
      );
    }
    return hit;
  }
  if (!acceptLanguage) return dflt;
  const prefs = acceptLanguage
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((p) => p.tag !== "" && p.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of prefs) {
    if (tag === "*") return dflt;
    const exact = supported.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const prefix = supported.find((l) => l.toLowerCase().split("-")[0] === tag.split("-")[0]);
    if (prefix) return prefix;
  }
  return dflt;
}
