/**
 * Summarise V8 CPU profiles (`node --cpu-prof`) without DevTools: self time by function and by module, and
 * inclusive time of Roost's own functions (each counted once per sample, so recursion does not inflate it).
 * Percentages are of busy time (idle and the program-level bucket excluded from the denominator for idle only).
 */
import { readFileSync } from "node:fs";

/** Short, stable location for a callFrame url. */
function where(url) {
  if (!url) return "";
  const pkg = /packages\/(\w+)\/dist\/(.+)$/.exec(url);
  if (pkg) return `@roost/${pkg[1]}/${pkg[2]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(url);
  if (nm) return `${nm[1]}/${nm[2]}`;
  return url.replace(/^file:\/\//, "");
}

/** The module bucket a frame's self time is charged to. */
function moduleOf(frame) {
  const url = frame.url;
  if (!url) {
    const n = frame.functionName;
    if (n === "(garbage collector)" || n === "(program)" || n === "(idle)") return n;
    return "(native / V8 builtins)";
  }
  const pkg = /packages\/(\w+)\/dist\/([^/]+)/.exec(url);
  if (pkg) return `@roost/${pkg[1]}/${pkg[2].replace(/\.js$/, "")}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm) return nm[1];
  const internal = /^node:internal\/([^/]+)/.exec(url);
  if (internal) return `node:internal/${internal[1]}`;
  if (url.startsWith("node:")) return url;
  return where(url);
}

/**
 * @param {string} file a .cpuprofile
 * @param {{ top?: number }} [opts]
 */
export function summarizeProfile(file, { top = 15 } = {}) {
  const prof = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (f) =>
    `${f.functionName || "(anonymous)"} ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ""}`;
  // Each sample's weight is the time until the next sample (timeDeltas[i + 1]); the last gets the mean.
  const deltas = prof.timeDeltas ?? [];
  const totalUs = prof.endTime - prof.startTime;
  const meanUs = totalUs / Math.max(1, prof.samples.length);
  const self = new Map();
  const modules = new Map();
  const inclusive = new Map();
  let idleUs = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const w = deltas[i + 1] ?? meanUs;
    const node = byId.get(prof.samples[i]);
    const f = node.callFrame;
    if (f.functionName === "(idle)") {
      idleUs += w;
      continue;
    }
    self.set(key(f), (self.get(key(f)) ?? 0) + w);
    const m = moduleOf(f);
    modules.set(m, (modules.get(m) ?? 0) + w);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id).callFrame;
      if (!/packages\/\w+\/dist\//.test(cf.url)) continue;
      const k = key(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + w);
    }
  }
  const busyUs = totalUs - idleUs;
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / busyUs) / 10 }));
  return {
    file,
    wallMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    selfByFunction: rank(self),
    selfByModule: rank(modules),
    inclusiveRoost: rank(inclusive),
  };
}

/** Print a summary as three short tables. */
export function printProfile(summary, log, label) {
  log(`\n${label}: ${summary.file}`);
  log(
    `  wall ${summary.wallMs} ms, busy ${summary.busyMs} ms (${((100 * summary.busyMs) / summary.wallMs).toFixed(0)} %)`,
  );
  const table = (title, rows) => {
    log(`  ${title}`);
    for (const r of rows)
      log(`    ${r.pct.toFixed(1).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  };
  table("self time by module (% of busy)", summary.selfByModule);
  table("self time by function", summary.selfByFunction);
  table("inclusive time of Roost functions", summary.inclusiveRoost);
}
