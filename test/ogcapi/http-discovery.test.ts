/**
 * OGC API discovery over HTTP (classes core, json, oas30, ogc-process-description): landing page, conformance, the
 * API definition (valid OpenAPI 3.0, served as `application/vnd.oai.openapi+json;version=3.0`, and its Swagger UI
 * page from local files with no inline script), the process list with `limit` and next/prev links, and every
 * description — each document validated against the published 1.0 schemas — plus the HTTP rules: HEAD, CORS,
 * OPTIONS, 405 with Allow, 406, `f`.
 */
import { ogcapi } from "@roost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { DEMO_IDS } from "../wps1/helpers.js";
import { call, expectProblem, headerLinks, openApiErrors } from "./http-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

const REL = "http://www.opengis.net/def/rel/ogc/1.0/";
const CONF = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/";

describe("landing page and conformance", () => {
  it("the landing page links the API definition, its documentation, conformance, processes and jobs", async () => {
    const a = await call(`${t.base}/`);
    expect(a.status).toBe(200);
    expect(a.type).toMatch(/^application\/json/);
    expectValidOgc("landingPage", a.json);
    const links = (a.json as ogcapi.LandingPage).links;
    const byRel = (rel: string) => links.find((l) => l.rel === rel);
    expect(byRel("self")?.href).toBe(`${t.base}/`);
    expect(byRel("service-desc")).toMatchObject({
      href: `${t.base}/api`,
      type: "application/vnd.oai.openapi+json;version=3.0",
    });
    expect(byRel("service-doc")).toMatchObject({ type: "text/html" });
    expect(byRel(`${REL}conformance`)?.href).toBe(`${t.base}/conformance`);
    expect(byRel(`${REL}processes`)?.href).toBe(`${t.base}/processes`);
    expect(byRel(`${REL}job-list`)?.href).toBe(`${t.base}/jobs`);
    // Payload links are duplicated as Link headers.
    expect(headerLinks(a.headers).map((l) => l.href)).toEqual(links.map((l) => l.href));
    // Every link works.
    for (const l of links) expect((await fetch(l.href)).status, l.href).toBe(200);
  });

  it("declares exactly the seven classes (no html without a renderer)", async () => {
    const a = await call(`${t.base}/conformance`);
    expectValidOgc("confClasses", a.json);
    expect([...(a.json as ogcapi.ConformanceDeclaration).conformsTo].sort()).toEqual(
      ["core", "ogc-process-description", "json", "oas30", "job-list", "callback", "dismiss"]
        .map((c) => CONF + c)
        .sort(),
    );
  });
});

describe("the API definition (oas30)", () => {
  it("is OpenAPI 3.0 JSON with the media type the class names, listing every endpoint and process", async () => {
    const a = await call(`${t.base}/api`, {
      headers: { accept: "application/vnd.oai.openapi+json;version=3.0" },
    });
    expect(a.status).toBe(200);
    expect(a.type).toBe("application/vnd.oai.openapi+json;version=3.0");
    expect(await openApiErrors(a.json)).toEqual([]);
    const doc = a.json as { servers: { url: string }[]; paths: Record<string, Record<string, unknown>> };
    expect(doc.servers[0]?.url).toBe(t.base);
    for (const p of [
      "/",
      "/conformance",
      "/api",
      "/processes",
      "/processes/{processID}",
      "/processes/{processID}/execution",
      "/jobs",
      "/jobs/{jobID}",
      "/jobs/{jobID}/results",
      "/jobs/{jobID}/inputs",
      "/jobs/{jobID}/results/{outputID}",
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    for (const id of DEMO_IDS)
      expect(Object.keys(doc.paths)).toContain(`/processes/${encodeURIComponent(id)}/execution`);
    // The statuses Roost really sends: no 501 anywhere, 415 on execute, 410 on results, no 405 on DELETE.
    const json = JSON.stringify(doc.paths);
    expect(json).not.toContain('"501"');
    expect(
      Object.keys((doc.paths["/jobs/{jobID}"]!.delete as { responses: object }).responses),
    ).not.toContain("405");
    expect(
      Object.keys((doc.paths["/processes/hello/execution"]!.post as { responses: object }).responses),
    ).toContain("415");
  });

  it("a client asking for JSON gets the same document as application/json; ?f=json likewise", async () => {
    const oas = await call(`${t.base}/api`);
    const json = await call(`${t.base}/api`, { headers: { accept: "application/json" } });
    expect(json.type).toMatch(/^application\/json/);
    expect(json.json).toEqual(oas.json);
    const f = await call(`${t.base}/api?f=json`, { headers: { accept: "text/html" } });
    expect(f.json).toEqual(oas.json);
  });

  it("its HTML rendering is Swagger UI served from this server, without inline script, under a CSP", async () => {
    const a = await call(`${t.base}/api`, {
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(a.status).toBe(200);
    expect(a.type).toMatch(/^text\/html/);
    expect(a.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(a.text).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|on\w+=/);
    expect(a.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const scripts = [...a.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const s of scripts) {
      const r = await fetch(s.replace(/&amp;/g, "&"));
      expect(r.status, s).toBe(200);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await call(`${t.base}/api/ui/init.js`);
    expect(init.text).toContain("SwaggerUIBundle");
    expect((await call(`${t.base}/api?f=html`)).type).toMatch(/^text\/html/);
    // Only the files the page needs are served.
    expectProblem(await call(`${t.base}/api/ui/index.html`), { status: 404 });
    expectProblem(await call(`${t.base}/api/ui/..%2Fpackage.json`), { status: 404 });
  });
});

describe("processes (core, ogc-process-description)", () => {
  it("lists 10 by default with a next link; limit and the links walk every process exactly once", async () => {
    const first = await call(`${t.base}/processes`);
    expectValidOgc("processList", first.json);
    const list = first.json as ogcapi.ProcessList;
    expect(list.processes).toHaveLength(10);
    expect(list.links.find((l) => l.rel === "next")).toBeDefined();
    const seen: string[] = [];
    let url: string | undefined = `${t.base}/processes?limit=4`;
    let prevSeen = false;
    while (url) {
      const a = await call(url);
      expectValidOgc("processList", a.json);
      const page = a.json as ogcapi.ProcessList;
      expect(page.processes.length).toBeLessThanOrEqual(4);
      seen.push(...page.processes.map((p) => p.id));
      if (page.links.some((l) => l.rel === "prev")) prevSeen = true;
      url = page.links.find((l) => l.rel === "next")?.href;
    }
    expect(seen).toEqual([...DEMO_IDS]);
    expect(prevSeen).toBe(true);
    const all = await call(`${t.base}/processes?limit=10000`);
    const everything = all.json as ogcapi.ProcessList;
    expect(everything.processes.map((p) => p.id)).toEqual([...DEMO_IDS]);
    expect(everything.links.some((l) => l.rel === "next")).toBe(false);
    // Summaries link their description and execute endpoint.
    const hello = everything.processes.find((p) => p.id === "hello")!;
    expect(hello.links.map((l) => l.href)).toEqual(
      expect.arrayContaining([`${t.base}/processes/hello`, `${t.base}/processes/hello/execution`]),
    );
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=abc", "limit"],
    ["limit=-1", "limit"],
    ["offset=x", "offset"],
    ["limits=3", "limits"],
  ])("?%s → 400 naming %s", async (qs, locator) => {
    expectProblem(await call(`${t.base}/processes?${qs}`), {
      status: 400,
      type: "invalid-parameter",
      locator,
    });
  });

  it.each([...DEMO_IDS])("describes %s: valid, its links, job control and transmission", async (id) => {
    const a = await call(`${t.base}/processes/${encodeURIComponent(id)}`);
    expect(a.status).toBe(200);
    expectValidOgc("process", a.json);
    const d = a.json as ogcapi.ProcessDescription;
    expect(d.id).toBe(id);
    expect(d.links.find((l) => l.rel === `${REL}execute`)?.href).toBe(
      `${t.base}/processes/${encodeURIComponent(id)}/execution`,
    );
    expect(d.jobControlOptions).toContain("sync-execute");
    expect(d.jobControlOptions).toContain("dismiss");
    if (id === "nap") {
      expect(d.jobControlOptions).not.toContain("async-execute");
      expect(d.outputTransmission).toEqual(["value"]);
    } else expect(d.outputTransmission).toEqual(["value", "reference"]);
  });

  it("echo meets the ETS contract: first output named like the first (string) input, an integer 'pause'", async () => {
    const d = (await call(`${t.base}/processes/echo`)).json as ogcapi.ProcessDescription;
    const [firstIn] = Object.entries(d.inputs);
    expect(firstIn?.[1].schema.type).toBe("string");
    expect(Object.keys(d.outputs)[0]).toBe(firstIn?.[0]);
    expect(d.inputs.pause?.schema.type).toBe("integer");
    expect(d.jobControlOptions).toEqual(["sync-execute", "async-execute", "dismiss"]);
  });

  it("an unknown process → 404 no-such-process", async () => {
    for (const id of ["nope", "..%2F..%2Fetc", "%3Cscript%3E"]) {
      const p = expectProblem(await call(`${t.base}/processes/${id}`), {
        status: 404,
        type: "no-such-process",
        locator: "processID",
      });
      expect(p.type).toBe(ogcapi.OGC_EXCEPTION.noSuchProcess);
    }
  });

  it("descriptions follow Accept-Language (translations)", async () => {
    const fr = await call(`${t.base}/processes/translation`, { headers: { "accept-language": "fr-CA" } });
    expect(fr.headers.get("content-language")).toBe("fr-CA");
    const en = await call(`${t.base}/processes/translation`);
    expect((fr.json as ogcapi.ProcessDescription).title).not.toBe(
      (en.json as ogcapi.ProcessDescription).title,
    );
    expectProblem(await call(`${t.base}/processes/translation?lang=xx`), {
      status: 400,
      locator: "language",
    });
  });
});

describe("HTTP: HEAD, CORS, methods, negotiation", () => {
  const GETS = ["/", "/conformance", "/api", "/processes", "/processes/hello", "/jobs"];

  it.each(GETS)("HEAD %s answers the GET's headers without a body", async (path) => {
    const get = await fetch(`${t.base}${path}`);
    const head = await fetch(`${t.base}${path}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    expect(await head.text()).toBe("");
  });

  it("CORS: any origin, Location/Link/Preference-Applied exposed, preflight answered", async () => {
    const a = await call(`${t.base}/processes`, { headers: { origin: "https://elsewhere.example" } });
    expect(a.headers.get("access-control-allow-origin")).toBe("*");
    expect(a.headers.get("access-control-expose-headers")).toMatch(/Location/);
    expect(a.headers.get("access-control-expose-headers")).toMatch(/Preference-Applied/);
    const pre = await fetch(`${t.base}/processes/hello/execution`, {
      method: "OPTIONS",
      headers: {
        origin: "https://elsewhere.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, prefer",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("prefer");
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
  });

  it.each([
    ["PUT", "/processes", "GET, HEAD, OPTIONS"],
    ["DELETE", "/processes/hello", "GET, HEAD, OPTIONS"],
    ["GET", "/processes/hello/execution", "POST, OPTIONS"],
    ["PATCH", "/jobs", "GET, HEAD, OPTIONS"],
    ["POST", "/jobs/00000000-0000-4000-8000-000000000000", "GET, HEAD, DELETE, OPTIONS"],
    ["POST", "/conformance", "GET, HEAD, OPTIONS"],
  ])("%s %s → 405 with Allow: %s", async (method, path, allow) => {
    const a = await call(`${t.base}${path}`, { method });
    expectProblem(a, { status: 405, type: "method-not-allowed" });
    expect(a.headers.get("allow")).toBe(allow);
  });

  it("Accept: a browser gets JSON (no renderer), text/html alone → 406, problem+json and */* → JSON", async () => {
    const browser = await call(`${t.base}/processes`, {
      headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
    });
    expect(browser.status).toBe(200);
    expect(browser.type).toMatch(/^application\/json/);
    expectProblem(await call(`${t.base}/processes`, { headers: { accept: "text/html" } }), {
      status: 406,
      type: "not-acceptable",
    });
    expectProblem(await call(`${t.base}/jobs`, { headers: { accept: "image/png, application/json;q=0" } }), {
      status: 406,
    });
    for (const accept of ["application/problem+json", "*/*", "application/*", ""])
      expect((await call(`${t.base}/conformance`, { headers: { accept } })).status, accept).toBe(200);
    expect((await call(`${t.base}/conformance?f=json`, { headers: { accept: "text/html" } })).status).toBe(
      200,
    );
    expectProblem(await call(`${t.base}/conformance?f=html`), { status: 400, locator: "f" });
    expectProblem(await call(`${t.base}/conformance?f=xml`), { status: 400, locator: "f" });
  });

  it("an unknown path is a 404 problem, /health still answers, /wps still speaks XML", async () => {
    const a = await call(`${t.base}/no/such/path`);
    expect(a.status).toBe(404);
    expect(a.type).toMatch(/^application\/problem\+json/);
    expect((await call(`${t.base}/health`)).json).toEqual({ status: "ok" });
    const wps = await call(`${t.base}/wps?service=WPS&request=GetCapabilities`);
    expect(wps.type).toMatch(/^text\/xml/);
    expect(wps.text).toContain(`${t.base}/jobs`);
  });
});
