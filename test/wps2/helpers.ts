/**
 * Shared pieces of the WPS 2.0.0 front-end suite: KVP and XML requests against a running server (request documents
 * written here by hand, not by the codec under test), and the assertions every answer must pass — XSD validity
 * against the WPS 2.0 schemas (`wps.xsd`) or OWS 2.0 `owsExceptionReport.xsd`, the exception's code, locator and
 * HTTP status, and nothing that betrays the server's insides.
 */
import { fileURLToPath } from "node:url";
import { wps2 } from "@roost/core/internal";
import { expect } from "vitest";
import { expectValid } from "../helpers/xsd.js";
import { esc, expectNoLeak, get, kvp, post, type Res, sleep } from "../wps1/helpers.js";

export { esc, expectNoLeak, get, kvp, post, type Res, sleep };

const FIXTURES = fileURLToPath(new URL("../fixtures/processes/", import.meta.url));

/** Fixture process modules (`processes.modules`). */
export const FIXTURE = {
  wps2: `${FIXTURES}wps2.ts`,
  observable: `${FIXTURES}observable.ts`,
} as const;

export const WPS2_NS = "http://www.opengis.net/wps/2.0";
export const OWS2_NS = "http://www.opengis.net/ows/2.0";
export const XLINK_NS = "http://www.w3.org/1999/xlink";
/** Namespace declarations of every request root built here. */
export const NS2 = `xmlns:wps="${WPS2_NS}" xmlns:ows="${OWS2_NS}" xmlns:xlink="${XLINK_NS}"`;
/** The XML declaration and a WPS 2.0.0 request root's fixed attributes. */
export const ROOT_ATTRS = `service="WPS" version="2.0.0" ${NS2}`;

/** A KVP request of WPS 2.0.0 (service and version filled in; names as given). */
export function kvp2(base: string, params: Readonly<Record<string, string>>): Promise<Res> {
  return kvp(base, { service: "WPS", version: "2.0.0", ...params });
}

/** POST a WPS 2.0.0 request (Content-Type application/xml, as ets-wps20 sends). */
export function post2(base: string, body: string): Promise<Res> {
  return post(base, body, { "content-type": "application/xml" });
}

/** One input of an Execute. */
export type Input2 =
  | string
  | { readonly literal: string; readonly dataType?: string; readonly uom?: string }
  | { readonly complex: string; readonly mimeType?: string; readonly encoding?: string }
  | { readonly xml: string; readonly mimeType?: string }
  | { readonly href: string; readonly mimeType?: string }
  | { readonly bbox: readonly [number, number, number, number]; readonly crs?: string };

/** One requested output. */
export interface Output2 {
  readonly id: string;
  readonly transmission?: "value" | "reference";
  readonly mimeType?: string;
  readonly encoding?: string;
}

/** Options of {@link executeXml}. */
export interface Execute2Options {
  readonly mode?: string;
  readonly response?: string;
  readonly outputs?: readonly Output2[];
  /** Extra attributes on the root (e.g. `xml:lang="fr-CA"`). */
  readonly attrs?: string;
}

function inputXml(id: string, v: Input2): string {
  let body: string;
  if (typeof v === "string") {
    // The text/plain literal encoding (OGC 14-065r2 §8.2), the spec's own example form.
    body = `<wps:Data>${esc(v)}</wps:Data>`;
  } else if ("literal" in v) {
    const a = `${v.dataType ? ` dataType="${esc(v.dataType)}"` : ""}${v.uom ? ` uom="${esc(v.uom)}"` : ""}`;
    body = `<wps:Data mimeType="text/xml"><wps:LiteralValue${a}>${esc(v.literal)}</wps:LiteralValue></wps:Data>`;
  } else if ("complex" in v) {
    const a = `${v.mimeType ? ` mimeType="${esc(v.mimeType)}"` : ""}${v.encoding ? ` encoding="${esc(v.encoding)}"` : ""}`;
    body = `<wps:Data${a}><![CDATA[${v.complex.replace(/]]>/g, "]]]]><![CDATA[>")}]]></wps:Data>`;
  } else if ("xml" in v) {
    body = `<wps:Data${v.mimeType ? ` mimeType="${esc(v.mimeType)}"` : ""}>${v.xml}</wps:Data>`;
  } else if ("href" in v) {
    body = `<wps:Reference xlink:href="${esc(v.href)}"${v.mimeType ? ` mimeType="${esc(v.mimeType)}"` : ""}/>`;
  } else {
    const [a, b, c, d] = v.bbox;
    body =
      `<wps:Data mimeType="text/xml"><ows:BoundingBox${v.crs ? ` crs="${esc(v.crs)}"` : ""} dimensions="2">` +
      `<ows:LowerCorner>${a} ${b}</ows:LowerCorner><ows:UpperCorner>${c} ${d}</ows:UpperCorner>` +
      `</ows:BoundingBox></wps:Data>`;
  }
  return `<wps:Input id="${esc(id)}">${body}</wps:Input>`;
}

function outputXml(o: Output2): string {
  const a =
    (o.transmission ? ` transmission="${o.transmission}"` : "") +
    (o.mimeType ? ` mimeType="${esc(o.mimeType)}"` : "") +
    (o.encoding ? ` encoding="${esc(o.encoding)}"` : "");
  return `<wps:Output id="${esc(o.id)}"${a}/>`;
}

/** A WPS 2.0.0 Execute document; inputs as a record or as [id, value] pairs (repeats allowed). */
export function executeXml(
  processId: string,
  inputs: Readonly<Record<string, Input2>> | readonly (readonly [string, Input2])[] = {},
  o: Execute2Options = {},
): string {
  const list = Array.isArray(inputs) ? inputs : Object.entries(inputs);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<wps:Execute ${ROOT_ATTRS} mode="${o.mode ?? "sync"}" response="${o.response ?? "document"}"${o.attrs ? ` ${o.attrs}` : ""}>` +
    `<ows:Identifier>${esc(processId)}</ows:Identifier>` +
    list.map(([id, v]) => inputXml(id, v)).join("") +
    (o.outputs ?? []).map(outputXml).join("") +
    `</wps:Execute>`
  );
}

/** POST an Execute built by {@link executeXml}. */
export function execute(
  base: string,
  processId: string,
  inputs: Readonly<Record<string, Input2>> | readonly (readonly [string, Input2])[] = {},
  o: Execute2Options = {},
): Promise<Res> {
  return post2(base, executeXml(processId, inputs, o));
}

/** A GetStatus, GetResult or Dismiss request document. */
export function jobRequestXml(op: "GetStatus" | "GetResult" | "Dismiss", jobId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><wps:${op} ${ROOT_ATTRS}><wps:JobID>${esc(jobId)}</wps:JobID></wps:${op}>`;
}

/** GetStatus, GetResult or Dismiss by KVP (`JobID` as ets-wps20 spells it) or by XML POST. */
export function jobRequest(
  base: string,
  op: "GetStatus" | "GetResult" | "Dismiss",
  jobId: string,
  binding: "kvp" | "xml" = "kvp",
): Promise<Res> {
  return binding === "kvp"
    ? kvp2(base, { request: op, JobID: jobId })
    : post2(base, jobRequestXml(op, jobId));
}

/** A 200 XML answer valid against the WPS 2.0 schemas. */
export async function expectDoc(res: Res): Promise<void> {
  expect(res.status, res.body.slice(0, 800)).toBe(200);
  expect(res.type).toMatch(/^text\/xml/);
  await expectValid(res.body, "wps2");
  expectNoLeak(res.body);
}

/** A valid StatusInfo with HTTP 200, decoded. */
export async function expectStatusInfo(res: Res): Promise<wps2.Wps2StatusInfo> {
  await expectDoc(res);
  return wps2.decodeStatusInfo(res.body);
}

/** A valid Result with HTTP 200, decoded. */
export async function expectResult(res: Res): Promise<wps2.Wps2Result> {
  await expectDoc(res);
  return wps2.decodeResult(res.body);
}

/** Expected shape of a WPS 2.0.0 ExceptionReport answer. */
export interface Expected2 {
  readonly status: number;
  readonly code: string;
  /** Exact locator; `null`: no locator; undefined: not checked. */
  readonly locator?: string | null;
  /** A fragment the first ExceptionText must contain. */
  readonly text?: string | RegExp;
}

/**
 * Assert an OWS 2.0 ExceptionReport (`version="2.0.0"`, valid against owsExceptionReport.xsd 2.0): HTTP status,
 * XML content type, the first exception's code and locator, no stack trace. Returns the decoded exceptions.
 */
export async function expectException2(res: Res, e: Expected2) {
  expect(res.status, `HTTP status of: ${res.body.slice(0, 800)}`).toBe(e.status);
  expect(res.type).toMatch(/^text\/xml/);
  expect(res.body).toContain(`xmlns:ows="${OWS2_NS}"`);
  await expectValid(res.body, "ows2Exception");
  expectNoLeak(res.body);
  const ex = wps2.decodeExceptionReport(res.body);
  expect(ex.length).toBeGreaterThan(0);
  const first = ex[0]!;
  expect(first.code, res.body).toBe(e.code);
  if (e.locator === null) expect(first.locator).toBeUndefined();
  else if (e.locator !== undefined) expect(first.locator).toBe(e.locator);
  if (e.text !== undefined) {
    if (typeof e.text === "string") expect(first.text).toContain(e.text);
    else expect(first.text).toMatch(e.text);
  }
  return ex;
}

/** The job id of an async Execute's StatusInfo (Accepted). */
export async function accepted(res: Res): Promise<string> {
  const s = await expectStatusInfo(res);
  expect(s.kind, res.body).toBe("accepted");
  return s.jobId;
}

/**
 * Poll GetStatus (each answer validated) until `until` holds (default: the job has ended); returns every status
 * seen, in order.
 */
export async function pollStatus(
  base: string,
  jobId: string,
  o: {
    until?: (s: wps2.Wps2StatusInfo) => boolean;
    timeoutMs?: number;
    binding?: "kvp" | "xml";
  } = {},
): Promise<wps2.Wps2StatusInfo[]> {
  const until = o.until ?? ((s) => s.kind === "succeeded" || s.kind === "failed" || s.kind === "dismissed");
  const seen: wps2.Wps2StatusInfo[] = [];
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  for (;;) {
    const s = await expectStatusInfo(await jobRequest(base, "GetStatus", jobId, o.binding ?? "kvp"));
    expect(s.jobId).toBe(jobId);
    seen.push(s);
    if (until(s)) return seen;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${s.status} after the deadline`);
    await sleep(25);
  }
}

/** The literal value of an output of a Result (fails when missing or not literal). */
export function literalOf(r: wps2.Wps2Result, id: string): string {
  const o = r.outputs.find((x) => x.identifier === id);
  expect(o, `output '${id}' in ${JSON.stringify(r.outputs)}`).toBeDefined();
  expect(o!.value.kind, JSON.stringify(o)).toBe("literal");
  return (o!.value as { value: string }).value;
}

/** An output value of a Result (fails when missing). */
export function outputOf(r: wps2.Wps2Result, id: string) {
  const o = r.outputs.find((x) => x.identifier === id);
  expect(o, `output '${id}' in ${JSON.stringify(r.outputs.map((x) => x.identifier))}`).toBeDefined();
  return o!.value;
}

/** Wait until `check` holds, polling every 25 ms. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
