/**
 * Helpers of the OGC API front-end suites (`http-*.test.ts`): requests against a running server, answers read once
 * (status, headers, text, JSON), problem-document and statusInfo assertions validated against the published
 * schemas, job polling, `Link` header parsing, and the OpenAPI 3.0 validator.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { expectNoLeak } from "../wps1/helpers.js";

/** The absolute path of the repository's fixture processes for these suites. */
export const OGC_FIXTURE = new URL("../fixtures/processes/ogcapi.ts", import.meta.url).pathname;

/** An HTTP answer, read once. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Content-Type ("" when absent). */
  readonly type: string;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Send a request; `body` objects are sent as JSON (with `Content-Type: application/json` unless given). */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (init.body !== undefined) {
    body =
      typeof init.body === "string" || Buffer.isBuffer(init.body) ? init.body : JSON.stringify(init.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "application/json";
  }
  const r = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: "manual",
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, type: r.headers.get("content-type") ?? "", text, json };
}

/** POST an execute request. */
export function execute(
  base: string,
  processId: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return call(`${base}/processes/${encodeURIComponent(processId)}/execution`, { body, headers });
}

/** What a problem answer must be. */
export interface ExpectedProblem {
  readonly status: number;
  /** The end of the `type` URI (`no-such-job`, `invalid-parameter`, …). */
  readonly type?: string;
  /** The exact `locator`, or a pattern. */
  readonly locator?: string | RegExp;
  /** A fragment of `detail`. */
  readonly detail?: string | RegExp;
}

/** Assert a problem answer: status, media type, schema-valid `exception`, type, locator, no leak. */
export function expectProblem(a: Answer, e: ExpectedProblem): Record<string, unknown> {
  expect(a.status, a.text.slice(0, 500)).toBe(e.status);
  expect(a.type).toMatch(/^application\/problem\+json/);
  expectValidOgc("exception", a.json);
  expectNoLeak(a.text);
  const doc = a.json as Record<string, unknown>;
  expect(doc.status).toBe(e.status);
  if (e.type !== undefined) expect(String(doc.type)).toMatch(new RegExp(`/${e.type}$`));
  if (e.locator !== undefined) {
    if (typeof e.locator === "string") expect(doc.locator, a.text).toBe(e.locator);
    else expect(String(doc.locator)).toMatch(e.locator);
  }
  if (e.detail !== undefined) {
    if (typeof e.detail === "string") expect(String(doc.detail)).toContain(e.detail);
    else expect(String(doc.detail)).toMatch(e.detail);
  }
  return doc;
}

/** A statusInfo document (fields the tests read). */
export interface StatusInfo {
  readonly jobID: string;
  readonly processID: string;
  readonly status: string;
  readonly message?: string;
  readonly progress?: number;
  readonly created?: string;
  readonly started?: string;
  readonly finished?: string;
  readonly updated?: string;
  readonly links: { href: string; rel: string; type?: string }[];
}

/** GET a job's statusInfo, validated. */
export async function jobStatus(base: string, id: string): Promise<StatusInfo> {
  const a = await call(`${base}/jobs/${id}`);
  expect(a.status, a.text).toBe(200);
  expectValidOgc("statusInfo", a.json);
  return a.json as StatusInfo;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll a job until `until` holds (default: a terminal status); every statusInfo seen is validated. */
export async function waitJob(
  base: string,
  id: string,
  until: (s: StatusInfo) => boolean = (s) => ["successful", "failed", "dismissed"].includes(s.status),
  timeoutMs = 20_000,
): Promise<StatusInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await jobStatus(base, id);
    if (until(s)) return s;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${s.status} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Wait until `cond` holds (polled), failing with `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One parsed `Link` header value. */
export interface HeaderLink {
  readonly href: string;
  readonly params: Readonly<Record<string, string>>;
  /** The raw text of the value. */
  readonly raw: string;
}

/** Parse the `Link` headers of an answer (fetch joins several with ", "). */
export function headerLinks(h: Headers): HeaderLink[] {
  const v = h.get("link");
  if (v === null) return [];
  const out: HeaderLink[] = [];
  for (const m of v.matchAll(/<([^>]*)>((?:\s*;\s*[^;,=]+=(?:"(?:[^"\\]|\\.)*"|[^;,]*))*)/g)) {
    const params: Record<string, string> = {};
    for (const p of (m[2] ?? "").matchAll(/;\s*([^;,=\s]+)=("(?:[^"\\]|\\.)*"|[^;,]*)/g))
      params[p[1]!.toLowerCase()] = p[2]!.startsWith('"')
        ? p[2]!.slice(1, -1).replace(/\\(.)/g, "$1")
        : p[2]!;
    out.push({ href: m[1]!, params, raw: m[0] });
  }
  return out;
}

/** The job id of a `Link: <…/jobs/{id}>; rel=monitor` header (fails when absent or quoted). */
export function monitorJob(a: Answer): string {
  const raw = a.headers.get("link") ?? "";
  // The ETS looks for the literal, unquoted substring.
  expect(raw).toContain("rel=monitor");
  const l = headerLinks(a.headers).find((x) => x.params.rel === "monitor");
  expect(l, raw).toBeDefined();
  const m = /\/jobs\/([0-9a-f-]{36})$/.exec(l!.href);
  expect(m, l!.href).not.toBeNull();
  return m![1]!;
}

/** Validation errors of an OpenAPI 3.0 document (empty when valid), by the official schema (offline). */
export async function openApiErrors(doc: unknown): Promise<unknown[]> {
  const res = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
  return res.valid ? [] : ((res.errors as unknown[]) ?? ["invalid"]);
}

/** A multipart/related body split into parts (headers lower-cased, body as text). */
export function multipartParts(
  contentType: string,
  body: string,
): { headers: Record<string, string>; body: string }[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  expect(boundary, contentType).toBeDefined();
  const chunks = body.split(`--${boundary}`);
  expect(chunks.at(-1)?.trim()).toBe("--");
  return chunks.slice(1, -1).map((c) => {
    const [head = "", ...rest] = c.replace(/^\r\n/, "").split("\r\n\r\n");
    const headers: Record<string, string> = {};
    for (const line of head.split("\r\n")) {
      const i = line.indexOf(":");
      if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    return { headers, body: rest.join("\r\n\r\n").replace(/\r\n$/, "") };
  });
}
