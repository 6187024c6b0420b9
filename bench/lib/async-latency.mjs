/**
 * Asynchronous round trip: submit `sleep` with delay=0, storeExecuteResponse=true and status=true, then poll
 * `statusLocation` every `pollMs` on keep-alive connections until ProcessSucceeded. Jobs run one after the other,
 * so the figure is the latency a single user sees, not a throughput. Method as in shared/docs/wps.md §3.4, except
 * the poll interval (1 ms by default instead of 5 ms, so the poll granularity adds little to a ~10 ms target).
 */

import { get, sleep } from "./http.mjs";
import { quantile } from "./load.mjs";

const SUBMIT =
  "service=WPS&version=1.0.0&request=Execute&identifier=sleep&DataInputs=delay=0&storeExecuteResponse=true&status=true";

/** `&amp;` etc. in an attribute value. */
const unescapeXml = (s) =>
  s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]);

/**
 * One job; returns submit → response (ProcessAccepted or later) and submit → ProcessSucceeded in ms, the number of
 * polls, and how many polls saw no usable document (404 or an empty/partial file: PyWPS writes status files in
 * place).
 */
async function oneJob(wps, { pollMs, timeoutMs }) {
  const t0 = performance.now();
  const r = await get(`${wps}?${SUBMIT}`);
  const accepted = performance.now() - t0;
  if (r.status !== 200 || !/Process(Accepted|Started|Succeeded)/.test(r.body)) {
    throw new Error(`async submit: HTTP ${r.status}\n${r.body.slice(0, 600)}`);
  }
  if (r.body.includes("ProcessSucceeded")) return { accepted, succeeded: accepted, polls: 0, unusable: 0 };
  const loc = /statusLocation="([^"]+)"/.exec(r.body);
  if (!loc) throw new Error(`async submit: no statusLocation\n${r.body.slice(0, 600)}`);
  const statusUrl = unescapeXml(loc[1]);
  let polls = 0;
  let unusable = 0;
  for (;;) {
    const s = await get(statusUrl);
    polls++;
    const now = performance.now();
    if (s.status === 200 && s.body.includes("ProcessSucceeded")) {
      return { accepted, succeeded: now - t0, polls, unusable };
    }
    if (s.body.includes("ProcessFailed") || s.body.includes("ExceptionReport")) {
      throw new Error(`async job failed: ${statusUrl}\n${s.body.slice(0, 600)}`);
    }
    if (s.status !== 200 || !s.body.includes("</wps:ExecuteResponse>")) unusable++;
    if (now - t0 > timeoutMs) throw new Error(`async job not done after ${timeoutMs} ms: ${statusUrl}`);
    await sleep(pollMs);
  }
}

/** Summary statistics (ms) of an array of durations. */
export function summarize(values) {
  const v = [...values].sort((a, b) => a - b);
  return {
    n: v.length,
    min: v[0],
    p50: quantile(v, 0.5),
    p90: quantile(v, 0.9),
    p99: quantile(v, 0.99),
    max: v[v.length - 1],
    mean: v.reduce((a, b) => a + b, 0) / v.length,
  };
}

/**
 * `jobs` sequential jobs after `warmup` untimed ones (the first jobs pay for worker start-up and JIT).
 * @param {string} wps
 * @param {{ jobs: number, pollMs?: number, warmup?: number, timeoutMs?: number }} opts
 */
export async function asyncLatency(wps, { jobs, pollMs = 1, warmup = 3, timeoutMs = 30_000 }) {
  for (let i = 0; i < warmup; i++) await oneJob(wps, { pollMs, timeoutMs });
  const runs = [];
  for (let i = 0; i < jobs; i++) runs.push(await oneJob(wps, { pollMs, timeoutMs }));
  return {
    jobs,
    pollMs,
    accepted: summarize(runs.map((r) => r.accepted)),
    succeeded: summarize(runs.map((r) => r.succeeded)),
    pollsPerJob: runs.reduce((a, r) => a + r.polls, 0) / jobs,
    unusablePolls: runs.reduce((a, r) => a + r.unusable, 0),
    raw: runs,
  };
}
