/**
 * A test double of the handler's ProcessContext for unit tests of processes: real temporary directories, recorded
 * progress, an abortable sleep, and helpers to build complex input values.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ComplexInputValue, OutputRequest, ProcessContext, ProcessLogger } from "@roost/core";

/** One `ctx.progress` call. */
export interface ProgressCall {
  readonly percent: number;
  readonly message: string | undefined;
}

/** One logger call. */
export interface LogCall {
  readonly level: "info" | "warn" | "error" | "debug";
  readonly msg: string;
}

/** The context plus what a test needs to drive and inspect it. */
export interface TestProcessContext extends ProcessContext {
  /** A temporary directory for test inputs, outside `workdir` (the server keeps inputs in the job directory). */
  readonly inputDir: string;
  /** Every progress report, in order. */
  readonly progressCalls: ProgressCall[];
  /** Every log line, in order. */
  readonly logs: LogCall[];
  /** Fire the abort signal, as a dismissal or time limit does. */
  abort(reason?: unknown): void;
  /** Remove the temporary directories. */
  cleanup(): void;
}

/** Options of {@link createProcessContext}. */
export interface TestContextOptions {
  /** What the client asked for each output, keyed by output identifier. */
  readonly outputRequests?: Readonly<Record<string, Omit<OutputRequest, "id">>>;
  readonly language?: string;
  readonly jobId?: string;
}

/** Base of the URLs `outputUrl` returns. */
export const TEST_OUTPUT_BASE = "http://test/outputs/job/";

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A fresh context with its own temporary `workdir` and `outputDir`. Call `cleanup()` when done. */
export function createProcessContext(options: TestContextOptions = {}): TestProcessContext {
  const root = mkdtempSync(join(tmpdir(), "roost-demo-test-"));
  const workdir = mkdtempSync(join(root, "work-"));
  const outputDir = mkdtempSync(join(root, "out-"));
  const inputDir = mkdtempSync(join(root, "in-"));
  const controller = new AbortController();
  const progressCalls: ProgressCall[] = [];
  const logs: LogCall[] = [];
  const log =
    (level: LogCall["level"]) =>
    (msg: string): void => {
      logs.push({ level, msg });
    };
  const logger: ProcessLogger = {
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    debug: log("debug"),
  };
  const outputRequests = new Map<string, OutputRequest>(
    Object.entries(options.outputRequests ?? {}).map(([id, r]) => [id, { id, ...r }]),
  );
  return {
    jobId: options.jobId ?? "job",
    workdir,
    outputDir,
    outputUrl: (relativePath: string) =>
      TEST_OUTPUT_BASE + relativePath.split("/").map(encodeURIComponent).join("/"),
    signal: controller.signal,
    logger,
    language: options.language,
    outputRequests,
    uoms: new Map(),
    progress: (percent: number, message?: string) => {
      progressCalls.push({ percent, message });
    },
    sleep: (ms: number) => abortableSleep(ms, controller.signal),
    inputDir,
    progressCalls,
    logs,
    abort: (reason: unknown = "dismissed") => controller.abort(reason),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Options of the complex-input helpers. */
export interface ComplexInputOptions {
  readonly mimeType: string;
  /** The URL the data "came from", for inputs given by reference. */
  readonly href?: string;
}

function complexValueAt(path: string, options: ComplexInputOptions): ComplexInputValue {
  return {
    path,
    mimeType: options.mimeType,
    ...(options.href !== undefined ? { href: options.href } : {}),
    size: statSync(path).size,
    text: () => readFile(path, "utf8"),
    bytes: () => readFile(path),
    json: async () => JSON.parse(await readFile(path, "utf8")) as unknown,
  };
}

/** A complex input holding `data`, written to a new file in `dir` (as the server materialises inline data). */
export function complexInputFromData(
  dir: string,
  data: string | Uint8Array,
  options: ComplexInputOptions & { readonly fileName?: string },
): ComplexInputValue {
  const path = join(mkdtempSync(join(dir, "input-")), options.fileName ?? "data");
  writeFileSync(path, data);
  return complexValueAt(path, options);
}

/** A complex input holding a copy of the file at `source` (as the server materialises a reference). */
export function complexInputFromFile(
  dir: string,
  source: string,
  options: ComplexInputOptions,
): ComplexInputValue {
  const path = join(mkdtempSync(join(dir, "input-")), basename(source));
  copyFileSync(source, path);
  return complexValueAt(path, options);
}
