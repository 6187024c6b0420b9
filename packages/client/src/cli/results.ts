/**
 * What a finished job shows: outputs printed for people (literals as text, references as URLs or downloaded files),
 * the `--json` document for scripts, and error reports with the server's exception code, locator and text.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  ConnectionError,
  InputValidationError,
  JobTimeoutError,
  ProcessFailedError,
  ServerError,
  ServiceExceptionError,
  UnknownProcessError,
} from "../errors.js";
import type { JobResult, OutputResult } from "../job.js";
import { extensionForMimeType } from "../mime.js";
import type { ProcessingClient } from "../protocol-client.js";
import { suggest } from "../suggest.js";
import { ExitCode, exitCodeFor, UsageError } from "./exit.js";
import { formatBytes, type Progress } from "./progress.js";

/** An output, with the local file it was saved to (with `--output-dir`). */
export interface PresentedOutput extends OutputResult {
  readonly file?: string;
  readonly bytes?: number;
}

function safeName(s: string): string {
  const n = s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
  return n === "" ? "output" : n.slice(0, 100);
}

/** Save inline complex outputs and download referenced ones into `dir`. */
export async function saveOutputs(
  client: Pick<ProcessingClient, "download">,
  outputs: readonly OutputResult[],
  dir: string,
  progress: Progress,
): Promise<PresentedOutput[]> {
  await mkdir(dir, { recursive: true });
  const used = new Set<string>();
  const unique = (id: string, name: string) => {
    const n = used.has(name) ? `${safeName(id)}-${name}` : name;
    used.add(n);
    return n;
  };
  const out: PresentedOutput[] = [];
  for (const o of outputs) {
    if (o.kind === "reference" && o.href !== undefined) {
      let urlName = "";
      try {
        urlName = decodeURIComponent(new URL(o.href).pathname.split("/").pop() ?? "");
      } catch {
        urlName = "";
      }
      const base = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/.test(urlName)
        ? urlName
        : `${safeName(o.id)}${extensionForMimeType(o.mimeType)}`;
      const name = unique(o.id, base);
      const r = await client.download(o.href, dir, {
        name,
        ...(o.mimeType !== undefined ? { mimeType: o.mimeType } : {}),
        onProgress: (n, total) => progress.bytes(name, n, total),
      });
      progress.clear();
      out.push({ ...o, file: resolve(r.path), bytes: r.bytes });
    } else if (o.kind === "complex" && o.value !== undefined) {
      const name = unique(o.id, `${safeName(o.id)}${extensionForMimeType(o.mimeType)}`);
      const data =
        o.encoding?.toLowerCase() === "base64"
          ? Buffer.from(o.value, "base64")
          : Buffer.from(o.value, "utf8");
      const path = join(dir, name);
      await writeFile(path, data);
      out.push({ ...o, file: resolve(path), bytes: data.length });
    } else {
      out.push(o);
    }
  }
  return out;
}

function bboxText(b: NonNullable<OutputResult["bbox"]>): string {
  return `${[...b.lowerCorner, ...b.upperCorner].join(",")}${b.crs !== undefined ? ` (${b.crs})` : ""}`;
}

/** Outputs as text: `id: value` per output; multi-line values on the following lines. */
export function renderOutputs(outputs: readonly PresentedOutput[]): string {
  const lines: string[] = [];
  for (const o of outputs) {
    const mime = o.mimeType !== undefined ? ` (${o.mimeType})` : "";
    if (o.file !== undefined) {
      lines.push(`${o.id}: ${o.file}${mime}${o.bytes !== undefined ? ` ${formatBytes(o.bytes)}` : ""}`);
    } else if (o.kind === "reference") {
      lines.push(`${o.id}: ${o.href}${mime}`);
    } else if (o.kind === "bbox" && o.bbox) {
      lines.push(`${o.id}: ${bboxText(o.bbox)}`);
    } else if (o.kind === "complex" && o.encoding?.toLowerCase() === "base64") {
      lines.push(`${o.id}: <${(o.value ?? "").length} characters of base64${mime}; save with --output-dir>`);
    } else {
      const v = o.value ?? "";
      // The unit of measure is in the --json document; here the value stays copy-pasteable.
      if (v.includes("\n")) lines.push(`${o.id}:`, v.replace(/\n+$/, ""));
      else lines.push(`${o.id}: ${v}`);
    }
  }
  return lines.join("\n");
}

/** One server exception in the `--json` document. */
export interface JsonError {
  readonly code: string;
  readonly locator: string | null;
  readonly text: string;
}

/** One output in the `--json` document. */
export interface JsonOutput {
  readonly kind: OutputResult["kind"];
  readonly title?: string;
  readonly value?: string;
  readonly href?: string;
  readonly mimeType?: string;
  readonly encoding?: string;
  readonly schema?: string;
  readonly dataType?: string;
  readonly uom?: string;
  readonly bbox?: OutputResult["bbox"];
  readonly file?: string;
  readonly bytes?: number;
}

/** The `--json` document of `run` and `status` (documented in the README). */
export interface JsonDocument {
  readonly process: string | null;
  readonly jobId: string | null;
  /** accepted, running, paused, succeeded, failed — or error, timeout, interrupted when the CLI gave up. */
  readonly status: string;
  readonly mode: "sync" | "async" | null;
  readonly statusLocation: string | null;
  readonly percent: number | null;
  readonly message: string | null;
  readonly outputs: Readonly<Record<string, JsonOutput>>;
  readonly error: JsonError | null;
  readonly errors: readonly JsonError[];
  readonly exitCode: number;
}

/** The JSON document for a job (finished or not). */
export function jobDocument(
  r: JobResult,
  mode: "sync" | "async",
  outputs: readonly PresentedOutput[],
  exitCode: number,
): JsonDocument {
  const errors: JsonError[] = (r.status.exceptions ?? []).map((e) => ({
    code: e.code,
    locator: e.locator ?? null,
    text: e.text,
  }));
  const outs: Record<string, JsonOutput> = {};
  for (const o of outputs) {
    const { id: _id, ...rest } = o;
    outs[o.id] = rest;
  }
  return {
    process: r.processId || null,
    jobId: r.jobId ?? null,
    status: r.status.state,
    mode,
    statusLocation: r.statusLocation ?? null,
    percent: r.status.percent ?? null,
    message: r.status.message || null,
    outputs: outs,
    error: errors[0] ?? null,
    errors,
    exitCode,
  };
}

/** The JSON document for a command that failed before (or while) following a job. */
export function errorDocument(
  e: unknown,
  context: { process?: string; job?: JobResult; mode?: "sync" | "async" } = {},
): JsonDocument {
  const code = exitCodeFor(e);
  let errors: JsonError[];
  if (e instanceof ServiceExceptionError || e instanceof ProcessFailedError) {
    errors = e.exceptions.map((x) => ({ code: x.code, locator: x.locator ?? null, text: x.text }));
  } else if (e instanceof InputValidationError) {
    errors = e.problems.map((p) => ({ code: "InvalidInput", locator: p.id ?? null, text: p.message }));
  } else {
    const kind =
      e instanceof UsageError
        ? "UsageError"
        : e instanceof UnknownProcessError
          ? "NoSuchProcess"
          : e instanceof ConnectionError
            ? "ConnectionError"
            : e instanceof ServerError
              ? "ServerError"
              : e instanceof JobTimeoutError
                ? "Timeout"
                : code === ExitCode.interrupted
                  ? "Interrupted"
                  : "Error";
    errors = [{ code: kind, locator: null, text: e instanceof Error ? e.message : String(e) }];
  }
  const j = context.job;
  return {
    process: context.process ?? j?.processId ?? null,
    jobId: j?.jobId ?? null,
    status:
      e instanceof JobTimeoutError
        ? "timeout"
        : code === ExitCode.interrupted
          ? "interrupted"
          : code === ExitCode.processFailed
            ? "failed"
            : "error",
    mode: context.mode ?? null,
    statusLocation: j?.statusLocation ?? null,
    percent: j?.status.percent ?? null,
    message: j?.status.message ?? null,
    outputs: {},
    error: errors[0] ?? null,
    errors,
    exitCode: code,
  };
}

/** A word the shell reads as one argument: as is when safe, else single-quoted (a WPS 2.0.0 GetStatus URL has `&`). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An error as text for stderr, with the server's exception code, locator and text when there are any. */
export function renderError(e: unknown, processId?: string): string {
  const exc = (list: readonly { code: string; locator?: string; text: string }[]) =>
    list.map(
      (x) =>
        `  ${x.code}${x.locator !== undefined ? ` (locator: ${x.locator})` : ""}: ${x.text || "(no text)"}`,
    );
  if (e instanceof ProcessFailedError) {
    const head = `roost: process${processId ? ` '${processId}'` : ""} failed${e.jobId !== undefined ? ` (job ${e.jobId})` : ""}:`;
    return [head, ...(e.exceptions.length > 0 ? exc(e.exceptions) : ["  (the server gave no reason)"])].join(
      "\n",
    );
  }
  if (e instanceof ServiceExceptionError) {
    return [`roost: the server refused the request (HTTP ${e.status}):`, ...exc(e.exceptions)].join("\n");
  }
  if (e instanceof InputValidationError) {
    return [
      "roost: invalid inputs:",
      ...e.problems.map((p) => `  ${p.id !== undefined ? `${p.id}: ` : ""}${p.message}`),
    ].join("\n");
  }
  if (e instanceof UnknownProcessError) {
    const near = suggest(e.processId, e.known);
    return `roost: ${e.message}${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}\n  processes: ${e.known.join(", ") || "(none)"}`;
  }
  if (e instanceof UsageError) return `roost: ${e.message}${e.hint !== undefined ? `\n  ${e.hint}` : ""}`;
  if (e instanceof JobTimeoutError) {
    return `roost: ${e.message}${e.statusLocation !== undefined ? `\n  follow it with: roost status ${shellWord(e.statusLocation)}` : ""}`;
  }
  return `roost: ${e instanceof Error ? e.message : String(e)}`;
}
