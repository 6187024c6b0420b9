/**
 * Enhancements every page gets: `<time data-local>` shown in the reader's time zone, copy buttons
 * (`data-copy-text` copies its value, `data-copy` the text of the element it names), and ticking durations of
 * running jobs (`data-since`).
 */
import { $, $$, formatDuration } from "./dom.js";

/** Show times in local time; the UTC text stays as the title. */
export function localTimes(root: ParentNode = document): void {
  for (const t of $$<HTMLTimeElement>("time[data-local]", root)) {
    const d = new Date(t.dateTime);
    if (Number.isNaN(d.getTime())) continue;
    t.title = t.textContent ?? "";
    const short = t.dataset.local === "short";
    t.textContent = d.toLocaleString(undefined, {
      dateStyle: short ? "short" : "medium",
      timeStyle: "medium",
    });
  }
}

/** Copy text to the clipboard (with a fallback for pages served over plain HTTP to another host). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "offscreen";
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand("copy");
    ta.remove();
    return ok;
  }
}

/** Wire the copy buttons (delegated, so buttons added later work too). */
export function copyButtons(): void {
  document.addEventListener("click", async (ev) => {
    const b = (ev.target as Element | null)?.closest<HTMLButtonElement>(
      "button[data-copy-text], button[data-copy]",
    );
    if (!b) return;
    const text = b.dataset.copyText ?? $(b.dataset.copy ?? "")?.textContent ?? "";
    const ok = await copyText(text);
    const label = b.dataset.label ?? b.textContent ?? "";
    b.dataset.label = label;
    b.textContent = ok ? "Copied" : "Copy failed";
    b.classList.add("copied");
    setTimeout(() => {
      b.textContent = label;
      b.classList.remove("copied");
    }, 1500);
  });
}

/** Keep `[data-since]` durations ticking. */
export function tickDurations(): void {
  const tick = () => {
    for (const e of $$("[data-since]")) {
      const t = Date.parse(e.dataset.since ?? "");
      if (!Number.isNaN(t)) e.textContent = formatDuration(Date.now() - t);
    }
  };
  setInterval(tick, 1000);
}
