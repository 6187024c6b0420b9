/**
 * Browser tests in Debian's Chromium, driven by playwright-core (which never downloads a browser). Every page
 * opened through {@link openPage} is watched: requests to any other host are blocked and recorded, console errors
 * and uncaught exceptions collected, dialogs (an `alert` would mean injected script ran) recorded and dismissed.
 * Tests assert that all three lists stay empty. Screenshots go to `test/ui/artifacts/` (gitignored).
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { requireService } from "../helpers/services.js";

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Where screenshots are saved. */
export const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));

/** True when the suite can run (under CI a missing Chromium fails it). */
export function haveChromium(): boolean {
  return requireService("chromium", existsSync(CHROMIUM), "apt-get install chromium");
}

/**
 * Launch Chromium headless with the flags this machine needs (no background networking: its connections would be
 * refused by the closed network). Playwright gives every launch a fresh temporary profile.
 */
export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A watched page. */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests to other hosts (blocked). */
  readonly foreign: string[];
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  /** Dialog messages (alert/confirm/prompt). */
  readonly dialogs: string[];
  /** Requests to the server, as `METHOD path`. */
  readonly requests: string[];
  /** Save a screenshot as `test/ui/artifacts/<name>.png`. */
  shot(name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Open a watched page on a server (`base` is its origin); `width` defaults to a laptop screen. */
export async function openPage(
  browser: Browser,
  base: string,
  width = 1280,
  height = 900,
): Promise<WatchedPage> {
  const origin = new URL(base).origin;
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const foreign: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    let o = "";
    try {
      o = new URL(url).origin;
    } catch {
      // data: and blob: URLs have no host: they never leave the browser.
      return route.continue();
    }
    if (o === origin || url.startsWith("data:") || url.startsWith("blob:")) {
      requests.push(`${route.request().method()} ${new URL(url).pathname}`);
      return route.continue();
    }
    foreign.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    page,
    context,
    foreign,
    errors,
    dialogs,
    requests,
    async shot(name, fullPage = false) {
      await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage });
    },
    async close() {
      await context.close();
    },
  };
}
