/**
 * Timed HTTP probes of what Roost answers during a fault, and the assertions on them: every 503 carries
 * `Retry-After`, refusals are valid OWS ExceptionReports without driver text, reads and metadata answer within their
 * bound. Assertions are soft (`expect.soft`), so one case reports every broken promise, not only the first.
 */
import { expect } from "vitest";
import {
  type ExecuteOptions,
  executeXml,
  type InputValue,
  parseStatus,
  type StatusDoc,
} from "../execution/helpers.js";
import { expectValid } from "../helpers/xsd.js";
import type { Ledger } from "./ledger.js";

/** An HTTP answer with its latency. */
export interface Probe {
  readonly http: number;
  readonly ms: number;
  readonly retryAfter: string | null;
  readonly body: string;
  /** What failed when no answer came at all (connection reset, client-side timeout). */
  readonly error?: string;
}

/** Requests give up after this long: a fault must never hang the suite, and "no answer in 20 s" is an answer. */
const PROBE_LIMIT_MS = 20_000;

/** A timed request. A request that gets no HTTP answer resolves with `http: 0` and the error. */
export async function probe(url: string, init: RequestInit = {}): Promise<Probe> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_LIMIT_MS) });
    const body = await res.text();
    return { http: res.status, ms: performance.now() - t0, retryAfter: res.headers.get("retry-after"), body };
  } catch (e) {
    return {
      http: 0,
      ms: performance.now() - t0,
      retryAfter: null,
      body: "",
      error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    };
  }
}

/** A timed async Execute of `processId`, parsed. */
export async function timedExecute(
  base: string,
  processId: string,
  inputs: Readonly<Record<string, InputValue>>,
  o: ExecuteOptions = {},
): Promise<{ doc: StatusDoc; ms: number; retryAfter: string | null; jobId: string | undefined }> {
  const p = await probe(`${base}/wps`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: executeXml(processId, inputs, { async: true, ...o }),
  });
  if (p.http === 0)
    throw new Error(`Execute ${processId}: no HTTP answer after ${Math.round(p.ms)} ms (${p.error})`);
  const doc = parseStatus(p.body, p.http);
  const m = doc.statusLocation ? /\/outputs\/([^/]+)\.xml$/.exec(doc.statusLocation) : null;
  return { doc, ms: p.ms, retryAfter: p.retryAfter, jobId: m?.[1] };
}

/** Inputs of `fx_counted`. */
export interface CountedInputs {
  readonly ledger: Ledger;
  readonly tag: string;
  readonly delay?: number;
  readonly steps?: number;
  readonly work_bytes?: number;
  readonly out_bytes?: number;
}

/** Submit `fx_counted` asynchronously; the output `data` (when asked for) by reference. */
export function executeCounted(base: string, i: CountedInputs) {
  const { ledger, ...rest } = i;
  return timedExecute(
    base,
    "fx_counted",
    { ledger: ledger.path, ...rest },
    {
      outputs: [{ id: "out" }, ...(i.out_bytes ? [{ id: "data", asReference: true }] : [])],
    },
  );
}

/** Submit `fx_counted`; the job must be accepted. Returns its id. */
export async function submitCounted(base: string, i: CountedInputs): Promise<string> {
  const r = await executeCounted(base, i);
  if (r.doc.http !== 200 || r.jobId === undefined)
    throw new Error(`fx_counted ${i.tag} was not accepted (HTTP ${r.doc.http}): ${r.doc.raw.slice(0, 400)}`);
  return r.jobId;
}

/** The job resource (`GET /jobs/<id>`, statusInfo JSON), timed. */
export async function jobInfo(
  base: string,
  id: string,
): Promise<Probe & { status?: string; message?: string; progress?: number }> {
  const p = await probe(`${base}/jobs/${id}`);
  if (p.http !== 200) return p;
  const j = JSON.parse(p.body) as { status?: string; message?: string; progress?: number };
  return {
    ...p,
    ...(j.status !== undefined ? { status: j.status } : {}),
    ...(j.message !== undefined ? { message: j.message } : {}),
    ...(j.progress !== undefined ? { progress: j.progress } : {}),
  };
}

/** The WPS 1.0.0 status document of a job, timed and parsed (throws when it is not XML, e.g. truncated). */
export async function statusDocument(base: string, id: string): Promise<Probe & { doc?: StatusDoc }> {
  const p = await probe(`${base}/outputs/${id}.xml`);
  if (p.http === 0) return p;
  return { ...p, doc: parseStatus(p.body, p.http) };
}

/** Assert a 503 that tells the client when to come back: `Retry-After` in whole seconds ≥ 1. */
export function expectRetryAfter(p: { http: number; retryAfter: string | null }, what: string): void {
  expect.soft(p.http, `${what}: HTTP status`).toBe(503);
  expect.soft(p.retryAfter ?? "(none)", `${what}: the 503 must carry Retry-After`).toMatch(/^[1-9]\d*$/);
}

/**
 * A WPS answer refused for want of the store: 503 with Retry-After, a valid OWS ExceptionReport saying ServerBusy
 * (or NoApplicableCode, P8) and no driver text.
 */
export async function expectWpsUnavailable(
  p: { doc: StatusDoc; retryAfter: string | null; ms: number },
  what: string,
  maxMs: number,
): Promise<void> {
  expect.soft(p.doc.http, `${what}: HTTP status (${p.doc.raw.slice(0, 300)})`).toBe(503);
  expectRetryAfter({ http: p.doc.http, retryAfter: p.retryAfter }, what);
  expect.soft(p.doc.kind, what).toBe("exception");
  expect.soft(["ServerBusy", "NoApplicableCode"], `${what}: exception code`).toContain(p.doc.exception?.code);
  expect.soft(p.doc.raw, what).not.toMatch(/ECONN|SQLITE_|postgres:\/\/|at .*\.js:\d+/);
  if (p.doc.kind === "exception") await expectValid(p.doc.raw, "owsException");
  expect.soft(p.ms, `${what}: answered after ${Math.round(p.ms)} ms`).toBeLessThanOrEqual(maxMs);
}

/** Reads of a job during a fault: an answer (200, or 503 with Retry-After) within `maxMs`. */
export function expectReadAnswered(p: Probe, what: string, maxMs: number): void {
  expect.soft([200, 503], `${what}: HTTP ${p.http} ${p.error ?? p.body.slice(0, 200)}`).toContain(p.http);
  if (p.http === 503) expectRetryAfter(p, what);
  expect.soft(p.ms, `${what}: answered after ${Math.round(p.ms)} ms`).toBeLessThanOrEqual(maxMs);
}

/** GetCapabilities and DescribeProcess answer 200 (they never need the store). */
export async function expectMetadataServed(base: string, maxMs: number): Promise<void> {
  for (const q of [
    "service=WPS&request=GetCapabilities",
    "service=WPS&version=1.0.0&request=DescribeProcess&identifier=fx_counted",
  ]) {
    const p = await probe(`${base}/wps?${q}`);
    expect.soft(p.http, `${q}: ${p.error ?? p.body.slice(0, 200)}`).toBe(200);
    expect.soft(p.ms, `${q}: answered after ${Math.round(p.ms)} ms`).toBeLessThanOrEqual(maxMs);
  }
}
