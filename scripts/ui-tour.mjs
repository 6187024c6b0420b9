#!/usr/bin/env node
/**
 * `node scripts/ui-tour.mjs`: the README's tour of the web UI — screenshots of the real pages, taken in Debian's
 * Chromium (playwright-core) from a server started from the build with the demo processes and the UI test fixtures
 * (`test/ui/fixtures/processes.ts`, whose `ui_gallery` shows every kind of result preview). Writes
 * `docs/screenshots/*.png`. Needs `npm run build` first.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "docs/screenshots");
const { loadConfig } = await import(join(root, "packages/server/dist/config/load.js"));
const { startServer } = await import(join(root, "packages/server/dist/main.js"));
const { pino } = await import("pino");

/** A free loopback port (the public URL must name the port before the server listens). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "roost-ui-tour-"));
const port = await freePort();
const config = loadConfig({
  env: {},
  flags: {
    "server.port": port,
    "server.data_dir": dataDir,
    "server.log_level": "silent",
    "processes.modules": [join(root, "test/ui/fixtures/processes.ts")],
    "metadata.title": "Roost",
  },
});
const server = await startServer(config, { logger: pino({ level: "silent" }) });
const base = config.server.public_url;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
  ],
});
const shoot = async (page, name) => page.screenshot({ path: join(out, `${name}.png`) });
const JOB = /\/jobs\/[0-9a-f-]{36}$/;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  // A few jobs for the history.
  for (const [pid, fill] of [
    ["hello", async () => page.getByLabel("Your name").fill("Ada")],
    ["wordcounter", async () => page.getByRole("textbox", { name: "Text" }).fill("to be or not to be")],
    ["ui_fail", async () => {}],
  ]) {
    await page.goto(`${base}/processes/${pid}`);
    await fill();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForURL(JOB);
    await page.locator(".job-status[data-status=successful], .job-status[data-status=failed]").waitFor();
  }
  await page.goto(`${base}/`);
  await page.getByLabel("Search processes").pressSequentially("box");
  await shoot(page, "1-catalogue");
  await page.goto(`${base}/processes/inout`);
  await page.getByRole("tab", { name: "roost run" }).click();
  await page.waitForTimeout(300);
  await shoot(page, "2-form");
  await page.goto(`${base}/processes/sleep`);
  await page.getByLabel("Delay between every update").fill("1.5");
  await page.getByRole("button", { name: "Execute" }).click();
  await page.waitForURL(JOB);
  await page.waitForFunction(() => document.querySelector(".job-status progress")?.value >= 40);
  await shoot(page, "3-job-live");
  await page.goto(`${base}/processes/ui_gallery`);
  await page.getByRole("button", { name: "Execute" }).click();
  await page.waitForURL(JOB);
  await page.waitForFunction(() => document.querySelectorAll(".leaflet-overlay-pane path").length > 200);
  await page.evaluate(() => document.querySelector("#results-h").scrollIntoView());
  // Leaflet animates the zoom to the shapes: wait for it to settle.
  await page.waitForTimeout(800);
  await shoot(page, "4-results");
  await page.evaluate(() => document.querySelector("[data-output=shape]").scrollIntoView());
  await shoot(page, "5-results-map");
  await page.goto(`${base}/jobs`);
  await shoot(page, "6-history");
  const phone = await browser.newPage({ viewport: { width: 390, height: 760 } });
  await phone.goto(`${base}/processes/bbox`);
  await phone.getByRole("button", { name: "Draw on map" }).click();
  await phone.waitForFunction(() => document.querySelectorAll(".leaflet-overlay-pane path").length > 100);
  await phone.evaluate(() => document.querySelector(".map").scrollIntoView({ block: "center" }));
  await shoot(phone, "7-phone");
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`screenshots in ${out}`);
