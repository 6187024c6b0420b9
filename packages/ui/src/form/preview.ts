/**
 * The request preview beside the form: after each change (debounced) the form's request goes to the server's
 * preview route, which answers with the OGC API JSON, the WPS XML, curl and `roost run` forms and what it would
 * refuse; the panels are updated as text. The format tabs follow the WAI-ARIA tabs pattern (arrow keys, Home/End).
 */
import { $, $$, el } from "../dom.js";
import { collect } from "./collect.js";

interface Preview {
  readonly json: string;
  readonly xml: string;
  readonly curl: string;
  readonly cli: string;
  readonly problems: readonly string[];
}

/** Debounce of preview requests, ms: one request per pause in typing. */
const DEBOUNCE_MS = 150;

/** Wire the tabs of the preview. */
export function initTabs(root: HTMLElement): void {
  const tabs = $$<HTMLButtonElement>("[role=tab]", root);
  const select = (tab: HTMLButtonElement, focus: boolean) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(t.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !on;
    }
    if (focus) tab.focus();
  };
  for (const [i, t] of tabs.entries()) {
    t.addEventListener("click", () => select(t, false));
    t.addEventListener("keydown", (ev) => {
      const n = tabs.length;
      const to =
        ev.key === "ArrowRight"
          ? (i + 1) % n
          : ev.key === "ArrowLeft"
            ? (i - 1 + n) % n
            : ev.key === "Home"
              ? 0
              : ev.key === "End"
                ? n - 1
                : -1;
      const target = tabs[to];
      if (to < 0 || !target) return;
      ev.preventDefault();
      select(target, true);
    });
  }
}

/** Keep the preview in step with the form; returns a function that refreshes it at once. */
export function initPreview(form: HTMLFormElement): () => void {
  const url = form.dataset.previewUrl;
  const section = $("section.preview");
  if (!url || !section) return () => {};
  initTabs(section);
  let timer: number | undefined;
  let inflight: AbortController | undefined;
  const refresh = async () => {
    inflight?.abort();
    const ctl = new AbortController();
    inflight = ctl;
    const c = collect(form, true);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ request: c.request, async: c.async, files: c.files }),
        signal: ctl.signal,
      });
      if (!res.ok) return;
      const p = (await res.json()) as Preview;
      for (const k of ["json", "xml", "curl", "cli"] as const) {
        const code = $(`[data-preview=${k}]`, section);
        if (code) code.textContent = p[k] === "" ? "(not available: see the problems below)" : p[k];
      }
      const list = $("[data-role=preview-problems]", section);
      list?.replaceChildren(...p.problems.map((m) => el("li", {}, `The server would refuse this: ${m}`)));
    } catch {
      // Aborted by a newer refresh, or the server is gone: the next change tries again.
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), DEBOUNCE_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("reset", () => setTimeout(schedule, 0));
  return () => void refresh();
}
