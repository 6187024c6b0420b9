/**
 * The history page: Delete (finished jobs) and Dismiss (running ones) with a second click to confirm, and the rows
 * of unfinished jobs kept up to date by polling their JSON status.
 */
import { localTimes } from "./common.js";
import { $, $$, formatDuration, problemText, say } from "./dom.js";
import { setBadge, setProgress } from "./job.js";

/** Polling interval of unfinished rows, ms. */
const POLL_MS = 2000;
/** Rows polled at most (the newest unfinished ones). */
const MAX_POLLED = 20;
/** How long a button waits for its confirming click, ms. */
const CONFIRM_MS = 4000;

interface Status {
  readonly status: string;
  readonly message?: string;
  readonly progress?: number;
  readonly started?: string;
  readonly finished?: string;
}

function final(s: string): boolean {
  return s === "successful" || s === "failed" || s === "dismissed";
}

function updateRow(tr: HTMLElement, s: Status): void {
  tr.dataset.status = s.status;
  setBadge($("[data-role=status]", tr), s.status);
  const msg = $("[data-role=message]", tr);
  if (msg) msg.textContent = s.message ?? "";
  setProgress($<HTMLProgressElement>("[data-role=progress]", tr), s.status, s.progress);
  for (const k of ["started", "finished"] as const) {
    const td = $(`[data-role=${k}]`, tr);
    const v = s[k];
    if (td && v !== undefined && !td.querySelector("time")) {
      const t = document.createElement("time");
      t.dateTime = v;
      t.dataset.local = "short";
      td.replaceChildren(t);
      localTimes(td);
    }
  }
  const dur = $("[data-role=duration]", tr);
  if (dur && s.started !== undefined) {
    const end = s.finished !== undefined ? Date.parse(s.finished) : Date.now();
    dur.textContent = formatDuration(end - Date.parse(s.started));
  }
  const b = $<HTMLButtonElement>("[data-action=delete]", tr);
  if (b && final(s.status)) {
    b.dataset.final = "true";
    b.textContent = "Delete";
  }
}

/** Wire the history page. */
export function initHistory(): void {
  const table = $("table.jobs");
  const status = $("[data-role=list-status]");
  if (!table) return;
  table.addEventListener("click", async (ev) => {
    const b = (ev.target as Element | null)?.closest<HTMLButtonElement>("button[data-action=delete]");
    const tr = b?.closest<HTMLElement>("tr[data-job]");
    if (!b || !tr) return;
    const short = (tr.dataset.job ?? "").slice(0, 8);
    const isFinal = b.dataset.final === "true";
    if (b.dataset.armed !== "true") {
      b.dataset.armed = "true";
      const label = b.textContent ?? "";
      b.textContent = isFinal ? "Confirm delete" : "Confirm dismiss";
      setTimeout(() => {
        if (b.dataset.armed === "true") {
          b.dataset.armed = "false";
          b.textContent = label;
        }
      }, CONFIRM_MS);
      return;
    }
    b.dataset.armed = "false";
    b.disabled = true;
    try {
      // Finished jobs are deleted (the UI's route); running ones dismissed (the OGC API's DELETE).
      const url = isFinal ? b.dataset.deleteUrl : b.dataset.url;
      const res = await fetch(url ?? "", {
        method: "DELETE",
        headers: { Accept: "application/json" },
      });
      if (!res.ok && res.status !== 404) {
        say(
          status,
          `Could not ${isFinal ? "delete" : "dismiss"} job ${short}: ${await problemText(res)}`,
          "error",
        );
        b.disabled = false;
        return;
      }
      if (isFinal || res.status === 404) {
        tr.remove();
        say(status, `Deleted job ${short}.`);
      } else {
        updateRow(tr, (await res.json()) as Status);
        say(status, `Dismissed job ${short}.`);
        b.disabled = false;
      }
    } catch (e) {
      say(status, `Could not reach the server: ${(e as Error).message}`, "error");
      b.disabled = false;
    }
  });

  const poll = async () => {
    const rows = $$<HTMLElement>("tr[data-job]", table)
      .filter((tr) => !final(tr.dataset.status ?? ""))
      .slice(0, MAX_POLLED);
    for (const tr of rows) {
      try {
        const res = await fetch(tr.dataset.url ?? "", { headers: { Accept: "application/json" } });
        if (res.ok) updateRow(tr, (await res.json()) as Status);
      } catch {
        // next tick
      }
    }
  };
  setInterval(() => void poll(), POLL_MS);
}
