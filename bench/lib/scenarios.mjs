/**
 * The requests both servers get, and what a correct answer contains. Every measured run is bracketed by a check
 * request and its average response size is compared with the checked one, so a fast error page (an
 * ExceptionReport is a few hundred bytes and renders in microseconds) can never be reported as throughput.
 */
import { get, postXml } from "./http.mjs";

/**
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} label
 * @property {string} [query]    KVP query string after `/wps?` (GET)
 * @property {string} [post]     an XML request document POSTed to `/wps` instead
 * @property {string[]} expect   substrings a correct body contains
 */

/**
 * Where and how a scenario is sent: the URL, and the body every request POSTs (undefined for GET).
 * @param {string} wps
 * @param {Scenario} scenario
 */
export function requestOf(wps, scenario) {
  return scenario.post
    ? {
        url: wps,
        post: { body: scenario.post, contentType: "application/xml" },
        req: { method: "POST", body: scenario.post, headers: { "content-type": "application/xml" } },
      }
    : { url: `${wps}?${scenario.query}`, post: undefined, req: undefined };
}

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    id: "getcapabilities",
    label: "GetCapabilities",
    query: "service=WPS&request=GetCapabilities",
    expect: [
      "<wps:Capabilities",
      "<ows:Identifier>hello</ows:Identifier>",
      "<ows:Identifier>sleep</ows:Identifier>",
    ],
  },
  {
    id: "describe-hello",
    label: "DescribeProcess hello",
    query: "service=WPS&version=1.0.0&request=DescribeProcess&identifier=hello",
    expect: [
      "ProcessDescriptions",
      "<ows:Identifier>hello</ows:Identifier>",
      "<ows:Identifier>name</ows:Identifier>",
    ],
  },
  {
    id: "execute-hello",
    label: "Execute hello (sync)",
    query: "service=WPS&version=1.0.0&request=Execute&identifier=hello&DataInputs=name=Bench",
    expect: ["ProcessSucceeded", "Hello Bench"],
  },
];

/**
 * Send the scenario once and throw unless it is a 200 XML document containing every expected string and no
 * exception report. Returns the response's size on the wire (headers + body) for the size cross-check.
 * @param {string} wps  the server's /wps URL
 * @param {Scenario} scenario
 */
export async function checkScenario(wps, scenario) {
  const { url, post } = requestOf(wps, scenario);
  const r = post ? await postXml(url, post.body) : await get(url);
  const problems = [];
  if (r.status !== 200) problems.push(`HTTP ${r.status}`);
  if (!/xml/.test(String(r.headers["content-type"])))
    problems.push(`content-type ${r.headers["content-type"]}`);
  if (/ExceptionReport/.test(r.body)) problems.push("exception report");
  for (const s of scenario.expect) if (!r.body.includes(s)) problems.push(`no '${s}'`);
  if (problems.length > 0) {
    throw new Error(
      `check failed for ${scenario.label} at ${url}: ${problems.join(", ")}\n${r.body.slice(0, 600)}`,
    );
  }
  return { bytes: r.headerBytes + Buffer.byteLength(r.body), bodyBytes: Buffer.byteLength(r.body) };
}

/**
 * Problems with a load run: any non-2xx response, any socket error other than reads closed by the server, or an
 * average response size more than 10 % away from the checked one (an error body of a different size).
 * @param {import("./load.mjs").LoadResult} run
 * @param {number} expectedBytes
 * @returns {string[]}
 */
export function validateRun(run, expectedBytes) {
  const problems = [];
  if (run.requests === 0) problems.push("no responses");
  if (run.non2xx > 0) problems.push(`${run.non2xx} non-2xx responses`);
  const { connect, write, timeout, read } = run.socketErrors;
  if (connect + write + timeout > 0)
    problems.push(`socket errors: connect ${connect}, write ${write}, timeout ${timeout}`);
  if (read > run.requests * 0.01) problems.push(`${read} read errors`);
  if (run.requests > 0) {
    const avg = run.bytes / run.requests;
    run.avgResponseBytes = Math.round(avg);
    if (Math.abs(avg - expectedBytes) > expectedBytes * 0.1) {
      problems.push(`average response ${Math.round(avg)} B, the checked response is ${expectedBytes} B`);
    }
  }
  return problems;
}
