/**
 * The web UI in real Chromium, part 1: catalogue and search, a synchronous run showing its result, an asynchronous
 * run showing live progress and its result without a reload, in-page validation (an out-of-range value sends
 * nothing), dismiss, uploads (file picker and drag and drop, with the size limit), a failed job's error and log,
 * and keyboard use. After every test: no console error, no request to another host, no dialog.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launch, openPage, type WatchedPage } from "./browser.js";
import { startUiServer, type UiServer } from "./helpers.js";

const run = haveChromium();
const JOB_PAGE = /\/jobs\/([0-9a-f-]{36})$/;

describe.runIf(run)("web UI in Chromium: running processes", () => {
  let t: UiServer;
  let browser: Browser;
  let w: WatchedPage | undefined;
  beforeAll(async () => {
    // A small request limit, so the upload limit the page shows is easy to exceed.
    t = await startUiServer({ "server.max_request_size": "200kb" });
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

  const open = async (path: string, width?: number) => {
    w = await openPage(browser, t.base, width);
    await w.page.goto(`${t.base}${path}`);
    return w;
  };
  const jobIdOf = (url: string) => JOB_PAGE.exec(new URL(url).pathname)?.[1] ?? "";

  it("catalogue: every process listed, the search filters as you type", async () => {
    const { page, shot } = await open("/processes");
    const total = t.server.service.processes().length;
    expect(await page.locator("li.card:visible").count()).toBe(total);
    await shot("catalogue");
    await page.getByLabel("Search processes").pressSequentially("word cou");
    expect(await page.locator("li.card:visible").count()).toBe(1);
    expect(await page.locator("li.card:visible h3").textContent()).toBe("Word Counter");
    expect(await page.locator("[data-role=count]").textContent()).toBe(`1 of ${total} processes`);
    await page.getByLabel("Search processes").fill("no such thing at all");
    expect(await page.locator("li.card:visible").count()).toBe(0);
    expect(await page.getByText("No process matches.").isVisible()).toBe(true);
    await shot("catalogue-search");
  });

  it("a synchronous run lands on the job page with its result", async () => {
    const { page, shot } = await open("/processes/hello");
    await page.getByLabel("Your name").fill("Ada Lovelace");
    await page.getByRole("radio", { name: /^Synchronous/ }).check();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page.locator(".result.literal output").waitFor();
    expect(await page.locator(".result.literal output").textContent()).toBe("Hello Ada Lovelace");
    expect(await page.locator(".job-status [data-role=status]").textContent()).toBe("succeeded");
    const job = await t.server.service.job(jobIdOf(page.url()));
    expect(job?.mode).toBe("sync");
    await shot("job-sync");
  });

  it("an asynchronous run shows live progress and then its result, without a reload", async () => {
    const { page, shot } = await open("/processes/sleep");
    await page.getByLabel("Delay between every update").fill("0.7");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    // Progress between the first and the last step, reported while the job runs.
    const running = async () => {
      const status = await page.locator(".job-status").getAttribute("data-status");
      const v = await page.locator(".job-status progress").getAttribute("value");
      return status === "running" && v !== null && Number(v) >= 20 && Number(v) < 100;
    };
    await expect.poll(running, { timeout: 15_000, interval: 50 }).toBe(true);
    expect(await page.locator("[data-role=message]").textContent()).toContain("Waiting");
    expect(await page.locator("[data-role=where]").textContent()).toBe("local workers");
    await shot("job-running");
    await page.locator(".result.literal output").waitFor({ timeout: 15_000 });
    expect(await page.locator(".result.literal output").textContent()).toBe("done sleeping");
    expect(await page.locator(".job-status [data-role=status]").textContent()).toBe("succeeded");
    expect(await page.locator("[data-role=percent]").textContent()).toBe("100%");
    expect(await page.getByRole("button", { name: "Dismiss" }).isVisible()).toBe(false);
    expect(navigations).toBe(0);
    await shot("job-async-done");
  });

  it("an out-of-range value is reported in the page and nothing is sent", async () => {
    const { page, requests, shot } = await open("/processes/ui_gallery");
    const rows = page.getByLabel("Rows");
    await rows.fill("500");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.getByText("Must be 1–50").waitFor();
    expect(await rows.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("[data-role=form-status]").textContent()).toMatch(/^Nothing was sent/);
    await rows.fill("2.5");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.getByText("Enter a whole number").waitFor();
    expect(requests.filter((r) => r.includes("/execution"))).toEqual([]);
    expect(page.url()).toBe(`${t.base}/processes/ui_gallery`);
    await shot("form-invalid");
    // Fixed, it is sent.
    await rows.fill("7");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
  });

  it("Dismiss stops a running job", async () => {
    const { page, shot } = await open("/processes/sleep");
    await page.getByLabel("Delay between every update").fill("20");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    const id = jobIdOf(page.url());
    await page.locator(".job-status[data-status=running]").waitFor();
    const t0 = Date.now();
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.locator(".job-status[data-status=dismissed]").waitFor({ timeout: 15_000 });
    expect(await page.locator(".job-status [data-role=status]").textContent()).toBe("dismissed");
    const job = await t.server.service.job(id);
    expect(job?.status).toBe("dismissed");
    // The worker was stopped: the job ended long before its 100 s of sleep.
    expect((job?.finishedAt ?? Number.POSITIVE_INFINITY) - t0).toBeLessThan(15_000);
    await shot("job-dismissed");
  });

  it("uploads: by file picker and by drag and drop, within the limit the page shows", async () => {
    const { page, shot } = await open("/processes/wordcounter");
    const limit = page.locator(".drop .hint");
    await page.getByLabel("Upload").check();
    // 200 kB of request, less 16 KiB for the JSON around the data, times 3/4 for base64: 137 712 bytes.
    expect(await limit.textContent()).toContain("at most 138 kB");
    const file = page.getByLabel("Text document File");
    await file.setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(150_000, 97) });
    await page.getByText("larger than the limit").waitFor();
    await file.setInputFiles({
      name: "words.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("the cat saw the hat"),
    });
    await page.getByText("words.txt · 19 B").waitFor();
    await page.locator("#code-json", { hasText: "the cat saw the hat" }).waitFor();
    expect(await page.locator("#code-cli").textContent()).toContain("--text @words.txt");
    // Drag and drop replaces the file.
    const dt = await page.locator("[data-role=drop]").evaluateHandle((zone) => {
      const w = zone.ownerDocument.defaultView;
      const d = new w.DataTransfer();
      d.items.add(new w.File(["b a b a b"], "dropped.txt", { type: "text/plain" }));
      return d;
    });
    await page.locator("[data-role=drop]").dispatchEvent("drop", { dataTransfer: dt });
    await page.getByText("dropped.txt · 9 B").waitFor();
    await shot("form-upload");
    await page.getByRole("radio", { name: /^Synchronous/ }).check();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    const preview = page.locator(".output-preview pre");
    await preview.waitFor();
    expect(JSON.parse((await preview.textContent()) ?? "")).toEqual([
      [3, "b"],
      [2, "a"],
    ]);
  });

  it("a failed job shows its error and the tail of its log", async () => {
    const { page, shot } = await open("/processes/ui_fail");
    await page.getByLabel("Reason").fill("shown in the UI");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB_PAGE);
    await page.locator("[data-role=failure]:visible").waitFor({ timeout: 15_000 });
    // The job's error message as the server records it for clients (the catalogue's prefix included).
    expect(await page.locator("[data-role=error-text]").textContent()).toMatch(
      /^(Process error: )?The process failed on purpose \(shown in the UI\)$/,
    );
    await page.locator("[data-role=log]", { hasText: "about to fail" }).waitFor();
    expect(await page.locator("[data-role=log]").textContent()).toContain(
      "about to fail: shown in the UI <b>markup stays text</b>",
    );
    expect(await page.locator("[data-role=log] b").count()).toBe(0);
    await shot("job-failed");
  });

  it("keyboard: skip link, a field reached and the form submitted with Enter", async () => {
    const { page } = await open("/processes/hello");
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").textContent()).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.locator(":focus").getAttribute("id")).toBe("main");
    await page.getByLabel("Your name").focus();
    await page.keyboard.type("Keyboard");
    await page.keyboard.press("Enter");
    await page.waitForURL(JOB_PAGE);
    await page.locator(".result.literal output").waitFor({ timeout: 15_000 });
    expect(await page.locator(".result.literal output").textContent()).toBe("Hello Keyboard");
  });
});
