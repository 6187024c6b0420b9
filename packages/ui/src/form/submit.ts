/**
 * Execute: check the form in the page (nothing is sent while a value is invalid), POST the execute request to the
 * OGC API with `Prefer: respond-async` for asynchronous runs, and go to the job's page — from the `Location` of an
 * accepted job, or the `rel=monitor` link of a synchronous one. Refusals are shown beside the form, and beside the
 * input they name.
 */
import { $, $$, problemText, say } from "../dom.js";
import { collect, showErrors } from "./collect.js";

/** The job URL in a `Link` header's `rel=monitor` entry. */
export function monitorLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]+)>(.*)$/.exec(part);
    if (m && /;\s*rel="?monitor"?/i.test(m[2] ?? "")) return m[1];
  }
  return undefined;
}

/** Wire the submit of the execute form. */
export function initSubmit(form: HTMLFormElement): void {
  const status = $("[data-role=form-status]", form);
  const button = $<HTMLButtonElement>("button[type=submit]", form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const c = collect(form);
    const first = showErrors(form, c.errors);
    if (c.errors.length > 0) {
      for (const d of $$<HTMLDetailsElement>("details.optional", form))
        if (c.errors.some((e) => d.contains(e.field))) d.open = true;
      say(
        status,
        `Nothing was sent: ${c.errors.length === 1 ? "one value needs" : `${c.errors.length} values need`} fixing.`,
        "error",
      );
      first?.focus();
      return;
    }
    if (button) button.disabled = true;
    say(status, c.async ? "Submitting…" : "Running… (synchronous: the page waits for the result)");
    try {
      const res = await fetch(form.dataset.execution ?? "", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          ...(c.async ? { Prefer: "respond-async" } : {}),
        },
        body: JSON.stringify(c.request),
      });
      if (!res.ok) {
        const text = await problemText(res);
        say(status, `The server refused the request: ${text}`, "error");
        return;
      }
      const target = res.headers.get("Location") ?? monitorLink(res.headers.get("Link"));
      if (target) {
        say(status, "Accepted: opening the job…");
        window.location.assign(new URL(target, window.location.href).pathname);
        return;
      }
      say(status, "Done, but the server named no job to show.", "error");
    } catch (e) {
      say(status, `The request failed: ${(e as Error).message}`, "error");
    } finally {
      if (button) button.disabled = false;
    }
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      showErrors(form, []);
      say(status, "");
    }, 0);
  });
}
