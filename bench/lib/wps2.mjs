/**
 * WPS 2.0.0 on Roost against Roost's own WPS 1.0.0 front end, measured in the same run on the same server: what
 * the second protocol costs. Pairs of equivalent requests (GetCapabilities by KVP; Execute hello sync as an XML
 * POST in each version's document) are measured alternately, and the asynchronous round trip of `sleep` delay=0 —
 * WPS 2.0.0 submit (mode="async") → GetStatus polls → GetResult — is compared with the WPS 1.0.0 round trip of the
 * same run (submit → status document polls → ProcessSucceeded, `async-latency.mjs`). Ratios are WPS 2.0 / WPS 1.0
 * for req/s and WPS 1.0 / WPS 2.0 for latency, so above 1× means WPS 2.0 is faster.
 */

import { summarize } from "./async-latency.mjs";
import { get, postXml, sleep } from "./http.mjs";

const WPS2 = 'xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"';
const WPS1 = 'xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"';

/** Execute hello (sync, a Result / ExecuteResponse document), in each version's XML. */
const EXECUTE_V2 =
  `<?xml version="1.0" encoding="UTF-8"?><wps:Execute service="WPS" version="2.0.0" mode="sync" response="document" ${WPS2}>` +
  `<ows:Identifier>hello</ows:Identifier><wps:Input id="name"><wps:Data>Bench</wps:Data></wps:Input>` +
  `<wps:Output id="output" transmission="value"/></wps:Execute>`;
const EXECUTE_V1 =
  `<?xml version="1.0" encoding="UTF-8"?><wps:Execute service="WPS" version="1.0.0" ${WPS1}>` +
  `<ows:Identifier>hello</ows:Identifier><wps:DataInputs><wps:Input><ows:Identifier>name</ows:Identifier>` +
  `<wps:Data><wps:LiteralData>Bench</wps:LiteralData></wps:Data></wps:Input></wps:DataInputs></wps:Execute>`;

/**
 * @typedef {import("./scenarios.mjs").Scenario} Scenario
 * @typedef {{ id: string, label: string, v1: Scenario, v2: Scenario }} Pair
 */

/** @type {Pair[]} */
export const WPS2_PAIRS = [
  {
    id: "wps2-getcapabilities",
    label: "GetCapabilities",
    v1: {
      id: "wps1-getcapabilities",
      label: "WPS 1.0 GetCapabilities",
      query: "service=WPS&request=GetCapabilities",
      expect: ["<wps:Capabilities", 'version="1.0.0"', "<ows:Identifier>hello</ows:Identifier>"],
    },
    v2: {
      id: "wps2-getcapabilities",
      label: "WPS 2.0 GetCapabilities",
      query: "service=WPS&request=GetCapabilities&AcceptVersions=2.0.0",
      expect: ["<wps:Capabilities", 'version="2.0.0"', "<ows:Identifier>hello</ows:Identifier>"],
    },
  },
  {
    id: "wps2-execute-hello",
    label: "Execute hello (sync, XML POST)",
    v1: {
      id: "wps1-execute-post",
      label: "WPS 1.0 Execute hello POST",
      post: EXECUTE_V1,
      expect: ["ProcessSucceeded", "Hello Bench"],
    },
    v2: {
      id: "wps2-execute-post",
      label: "WPS 2.0 Execute hello POST",
      post: EXECUTE_V2,
      expect: ["<wps:Result", "Hello Bench"],
    },
  },
];

const SUBMIT_V2 =
  `<?xml version="1.0" encoding="UTF-8"?><wps:Execute service="WPS" version="2.0.0" mode="async" response="document" ${WPS2}>` +
  `<ows:Identifier>sleep</ows:Identifier><wps:Input id="delay"><wps:Data>0</wps:Data></wps:Input>` +
  `<wps:Output id="sleep_output" transmission="value"/></wps:Execute>`;

/**
 * One WPS 2.0.0 job: submit → StatusInfo (Accepted), GetStatus every `pollMs` until Succeeded, then GetResult.
 * Returns submit → response, submit → Succeeded seen, submit → Result received (ms) and the number of polls.
 */
async function oneJob(wps, { pollMs, timeoutMs }) {
  const t0 = performance.now();
  const r = await postXml(wps, SUBMIT_V2);
  const accepted = performance.now() - t0;
  const id = /<wps:JobID>([^<]+)<\/wps:JobID>/.exec(r.body)?.[1];
  if (r.status !== 200 || !id || !r.body.includes("<wps:Status>")) {
    throw new Error(`WPS 2.0 async submit: HTTP ${r.status}\n${r.body.slice(0, 600)}`);
  }
  let polls = 0;
  for (;;) {
    const s = await get(`${wps}?service=WPS&version=2.0.0&request=GetStatus&JobID=${id}`);
    polls++;
    if (s.status !== 200) throw new Error(`GetStatus: HTTP ${s.status}\n${s.body.slice(0, 600)}`);
    if (s.body.includes("<wps:Status>Succeeded</wps:Status>")) break;
    if (/<wps:Status>(Failed|Dismissed)</.test(s.body))
      throw new Error(`WPS 2.0 job ${id} ended:\n${s.body}`);
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`WPS 2.0 job ${id} not done after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
  const succeeded = performance.now() - t0;
  const res = await get(`${wps}?service=WPS&version=2.0.0&request=GetResult&JobID=${id}`);
  if (res.status !== 200 || !res.body.includes("done sleeping"))
    throw new Error(`GetResult: HTTP ${res.status}\n${res.body.slice(0, 600)}`);
  return { accepted, succeeded, result: performance.now() - t0, polls };
}

/**
 * `jobs` sequential WPS 2.0.0 jobs after `warmup` untimed ones, as `asyncLatency` does for WPS 1.0.0.
 * @param {string} wps
 * @param {{ jobs: number, pollMs?: number, warmup?: number, timeoutMs?: number }} opts
 */
export async function asyncLatencyWps2(wps, { jobs, pollMs = 1, warmup = 3, timeoutMs = 30_000 }) {
  for (let i = 0; i < warmup; i++) await oneJob(wps, { pollMs, timeoutMs });
  const runs = [];
  for (let i = 0; i < jobs; i++) runs.push(await oneJob(wps, { pollMs, timeoutMs }));
  return {
    jobs,
    pollMs,
    accepted: summarize(runs.map((r) => r.accepted)),
    succeeded: summarize(runs.map((r) => r.succeeded)),
    result: summarize(runs.map((r) => r.result)),
    pollsPerJob: runs.reduce((a, r) => a + r.polls, 0) / jobs,
    raw: runs,
  };
}

const fmt = (v) => (v === undefined || Number.isNaN(v) ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (v) => (v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(2)}×`);

/**
 * Rows comparing the versions: `{ what, conns, v1, v2, ratio }` for the throughput pairs (req/s, p50 ms, CPU µs per
 * request) and the async round trips (p50 ms).
 * @param {{ runs: object[], async?: { wps1?: object, wps2?: object } }} r
 */
export function wps2Rows(r) {
  const out = [];
  for (const run of r.runs) {
    // CPU per request (all of Roost's processes) is the figure a busy machine distorts least.
    const cell = (x) =>
      !x
        ? "–"
        : x.error
          ? "ERR"
          : `${fmt(x.rps)} req/s, p50 ${x.p50.toFixed(2)} ms${x.cpu ? `, ${x.cpu.totalUs} µs CPU` : ""}`;
    const ok = run.v1 && run.v2 && !run.v1.error && !run.v2.error;
    out.push({
      what: run.label,
      conns: String(run.connections),
      v1: cell(run.v1),
      v2: cell(run.v2),
      ratio: ok ? ratio(run.v2.rps / run.v1.rps) : "–",
    });
  }
  const a1 = r.async?.wps1;
  const a2 = r.async?.wps2;
  if (a1 || a2) {
    const p = (x) => (x ? `p50 ${fmt(x.p50)} ms, p90 ${fmt(x.p90)} ms` : "–");
    out.push({
      what: "async sleep(0): submit → response",
      conns: "1",
      v1: p(a1?.accepted),
      v2: p(a2?.accepted),
      ratio: a1 && a2 ? ratio(a1.accepted.p50 / a2.accepted.p50) : "–",
    });
    out.push({
      what: "async sleep(0): submit → result (1.0: ProcessSucceeded document; 2.0: GetResult)",
      conns: "1",
      v1: p(a1?.succeeded),
      v2: p(a2?.result),
      ratio: a1 && a2 ? ratio(a1.succeeded.p50 / a2.result.p50) : "–",
    });
  }
  return out;
}

const HEAD = { what: "Request", conns: "conns", v1: "WPS 1.0.0", v2: "WPS 2.0.0", ratio: "2.0 vs 1.0" };

/** The comparison as a terminal table or Markdown. */
export function wps2Table(r, { markdown = false } = {}) {
  const rows = wps2Rows(r);
  const cols = Object.keys(HEAD);
  if (markdown) {
    return [
      `| ${cols.map((c) => HEAD[c]).join(" | ")} |`,
      "|---|---:|---:|---:|---:|",
      ...rows.map((x) => `| ${cols.map((c) => x[c]).join(" | ")} |`),
    ].join("\n");
  }
  const all = [HEAD, ...rows];
  const w = Object.fromEntries(cols.map((c) => [c, Math.max(...all.map((x) => x[c].length))]));
  const line = (x) => cols.map((c) => (c === "what" ? x[c].padEnd(w[c]) : x[c].padStart(w[c]))).join("  ");
  return [line(HEAD), cols.map((c) => "-".repeat(w[c])).join("  "), ...rows.map(line)].join("\n");
}
