/**
 * The HTML encodings of the OGC API resources, rendered from the codec's documents for every process Roost ships
 * and the UI fixtures, without a browser: no inline script, handler or style anywhere; hostile texts escaped; every
 * form field labelled with its input's title; the request preview of the defaults valid (the WPS XML against the
 * XSD, the `roost run` line through the client's own parser); pages rendered well within 100 ms.
 */
import { ogcapi, wps1 } from "@roost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProcessArgs, parseRunCommandLine } from "../../packages/client/src/cli/args.js";
import { defaultRequest, previewOf } from "../../packages/server/src/http/ui/preview.js";
import { xsdErrors } from "../helpers/xsd.js";
import { XSS } from "./fixtures/processes.js";
import { shellWords, startUiServer, type UiServer, unsafeMarkup } from "./helpers.js";

let t: UiServer;
beforeAll(async () => {
  t = await startUiServer();
});
afterAll(async () => {
  await t?.close();
});

const req = (url: string) => ({ url });

describe("process pages", () => {
  it("every process: safe markup, a labelled control for every input, an Execute button", async () => {
    for (const p of t.server.service.processes()) {
      const doc = ogcapi.encodeProcessDescription(p, t.urls);
      const html = await t.ui.renderer.render("process", doc, req(`/processes/${p.identifier}`));
      expect(unsafeMarkup(html), p.identifier).toEqual([]);
      expect(html).toMatch(/<button type="submit" class="primary">Execute<\/button>/);
      for (const [n, d] of p.inputs.entries()) {
        // The field names its input: its title (or identifier) in the label or legend the controls point to.
        const label = new RegExp(`id="f${n}-label"[^>]*>([^<]*)`).exec(html)?.[1] ?? "";
        expect(label.trim(), `${p.identifier}/${d.identifier}`).not.toBe("");
        const title = doc.inputs[d.identifier]?.title || d.identifier;
        expect(label).toContain(
          title
            .replace(/&/g, "&amp;")
            .replace(/</g, "&lt;")
            .replace(/>/g, "&gt;")
            .replace(/"/g, "&quot;")
            .replace(/'/g, "&#39;"),
        );
        if (d.kind === "literal") expect(html).toContain(`id="f${n}-0-value"`);
      }
    }
  });

  it("hostile texts are shown as text, and a javascript: link is neutralised", async () => {
    const p = t.process("ui_xss");
    const html = await t.ui.renderer.render(
      "process",
      ogcapi.encodeProcessDescription(p, t.urls),
      req("/processes/ui_xss"),
    );
    expect(html).not.toContain(XSS);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<svg");
    expect(html).toContain("Probe &lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;/textarea&gt;&lt;script&gt;");
    expect(html).not.toContain("javascript:");
    // The default value (an attribute breaker) stays inside its attribute.
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(4)&gt;"');
  });

  it("the preview of the defaults: WPS XML valid against the XSD, roost run parsed back to the same inputs", async () => {
    for (const p of t.server.service.processes()) {
      const body = defaultRequest(p);
      for (const async of p.jobControl.async ? [true, false] : [false]) {
        const v = previewOf(t.ui.ctx, p, body, { async, files: {} });
        expect(JSON.parse(v.json)).toEqual(JSON.parse(JSON.stringify(body)));
        if (v.xml === "") continue;
        expect(await xsdErrors(v.xml, "wps1"), p.identifier).toBe("");
        const argv = shellWords(v.cli);
        expect(argv.slice(0, 2)).toEqual(["roost", "run"]);
        const cl = parseRunCommandLine(argv.slice(2));
        expect(cl.processId).toBe(p.identifier);
        expect(cl.run.async === true, p.identifier).toBe(async);
        const described = wps1.decodeProcessDescriptions(wps1.encodeProcessDescriptions([p], "en-US"))[0];
        const parsed = parseProcessArgs(cl.rest, described?.inputs ?? [], { common: cl.common, run: cl.run });
        const sent = new Map<string, string[]>();
        for (const [id, v] of Object.entries(body.inputs as Record<string, unknown>))
          sent.set(id, (Array.isArray(v) ? v : [v]).map(String));
        expect(new Map(parsed), p.identifier).toEqual(sent);
      }
    }
  });

  it("a preview reports what the server would refuse, naming the input", () => {
    const p = t.process("ui_gallery");
    const v = previewOf(
      t.ui.ctx,
      p,
      { inputs: { rows: 500 }, response: "document" },
      { async: false, files: {} },
    );
    expect(v.problems.join(" ")).toMatch(/rows/);
    const bad = previewOf(t.ui.ctx, p, { inputs: { nope: 1 } }, { async: false, files: {} });
    expect(bad.xml).toBe("");
    expect(bad.problems.join(" ")).toMatch(/nope/);
  });
});

describe("catalogue, history, conformance", () => {
  it("the catalogue lists every process with its title, version and modes, escaped", async () => {
    const list = ogcapi.encodeProcessList(t.server.service.processes(), t.urls, { self: t.urls.processes });
    const html = await t.ui.renderer.render("processes", list, req("/processes"));
    expect(unsafeMarkup(html)).toEqual([]);
    for (const p of t.server.service.processes())
      expect(html).toContain(`<code class="ident">${p.identifier.replace(/&/g, "&amp;")}</code>`);
    expect(html).not.toContain(XSS);
    expect((html.match(/<li class="card"/g) ?? []).length).toBe(t.server.service.processes().length);
    // Without script, the search form asks the landing page (`/?q=`), which hides the cards that do not match.
    expect(html).toMatch(/<form class="search" role="search" method="get" action="\/">/);
    const landing = ogcapi.encodeLandingPage(
      {
        title: "Roost",
        keywords: [],
        fees: "",
        accessConstraints: "",
        provider: { name: "x" },
        languages: ["en-US"],
      },
      t.urls,
    );
    const filtered = await t.ui.renderer.render("landing", landing, req("/?q=gallery"));
    expect(
      (filtered.match(/<li class="card"[^>]*>/g) ?? []).filter((c) => !c.includes("hidden")).length,
    ).toBe(1);
  });

  it("landing and conformance pages are safe", async () => {
    const landing = ogcapi.encodeLandingPage(
      {
        title: `Roost ${XSS}`,
        keywords: [],
        fees: "",
        accessConstraints: "",
        provider: { name: "x" },
        languages: ["en-US"],
      },
      t.urls,
    );
    const html = await t.ui.renderer.render("landing", landing, req("/"));
    expect(unsafeMarkup(html)).toEqual([]);
    expect(html).toContain("Roost &lt;img");
    const conf = await t.ui.renderer.render(
      "conformance",
      ogcapi.encodeConformance([ogcapi.OGC_CONFORMANCE.core, ogcapi.OGC_CONFORMANCE.html]),
      req("/conformance"),
    );
    expect(conf).toContain(ogcapi.OGC_CONFORMANCE.html);
  });

  it("renders the catalogue and a form in well under 100 ms", async () => {
    const list = ogcapi.encodeProcessList(t.server.service.processes(), t.urls, { self: t.urls.processes });
    const inout = ogcapi.encodeProcessDescription(t.process("inout"), t.urls);
    const median = async (f: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        await f();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[20] ?? Infinity;
    };
    expect(await median(() => t.ui.renderer.render("processes", list, req("/processes")))).toBeLessThan(100);
    expect(await median(() => t.ui.renderer.render("process", inout, req("/processes/inout")))).toBeLessThan(
      100,
    );
  });
});
