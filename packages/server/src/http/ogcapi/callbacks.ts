/**
 * Callbacks (class callback): a job's `subscriber` URLs are POSTed to by the server that runs or monitors the job
 * (the job API reports its recorded changes there), in the background, through the SSRF-safe client
 * (`fetch/notify.ts`: policy checks, pinned connection, no redirects, no response body read):
 *
 * * `inProgressUri` — the statusInfo when the job starts, then on progress at most once per
 *   {@link CallbackOptions.progressIntervalMs}; one try each (a lost progress report is superseded by the next);
 * * `successUri` — the results document (`results.yaml`, document form) when it succeeds;
 * * `failedUri` — the statusInfo with the job's exception (`exception`, an RFC 7807 document) when it fails.
 *
 * Final notifications are retried on network errors, timeouts, 5xx, 408 and 429 with exponential back-off
 * ({@link CallbackOptions.retries} tries, {@link CallbackOptions.firstDelayMs} doubling), each try bounded by
 * {@link CallbackOptions.timeoutMs}: at most about 5 × 5 s + 7.5 s of waiting per job. Notifications of one job are
 * sent in order; nothing here can delay, block or fail the job itself.
 */
import type { JobRecord, Subscriber } from "@roost/core";
import type { Logger } from "pino";
import { postNotification } from "../../fetch/index.js";
import type { JobChange } from "../../service/job-events.js";
import type { OgcContext } from "./context.js";
import { failureProblem, resultsDocument } from "./results.js";

/** Tuning of the callbacks (defaults in brackets). */
export interface CallbackOptions {
  /** Deadline of one POST: DNS, connect, request, response head [5000 ms]. */
  readonly timeoutMs?: number;
  /** Tries of a final notification [5]. */
  readonly retries?: number;
  /** Wait before the second try, doubled for each next one [500 ms]. */
  readonly firstDelayMs?: number;
  /** Least time between two in-progress notifications of a job [2000 ms]. */
  readonly progressIntervalMs?: number;
}

const JSON_TYPE = "application/json";

interface Watched {
  readonly subscriber: Subscriber;
  /** When the last in-progress notification was sent. */
  lastProgress: number;
  /** A throttled progress notification waiting for its turn. */
  timer?: NodeJS.Timeout | undefined;
}

/** See the module comment. */
export class OgcCallbacks {
  readonly #ctx: OgcContext;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #firstDelayMs: number;
  readonly #progressMs: number;
  /** Running jobs with an inProgressUri (or not yet known), by id; `null`: no in-progress subscriber. */
  readonly #watched = new Map<string, Watched | null>();
  /** The last notification of each job with one under way (their order is kept). */
  readonly #chains = new Map<string, Promise<void>>();
  /** Wake-up functions of retries waiting for their next try (called at stop). */
  readonly #sleepers = new Set<() => void>();
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(ctx: OgcContext, logger: Logger, o: CallbackOptions = {}) {
    this.#ctx = ctx;
    this.#log = logger;
    this.#timeoutMs = o.timeoutMs ?? 5000;
    this.#retries = o.retries ?? 5;
    this.#firstDelayMs = o.firstDelayMs ?? 500;
    this.#progressMs = o.progressIntervalMs ?? 2000;
  }

  /** Start listening to the job API's changes. */
  start(): void {
    this.#unsubscribe = this.#ctx.service.onJobChange((c) => this.#onChange(c));
  }

  /** Stop: no new notifications; retries waiting for their turn are dropped. */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const w of this.#watched.values()) if (w?.timer) clearTimeout(w.timer);
    for (const wake of [...this.#sleepers]) wake();
    this.#watched.clear();
  }

  /** Wait for every notification under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.allSettled([...this.#chains.values()]);
  }

  #onChange(c: JobChange): void {
    if (this.#stopped) return;
    switch (c.kind) {
      case "started": {
        const s = c.job.request.subscriber;
        if (s?.inProgressUri === undefined) {
          this.#watched.set(c.job.id, null);
          return;
        }
        this.#watched.set(c.job.id, { subscriber: s, lastProgress: Date.now() });
        this.#enqueue(c.job.id, () => this.#send(s.inProgressUri!, this.#ctx.statusInfo(c.job), 1, c.job.id));
        return;
      }
      case "progress": {
        const w = this.#watched.get(c.jobId);
        if (w === undefined) {
          // A job this server took over (no start seen here): learn its subscriber once.
          this.#watched.set(c.jobId, null);
          void this.#ctx.service
            .job(c.jobId)
            .then((job) => {
              const s = job?.request.subscriber;
              if (job && s?.inProgressUri !== undefined && !this.#stopped && this.#watched.has(job.id))
                this.#watched.set(job.id, { subscriber: s, lastProgress: 0 });
            })
            .catch(() => {});
          return;
        }
        if (w === null || w.timer) return;
        const wait = Math.max(0, w.lastProgress + this.#progressMs - Date.now());
        w.timer = setTimeout(() => this.#progress(c.jobId), wait);
        w.timer.unref();
        return;
      }
      case "finished":
        this.#finished(c.job);
        return;
    }
  }

  /** Send the job's current statusInfo to its inProgressUri (the timer fired). */
  #progress(jobId: string): void {
    const w = this.#watched.get(jobId);
    if (!w) return;
    w.timer = undefined;
    w.lastProgress = Date.now();
    this.#enqueue(jobId, async () => {
      const job = await this.#ctx.service.job(jobId);
      if (job?.status !== "running" || !this.#watched.has(jobId)) return;
      await this.#send(w.subscriber.inProgressUri!, this.#ctx.statusInfo(job), 1, jobId);
    });
  }

  #finished(job: JobRecord): void {
    const w = this.#watched.get(job.id);
    if (w?.timer) clearTimeout(w.timer);
    this.#watched.delete(job.id);
    const s = job.request.subscriber;
    if (!s) return;
    if (job.status === "succeeded" && s.successUri !== undefined) {
      const uri = s.successUri;
      this.#enqueue(job.id, async () =>
        this.#send(uri, await resultsDocument(this.#ctx.service, job), this.#retries, job.id),
      );
    } else if (job.status === "failed" && s.failedUri !== undefined) {
      const body = {
        ...this.#ctx.statusInfo(job),
        exception: failureProblem(job, this.#ctx.urls.results(job.id)),
      };
      this.#enqueue(job.id, () => this.#send(s.failedUri!, body, this.#retries, job.id));
    }
  }

  #enqueue(jobId: string, fn: () => Promise<void>): void {
    const prev = this.#chains.get(jobId) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e: unknown) => this.#log.warn({ jobId, err: e }, "a callback could not be prepared"))
      .finally(() => {
        if (this.#chains.get(jobId) === next) this.#chains.delete(jobId);
      });
    this.#chains.set(jobId, next);
  }

  async #send(uri: string, doc: unknown, tries: number, jobId: string): Promise<void> {
    const body = JSON.stringify(doc);
    let delay = this.#firstDelayMs;
    for (let i = 1; i <= tries && !this.#stopped; i++) {
      const r = await postNotification(
        uri,
        body,
        JSON_TYPE,
        this.#ctx.service.referencePolicy,
        this.#timeoutMs,
      );
      if (r.ok) return;
      if (!r.retry || i === tries) {
        this.#log.warn(
          { jobId, uri: uri.slice(0, 200), reason: r.reason, tries: i },
          "a callback was not delivered",
        );
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          this.#sleepers.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, delay * (0.8 + Math.random() * 0.4));
        this.#sleepers.add(wake);
      });
      delay *= 2;
    }
  }
}
