/** Job status badges and progress bars, shared by the history and the job page. */
import { html, type SafeHtml } from "./html.js";

/** The OGC status codes, in the order the filters list them. */
export const STATUSES = ["accepted", "running", "successful", "failed", "dismissed"] as const;

/** Human labels of the OGC status codes. */
export const STATUS_LABEL: Readonly<Record<string, string>> = {
  accepted: "queued",
  running: "running",
  successful: "succeeded",
  failed: "failed",
  dismissed: "dismissed",
};

/** True for a status that will not change any more. */
export function isFinal(status: string): boolean {
  return status === "successful" || status === "failed" || status === "dismissed";
}

/** A status badge (colour and text; the text alone carries the meaning). */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="status-badge s-${status}" data-role="status">${STATUS_LABEL[status] ?? status}</span>`;
}

/** A labelled progress bar (indeterminate while queued). */
export function progressBar(status: string, progress: number | undefined, label: string): SafeHtml {
  const value = status === "successful" ? 100 : progress;
  return html`<progress max="100"${value !== undefined ? html` value="${value}"` : ""} aria-label="${label}" data-role="progress">${value ?? 0}%</progress>`;
}
