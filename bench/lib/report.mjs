/**
 * Tables for the terminal and for the README, and the target verdicts. Throughput ratios are Roost/PyWPS (higher
 * is better for Roost); latency ratios are PyWPS/Roost, so that every ratio reads "times better than PyWPS".
 */

/** Targets from the issue (2-core machine). */
export const TARGETS = {
  throughputRatio: 30,
  asyncP50Ms: 10,
};

/**
 * PyWPS 4.5.2 as measured in shared/docs/wps.md §3.4 (same kind of 2-core VM, idle, gunicorn 4 workers, wrk on
 * the same cores): printed next to the same-run ratios because PyWPS suffers far more than Roost from a busy
 * machine (CPU steal and slow fsyncs), so on a shared machine the same-run ratio flatters Roost.
 */
export const DOCUMENTED_PYWPS = {
  "getcapabilities/8": 108.1,
  "getcapabilities/1": 82.8,
  "describe-hello/8": 119.2,
  "describe-hello/1": 71.0,
  "execute-hello/8": 77.0,
  "execute-hello/1": 54.6,
  asyncSucceededP50: 45.1,
  asyncAcceptedP50: 20.6,
};

export const fmtRps = (v) =>
  v === undefined || Number.isNaN(v) ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(1);
export const fmtMs = (v) =>
  v === undefined || Number.isNaN(v) ? "–" : v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
const fmtRatio = (v) =>
  v === undefined || !Number.isFinite(v) ? "–" : `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×`;

/**
 * Rows shared by the terminal and Markdown tables.
 * @param {object} results `{ runs: [{ scenario, label, connections, roost, pywps }], async: { roost, pywps } }`
 */
export function rows(results) {
  const out = [];
  for (const r of results.runs) {
    const lat = (x) => (!x ? "–" : x.error ? "ERR" : `${fmtMs(x.p50)} / ${fmtMs(x.p90)} / ${fmtMs(x.p99)}`);
    out.push({
      what: r.label,
      conns: String(r.connections),
      roost: r.roost?.error ? "ERR" : fmtRps(r.roost?.rps),
      pywps: r.pywps?.error ? "ERR" : fmtRps(r.pywps?.rps),
      ratio: r.pywps ? fmtRatio(r.roost.rps / r.pywps.rps) : "–",
      roostLat: lat(r.roost),
      pywpsLat: lat(r.pywps),
    });
  }
  const a = results.async;
  for (const [k, label] of [
    ["accepted", "async sleep(0): submit → response"],
    ["succeeded", "async sleep(0): submit → ProcessSucceeded"],
  ]) {
    if (!a?.roost && !a?.pywps) continue;
    const ro = a.roost?.[k];
    const py = a.pywps?.[k];
    out.push({
      what: label,
      conns: "1",
      roost: "",
      pywps: "",
      ratio: ro && py ? fmtRatio(py.p50 / ro.p50) : "–",
      roostLat: ro ? `${fmtMs(ro.p50)} / ${fmtMs(ro.p90)} / ${fmtMs(ro.p99)}` : "–",
      pywpsLat: py ? `${fmtMs(py.p50)} / ${fmtMs(py.p90)} / ${fmtMs(py.p99)}` : "–",
    });
  }
  return out;
}

const HEAD = {
  what: "Request",
  conns: "conns",
  roost: "Roost req/s",
  pywps: "PyWPS req/s",
  ratio: "ratio",
  roostLat: "Roost p50 / p90 / p99 ms",
  pywpsLat: "PyWPS p50 / p90 / p99 ms",
};
const COLS = Object.keys(HEAD);
const RIGHT = new Set(["conns", "roost", "pywps", "ratio", "roostLat", "pywpsLat"]);

/** Fixed-width table for the terminal. */
export function textTable(results) {
  const all = [HEAD, ...rows(results)];
  const width = Object.fromEntries(COLS.map((c) => [c, Math.max(...all.map((r) => r[c].length))]));
  const line = (r) =>
    COLS.map((c) => (RIGHT.has(c) ? r[c].padStart(width[c]) : r[c].padEnd(width[c]))).join("  ");
  const rule = COLS.map((c) => "-".repeat(width[c])).join("  ");
  return [line(HEAD), rule, ...all.slice(1).map(line)].join("\n");
}

/** Markdown table for the README (ratios: throughput Roost/PyWPS, async latency PyWPS/Roost). */
export function markdownTable(results) {
  const all = rows(results);
  const head = `| ${COLS.map((c) => HEAD[c]).join(" | ")} |`;
  const sep = `|${COLS.map((c) => (RIGHT.has(c) ? "---:" : "---")).join("|")}|`;
  return [head, sep, ...all.map((r) => `| ${COLS.map((c) => r[c]).join(" | ")} |`)].join("\n");
}

/**
 * CPU µs per request of each server (all its processes) and the ratio PyWPS/Roost, i.e. how many requests Roost
 * serves with the CPU PyWPS spends on one. On an idle machine where both are CPU-bound this approaches the
 * throughput ratio; on a shared one it is the figure that background load distorts least.
 */
export function cpuTable(results, { markdown = false } = {}) {
  const head = ["Request", "conns", "Roost µs/req", "PyWPS µs/req", "ratio"];
  const body = results.runs.map((r) => {
    const ro = r.roost?.cpu?.totalUs;
    const py = r.pywps?.cpu?.totalUs;
    return [
      r.label,
      String(r.connections),
      ro === undefined ? "–" : String(ro),
      py === undefined ? "–" : String(py),
      ro && py ? fmtRatio(py / ro) : "–",
    ];
  });
  if (markdown) {
    return [
      `| ${head.join(" | ")} |`,
      "|---|---:|---:|---:|---:|",
      ...body.map((b) => `| ${b.join(" | ")} |`),
    ].join("\n");
  }
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...body.map(line)].join("\n");
}

/**
 * PASS/MISS per target. Throughput targets are checked at both connection counts; without PyWPS they cannot be
 * judged (n/a) — the documented baseline is printed for orientation only.
 */
export function verdicts(results) {
  const out = [];
  for (const id of ["getcapabilities", "execute-hello"]) {
    for (const r of results.runs.filter((x) => x.scenario === id)) {
      const ratio = r.pywps ? r.roost.rps / r.pywps.rps : undefined;
      const failed = r.roost?.error || r.pywps?.error;
      const doc = DOCUMENTED_PYWPS[`${id}/${r.connections}`];
      const cpuRatio =
        r.roost?.cpu?.totalUs && r.pywps?.cpu?.totalUs
          ? r.pywps.cpu.totalUs / r.roost.cpu.totalUs
          : undefined;
      const docRatio = doc !== undefined && !r.roost?.error ? r.roost.rps / doc : undefined;
      out.push({
        target: `${r.label}, ${r.connections} conn: throughput ≥ ${TARGETS.throughputRatio}× PyWPS`,
        measured: failed ? "run failed" : ratio === undefined ? "PyWPS not measured" : `${ratio.toFixed(1)}×`,
        verdict: failed
          ? "ERR"
          : ratio === undefined
            ? "n/a"
            : ratio >= TARGETS.throughputRatio
              ? "PASS"
              : "MISS",
        documented: [
          cpuRatio === undefined ? undefined : `CPU/req ${cpuRatio.toFixed(1)}×`,
          docRatio === undefined
            ? undefined
            : `vs documented ${doc} req/s: ${docRatio.toFixed(1)}× (${docRatio >= TARGETS.throughputRatio ? "would pass" : "would miss"})`,
        ]
          .filter(Boolean)
          .join("; "),
      });
    }
  }
  const p50 = results.async?.roost?.succeeded?.p50;
  if (p50 !== undefined) {
    out.push({
      target: `async sleep(0) submit → ProcessSucceeded p50 ≤ ${TARGETS.asyncP50Ms} ms`,
      measured: `${fmtMs(p50)} ms`,
      verdict: p50 <= TARGETS.asyncP50Ms ? "PASS" : "MISS",
      documented: `documented PyWPS: ${DOCUMENTED_PYWPS.asyncSucceededP50} ms`,
    });
  }
  return out;
}
