/**
 * The OGC API's html class, with the web UI as the renderer on a real server: the class is declared, and every
 * resource of the API — landing, conformance, processes, a process, jobs, a job, its results, its recorded inputs,
 * a problem — answers a browser (and `?f=html`) with its page, carrying the Content-Security-Policy, no framing, a
 * link to its JSON twin and nothing inline; clients asking for JSON still get JSON.
 */
import { isTerminal, ogcapi } from "@roost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUiServer, type UiServer, unsafeMarkup } from "./helpers.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

let t: UiServer;
let job: string;
let failed: string;
beforeAll(async () => {
  t = await startUiServer();
  // Asynchronous runs: their job directories keep the logs a failed job's page shows.
  const run = async (pid: string, inputs: Record<string, unknown>) => {
    const r = await fetch(`${t.base}/processes/${pid}/execution`, {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify({ inputs, response: "document" }),
    });
    const id = /\/jobs\/([0-9a-f-]{36})$/.exec(r.headers.get("location") ?? "")?.[1] ?? "";
    const deadline = Date.now() + 20_000;
    while (!isTerminal((await t.server.service.job(id))?.status ?? "accepted")) {
      if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return id;
  };
  job = await run("ui_gallery", { rows: 2 });
  failed = await run("ui_fail", { reason: "shown as a page" });
});
afterAll(async () => {
  await t?.close();
});

describe("html conformance class", () => {
  it("is declared", async () => {
    const c = (await (await fetch(`${t.base}/conformance`)).json()) as { conformsTo: string[] };
    expect(c.conformsTo).toContain(ogcapi.OGC_CONFORMANCE.html);
  });

  it("every resource has its HTML page, safe and linked to its JSON", async () => {
    const paths = [
      "/",
      "/conformance",
      "/processes",
      "/processes/inout",
      "/jobs",
      `/jobs/${job}`,
      `/jobs/${job}/results`,
      `/jobs/${job}/inputs`,
    ];
    for (const path of paths) {
      for (const [url, headers] of [
        [`${t.base}${path}`, { accept: BROWSER }],
        [`${t.base}${path}${path.includes("?") ? "&" : "?"}f=html`, {}],
      ] as const) {
        const res = await fetch(url, { headers });
        expect(res.status, url).toBe(200);
        expect(res.headers.get("content-type"), url).toMatch(/^text\/html/);
        expect(res.headers.get("content-security-policy"), url).toMatch(/script-src 'self'(;|$)/);
        expect(res.headers.get("content-security-policy"), url).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        const page = await res.text();
        expect(page, url).toMatch(/<link rel="alternate" type="application\/json" href="[^"]+"/);
        expect(unsafeMarkup(page), url).toEqual([]);
      }
      const json = await fetch(`${t.base}${path}`, { headers: { accept: "application/json" } });
      expect(json.headers.get("content-type"), path).toMatch(/^application\/json/);
      expect(json.headers.get("content-security-policy")).toBeNull();
    }
  });

  it("problems are pages with their status; a failed job's results show its error and log", async () => {
    const missing = await fetch(`${t.base}/processes/no-such-process`, { headers: { accept: BROWSER } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await missing.text()).toContain("no-such-process");
    const res = await fetch(`${t.base}/jobs/${failed}/results`, { headers: { accept: BROWSER } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const page = await res.text();
    expect(page).toContain("The process failed on purpose (shown as a page)");
    expect(page).toContain("about to fail: shown as a page &lt;b&gt;markup stays text&lt;/b&gt;");
  });
});
