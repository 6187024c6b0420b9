/**
 * The client against a small fake WPS 1.0.0 server on loopback (a fake is fine for unit tests; the integration suite
 * in `test/client/` runs against real Roost and PyWPS): describe-all fallback, the description cache, credentials only
 * for the service's origin, error mapping, redirects and downloads.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescriptionCache } from "../src/cache.js";
import { connect, WpsClient } from "../src/client.js";
import {
  ConnectionError,
  InputValidationError,
  NotSupportedError,
  ServerError,
  ServiceExceptionError,
  UnknownProcessError,
} from "../src/errors.js";
import { DESCRIPTIONS_XML, removeTempDirs, tempDir } from "./fixtures.js";

const CAPS = (
  base: string,
) => `<wps:Capabilities xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0">
  <ows:ServiceIdentification><ows:Title>Fake</ows:Title></ows:ServiceIdentification>
  <wps:ProcessOfferings>
    <wps:Process><ows:Identifier>wordcounter</ows:Identifier><ows:Title>Word Counter</ows:Title></wps:Process>
    <wps:Process><ows:Identifier>nap</ows:Identifier><ows:Title>Nap</ows:Title></wps:Process>
  </wps:ProcessOfferings>
  <!-- ${base} -->
</wps:Capabilities>`;

const EXCEPTION = (code: string, locator: string, text: string) =>
  `<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="1.0.0"><ows:Exception exceptionCode="${code}" locator="${locator}"><ows:ExceptionText>${text}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`;

/** Only the requested process from the fixture document. */
function descriptionOf(id: string): string | undefined {
  const m = new RegExp(
    `<ProcessDescription[^>]*>\\s*<ows:Identifier>${id}</ows:Identifier>[\\s\\S]*?</ProcessDescription>`,
  ).exec(DESCRIPTIONS_XML);
  if (!m) return undefined;
  return `<wps:ProcessDescriptions xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0">${m[0]}</wps:ProcessDescriptions>`;
}

interface Seen {
  method: string;
  url: string;
  auth?: string;
  apiKey?: string;
  body: string;
}

let server: Server;
let other: Server;
let base = "";
let otherBase = "";
const seen: Seen[] = [];
const otherSeen: Seen[] = [];

function record(list: Seen[], req: IncomingMessage, body: string): void {
  list.push({
    method: req.method ?? "",
    url: req.url ?? "",
    ...(req.headers.authorization !== undefined ? { auth: req.headers.authorization } : {}),
    ...(typeof req.headers["x-api-key"] === "string" ? { apiKey: req.headers["x-api-key"] } : {}),
    body,
  });
}

function handler(req: IncomingMessage, res: ServerResponse, body: string): unknown {
  record(seen, req, body);
  const u = new URL(req.url ?? "/", base);
  const p = u.searchParams;
  const xml = (status: number, text: string) =>
    res.writeHead(status, { "Content-Type": "text/xml" }).end(text);
  if (u.pathname === "/wps" && req.method === "GET") {
    const request = p.get("request");
    if (request === "GetCapabilities") return xml(200, CAPS(base));
    if (request === "DescribeProcess") {
      const id = p.get("identifier") ?? "";
      if (id === "all")
        return xml(400, EXCEPTION("InvalidParameterValue", "identifier", "Unknown process all"));
      const d = descriptionOf(id);
      return d
        ? xml(200, d)
        : xml(400, EXCEPTION("InvalidParameterValue", "identifier", `Unknown process ${id}`));
    }
  }
  if (u.pathname === "/wps" && req.method === "POST") {
    if (body.includes("<ows:Identifier>nap</ows:Identifier>"))
      return xml(400, EXCEPTION("InvalidParameterValue", "delay", "delay too long"));
    return xml(
      200,
      `<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0" statusLocation="${otherBase}/status/j1.xml">
        <wps:Process><ows:Identifier>wordcounter</ows:Identifier></wps:Process>
        <wps:Status creationTime="2026-01-01T00:00:00Z"><wps:ProcessAccepted>queued</wps:ProcessAccepted></wps:Status></wps:ExecuteResponse>`,
    );
  }
  if (u.pathname === "/moved") return res.writeHead(302, { Location: "/outputs/file.txt" }).end();
  if (u.pathname === "/outputs/file.txt") {
    const data = "x".repeat(100_000);
    return res
      .writeHead(200, { "Content-Type": "text/plain", "Content-Length": String(data.length) })
      .end(data);
  }
  if (u.pathname === "/broken")
    return res.writeHead(502, { "Content-Type": "text/html" }).end("<html><body>Bad gateway</body></html>");
  return res.writeHead(404).end();
}

function listen(s: Server): Promise<string> {
  return new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, res, body));
  });
  other = createServer((req, res) => {
    record(otherSeen, req, "");
    res.writeHead(200, { "Content-Type": "text/xml" }).end(
      `<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0" statusLocation="${otherBase}/status/j1.xml">
        <wps:Process><ows:Identifier>wordcounter</ows:Identifier></wps:Process>
        <wps:Status creationTime="2026-01-01T00:00:00Z"><wps:ProcessSucceeded>ok</wps:ProcessSucceeded></wps:Status>
        <wps:ProcessOutputs><wps:Output><ows:Identifier>output</ows:Identifier><wps:Reference href="${base}/outputs/file.txt" mimeType="application/json"/></wps:Output></wps:ProcessOutputs>
      </wps:ExecuteResponse>`,
    );
  });
  base = await listen(server);
  otherBase = await listen(other);
});

afterAll(() => {
  removeTempDirs();
  server.close();
  other.close();
});

describe("WpsClient", () => {
  it("falls back to one DescribeProcess per process when `all` is refused, and caches the result", async () => {
    const cache = new DescriptionCache(tempDir("cache"));
    seen.length = 0;
    const c = await connect(`${base}/wps`, { cache });
    const all = await c.describeAll();
    expect(all.map((p) => p.identifier)).toEqual(["wordcounter", "nap"]);
    expect(c.features).toEqual({ protocol: "wps-1.0.0", dismiss: false, jobList: false, describeAll: false });
    expect(seen.map((s) => new URL(s.url, base).searchParams.get("identifier") ?? "caps")).toEqual([
      "caps",
      "all",
      "wordcounter",
      "nap",
    ]);
    c.close();
    // A second client reads everything from the cache: no request at all.
    seen.length = 0;
    const again = new WpsClient(`${base}/wps`, { cache });
    expect((await again.describe("nap")).storeSupported).toBe(false);
    expect(seen).toEqual([]);
    // --refresh goes back to the server.
    const fresh = new WpsClient(`${base}/wps`, { cache, refresh: true });
    await fresh.describe("nap");
    expect(seen.length).toBeGreaterThan(0);
    await expect(fresh.describe("nosuch")).rejects.toBeInstanceOf(UnknownProcessError);
  });

  it("sends the token and headers to the service origin only", async () => {
    seen.length = 0;
    otherSeen.length = 0;
    const c = new WpsClient(`${base}/wps`, { token: "s3cret", headers: { "X-Api-Key": "k" } });
    const job = await c.execute("wordcounter", { text: "https://example.org/a.txt" });
    expect(job.statusLocation).toBe(`${otherBase}/status/j1.xml`);
    const result = await job.result({ pollMs: 1 });
    expect(result.outputs[0]).toMatchObject({ kind: "reference", href: `${base}/outputs/file.txt` });
    expect(seen.every((s) => s.auth === "Bearer s3cret" && s.apiKey === "k")).toBe(true);
    expect(seen.find((s) => s.method === "POST")?.body).toContain(
      '<wps:Reference xlink:href="https://example.org/a.txt"',
    );
    expect(otherSeen.length).toBeGreaterThan(0);
    expect(otherSeen.every((s) => s.auth === undefined && s.apiKey === undefined)).toBe(true);
    // No token, no header at all (birdy sent "Bearer None").
    seen.length = 0;
    await new WpsClient(`${base}/wps`).processes();
    expect(seen[0]?.auth).toBeUndefined();
  });

  it("checks inputs before sending and maps server refusals and failures onto error classes", async () => {
    const c = new WpsClient(`${base}/wps`);
    seen.length = 0;
    await expect(c.execute("wordcounter", {})).rejects.toBeInstanceOf(InputValidationError);
    await expect(c.execute("nap", {}, { mode: "async" })).rejects.toBeInstanceOf(NotSupportedError);
    expect(seen.filter((s) => s.method === "POST")).toEqual([]);
    const refused = await c.execute("nap", { delay: 99 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceExceptionError);
    expect(refused).toMatchObject({
      status: 400,
      exceptions: [{ code: "InvalidParameterValue", locator: "delay", text: "delay too long" }],
    });
    await expect(c.describe("nosuch")).rejects.toBeInstanceOf(UnknownProcessError);
    const bad = await c.fetchDocument(`${base}/broken`).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ServerError);
    expect((bad as ServerError).message).toBe(`HTTP 502 from ${new URL(base).host}`);
    const notWps = await c.fetchDocument(`${base}/outputs/file.txt`).catch((e: unknown) => e);
    expect((notWps as Error).message).toMatch(/is not a WPS 1.0.0 document/);
  });

  it("reports a refused connection as a ConnectionError", async () => {
    const dead = createServer();
    const url = await listen(dead);
    dead.close();
    const e = await connect(`${url}/wps`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toMatchObject({ code: "ECONNREFUSED" });
    expect((e as Error).message).toMatch(/connection refused/);
  });

  it("follows redirects and downloads with progress", async () => {
    const c = new WpsClient(`${base}/wps`);
    const dir = tempDir("dl");
    const progress: number[] = [];
    const r = await c.download(`${base}/moved`, dir, { onProgress: (n) => progress.push(n) });
    expect(r.path).toBe(join(dir, "moved"));
    expect(r.bytes).toBe(100_000);
    expect(readFileSync(r.path, "utf8")).toBe("x".repeat(100_000));
    expect(progress[progress.length - 1]).toBe(100_000);
    await expect(c.download(`${base}/missing`, dir, { name: "m.txt" })).rejects.toThrow(/HTTP 404/);
  });
});
