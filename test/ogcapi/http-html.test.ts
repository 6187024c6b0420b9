/**
 * The HTML hook (class html, declared only with a renderer): a server given an `OgcHtmlRenderer` declares the class,
 * answers browsers (`Accept: text/html,…,*\/*;q=0.8`) and `?f=html` with the renderer's page built from the very
 * document the JSON answer carries, renders problems for browsers with the problem's status, and still answers JSON
 * to clients that ask for it or send no Accept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  OgcHtmlContext,
  OgcHtmlKind,
  OgcHtmlRenderer,
} from "../../packages/server/src/http/ogcapi/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { call, execute, monitorJob, waitJob } from "./http-helpers.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** Records what it was asked and renders the document as JSON inside a <pre> (escaped). */
class RecordingRenderer implements OgcHtmlRenderer {
  readonly calls: { kind: OgcHtmlKind; doc: unknown; ctx: OgcHtmlContext }[] = [];
  render(kind: OgcHtmlKind, doc: unknown, ctx: OgcHtmlContext): string {
    this.calls.push({ kind, doc, ctx });
    const text = JSON.stringify(doc).replace(/&/g, "&amp;").replace(/</g, "&lt;");
    return `<!DOCTYPE html><html><body data-kind="${kind}"><pre>${text}</pre></body></html>`;
  }
}

let t: TestServer;
const renderer = new RecordingRenderer();

beforeAll(async () => {
  t = await startTestServer({}, { start: { html: renderer } });
});

afterAll(async () => {
  await t?.close();
});

describe("with an HTML renderer", () => {
  it("declares the html class", async () => {
    const c = (await call(`${t.base}/conformance`)).json as { conformsTo: string[] };
    expect(c.conformsTo).toContain("http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/html");
    expect(c.conformsTo).toHaveLength(8);
  });

  it.each([
    ["/", "landing"],
    ["/conformance", "conformance"],
    ["/processes", "processes"],
    ["/processes/hello", "process"],
    ["/jobs", "jobs"],
  ])("a browser gets %s as the renderer's %s page, with the JSON document", async (path, kind) => {
    const html = await call(`${t.base}${path}`, { headers: { accept: BROWSER } });
    expect(html.status).toBe(200);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain(`data-kind="${kind}"`);
    const json = await call(`${t.base}${path}`);
    expect(json.type).toMatch(/^application\/json/);
    const last = renderer.calls.at(-1)!;
    expect(last.kind).toBe(kind);
    if (path !== "/jobs") expect(JSON.parse(JSON.stringify(last.doc))).toEqual(json.json);
    expect(last.ctx.url).toBe(`${t.base}${path}`);
    expect(last.ctx.jsonUrl).toBe(`${t.base}${path}?f=json`);
    expect(last.ctx.status).toBe(200);
    expect(last.ctx.urls.processes).toBe(`${t.base}/processes`);
    // f=html and f=json override Accept.
    expect((await call(`${t.base}${path}?f=html`)).type).toMatch(/^text\/html/);
    expect((await call(`${t.base}${path}?f=json`, { headers: { accept: BROWSER } })).type).toMatch(
      /^application\/json/,
    );
  });

  it("job, inputs and results pages", async () => {
    const id = monitorJob(await execute(t.base, "hello", { inputs: { name: "<b>page</b>" } }));
    await waitJob(t.base, id);
    for (const [suffix, kind] of [
      ["", "job"],
      ["/inputs", "inputs"],
      ["/results", "results"],
    ] as const) {
      const a = await call(`${t.base}/jobs/${id}${suffix}`, { headers: { accept: BROWSER } });
      expect(a.type, suffix).toMatch(/^text\/html/);
      expect(a.text).toContain(`data-kind="${kind}"`);
      expect(a.text).not.toContain("<b>page</b>");
    }
    expect(renderer.calls.at(-1)?.doc).toEqual({ output: "Hello <b>page</b>" });
    // A client reading results raw still gets them raw.
    expect((await call(`${t.base}/jobs/${id}/results`)).text).toBe("Hello <b>page</b>");
  });

  it("problems are pages for browsers (with their status) and JSON for others", async () => {
    const page = await call(`${t.base}/processes/nope`, { headers: { accept: BROWSER } });
    expect(page.status).toBe(404);
    expect(page.type).toMatch(/^text\/html/);
    expect(renderer.calls.at(-1)).toMatchObject({ kind: "problem", ctx: { status: 404 } });
    const json = await call(`${t.base}/processes/nope`);
    expect(json.type).toMatch(/^application\/problem\+json/);
  });

  it("text/html alone is acceptable now; an unknown f still is not", async () => {
    expect((await call(`${t.base}/processes`, { headers: { accept: "text/html" } })).status).toBe(200);
    expect((await call(`${t.base}/processes?f=pdf`)).status).toBe(400);
  });
});
