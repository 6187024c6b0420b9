/**
 * The web UI's own routes over HTTP on a real server: immutable, gzip-capable assets; the request preview; a job's
 * live status as server-sent events (progress in order, ending with the final state); the results fragment; the
 * log tail of a failed job; and the published HTML output of a hostile process sent as an attachment.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isTerminal } from "@roost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAssetsDir } from "../../packages/server/src/http/ui/assets.js";
import { executeXml, parseStatus } from "../execution/helpers.js";
import { startUiServer, type UiServer } from "./helpers.js";

let t: UiServer;
beforeAll(async () => {
  t = await startUiServer();
});
afterAll(async () => {
  await t?.close();
});

/** Submit an async job through WPS 1.0.0; resolves with its id. */
async function submit(processId: string, inputs: Record<string, string | number> = {}): Promise<string> {
  const res = await fetch(`${t.base}/wps`, {
    method: "POST",
    body: executeXml(processId, inputs, { async: true }),
  });
  const s = parseStatus(await res.text(), res.status);
  const id = /\/outputs\/([0-9a-f-]{36})\.xml$/.exec(s.statusLocation ?? "")?.[1];
  if (!id) throw new Error(`no job: ${s.raw.slice(0, 300)}`);
  return id;
}

async function finished(id: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await t.server.service.job(id);
    if (job && isTerminal(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("assets", () => {
  it("serves the built files, immutable, gzip when asked, and nothing else", async () => {
    const manifest = JSON.parse(readFileSync(join(defaultAssetsDir(), "manifest.json"), "utf8")) as Record<
      string,
      string
    >;
    const main = manifest["main.js"] ?? "";
    const plain = await fetch(`${t.base}/ui/assets/${main}`, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(plain.headers.get("cache-control")).toContain("immutable");
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await plain.text()).toBe(readFileSync(join(defaultAssetsDir(), main), "utf8"));
    const gz = await fetch(`${t.base}/ui/assets/${main}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(await gz.text()).toBe(readFileSync(join(defaultAssetsDir(), main), "utf8"));
    for (const bad of ["nope.js", "..%2Fpackage.json", "manifest.json"])
      expect((await fetch(`${t.base}/ui/assets/${bad}`)).status, bad).toBe(404);
  });
});

describe("preview", () => {
  it("answers the four forms of a request, and refuses what is not one", async () => {
    const res = await fetch(`${t.base}/ui/preview/hello`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ request: { inputs: { name: "Ada's <b>" } }, async: true, files: {} }),
    });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Record<string, string>;
    expect(JSON.parse(p.json ?? "")).toEqual({ inputs: { name: "Ada's <b>" } });
    expect(p.xml).toContain("<wps:LiteralData>Ada&apos;s &lt;b&gt;</wps:LiteralData>".replace("&apos;", "'"));
    expect(p.xml).toContain('storeExecuteResponse="true"');
    expect(p.curl).toContain("Prefer: respond-async");
    expect(p.cli).toContain("--name 'Ada'\\''s <b>'");
    const unknown = await fetch(`${t.base}/ui/preview/nope`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${t.base}/ui/preview/hello`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "[1]",
    });
    expect(bad.status).toBe(400);
  });
});

describe("live status stream", () => {
  it("sends the job's states in order and ends after the final one", async () => {
    const id = await submit("sleep", { delay: 0.2 });
    const res = await fetch(`${t.base}/ui/jobs/${id}/events`);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text(); // resolves when the server ends the stream
    const events = [...text.matchAll(/event: status\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] ?? "{}"));
    const statuses = events.map((e) => e.status as string);
    expect(statuses.at(-1)).toBe("successful");
    expect(statuses.indexOf("running")).toBeGreaterThanOrEqual(0);
    const progress = events
      .filter((e) => e.status === "running" && e.progress !== undefined)
      .map((e) => e.progress as number);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(events.at(-1)?.where).toBe("local workers");
  });

  it("refuses unknown and malformed job ids", async () => {
    expect((await fetch(`${t.base}/ui/jobs/00000000-0000-4000-8000-000000000000/events`)).status).toBe(404);
    expect((await fetch(`${t.base}/ui/jobs/..%2F..%2Fetc/events`)).status).toBe(404);
    expect((await fetch(`${t.base}/ui/jobs/x/log`)).status).toBe(404);
  });
});

describe("results and logs", () => {
  it("the results fragment links every file with its size and media type", async () => {
    const id = await submit("ui_gallery", { rows: 4 });
    expect((await finished(id)).status).toBe("succeeded");
    const res = await fetch(`${t.base}/ui/jobs/${id}/results`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const mime of ["text/csv", "image/png", "application/geo+json", "text/plain"])
      expect(html).toContain(mime);
    expect(html).toMatch(new RegExp(`href="${t.base}/outputs/${id}/[^"]+\\.csv" download=`));
    expect(html).toContain('data-preview-kind="csv"');
    expect(html).toContain('data-role="result-map" data-bbox="[-10,35,30,60]"');
  });

  it("zip and Metalink outputs are listed", async () => {
    const ml = await submit("multiple_outputs", { count: 3 });
    expect((await finished(ml)).status).toBe("succeeded");
    const mlPage = await (await fetch(`${t.base}/ui/jobs/${ml}/results`)).text();
    // Both Metalink documents (3.0 and 4.0) list the three files with links to them.
    expect(mlPage.match(/<summary>3 files inside<\/summary>/g)?.length).toBe(2);
    expect(mlPage).toMatch(new RegExp(`<a href="${t.base}/outputs/${ml}/[^"]+" rel="noreferrer">`));
    const res = await fetch(`${t.base}/processes/output_formats/execution`, {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify({ outputs: { netcdf: { format: { mediaType: "application/zip" } } } }),
    });
    const zip = /\/jobs\/([0-9a-f-]{36})$/.exec(res.headers.get("location") ?? "")?.[1] ?? "";
    expect((await finished(zip)).status).toBe("succeeded");
    const zipPage = await (await fetch(`${t.base}/ui/jobs/${zip}/results`)).text();
    expect(zipPage).toMatch(/<summary>\d+ files? inside<\/summary><ul><li><code>[^<]+\.nc<\/code>/);
  });

  it("the log tail of a failed job holds the handler's log line, as text", async () => {
    const id = await submit("ui_fail", { reason: "for the log" });
    expect((await finished(id)).status).toBe("failed");
    const res = await fetch(`${t.base}/ui/jobs/${id}/log`);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const log = (await res.json()) as { job?: string; worker?: string };
    expect(`${log.worker}\n${log.job}`).toContain("about to fail: for the log <b>markup stays text</b>");
    expect((await fetch(`${t.base}/ui/jobs/${id}/results`)).status).toBe(409);
  });

  it("Delete removes a finished job (row and files) and refuses an active one", async () => {
    const running = await submit("sleep", { delay: 5 });
    expect((await fetch(`${t.base}/ui/jobs/${running}`, { method: "DELETE" })).status).toBe(409);
    await t.server.service.dismiss(running, { waitMs: 10_000 });
    const id = await submit("ui_gallery", { rows: 1 });
    expect((await finished(id)).status).toBe("succeeded");
    const dir = join(t.dataDir, "jobs", id);
    expect(existsSync(dir)).toBe(true);
    expect((await fetch(`${t.base}/ui/jobs/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await t.server.service.job(id)).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    expect((await fetch(`${t.base}/ui/jobs/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("an HTML output of a process is an attachment, never a page of this origin", async () => {
    const id = await submit("ui_xss");
    expect((await finished(id)).status).toBe("succeeded");
    const job = await t.server.service.job(id);
    const page = job?.outputs?.page;
    expect(page?.kind).toBe("file");
    const res = await fetch(t.server.service.outputHref(id, page?.kind === "file" ? page.file : ""));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
