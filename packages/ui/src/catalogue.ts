/** The catalogue's search box: filters the process cards as you type (every word must match). */
import { $, $$, say } from "./dom.js";

/** Wire the search box. */
export function initCatalogue(): void {
  const input = $<HTMLInputElement>("#process-search");
  const list = $("#process-list");
  if (!input || !list) return;
  const cards = $$("li.card", list);
  const count = $("[data-role=count]");
  const empty = $("[data-role=empty]");
  const total = cards.length;
  const apply = () => {
    const words = input.value
      .trim()
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== "");
    let shown = 0;
    for (const c of cards) {
      const hay = c.dataset.search ?? "";
      const match = words.every((w) => hay.includes(w));
      c.hidden = !match;
      if (match) shown++;
    }
    say(count, shown === total ? `${total} processes` : `${shown} of ${total} processes`);
    if (empty) empty.hidden = shown > 0;
  };
  input.addEventListener("input", apply);
  // The search form still works without script (server-side `?q=`); with script it filters in place.
  input.form?.addEventListener("submit", (ev) => {
    ev.preventDefault();
    apply();
  });
  if (input.value !== "") apply();
}
