/**
 * Reading OGC API – Processes job documents into the client's protocol-neutral model: `statusInfo` → a job status,
 * results documents → outputs, RFC 7807 problems → exceptions (code, locator, text), Link headers.
 *
 * Peers' documented differences absorbed here:
 * - status words beyond the 1.0 set: `successful` and the older `succeeded`/`finished`, `dismissed` and
 *   `cancelled`/`canceled`, `started`/`in-progress` (Weaver's legacy statuses), `queued`/`created`/`pending`;
 * - the job id as `jobID` (1.0), `jobId` or `id`; `progress` as a number or a numeric string; no `type`
 *   (the spec's own examples leave it out);
 * - results as the 1.0 map `{output: value}`, as pygeoapi's `response: document` list `{outputs: [{id, value}]}`,
 *   or as pygeoapi's raw `{id, value}` object for its one output;
 * - errors as RFC 7807 problems (`type`, `title`, `detail`) or pygeoapi's `{code, description}`.
 */
import type { wps1 } from "@roost/core/internal";
import type { JobException, JobState, JobStatus, OutputResult } from "./job.js";

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function member(o: Json, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

const STATES: Readonly<Record<string, JobState>> = Object.freeze({
  accepted: "accepted",
  queued: "accepted",
  created: "accepted",
  pending: "accepted",
  running: "running",
  started: "running",
  "in-progress": "running",
  inprogress: "running",
  paused: "paused",
  successful: "succeeded",
  succeeded: "succeeded",
  success: "succeeded",
  finished: "succeeded",
  failed: "failed",
  error: "failed",
  exception: "failed",
  dismissed: "dismissed",
  cancelled: "dismissed",
  canceled: "dismissed",
});

/** The client's state for a status word, undefined for a word it does not know. */
export function stateOf(status: unknown): JobState | undefined {
  if (typeof status !== "string") return undefined;
  const s = status.trim().toLowerCase();
  return Object.hasOwn(STATES, s) ? STATES[s] : undefined;
}

/** The job id of a statusInfo (`jobID`; `jobId`/`id` in other servers' documents). */
export function jobIdOf(doc: Json): string | undefined {
  return str(member(doc, "jobID")) ?? str(member(doc, "jobId")) ?? str(member(doc, "id"));
}

/** The process of a statusInfo (`processID`; `processId`/`process` elsewhere). */
export function processIdOf(doc: Json): string | undefined {
  return str(member(doc, "processID")) ?? str(member(doc, "processId")) ?? str(member(doc, "process"));
}

/** A statusInfo as a job status; undefined when the document is not one (no status word the client knows). */
export function statusFromOgc(doc: unknown): JobStatus | undefined {
  if (!isObj(doc)) return undefined;
  const raw = member(doc, "status");
  const state = stateOf(raw);
  if (state === undefined) return undefined;
  const p = member(doc, "progress");
  const n = typeof p === "string" && p.trim() !== "" ? Number(p) : p;
  const percent = typeof n === "number" && Number.isFinite(n) ? Math.max(0, Math.min(100, n)) : undefined;
  const time = str(member(doc, "updated")) ?? str(member(doc, "created"));
  return {
    state,
    ...(state === "succeeded"
      ? { percent: 100 }
      : percent !== undefined && state !== "accepted"
        ? { percent }
        : {}),
    message: str(member(doc, "message")) ?? "",
    ...(time !== undefined ? { time } : {}),
  };
}

/** `no-such-job` → `NoSuchJob`: the last segment of a problem type URI as a code like WPS exception codes. */
export function codeOfType(type: string): string {
  const tail =
    type
      .replace(/[/#:]+$/, "")
      .split(/[/#:]/)
      .pop() ?? type;
  const code = tail
    .split(/[-_\s]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return code === "" ? type : code;
}

/** The exceptions a problem document (or pygeoapi's `{code, description}`) states; empty when it states none. */
export function exceptionsFromProblem(doc: unknown): JobException[] {
  if (!isObj(doc)) return [];
  const one = (d: Json): JobException | undefined => {
    const type = str(member(d, "type"));
    const code = str(member(d, "code")) ?? (type !== undefined ? codeOfType(type) : str(member(d, "title")));
    const text = str(member(d, "detail")) ?? str(member(d, "description")) ?? str(member(d, "title")) ?? "";
    if (code === undefined && text === "") return undefined;
    const locator = str(member(d, "locator"));
    return { code: code ?? "NoApplicableCode", ...(locator !== undefined ? { locator } : {}), text };
  };
  const list = member(doc, "errors");
  if (Array.isArray(list) && list.length > 1) {
    const all = list.filter(isObj).map(one);
    if (all.every((e) => e !== undefined)) return all as JobException[];
  }
  const e = one(doc);
  return e !== undefined ? [e] : [];
}

/** One `Link` header value split into its links (`<href>; rel="x"; type="y"`). */
export function parseLinkHeader(
  header: string | readonly string[] | undefined,
): { href: string; rel?: string; type?: string }[] {
  const values = header === undefined ? [] : typeof header === "string" ? [header] : header;
  const out: { href: string; rel?: string; type?: string }[] = [];
  for (const v of values) {
    for (const m of v.matchAll(/<([^>]*)>([^<]*)/g)) {
      const params = new Map<string, string>();
      for (const p of (m[2] ?? "").split(";")) {
        const eq = p.indexOf("=");
        if (eq < 0) continue;
        params.set(
          p.slice(0, eq).trim().toLowerCase(),
          p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, "$1"),
        );
      }
      const rel = params.get("rel");
      const type = params.get("type");
      out.push({
        href: m[1] ?? "",
        ...(rel !== undefined ? { rel } : {}),
        ...(type !== undefined ? { type } : {}),
      });
    }
  }
  return out;
}

/** Links of a document (`links: [{href, rel, type}]`). */
export function linksOf(doc: unknown): { href: string; rel: string; type?: string }[] {
  if (!isObj(doc) || !Array.isArray(doc.links)) return [];
  return doc.links.filter(isObj).flatMap((l) => {
    const href = str(l.href);
    const type = str(l.type);
    return href !== undefined
      ? [{ href, rel: str(l.rel) ?? "", ...(type !== undefined ? { type } : {}) }]
      : [];
  });
}

/** True when a link relation is `name` (registered) or an OGC relation URI ending in `/name`. */
export function relIs(rel: string, name: string): boolean {
  return rel === name || rel.endsWith(`/${name}`);
}

/** A JSON value as text: strings as they are, anything else indented (the CLI prints it for people). */
function json(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v, null, 2);
}

function bboxResult(id: string, v: Json, title: string | undefined): OutputResult | undefined {
  const b = member(v, "bbox");
  if (!Array.isArray(b) || b.length < 2 || b.length % 2 !== 0 || !b.every((x) => typeof x === "number"))
    return undefined;
  const crs = str(member(v, "crs"));
  const half = b.length / 2;
  return {
    id,
    ...(title !== undefined ? { title } : {}),
    kind: "bbox",
    bbox: {
      ...(crs !== undefined ? { crs } : {}),
      lowerCorner: b.slice(0, half) as number[],
      upperCorner: b.slice(half) as number[],
    },
  };
}

/** One output value of a results document, read with the output's description (when known) deciding its kind. */
export function outputFromOgc(id: string, v: unknown, def: wps1.Wps1Output | undefined): OutputResult {
  const t = def?.title !== undefined && def.title !== "" ? { title: def.title } : {};
  const defaultMime = def?.kind === "complex" ? def.formats[0]?.mimeType : undefined;
  const literal = (value: string, uom?: string): OutputResult => ({
    id,
    ...t,
    kind: "literal",
    value,
    ...(def?.kind === "literal" && def.dataType !== undefined ? { dataType: def.dataType } : {}),
    ...(uom !== undefined ? { uom } : {}),
  });
  if (isObj(v)) {
    const href = str(member(v, "href"));
    if (href !== undefined) {
      const mime = str(member(v, "type")) ?? str(member(v, "mediaType"));
      return { id, ...t, kind: "reference", href, ...(mime !== undefined ? { mimeType: mime } : {}) };
    }
    const box = bboxResult(id, v, t.title);
    if (box) return box;
    if (Object.hasOwn(v, "value")) {
      // A qualified value: its format flat (1.0) or in a `format` object (2.0 draft).
      const format = isObj(member(v, "format")) ? (member(v, "format") as Json) : v;
      const value = member(v, "value");
      if (def?.kind === "literal" && (typeof value !== "object" || value === null))
        return literal(String(value), str(member(v, "uom")));
      const mime = str(member(format, "mediaType")) ?? str(member(format, "type")) ?? defaultMime;
      const encoding = str(member(format, "encoding"));
      const schema = str(member(format, "schema"));
      return {
        id,
        ...t,
        kind: "complex",
        value: json(value),
        ...(mime !== undefined
          ? { mimeType: mime }
          : typeof value === "object"
            ? { mimeType: "application/json" }
            : {}),
        ...(encoding !== undefined ? { encoding } : {}),
        ...(schema !== undefined ? { schema } : {}),
      };
    }
  }
  if (def?.kind === "complex" || isObj(v) || Array.isArray(v)) {
    const mime = defaultMime ?? (typeof v === "object" && v !== null ? "application/json" : undefined);
    return { id, ...t, kind: "complex", value: json(v), ...(mime !== undefined ? { mimeType: mime } : {}) };
  }
  return literal(v === null ? "" : String(v));
}

/**
 * The outputs of a results document, in the description's order (outputs the description does not name follow).
 * `outputs` are the process's output descriptions (empty when unknown).
 */
export function outputsFromResults(doc: unknown, outputs: readonly wps1.Wps1Output[]): OutputResult[] {
  const defs = new Map(outputs.map((o) => [o.identifier, o]));
  let pairs: [string, unknown][] = [];
  const list = isObj(doc) ? member(doc, "outputs") : undefined;
  if (isObj(doc) && Array.isArray(list) && !defs.has("outputs")) {
    // pygeoapi's `response: document`: {outputs: [{id, value, …}]}.
    pairs = list.filter(isObj).flatMap((e) => {
      const id = str(e.id);
      if (id === undefined) return [];
      const { id: _id, ...rest } = e;
      return [
        [id, Object.hasOwn(rest, "value") || Object.hasOwn(rest, "href") ? rest : e] as [string, unknown],
      ];
    });
  } else if (
    isObj(doc) &&
    str(doc.id) !== undefined &&
    defs.has(doc.id as string) &&
    Object.hasOwn(doc, "value")
  ) {
    // pygeoapi's raw result of its one output: {id, value}.
    const { id, ...rest } = doc;
    pairs = [[id as string, rest]];
  } else if (isObj(doc)) {
    pairs = Object.keys(doc).map((k) => [k, doc[k]]);
  }
  const order = (id: string) => {
    const i = outputs.findIndex((o) => o.identifier === id);
    return i < 0 ? outputs.length : i;
  };
  return pairs.sort((a, b) => order(a[0]) - order(b[0])).map(([id, v]) => outputFromOgc(id, v, defs.get(id)));
}
