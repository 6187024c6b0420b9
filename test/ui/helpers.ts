/**
 * Helpers of the web UI suites: a real server with the UI's fixture processes, the UI built on its job API (the
 * renderer and context the server itself uses), and checks every page must pass.
 */
import { fileURLToPath } from "node:url";
import type { ogcapi, ProcessDefinition } from "@roost/core/internal";
import { ogcUrls } from "../../packages/server/src/http/ogcapi/context.js";
import { buildWebUi, type WebUi } from "../../packages/server/src/http/ui/index.js";
import { PublicUrls } from "../../packages/server/src/http/urls.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

/** The UI fixture processes module. */
export const UI_FIXTURES = fileURLToPath(new URL("./fixtures/processes.ts", import.meta.url));

/** A server under test with its web UI. */
export interface UiServer extends TestServer {
  readonly ui: WebUi;
  readonly urls: ogcapi.OgcUrls;
  /** A registered process. */
  process(id: string): ProcessDefinition;
}

/** Start a server with the demo and UI fixture processes. */
export async function startUiServer(settings: Record<string, unknown> = {}): Promise<UiServer> {
  const t = await startTestServer(
    { "processes.modules": [UI_FIXTURES], ...settings },
    { start: { webUi: true } },
  );
  const { service, config } = t.server;
  const ui = buildWebUi({ service, config, urls: new PublicUrls(config.server.public_url) });
  return {
    ...t,
    ui,
    urls: ogcUrls(ui.ctx.urls),
    process(id: string) {
      const p = service.processes().find((x) => x.identifier === id);
      if (!p) throw new Error(`no process ${id}`);
      return p;
    },
  };
}

/**
 * What no UI page may contain: script other than the one module file and JSON data blocks, inline event handlers,
 * inline styles, `javascript:` URLs, or a tag that does not parse as a tag with double-quoted attributes (the form
 * every template writes; anything else would mean text escaped its attribute). Returns the offending tags.
 */
export function unsafeMarkup(page: string): string[] {
  const found: string[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'=<>/]+(?:="[^"]*")?)*)\s*\/?>/y;
  for (let i = page.indexOf("<"); i >= 0; i = page.indexOf("<", i + 1)) {
    if (!/[a-zA-Z]/.test(page[i + 1] ?? "")) continue;
    tag.lastIndex = i;
    const m = tag.exec(page);
    if (!m) {
      found.push(page.slice(i, i + 80));
      continue;
    }
    const name = (m[1] ?? "").toLowerCase();
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? "").matchAll(/\s([^\s"'=<>/]+)(?:="([^"]*)")?/g))
      attrs.set((a[1] ?? "").toLowerCase(), a[2] ?? "");
    const bad =
      [...attrs.keys()].some((k) => k.startsWith("on") || k === "style") ||
      ["href", "src", "action"].some((k) => /^\s*javascript:/i.test(attrs.get(k) ?? "")) ||
      (name === "script" &&
        !(attrs.get("type") === "module" && attrs.has("src")) &&
        attrs.get("type") !== "application/json") ||
      name === "style";
    if (bad) found.push(m[0]);
  }
  return found;
}

/** Split a shell command line (single quotes, `\` line continuations) into words, as `sh` would. */
export function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i] as string;
    if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new Error("unbalanced quote");
      cur += cmd.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === "\\" && cmd[i + 1] === "\n") {
      i++;
    } else if (c === "\\") {
      cur += cmd[i + 1] ?? "";
      has = true;
      i++;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}
