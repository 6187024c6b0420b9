/**
 * The request preview: one execute request, as the form would send it, in the four forms a person may want to copy —
 * the OGC API JSON body, the WPS 1.0.0 `wps:Execute` XML (encoded by the core's own encoder from the decoded
 * request, so it says exactly what the server understood), a `curl` command, and the equivalent `roost run` command
 * line (the client's syntax: `--<input> <value>`, `@file` for uploads, `-o id=mime@asref`). The server also decodes
 * and validates the request and reports what it would refuse.
 */
import {
  errorList,
  ogcapi,
  type ProcessDefinition,
  type RawInput,
  RoostError,
  validateInputs,
  validateOutputRequests,
  wps1,
} from "@roost/core";
import type { UiContext } from "./context.js";

/** An uploaded file behind one input occurrence (its content may have been left out of the preview request). */
export interface FileNote {
  readonly name: string;
  readonly size: number;
  /** The content was replaced by a placeholder (large files are not sent just to preview the request). */
  readonly elided?: boolean;
}

/** What the preview request says besides the execute body. */
export interface PreviewOptions {
  readonly async: boolean;
  /** Per input identifier, per occurrence: the uploaded file, or null. */
  readonly files: Readonly<Record<string, readonly (FileNote | null)[]>>;
}

/** The four forms and the problems found. */
export interface Preview {
  readonly json: string;
  readonly xml: string;
  readonly curl: string;
  readonly cli: string;
  readonly problems: readonly string[];
}

/** A shell word: bare when it holds only safe characters, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9._:/+=,@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The request the untouched form sends: every default, every output in its default form, as a document. */
export function defaultRequest(p: ProcessDefinition): Record<string, unknown> {
  const inputs: Record<string, unknown> = Object.create(null);
  for (const d of p.inputs) {
    if (d.kind !== "literal" || d.default === undefined) continue;
    let v = ogcapi.typedLiteral(d.dataType, d.default);
    if (d.dataType === "dateTime" && typeof v === "string") {
      const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
      if (!Number.isNaN(t)) v = `${new Date(t).toISOString().slice(0, 19)}Z`;
    }
    if (d.dataType === "time" && typeof v === "string") v = v.replace(/([zZ]|[+-]\d\d:?\d\d)$/, "");
    inputs[d.identifier] = d.maxOccurs > 1 ? [v] : v;
  }
  return { inputs, outputs: defaultOutputs(p), response: "document" };
}

function defaultOutputs(p: ProcessDefinition): Record<string, unknown> {
  const outputs: Record<string, unknown> = Object.create(null);
  for (const o of p.outputs) {
    outputs[o.identifier] =
      o.kind === "complex"
        ? {
            format: { mediaType: o.formats[0]?.mimeType },
            transmissionMode: o.asReference ? "reference" : "value",
          }
        : {};
  }
  return outputs;
}

function messages(e: unknown, skip: ReadonlySet<string>): string[] {
  if (!(e instanceof RoostError)) return [(e as Error).message];
  return errorList(e)
    .filter((x) => x.locator === undefined || !skip.has(x.locator))
    .map((x) => x.message);
}

function cliValue(r: RawInput, file: FileNote | null | undefined, defaultMime: string | undefined): string {
  const v = r.value;
  // The format is said only when it is not the input's default (the client sends the default otherwise).
  const fmt = (m: string | undefined) => (m !== undefined && m !== defaultMime ? `;mimeType=${m}` : "");
  switch (v.kind) {
    case "literal":
    case "text":
      return v.value;
    case "reference":
      return `${v.href}${fmt(v.mimeType)}`;
    case "bbox":
      return [...v.lowerCorner, ...v.upperCorner, ...(v.crs !== undefined ? [v.crs] : [])].join(",");
    case "complex":
      if (file) return `@${file.name}${fmt(v.mimeType)}`;
      return v.encoding?.toLowerCase() === "base64"
        ? `data:${v.mimeType ?? "application/octet-stream"};base64,${v.data}`
        : `data:${v.mimeType ?? ""},${encodeURIComponent(v.data)}`;
  }
}

function cliCommand(
  ctx: UiContext,
  p: ProcessDefinition,
  inputs: readonly RawInput[],
  outputs: readonly ogcapi.OgcExecuteRequest["outputs"][number][],
  o: PreviewOptions,
): string {
  const parts = [
    "roost run",
    `--url ${shellQuote(ctx.urls.wps)}`,
    o.async ? "--async" : "--sync",
    shellQuote(p.identifier),
  ];
  const seen = new Map<string, number>();
  for (const r of inputs) {
    const k = seen.get(r.id) ?? 0;
    seen.set(r.id, k + 1);
    const d = p.inputMap.get(r.id);
    const defaultMime = d?.kind === "complex" ? d.formats[0]?.mimeType : undefined;
    parts.push(`--${shellQuote(r.id)} ${shellQuote(cliValue(r, o.files[r.id]?.[k], defaultMime))}`);
  }
  for (const out of outputs) {
    const d = p.outputMap.get(out.id);
    if (d?.kind !== "complex") continue;
    const mime =
      out.mimeType !== undefined && out.mimeType !== d.formats[0]?.mimeType ? `=${out.mimeType}` : "";
    const ref =
      out.asReference !== undefined && out.asReference !== d.asReference
        ? out.asReference
          ? "@asref"
          : "@asvalue"
        : "";
    if (mime !== "" || ref !== "") parts.push(`-o ${shellQuote(`${out.id}${mime}${ref}`)}`);
  }
  return parts.join(" \\\n  ");
}

function curlCommand(ctx: UiContext, p: ProcessDefinition, json: string, async: boolean): string {
  return [
    `curl -X POST ${shellQuote(ctx.urls.execution(p.identifier))} \\`,
    "  -H 'Content-Type: application/json' \\",
    "  -H 'Accept: application/json' \\",
    ...(async ? ["  -H 'Prefer: respond-async' \\"] : []),
    "  --data-binary @- <<'JSON'",
    json,
    "JSON",
  ].join("\n");
}

/** The preview of `body` (an OGC API execute request) for process `p`. */
export function previewOf(
  ctx: UiContext,
  p: ProcessDefinition,
  body: Record<string, unknown>,
  o: PreviewOptions,
): Preview {
  const json = JSON.stringify(body, null, 2);
  const elided = new Set(
    Object.entries(o.files)
      .filter(([, list]) => list.some((f) => f?.elided === true))
      .map(([id]) => id),
  );
  let decoded: ogcapi.OgcExecuteRequest;
  try {
    decoded = ogcapi.decodeExecute(body, p, { respondAsync: o.async, other: [] });
  } catch (e) {
    return {
      json,
      xml: "",
      curl: curlCommand(ctx, p, json, o.async),
      cli: "",
      problems: messages(e, elided),
    };
  }
  const problems: string[] = [];
  try {
    validateInputs(p, decoded.inputs);
  } catch (e) {
    problems.push(...messages(e, elided));
  }
  try {
    validateOutputRequests(p, decoded.outputs);
  } catch (e) {
    problems.push(...messages(e, elided));
  }
  const async = decoded.mode === "async";
  const xml = wps1.encodeExecuteRequest({
    processId: p.identifier,
    inputs: decoded.inputs,
    outputs: decoded.outputs,
    store: async,
    status: async,
  });
  return {
    json,
    xml,
    curl: curlCommand(ctx, p, json, async),
    cli: cliCommand(ctx, p, decoded.inputs, decoded.outputs, { ...o, async }),
    problems,
  };
}
