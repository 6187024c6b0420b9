/**
 * Times and durations as the UI shows them: `<time>` elements carrying the RFC 3339 value (the page's script turns
 * them into the reader's local time) with a UTC text that reads well without script.
 */
import { html, type SafeHtml } from "./html.js";

/** A `<time>` element for an RFC 3339 timestamp, or a dash; `short` for table cells. */
export function timeEl(iso: string | undefined, short = false): SafeHtml {
  if (iso === undefined) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  return html`<time datetime="${d.toISOString()}" data-local="${short ? "short" : "long"}">${d.toISOString().slice(0, 19).replace("T", " ")} UTC</time>`;
}

/** "4 ms", "2.5 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** Duration between two RFC 3339 times (the second defaulting to now, for running jobs). */
export function durationEl(started: string | undefined, finished: string | undefined): SafeHtml {
  if (started === undefined) return html`<span class="muted">—</span>`;
  const a = Date.parse(started);
  const b = finished !== undefined ? Date.parse(finished) : Date.now();
  return html`<span${finished === undefined ? html` data-since="${started}"` : ""}>${formatDuration(b - a)}</span>`;
}
