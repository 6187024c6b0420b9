/**
 * Rendering a stored job as a protocol-neutral {@link JobView}: status with message and progress, and the outputs
 * resolved to inline values or URLs according to what the client asked (asReference, mimeType). Front ends only
 * encode the view.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ERRORS,
  type ErrorCode,
  type ErrorView,
  formatLiteral,
  isTextMimeType,
  isXmlMimeType,
  type JobRecord,
  type JobView,
  type OutputDefinition,
  type OutputRequest,
  type OutputValueView,
  type OutputView,
  type ProcessDefinition,
  parseXml,
  type RawInput,
  type StatusView,
  type StoredOutput,
  serializeElement,
} from "@roost/core/internal";

/** What a view needs besides the job. */
export interface ViewContext {
  /** Absolute URL prefix of published outputs: `<public_url>/outputs`. */
  readonly outputsUrl: string;
  /** Status document URL, for async jobs. */
  readonly statusLocation?: string;
  /** Directory of the job's published outputs. */
  readonly outputsDir: string;
  /** Largest output embedded inline; larger ones are returned by reference. */
  readonly maxInline: number;
  /** Lineage echo, when the request asked for it. */
  readonly lineage?: { readonly inputs: readonly RawInput[]; readonly outputs: readonly OutputRequest[] };
  /** The protocol's exception code for a stored catalogue code (supplied by the front end). */
  readonly exceptionCode: (code: string) => string;
}

/** The OWS exception code of a stored catalogue code, for the WPS front ends (`NoApplicableCode` when unknown). */
export function exceptionCode(code: string, column: "wps1" | "wps2"): string {
  const spec = (ERRORS as Record<string, (typeof ERRORS)[ErrorCode]>)[code];
  return spec ? spec[column] : "NoApplicableCode";
}

function status(job: JobRecord, codeOf: (code: string) => string): StatusView {
  switch (job.status) {
    case "accepted":
      return { kind: "accepted", message: job.message ?? "Process accepted" };
    case "running":
      return { kind: "running", percent: job.progress ?? 0, message: job.message ?? "Process started" };
    case "succeeded":
      return { kind: "succeeded", message: job.message ?? "Process succeeded" };
    case "dismissed":
      return { kind: "dismissed", message: job.message ?? "Job dismissed" };
    case "failed": {
      const e = job.error ?? { code: "Internal", message: "Process failed" };
      const err: ErrorView = {
        code: codeOf(e.code),
        text: e.message,
        ...(e.locator !== undefined ? { locator: e.locator } : {}),
      };
      return { kind: "failed", errors: [err] };
    }
  }
}

/** Public URL of a published output file. */
export function outputHref(outputsUrl: string, jobId: string, file: string): string {
  return `${outputsUrl}/${jobId}/${file.split("/").map(encodeURIComponent).join("/")}`;
}

function inlineFile(
  path: string,
  mimeType: string,
  wantBase64: boolean,
): { data: string; xml: boolean; encoding?: string } {
  const bytes = readFileSync(path);
  if (!wantBase64 && isTextMimeType(mimeType)) {
    const text = bytes.toString("utf8");
    if (isXmlMimeType(mimeType)) {
      // Embed XML as XML when it parses (without its declaration); otherwise it travels as CDATA text.
      try {
        return { data: serializeElement(parseXml(text, { maxDepth: 256 })), xml: true };
      } catch {
        return { data: text, xml: false };
      }
    }
    return { data: text, xml: false };
  }
  return { data: bytes.toString("base64"), xml: false, encoding: "base64" };
}

/** One output as the client asked for it. */
export function outputValue(
  job: JobRecord,
  def: OutputDefinition,
  stored: StoredOutput,
  req: OutputRequest | undefined,
  ctx: Pick<ViewContext, "outputsUrl" | "outputsDir" | "maxInline">,
  allowReference: boolean,
): OutputValueView {
  switch (stored.kind) {
    case "literal":
      return {
        kind: "literal",
        value: formatLiteral(stored.value, def.kind === "literal" ? def.dataType : undefined),
        dataType: def.kind === "literal" ? def.dataType : "string",
        ...(stored.uom !== undefined ? { uom: stored.uom } : {}),
      };
    case "bbox":
      return { kind: "bbox", value: stored.value };
    case "href":
      return { kind: "reference", href: stored.href, mimeType: stored.mimeType };
    case "file": {
      const byRef =
        allowReference &&
        ((req?.asReference ?? (def.kind === "complex" && def.asReference)) || stored.size > ctx.maxInline);
      const meta = {
        mimeType: stored.mimeType,
        ...(stored.schema !== undefined ? { schema: stored.schema } : {}),
      };
      if (byRef) {
        return {
          kind: "reference",
          href: outputHref(ctx.outputsUrl, job.id, stored.file),
          ...meta,
          ...(stored.encoding !== undefined ? { encoding: stored.encoding } : {}),
        };
      }
      const wantBase64 = (req?.encoding ?? stored.encoding ?? "").toLowerCase() === "base64";
      const inl = inlineFile(join(ctx.outputsDir, stored.file), stored.mimeType, wantBase64);
      return {
        kind: "inline",
        data: inl.data,
        xml: inl.xml,
        ...meta,
        ...(inl.encoding !== undefined ? { encoding: inl.encoding } : {}),
      };
    }
  }
}

/** The outputs of a succeeded job, in request order (all declared outputs when none were requested). */
export function outputViews(
  p: ProcessDefinition,
  job: JobRecord,
  ctx: ViewContext,
  allowReference: boolean,
): OutputView[] {
  const stored = job.outputs ?? {};
  const requests = job.request.outputs;
  const wanted =
    requests.length > 0 ? requests : p.outputs.map((o) => ({ id: o.identifier }) as OutputRequest);
  const out: OutputView[] = [];
  for (const r of wanted) {
    const def = p.outputMap.get(r.id);
    const s = stored[r.id];
    if (!def || !s) continue;
    out.push({
      definition: def,
      value: outputValue(job, def, s, requests.length > 0 ? r : undefined, ctx, allowReference),
    });
  }
  return out;
}

/** A job rendered for a protocol encoder. */
export function jobView(
  p: ProcessDefinition,
  job: JobRecord,
  ctx: ViewContext,
  allowReference: boolean,
): JobView {
  const time = new Date(job.finishedAt ?? job.updatedAt);
  return {
    jobId: job.id,
    process: p,
    language: job.request.language,
    status: status(job, ctx.exceptionCode),
    time,
    created: new Date(job.createdAt),
    ...(job.startedAt !== null ? { started: new Date(job.startedAt) } : {}),
    ...(job.finishedAt !== null ? { finished: new Date(job.finishedAt) } : {}),
    ...(ctx.statusLocation !== undefined ? { statusLocation: ctx.statusLocation } : {}),
    ...(ctx.lineage !== undefined ? { lineage: ctx.lineage } : {}),
    ...(job.status === "succeeded" ? { outputs: outputViews(p, job, ctx, allowReference) } : {}),
  };
}
