/**
 * Following a job in the CLI, whatever the protocol: progress while it runs, Ctrl-C (offering to dismiss where the
 * server can), the final report (outputs, the failure, or the dismissal) with its exit code, and the local history.
 */
import { createInterface } from "node:readline";
import { AbortedError, NotSupportedError, ProcessFailedError } from "../errors.js";
import type { HistoryEntry } from "../history.js";
import type { Job, JobResult } from "../job.js";
import type { ProcessingClient } from "../protocol-client.js";
import { ExitCode } from "./exit.js";
import { type Io, print, printJson } from "./io.js";
import type { CommonOptions, Session } from "./options.js";
import type { Progress } from "./progress.js";
import { statusLine } from "./render.js";
import {
  jobDocument,
  type PresentedOutput,
  renderError,
  renderOutputs,
  saveOutputs,
  shellWord,
} from "./results.js";

function ask(io: Io, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
    rl.on("SIGINT", () => {
      rl.close();
      resolve(false);
    });
  });
}

/** What to type to follow `job` again: its status URL (quoted for the shell when needed), else its id. */
export function followAgain(job: Job): string {
  return `roost status ${shellWord(job.statusLocation ?? job.id ?? "")}`.trim();
}

/**
 * Follow an async job until it ends, showing progress. Ctrl-C stops following: where the server can dismiss jobs the
 * user is asked whether to; otherwise the CLI says the job keeps running and how to follow it again.
 */
export async function follow(
  io: Io,
  job: Job,
  progress: Progress,
  timeoutSeconds: number | undefined,
): Promise<void> {
  const ac = new AbortController();
  let interrupted = false;
  const remove = io.onInterrupt(() => {
    if (interrupted) {
      // A second Ctrl-C while asking or cleaning up: leave at once.
      progress.clear();
      io.stderr.write("\n");
      process.exit(ExitCode.interrupted);
    }
    interrupted = true;
    ac.abort();
  });
  // Terminal states are reported by `finish` (outputs, the failure or the dismissal), not as one more progress line.
  const onProgress = (st: { state: string; percent?: number; message: string }) => {
    if (st.state !== "succeeded" && st.state !== "failed" && st.state !== "dismissed")
      progress.status(st.state, st.percent, st.message);
  };
  job.on("progress", onProgress);
  job.announce();
  try {
    await job.wait({
      signal: ac.signal,
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    });
  } catch (e) {
    if (!(e instanceof AbortedError) || !interrupted) throw e;
    progress.clear();
    if (!job.done) {
      let dismissed = false;
      if (!job.canDismiss) {
        io.stderr.write(`roost: ${new NotSupportedError(job.dismissUnsupportedReason).message}.\n`);
      } else if (
        io.stdin.isTTY === true &&
        (await ask(io, `Dismiss job ${job.id ?? ""} on the server? [y/N] `))
      ) {
        try {
          await job.dismiss();
          dismissed = true;
          io.stderr.write(`roost: job ${job.id ?? ""} dismissed\n`);
        } catch (x) {
          io.stderr.write(`${renderError(x)}\n`);
        }
      }
      if (dismissed) throw new AbortedError("interrupted; the job was dismissed");
    }
    // The caller reports it (as text or in the --json document) with exit code 130.
    throw new AbortedError(`interrupted; follow the job again with: ${followAgain(job)}`);
  } finally {
    remove();
    job.off("progress", onProgress);
  }
}

/**
 * Print a finished job (outputs, failure or dismissal) and return the exit code: 0 succeeded (or still running, for
 * `status`), 1 failed or dismissed — WPS 1.0.0 reports a dismissed job as failed, and the exit code is the same
 * whatever the protocol.
 */
export async function finish(
  io: Io,
  client: Pick<ProcessingClient, "download">,
  job: Job,
  o: CommonOptions,
  outputDir: string | undefined,
  progress: Progress,
  started: number,
): Promise<number> {
  const r: JobResult = job.snapshot();
  if (r.status.state === "failed") {
    const err = new ProcessFailedError(r.status.exceptions ?? [], r.status.message, r.jobId);
    progress.clear();
    if (o.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.processFailed));
    io.stderr.write(`${renderError(err, r.processId)}\n`);
    return ExitCode.processFailed;
  }
  if (r.status.state === "dismissed") {
    progress.clear();
    if (o.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.processFailed));
    io.stderr.write(
      `roost: job ${r.jobId ?? ""}${r.processId !== "" ? ` (${r.processId})` : ""} was dismissed${r.status.message !== "" ? `: ${r.status.message}` : ""}\n`,
    );
    return ExitCode.processFailed;
  }
  if (r.status.state !== "succeeded") {
    progress.clear();
    if (o.json === true) printJson(io, jobDocument(r, job.mode, [], ExitCode.ok));
    else print(io, `${r.jobId ?? r.processId}: ${statusLine(r.status)}`);
    return ExitCode.ok;
  }
  let outputs: PresentedOutput[] = [...r.outputs];
  if (outputDir !== undefined) outputs = await saveOutputs(client, r.outputs, outputDir, progress);
  progress.clear();
  if (o.quiet !== true) {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(
      `${r.processId} succeeded${r.jobId !== undefined ? ` (job ${r.jobId})` : ""} in ${secs} s\n`,
    );
  }
  if (o.json === true) printJson(io, jobDocument(r, job.mode, outputs, ExitCode.ok));
  else print(io, renderOutputs(outputs));
  return ExitCode.ok;
}

/** Record a job (or an update of it) in the local history; only jobs that can be followed again are kept. */
export async function record(s: Session, job: Job, extra: Partial<HistoryEntry> = {}): Promise<void> {
  if (job.id === undefined || job.statusLocation === undefined) return;
  await s.history.record({
    id: job.id,
    service: s.serviceUrl,
    protocol: s.client.protocol,
    ...(job.processId !== "" ? { process: job.processId } : {}),
    statusLocation: job.statusLocation,
    state: job.status.state,
    ...(job.status.percent !== undefined ? { percent: job.status.percent } : {}),
    message: job.status.message,
    ...extra,
  });
}
