/**
 * The web UI in real Chromium, part 2: the history (filters, delete) and re-run with the recorded inputs; the
 * escaping case; result previews (CSV table, image, GeoJSON and bounding-box maps on the built-in basemap); a
 * bounding box drawn on the map; and phone-sized screens. After every test: no console error, no request to another
 * host, no dialog.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launch, openPage, type WatchedPage } from "./browser.js";
import { XSS } from "./fixtures/processes.js";
import { startUiServer, type UiServer } from "./helpers.js";

const run = haveChromium();
const JOB_PAGE = /\/jobs\/([0-9a-f-]{36})$/;

describe.runIf(run)("web UI in Chromium: history, results, safety", () => {
  let t: UiServer;
  let browser: Browser;
  let w: WatchedPage | undefined;
  beforeAll(async () => {
    t = await startUiServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    if (!w) return;
    const { errors, foreign, dialogs } = w;
    await w.close();
    w = undefined;
    expect(errors, "console errors").toEqual([]);
    expect(foreign, "requests to other hosts").toEqual([]);
    expect(dialogs, "dialogs").toEqual([]);
  });

  const open = async (path: string, width?: number, height?: number) => {
    w = await openPage(browser, t.base, width, height);
    await w.page.goto(`${t.base}${path}`);
    return w;
  };
  const jobIdOf = (url: string) => JOB_PAGE.exec(new URL(url).pathname)?.[1] ?? "";

  /** Run a process from its page (defaults, or values typed by `fill`) and wait for the job to end. */
  const runFromForm = async (
    page: WatchedPage["page"],
    processId: string,
    fill: () => Promise<void> = async () => {},
  ): Promise<string> => {
    await page.goto(`${t.base}/processes/${processId}`);
    await fill();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page
      .locator(".job-status[data-status=successful], .job-status[data-status=failed]")
      .waitFor({ timeout: 15_000 });
    return jobIdOf(page.url());
  };

  it("escaping: hostile texts and values are shown as text, never run", async () => {
    const { page, shot } = await open("/processes/ui_xss");
    expect(await page.locator("h1").textContent()).toBe(`Probe ${XSS}`);
    expect(await page.locator("h1 img").count()).toBe(0);
    expect(await page.getByLabel(`Text ${XSS}`).inputValue()).toBe(`"><img src=x onerror=alert(4)>`);
    await page.getByLabel(`Text ${XSS}`).fill(XSS);
    await shot("escaping-form");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page.locator(".result.literal output").waitFor({ timeout: 15_000 });
    expect(await page.locator(".result.literal output").textContent()).toBe(XSS);
    expect(await page.locator("main img").count()).toBe(0);
    await page.goto(`${t.base}/processes`);
    expect(await page.locator("li.card", { hasText: "ui_xss" }).locator("h3").textContent()).toBe(
      `Probe ${XSS}`,
    );
    await page.goto(`${t.base}/jobs`);
    await page.locator("tr[data-job]").first().waitFor();
    expect(await page.locator("main img").count()).toBe(0);
    await shot("escaping-history");
  });

  it("results: a CSV table, an image, GeoJSON and a bounding box on maps, text", async () => {
    const { page, shot } = await open("/processes/ui_gallery");
    await page.getByLabel("Rows").fill("4");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page.locator("table.csv").waitFor({ timeout: 15_000 });
    expect(await page.locator("table.csv th").allTextContents()).toEqual(["city", "population"]);
    expect(await page.locator("table.csv tbody tr").count()).toBe(4);
    expect(await page.locator("table.csv tbody tr").first().locator("td").first().textContent()).toBe(
      "Town 1, north",
    );
    await expect
      .poll(() =>
        page.locator(".output-preview img").evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
      )
      .toBe(2);
    // Maps: the basemap's countries and the result's shapes drawn, from this server only.
    await expect.poll(() => page.locator(".leaflet-container").count()).toBe(2);
    await expect.poll(() => page.locator(".leaflet-overlay-pane path").count()).toBeGreaterThan(100);
    expect(await page.locator("[data-output=note] pre").textContent()).toBe("first line\nsecond line");
    expect(await page.locator("[data-output=table] .size").textContent()).toMatch(/\d+ B$/);
    expect(w?.requests.some((r) => /\/ui\/assets\/basemap-[0-9a-f]+\.json$/.test(r))).toBe(true);
    await shot("results", true);
  });

  it("a bounding box drawn on the map fills the four fields", async () => {
    const { page, shot } = await open("/processes/bbox");
    await page.getByRole("button", { name: "Draw on map" }).click();
    const map = page.locator(".map.has-map");
    await map.waitFor();
    await expect.poll(() => page.locator(".leaflet-overlay-pane path").count()).toBeGreaterThan(100);
    await page.getByRole("button", { name: "Draw a box" }).click();
    const box = await map.boundingBox();
    if (!box) throw new Error("no map");
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    const v = async (label: string) => Number(await page.getByLabel(`Bounding Box ${label}`).inputValue());
    const [minx, miny, maxx, maxy] = [await v("Min x"), await v("Min y"), await v("Max x"), await v("Max y")];
    expect(minx).toBeLessThan(maxx);
    expect(miny).toBeLessThan(maxy);
    expect(minx).toBeGreaterThanOrEqual(-180);
    expect(maxy).toBeLessThanOrEqual(90);
    await page.locator("#code-json", { hasText: String(minx) }).waitFor();
    await shot("form-bbox");
  });

  it("history: filters by status and process, re-runs with the recorded inputs, deletes", async () => {
    const { page, shot } = await open("/jobs");
    const hello = await runFromForm(page, "hello", () => page.getByLabel("Your name").fill("Grace"));
    const failed = await runFromForm(page, "ui_fail");
    await page.goto(`${t.base}/jobs`);
    const row = (id: string) => page.locator(`tr[data-job="${id}"]`);
    await row(hello).waitFor();
    expect(await row(hello).locator("[data-role=status]").textContent()).toBe("succeeded");
    expect(await row(failed).locator("[data-role=status]").textContent()).toBe("failed");
    expect(await row(hello).locator("td[data-label=Duration]").textContent()).toMatch(/\d/);
    await shot("history");
    await page.getByLabel("Status", { exact: true }).selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=failed/);
    expect(await row(failed).count()).toBe(1);
    expect(await row(hello).count()).toBe(0);
    await page.goto(`${t.base}/jobs?processID=hello`);
    expect(await row(hello).count()).toBe(1);
    expect(await row(failed).count()).toBe(0);
    // Re-run: the form comes back filled with the job's inputs.
    await row(hello).getByRole("link", { name: "Re-run" }).click();
    await page.waitForURL(/\/processes\/hello\?rerun=/);
    await page.getByText(`Filled in with the inputs of job ${hello.slice(0, 8)}`).waitFor();
    expect(await page.getByLabel("Your name").inputValue()).toBe("Grace");
    await shot("rerun");
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page.locator(".result.literal output").waitFor({ timeout: 15_000 });
    expect(await page.locator(".result.literal output").textContent()).toBe("Hello Grace Hopper");
    // Delete (two clicks: the first asks for confirmation).
    await page.goto(`${t.base}/jobs`);
    await row(failed).getByRole("button", { name: "Delete" }).click();
    await row(failed).getByRole("button", { name: "Confirm delete" }).click();
    await row(failed).waitFor({ state: "detached" });
    expect(await page.locator("[data-role=list-status]").textContent()).toBe(
      `Deleted job ${failed.slice(0, 8)}.`,
    );
    const gone = await fetch(`${t.base}/jobs/${failed}`, { headers: { Accept: "application/json" } });
    expect(gone.status).toBe(404);
    // The copy buttons carry the job id and its status URL.
    expect(await row(hello).locator("button[data-copy-text]").first().getAttribute("data-copy-text")).toBe(
      hello,
    );
  });

  it("phone-sized screens: nothing wider than the screen, the form usable", async () => {
    const { page, shot } = await open("/processes", 390, 844);
    const overflow = () => page.locator("html").evaluate((root) => root.scrollWidth - root.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot("phone-catalogue");
    await page.goto(`${t.base}/processes/inout`);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot("phone-form");
    const id = await runFromForm(page, "ui_gallery");
    expect(id).not.toBe("");
    await page.locator("table.csv").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${t.base}/jobs`);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot("phone-history");
  });
});
