/**
 * Protocol detection and `connect()` against a loopback server answering with documents recorded from Roost
 * (`recorded/`, the base URL replaced by `{{base}}`), negotiating versions the way Roost, PyWPS 4.5 and a strict
 * WPS 1.0.0 server do. A fake is fine here: the CLI matrix in `test/client/` runs against the real Roost.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DescriptionCache } from "../src/cache.js";
import { connect, detectProtocol, OgcApiClient, openClient, Wps1Client, Wps2Client } from "../src/client.js";
import { ServerError } from "../src/errors.js";
import { removeTempDirs, tempDir } from "./fixtures.js";

let server: Server;
let base = "";
const seen: string[] = [];

const recorded = (name: string) =>
  readFileSync(new URL(`./recorded/${name}`, import.meta.url), "utf8").replaceAll("{{base}}", base);

const VERSION_REFUSED = `<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="1.0.0"><ows:Exception exceptionCode="VersionNegotiationFailed" locator="AcceptVersions"><ows:ExceptionText>2.0.0 not supported</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`;

function capabilities(path: string, versions: string[]): { status: number; body: string } {
  const wps1 = { status: 200, body: recorded("wps1-capabilities.xml") };
  const wps2 = { status: 200, body: recorded("wps2-capabilities.xml") };
  switch (path) {
    case "/roost/wps":
      // OWS Common: the first listed version the server supports.
      return versions.length === 0 || versions[0] === "1.0.0" ? wps1 : wps2;
    case "/pywps/wps":
      // PyWPS 4.5 keeps the last listed version it supports (and its 2.0.0 offers no Execute).
      return versions[versions.length - 1] === "2.0.0" ? wps2 : wps1;
    case "/strict/wps":
      return versions.includes("2.0.0") ? { status: 400, body: VERSION_REFUSED } : wps1;
    default:
      return { status: 404, body: "" };
  }
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const u = new URL(req.url ?? "/", base);
  seen.push(`${u.pathname}${u.search}`);
  const send = (status: number, type: string, body: string) =>
    res.writeHead(status, { "Content-Type": type }).end(body);
  if (u.searchParams.get("request") === "GetCapabilities") {
    const versions = (u.searchParams.get("AcceptVersions") ?? "").split(",").filter((v) => v !== "");
    const c = capabilities(u.pathname, versions);
    return void send(c.status, "text/xml", c.body);
  }
  switch (`${u.pathname}${u.search}`) {
    case "/":
      return void send(200, "application/json", recorded("ogc-landing.json"));
    case "/processes":
      return void send(200, "application/json", recorded("ogc-processes.json"));
    case "/processes?limit=10&offset=10":
      return void send(200, "application/json", recorded("ogc-processes-10.json"));
    case "/processes/inout":
      return void send(200, "application/json", recorded("ogc-process-inout.json"));
    case "/plain.txt":
      return void send(200, "text/plain", "just text");
    default:
      return void send(404, "application/json", '{"type": "about:blank", "title": "Not found"}');
  }
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
  removeTempDirs();
});

beforeEach(() => {
  seen.length = 0;
});

describe("detectProtocol", () => {
  it("prefers WPS 2.0.0 where a WPS endpoint offers it, with one GetCapabilities", async () => {
    const d = await detectProtocol(`${base}/roost/wps`);
    expect(d.protocol).toBe("wps2");
    expect(d.capabilities?.processes.map((p) => p.identifier)).toContain("sleep");
    expect(seen).toEqual(["/roost/wps?service=WPS&request=GetCapabilities&AcceptVersions=2.0.0%2C1.0.0"]);
  });

  it("speaks WPS 1.0.0 to PyWPS (it picks the last listed version) and to a server refusing the list", async () => {
    expect((await detectProtocol(`${base}/pywps/wps`)).protocol).toBe("wps1");
    expect(seen).toHaveLength(1);
    seen.length = 0;
    const strict = await detectProtocol(`${base}/strict/wps`);
    expect(strict.protocol).toBe("wps1");
    expect(strict.capabilities?.version).toBe("1.0.0");
    expect(seen.map((s) => new URL(s, base).searchParams.get("AcceptVersions"))).toEqual([
      "2.0.0,1.0.0",
      "1.0.0",
    ]);
  });

  it("finds OGC API from a landing page, and from a /processes URL without asking", async () => {
    const root = await detectProtocol(`${base}/`);
    expect(root).toMatchObject({ protocol: "ogcapi", url: `${base}/` });
    seen.length = 0;
    expect(await detectProtocol(`${base}/processes?f=json`)).toMatchObject({
      protocol: "ogcapi",
      url: `${base}/`,
    });
    expect(seen).toEqual([]);
  });

  it("says so when a URL is neither", async () => {
    const e = await detectProtocol(`${base}/plain.txt`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServerError);
    expect((e as Error).message).toMatch(/is neither an OGC API – Processes landing page nor a WPS endpoint/);
  });
});

describe("connect", () => {
  it("returns the protocol's client and remembers the protocol in the cache", async () => {
    const cache = new DescriptionCache(tempDir("cache"));
    const c = await connect(`${base}/roost/wps`, { cache });
    expect(c).toBeInstanceOf(Wps2Client);
    expect(c.features).toMatchObject({ protocol: "wps-2.0.0", dismiss: true, jobList: false });
    // The capabilities read while detecting are the client's: one request in all.
    expect(seen).toHaveLength(1);
    c.close();
    seen.length = 0;
    const again = await openClient(`${base}/roost/wps`, { cache });
    expect(again).toBeInstanceOf(Wps2Client);
    expect((await again.processes()).length).toBeGreaterThan(10);
    expect(seen).toEqual([]);
    // A pinned protocol needs no detection, and keeps its own cache entry.
    const pinned = await openClient(`${base}/roost/wps`, { cache, protocol: "wps1" });
    expect(pinned).toBeInstanceOf(Wps1Client);
    expect(seen).toEqual([]);
    await pinned.processes();
    expect(seen.map((s) => new URL(s, base).searchParams.get("AcceptVersions"))).toEqual(["1.0.0"]);
    seen.length = 0;
    expect(await openClient(`${base}/roost/wps`, { cache })).toBeInstanceOf(Wps2Client);
    expect(seen).toEqual([]);
  });

  it("reads an OGC API server's landing page once and walks the process list's pages", async () => {
    const c = await connect(`${base}/`);
    expect(c).toBeInstanceOf(OgcApiClient);
    expect(c.features.protocol).toBe("ogcapi-processes-1.0");
    const ids = (await c.processes()).map((p) => p.identifier);
    expect(ids).toHaveLength(18);
    expect(ids).toEqual(expect.arrayContaining(["hello", "inout", "translation"]));
    expect(seen).toEqual(["/", "/processes", "/processes?limit=10&offset=10"]);
    const inout = await c.describe("inout");
    expect(inout.inputs.find((i) => i.identifier === "int")).toMatchObject({
      kind: "literal",
      literalType: "integer",
      default: "7",
    });
    expect((c as OgcApiClient).jobUrl("a b")).toBe(`${base}/jobs/a%20b`);
    c.close();
  });
});
