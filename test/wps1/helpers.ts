/**
 * Shared pieces of the WPS 1.0.0 conformance suite: KVP and XML requests against a running server, Execute
 * documents built as XML, and assertions every response must pass — XSD validity (through Debian's xmllint), the
 * ExceptionReport shape (code, locator, HTTP status) and the absence of anything that betrays the server's insides
 * (stack traces, source paths, SQL).
 */
import { parseXml, wps1 } from "@roost/core";
import { expect } from "vitest";
import { expectValid } from "../helpers/xsd.js";

export const WPS_NS = "http://www.opengis.net/wps/1.0.0";
export const OWS_NS = "http://www.opengis.net/ows/1.1";
export const XLINK_NS = "http://www.w3.org/1999/xlink";
/** Namespace declarations of every request root built here. */
export const NS_DECL = `xmlns:wps="${WPS_NS}" xmlns:ows="${OWS_NS}" xmlns:xlink="${XLINK_NS}"`;

/** Every demo process, as GetCapabilities must list them. */
export const DEMO_IDS = [
  "hello",
  "sleep",
  "nap",
  "ultimate_question",
  "inout",
  "wordcounter",
  "show_error",
  "bbox",
  "chomsky",
  "output_formats",
  "multiple_outputs",
  "show_defaults",
  "non.py-id",
  "translation",
  "binaryoperatorfornumbers",
  "simple_dry_run",
  "dummyprocess",
  "echo",
] as const;

/** The languages the demo server supports: the configured default plus the `translation` process's. */
export const LANGUAGES = ["en-US", "fr-CA", "de-DE"] as const;

/** An HTTP answer, body read as text. */
export interface Res {
  readonly status: number;
  /** Content-Type header ("" when absent). */
  readonly type: string;
  readonly body: string;
  readonly headers: Headers;
}

async function read(r: Response): Promise<Res> {
  return {
    status: r.status,
    type: r.headers.get("content-type") ?? "",
    body: await r.text(),
    headers: r.headers,
  };
}

/** Encode one KVP value so that `;`, `@` and `=` inside it survive the server's split (double encoding). */
export function piece(v: string | number | boolean): string {
  return encodeURIComponent(String(v));
}

/** `DataInputs` from a record; arrays repeat the identifier (multiple occurrences). Values are piece-encoded. */
export function dataInputs(
  inputs: Readonly<Record<string, string | number | boolean | readonly string[]>>,
): string {
  const parts: string[] = [];
  for (const [id, v] of Object.entries(inputs)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${piece(id)}=${piece(one as string)}`);
  }
  return parts.join(";");
}

/** The query string of a KVP request (names as given: the server must match them case-insensitively). */
export function query(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(params as Record<string, string>).toString();
}

/** GET `/wps?<params>`. A string is sent as the query string verbatim. */
export async function kvp(
  base: string,
  params: Readonly<Record<string, string>> | string,
  headers: Record<string, string> = {},
): Promise<Res> {
  const qs = typeof params === "string" ? params : query(params);
  return read(await fetch(`${base}/wps?${qs}`, { headers }));
}

/** A KVP Execute (service, request and version filled in). */
export function kvpExecute(
  base: string,
  identifier: string,
  extra: Readonly<Record<string, string>> = {},
  headers: Record<string, string> = {},
): Promise<Res> {
  return kvp(base, { service: "WPS", request: "Execute", version: "1.0.0", identifier, ...extra }, headers);
}

/** POST an XML document to `/wps`. */
export async function post(
  base: string,
  body: string | Buffer,
  headers: Record<string, string> = { "content-type": "text/xml" },
): Promise<Res> {
  return read(await fetch(`${base}/wps`, { method: "POST", headers, body }));
}

/** GET any URL. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Res> {
  return read(await fetch(url, { headers }));
}

/** XML-escape text and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** One input of an XML Execute. */
export type XmlInput =
  | string
  | number
  | boolean
  | { readonly literal: string; readonly dataType?: string; readonly uom?: string }
  | {
      readonly complex: string;
      readonly mimeType?: string;
      readonly encoding?: string;
      readonly cdata?: boolean;
    }
  | { readonly xml: string; readonly mimeType?: string }
  | { readonly href: string; readonly mimeType?: string }
  | { readonly bbox: readonly [number, number, number, number]; readonly crs?: string };

/** One requested output of an XML Execute. */
export interface XmlOutput {
  readonly id: string;
  readonly asReference?: boolean;
  readonly mimeType?: string;
  readonly encoding?: string;
}

/** Options of {@link executeXml}. */
export interface ExecuteXmlOptions {
  readonly outputs?: readonly XmlOutput[];
  /** A RawDataOutput instead of a ResponseDocument. */
  readonly raw?: XmlOutput;
  readonly store?: boolean;
  readonly status?: boolean;
  readonly lineage?: boolean;
  readonly language?: string;
  /** Inputs as a list of [id, value] (repeats allowed); takes precedence over the record. */
  readonly repeated?: readonly (readonly [string, XmlInput])[];
}

function inputXml(id: string, v: XmlInput): string {
  let body: string;
  if (typeof v !== "object") {
    body = `<wps:Data><wps:LiteralData>${esc(String(v))}</wps:LiteralData></wps:Data>`;
  } else if ("literal" in v) {
    const a = `${v.dataType ? ` dataType="${esc(v.dataType)}"` : ""}${v.uom ? ` uom="${esc(v.uom)}"` : ""}`;
    body = `<wps:Data><wps:LiteralData${a}>${esc(v.literal)}</wps:LiteralData></wps:Data>`;
  } else if ("complex" in v) {
    const a = ` mimeType="${esc(v.mimeType ?? "text/plain")}"${v.encoding ? ` encoding="${esc(v.encoding)}"` : ""}`;
    const content = v.cdata ? `<![CDATA[${v.complex.replace(/]]>/g, "]]]]><![CDATA[>")}]]>` : esc(v.complex);
    body = `<wps:Data><wps:ComplexData${a}>${content}</wps:ComplexData></wps:Data>`;
  } else if ("xml" in v) {
    body = `<wps:Data><wps:ComplexData mimeType="${esc(v.mimeType ?? "text/xml")}">${v.xml}</wps:ComplexData></wps:Data>`;
  } else if ("href" in v) {
    body = `<wps:Reference xlink:href="${esc(v.href)}" mimeType="${esc(v.mimeType ?? "text/plain")}"/>`;
  } else {
    const [a, b, c, d] = v.bbox;
    body =
      `<wps:Data><wps:BoundingBoxData${v.crs ? ` crs="${esc(v.crs)}"` : ""} dimensions="2">` +
      `<ows:LowerCorner>${a} ${b}</ows:LowerCorner><ows:UpperCorner>${c} ${d}</ows:UpperCorner>` +
      `</wps:BoundingBoxData></wps:Data>`;
  }
  return `<wps:Input><ows:Identifier>${esc(id)}</ows:Identifier>${body}</wps:Input>`;
}

function outputXml(tag: string, o: XmlOutput): string {
  const a =
    (o.asReference !== undefined ? ` asReference="${o.asReference}"` : "") +
    (o.mimeType ? ` mimeType="${esc(o.mimeType)}"` : "") +
    (o.encoding ? ` encoding="${esc(o.encoding)}"` : "");
  return `<wps:${tag}${a}><ows:Identifier>${esc(o.id)}</ows:Identifier></wps:${tag}>`;
}

/** A WPS 1.0.0 Execute request document (no ResponseForm unless outputs, raw or flags are given). */
export function executeXml(
  processId: string,
  inputs: Readonly<Record<string, XmlInput>> = {},
  o: ExecuteXmlOptions = {},
): string {
  const list = o.repeated ?? Object.entries(inputs);
  const data = list.map(([id, v]) => inputXml(id, v)).join("");
  let form = "";
  if (o.raw) {
    form = `<wps:ResponseForm>${outputXml("RawDataOutput", o.raw)}</wps:ResponseForm>`;
  } else if (o.outputs || o.store !== undefined || o.status !== undefined || o.lineage !== undefined) {
    const flags =
      (o.store !== undefined ? ` storeExecuteResponse="${o.store}"` : "") +
      (o.status !== undefined ? ` status="${o.status}"` : "") +
      (o.lineage !== undefined ? ` lineage="${o.lineage}"` : "");
    const outs = (o.outputs ?? []).map((x) => outputXml("Output", x)).join("");
    form = `<wps:ResponseForm><wps:ResponseDocument${flags}>${outs}</wps:ResponseDocument></wps:ResponseForm>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<wps:Execute service="WPS" version="1.0.0"${o.language ? ` language="${esc(o.language)}"` : ""} ${NS_DECL}>` +
    `<ows:Identifier>${esc(processId)}</ows:Identifier>` +
    (data ? `<wps:DataInputs>${data}</wps:DataInputs>` : "") +
    form +
    `</wps:Execute>`
  );
}

/** POST an Execute built by {@link executeXml}. */
export function postExecute(
  base: string,
  processId: string,
  inputs: Readonly<Record<string, XmlInput>> = {},
  o: ExecuteXmlOptions = {},
): Promise<Res> {
  return post(base, executeXml(processId, inputs, o));
}

/**
 * Nothing in a response may show the server's insides: no stack frames, no source or dist paths with line
 * numbers, no SQL or driver messages (pygeoapi and PyWPS both leaked these, security.md §4).
 */
export function expectNoLeak(body: string): void {
  expect(body, "stack frame in a response").not.toMatch(/^\s*at\s+\S.*\(?.*:\d+:\d+\)?\s*$/m);
  expect(body, "stack frame in a response").not.toMatch(/\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)/);
  expect(body, "source path in a response").not.toMatch(/\.(?:ts|js|mjs|cjs):\d+/);
  expect(body, "module path in a response").not.toMatch(/node_modules|\/packages\/(?:server|core)\//);
  expect(body, "SQL in a response").not.toMatch(
    /\b(?:SELECT\s.+\sFROM|INSERT INTO|UPDATE\s+\w+\s+SET|SQLITE_\w+)/i,
  );
  expect(body, "internal error class in a response").not.toMatch(
    /\b(?:TypeError|ReferenceError|RangeError)\b/,
  );
}

/** Expected shape of an ExceptionReport answer. */
export interface ExpectedException {
  readonly status: number;
  /** The first exception's code; undefined: any (non-empty) code. */
  readonly code: string | undefined;
  /** Exact locator; `true`: any non-empty locator; undefined: not checked. */
  readonly locator?: string | true;
  /** A fragment the first ExceptionText must contain. */
  readonly text?: string | RegExp;
}

/**
 * Assert an ExceptionReport: HTTP status, XML content type, valid against owsExceptionReport.xsd, the first
 * exception's code and locator, never a stack trace. Returns the decoded exceptions.
 */
export async function expectException(res: Res, e: ExpectedException): Promise<wps1.Wps1Exception[]> {
  expect(res.status, `HTTP status of: ${res.body.slice(0, 600)}`).toBe(e.status);
  expect(res.type).toMatch(/^text\/xml/);
  await expectValid(res.body, "owsException");
  expectNoLeak(res.body);
  const ex = wps1.decodeExceptionReport(res.body);
  expect(ex.length).toBeGreaterThan(0);
  const first = ex[0]!;
  if (e.code === undefined) expect(first.code).not.toBe("");
  else expect(first.code, res.body).toBe(e.code);
  if (e.locator === true) expect(first.locator ?? "", "locator must not be empty").not.toBe("");
  else if (e.locator !== undefined) expect(first.locator).toBe(e.locator);
  if (e.text !== undefined) {
    if (typeof e.text === "string") expect(first.text).toContain(e.text);
    else expect(first.text).toMatch(e.text);
  }
  return ex;
}

/** Assert a valid ExecuteResponse with HTTP 200 and XML type; returns it decoded. */
export async function expectExecuteResponse(res: Res): Promise<wps1.Wps1ExecuteResponse> {
  expect(res.status, res.body.slice(0, 800)).toBe(200);
  expect(res.type).toMatch(/^text\/xml/);
  await expectValid(res.body, "wps1");
  expectNoLeak(res.body);
  return wps1.decodeExecuteResponse(res.body);
}

/** The value of a literal output (fails when the output is missing or not literal). */
export function literal(r: wps1.Wps1ExecuteResponse, id: string): string {
  const o = r.outputs.find((x) => x.identifier === id);
  expect(o, `output '${id}' in ${JSON.stringify(r.outputs)}`).toBeDefined();
  expect(o!.value.kind).toBe("literal");
  return (o!.value as { value: string }).value;
}

/** An output value by identifier (fails when missing). */
export function output(r: wps1.Wps1ExecuteResponse, id: string): wps1.Wps1OutputValue {
  const o = r.outputs.find((x) => x.identifier === id);
  expect(o, `output '${id}' in ${JSON.stringify(r.outputs.map((x) => x.identifier))}`).toBeDefined();
  return o!.value;
}

/** `creationTime` must be an XML Schema dateTime in UTC written with `Z`, and recent. */
export function expectUtcCreationTime(r: wps1.Wps1ExecuteResponse, raw: string): void {
  expect(r.creationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const t = Date.parse(r.creationTime!);
  expect(Math.abs(Date.now() - t), `creationTime ${r.creationTime} far from now`).toBeLessThan(10 * 60_000);
  expect(raw).toMatch(/creationTime="[^"]+Z"/);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll a status document, validating each one, until `done` holds; returns every document seen (in order). */
export async function pollStatus(
  url: string,
  o: { timeoutMs?: number; intervalMs?: number; validate?: boolean } = {},
): Promise<{ res: Res; doc: wps1.Wps1ExecuteResponse }[]> {
  const seen: { res: Res; doc: wps1.Wps1ExecuteResponse }[] = [];
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  for (;;) {
    const res = await get(url);
    expect(res.status, res.body.slice(0, 500)).toBe(200);
    if (o.validate !== false) await expectValid(res.body, "wps1");
    expectNoLeak(res.body);
    const doc = wps1.decodeExecuteResponse(res.body);
    seen.push({ res, doc });
    if (doc.status.kind === "succeeded" || doc.status.kind === "failed") return seen;
    if (Date.now() > deadline) throw new Error(`status ${url} still ${doc.status.kind} after the deadline`);
    await sleep(o.intervalMs ?? 30);
  }
}

/** `xml:lang` of a document's root element. */
export function rootLang(doc: string): string | undefined {
  return parseXml(doc).attrs.get("{http://www.w3.org/XML/1998/namespace}lang");
}

/** An attribute (no namespace) of a document's root element. */
export function rootAttr(doc: string, name: string): string | undefined {
  return parseXml(doc).attrs.get(name);
}

/** The exceptions of a ProcessFailed status (fails the test for any other status). */
export function failureOf(s: wps1.Wps1Status): readonly wps1.Wps1Exception[] {
  expect(s.kind, JSON.stringify(s)).toBe("failed");
  return s.kind === "failed" ? s.exceptions : [];
}
