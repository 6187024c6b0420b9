/**
 * "Did you mean …?" hints for mistyped identifiers (inputs, options, processes): what people get wrong in a WPS
 * identifier is mostly case, punctuation or a letter or two, so those are what counts as close.
 */

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Identifiers close to `id` (same letters ignoring case and punctuation, containment, or a typo or two), for hints. */
export function suggest(id: string, candidates: readonly string[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const n = norm(id);
  if (n === "") return [];
  return candidates.filter((c) => {
    const m = norm(c);
    if (m === n) return true;
    if (n.length > 2 && (m.includes(n) || n.includes(m))) return true;
    return n.length > 3 && distance(m, n) <= (n.length > 6 ? 2 : 1);
  });
}
