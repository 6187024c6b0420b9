/**
 * Entry point of a local pool worker process. It loads the registry once, then runs one job at a time as the
 * parent asks, reporting progress and the result over IPC. A handler that throws, hangs or kills this process
 * cannot take the server down: the parent supervises and replaces it.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { JobSpec, ProcessLogger, WorkerResult } from "@roost/core/internal";
import { loadRegistry, type ProcessRegistry } from "../../registry/registry.js";
import { attemptDir } from "../../storage/job-dirs.js";
import { claimAttempt, writeResult } from "../../worker/attempt-files.js";
import { fileLogger } from "../../worker/job-logger.js";
import { type AbortReason, runJob } from "../../worker/run-job.js";

/** Messages from the parent. */
export type ParentMessage =
  | { readonly t: "init"; readonly demo: boolean; readonly modules: readonly string[] }
  | {
      readonly t: "run";
      readonly jobId: string;
      readonly attempt: number;
      readonly jobDir: string;
      readonly spec: JobSpec;
      /**
       * Keep the attempt's files (async jobs): claim the attempt (`started.json`) before running and write
       * `result.json` before reporting, so an outcome the server could not record survives a restart (`fsync` with
       * `durable`).
       */
      readonly files?: { readonly durable: boolean };
    }
  | { readonly t: "cancel"; readonly jobId: string; readonly reason: AbortReason };

/** Messages to the parent. */
export type ChildMessage =
  | { readonly t: "ready" }
  | { readonly t: "init-error"; readonly message: string }
  | {
      readonly t: "progress";
      readonly jobId: string;
      readonly attempt: number;
      readonly percent: number;
      readonly message: string;
    }
  | { readonly t: "result"; readonly result: WorkerResult }
  | { readonly t: "log"; readonly jobId: string; readonly message: string; readonly stack?: string };

let registry: ProcessRegistry | undefined;
let current: { jobId: string; controller: AbortController } | undefined;
/** The running job's worker.log: what a handler prints is part of its job's log, not only of the server log. */
let printed: ProcessLogger | undefined;

for (const stream of ["stdout", "stderr"] as const) {
  const s = process[stream];
  const write = s.write.bind(s) as (...a: unknown[]) => boolean;
  s.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (printed) {
      const text = chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : String(chunk);
      for (const l of text.split("\n")) if (l.trim() !== "") printed.info(l.slice(0, 2000), { stream });
    }
    return write(chunk, ...rest);
  }) as typeof s.write;
}

function send(m: ChildMessage): void {
  process.send?.(m);
}

process.on("message", (m: ParentMessage) => {
  if (m.t === "init") {
    loadRegistry({ demo: m.demo, modules: m.modules }).then(
      (r) => {
        registry = r;
        send({ t: "ready" });
      },
      (e: unknown) => send({ t: "init-error", message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  if (m.t === "cancel") {
    if (current?.jobId === m.jobId) current.controller.abort(m.reason);
    return;
  }
  const { jobId, attempt, jobDir, spec } = m;
  const p = registry?.get(spec.process.id);
  if (!p) {
    send({
      t: "result",
      result: {
        jobId,
        attempt,
        ok: false,
        failure: {
          kind: "internal",
          message: `Process '${spec.process.id}' is not available on this worker`,
        },
      },
    });
    return;
  }
  const dir = attemptDir(jobDir, attempt);
  if (m.files && !claim(dir, jobId, attempt)) return;
  const controller = new AbortController();
  current = { jobId, controller };
  printed = fileLogger(join(dir, "worker.log"));
  void runJob({
    spec,
    jobDir,
    attempt,
    process: p,
    signal: controller.signal,
    onProgress: (percent, message) => send({ t: "progress", jobId, attempt, percent, message }),
    onError: (err) =>
      send({
        t: "log",
        jobId,
        message: err.message,
        ...(err.stack !== undefined ? { stack: err.stack } : {}),
      }),
  }).then((result) => {
    current = undefined;
    printed = undefined;
    if (m.files) {
      try {
        writeResult(dir, result, m.files.durable);
      } catch {
        // A full disk: the parent still gets the result over IPC; only a restart before it is recorded loses it.
      }
    }
    send({ t: "result", result });
  });
});

/**
 * Claim the attempt before running it. A claim that already exists means the attempt ran before (a resubmission
 * after a crash must never repeat it): refuse, reporting a failure instead of running the handler twice.
 */
function claim(dir: string, jobId: string, attempt: number): boolean {
  let refused: string | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    if (!claimAttempt(dir, { host: hostname(), pid: process.pid, restartCount: 0, at: Date.now() }))
      refused = `attempt ${attempt} of the job was already started; it is not run again`;
  } catch (e) {
    refused = `the attempt directory could not be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  if (refused === undefined) return true;
  send({
    t: "result",
    result: { jobId, attempt, ok: false, failure: { kind: "crashed", message: refused } },
  });
  return false;
}

// The parent going away (server crash) must not leave orphan workers behind.
process.on("disconnect", () => process.exit(0));
