/**
 * The live job page: the status section follows the job through server-sent events (`data-events`) and falls back
 * to polling the job's JSON status when the stream is refused or unsupported. When the job ends it shows the
 * results (the server's results fragment) or the error and the tail of the logs, without a reload. "Dismiss" sends
 * `DELETE` for the job and shows what the server answered.
 */
import { localTimes } from "./common.js";
import { $, formatDuration, problemText, say } from "./dom.js";
import { initResults } from "./results.js";

/** A job as the stream (or, with fewer members, the JSON status) reports it. */
export interface LiveJob {
  readonly status: string;
  readonly message?: string;
  readonly progress?: number;
  readonly started?: string;
  readonly finished?: string;
  readonly where?: string;
  readonly queue?: string;
}

const LABEL: Readonly<Record<string, string>> = {
  accepted: "queued",
  running: "running",
  successful: "succeeded",
  failed: "failed",
  dismissed: "dismissed",
};

/** Polling interval of the fallback, ms. */
const POLL_MS = 1000;

function isFinal(s: string): boolean {
  return s === "successful" || s === "failed" || s === "dismissed";
}

function timeText(iso: string): HTMLTimeElement {
  const t = document.createElement("time");
  t.dateTime = iso;
  t.dataset.local = "long";
  t.textContent = iso;
  return t;
}

/** Update a status badge. */
export function setBadge(badge: HTMLElement | null, status: string): void {
  if (!badge) return;
  badge.className = `status-badge s-${status}`;
  badge.textContent = LABEL[status] ?? status;
}

/** Update a progress bar (indeterminate when the value is unknown). */
export function setProgress(
  bar: HTMLProgressElement | null,
  status: string,
  progress: number | undefined,
): void {
  if (!bar) return;
  const v = status === "successful" ? 100 : progress;
  if (v === undefined) bar.removeAttribute("value");
  else bar.value = v;
  bar.textContent = `${v ?? 0}%`;
}

async function showOutcome(section: HTMLElement, job: LiveJob): Promise<void> {
  if (job.status === "successful") {
    const res = await fetch(section.dataset.fragment ?? "", { headers: { Accept: "text/html" } });
    const results = $("[data-role=results]");
    const body = $("[data-role=results-body]");
    if (!res.ok || !results || !body) return;
    // The fragment is this server's own markup, every value in it escaped when it was rendered.
    body.innerHTML = await res.text();
    results.hidden = false;
    const link = $("[data-role=results-link]", section);
    if (link) link.hidden = false;
    localTimes(body);
    await initResults(body);
  } else if (job.status === "failed") {
    const failure = $("[data-role=failure]");
    if (!failure) return;
    failure.hidden = false;
    const text = $("[data-role=error-text]", failure);
    if (text) text.textContent = job.message ?? "The job failed.";
    const res = await fetch(section.dataset.log ?? "", { headers: { Accept: "application/json" } });
    const log = $("[data-role=log]", failure);
    if (res.ok && log) {
      const l = (await res.json()) as { job?: string; worker?: string };
      log.textContent = [l.worker, l.job].filter((x) => x !== undefined).join("\n") || "(no log)";
    }
  }
}

/** Wire the job page. */
export function initJob(): void {
  const section = $("section.job-status");
  if (!section) return;
  const note = $("[data-role=live-note]", section);
  const dismiss = $<HTMLButtonElement>("button[data-action=dismiss]", section);
  let status = section.dataset.status ?? "";
  let done = isFinal(status);
  let stream: EventSource | undefined;
  let poller: number | undefined;

  const apply = (job: LiveJob) => {
    if (done) return;
    status = job.status;
    section.dataset.status = status;
    setBadge($("[data-role=status]", section), status);
    const msg = $("[data-role=message]", section);
    if (msg) msg.textContent = job.message ?? "";
    setProgress($<HTMLProgressElement>("[data-role=progress]", section), status, job.progress);
    const pct = $("[data-role=percent]", section);
    if (pct)
      pct.textContent =
        status === "successful" ? "100%" : job.progress !== undefined ? `${job.progress}%` : "";
    for (const k of ["started", "finished"] as const) {
      const dd = $(`[data-role=${k}]`, section);
      const v = job[k];
      if (dd && v !== undefined && dd.dataset.value !== v) {
        dd.dataset.value = v;
        dd.replaceChildren(timeText(v));
        localTimes(dd);
      }
    }
    const elapsed = $("[data-role=elapsed]", section);
    if (elapsed && job.started !== undefined) {
      if (job.finished !== undefined)
        elapsed.textContent = formatDuration(Date.parse(job.finished) - Date.parse(job.started));
      else {
        elapsed.dataset.since = job.started;
        elapsed.textContent = formatDuration(Date.now() - Date.parse(job.started));
      }
    }
    if (job.where !== undefined) {
      const w = $("[data-role=where]", section);
      if (w) w.textContent = job.where;
    }
    const q = $("[data-role=queue]", section);
    const qf = $("[data-role=queue-fact]", section);
    if (q && qf && job.where !== undefined) {
      q.textContent = job.queue ?? "";
      qf.hidden = job.queue === undefined;
    }
    if (isFinal(status)) {
      done = true;
      delete elapsed?.dataset.since;
      stream?.close();
      clearInterval(poller);
      if (dismiss) dismiss.hidden = true;
      say(note, "");
      void showOutcome(section, job);
    }
  };

  const poll = () => {
    if (poller !== undefined) return;
    say(note, "Live updates by polling.");
    const once = async () => {
      try {
        const res = await fetch(section.dataset.jobUrl ?? "", { headers: { Accept: "application/json" } });
        if (res.ok) apply((await res.json()) as LiveJob);
      } catch {
        // next tick
      }
    };
    poller = window.setInterval(() => void once(), POLL_MS);
    void once();
  };

  if (!done) {
    if (typeof EventSource === "function" && section.dataset.events) {
      stream = new EventSource(section.dataset.events);
      say(note, "Live updates.");
      stream.addEventListener("status", (ev) =>
        apply(JSON.parse((ev as MessageEvent<string>).data) as LiveJob),
      );
      stream.addEventListener("error", () => {
        // A refused stream (404, 503) is closed for good: poll instead. Network errors reconnect by themselves.
        if (stream?.readyState === EventSource.CLOSED && !done) poll();
      });
    } else poll();
  }

  dismiss?.addEventListener("click", async () => {
    dismiss.disabled = true;
    say(note, "Dismissing…");
    try {
      const res = await fetch(section.dataset.jobUrl ?? "", {
        method: "DELETE",
        headers: { Accept: "application/json" },
      });
      if (!res.ok) {
        say(note, `Could not dismiss: ${await problemText(res)}`, "error");
        dismiss.disabled = false;
        return;
      }
      apply((await res.json()) as LiveJob);
      if (!done) say(note, "Dismissal requested; waiting for the job to stop.");
    } catch (e) {
      say(note, `Could not dismiss: ${(e as Error).message}`, "error");
      dismiss.disabled = false;
    }
  });
}
