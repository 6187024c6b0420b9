/**
 * Text rendering of processes, descriptions, job statuses and results for people. Machine-readable output is the
 * `--json` document (see `json.ts`), never this text.
 */
import { describeRange, type wps1 } from "@roost/core/internal";
import type { JobStatus } from "../job.js";
import { type ProcessDescription, syncSupported } from "../protocol-client.js";
import { quoteId, valuePlaceholder } from "./input-usage.js";
import { COMMON_OPTIONS } from "./options.js";
import { RUN_OPTIONS } from "./run-options.js";

/** Lay out rows as columns separated by two spaces (the last column is not padded). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows)
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]?.length ?? 0);
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** How a process can run: `async, sync` or `sync only`. */
export function executionModes(d: ProcessDescription): string {
  if (!syncSupported(d)) return "async only";
  return d.storeSupported ? (d.statusSupported ? "async, sync" : "async (no progress), sync") : "sync only";
}

/** The `roost processes` table. */
export function renderProcesses(list: readonly wps1.Wps1ProcessDescription[]): string {
  return table([
    ["IDENTIFIER", "TITLE", "EXECUTION"],
    ...list.map((p) => [p.identifier, p.title, executionModes(p)]),
  ]);
}

function allowedText(a: wps1.Wps1LiteralInput["allowedValues"]): string | undefined {
  switch (a.kind) {
    case "any":
      return undefined;
    case "reference":
      return `values listed at ${a.reference} (not checked)`;
    case "values": {
      // A range is not a value: "one of: [0, 50]" read as "0 or 50".
      const values = a.values.map((v) => String(v));
      const ranges = a.ranges.map(describeRange);
      const rangeText = `${ranges.length > 1 ? "ranges" : "range"} ${ranges.join(", ")}`;
      if (ranges.length === 0) return `one of: ${values.join(", ")}`;
      if (values.length === 0) return `in ${rangeText}`;
      return `one of: ${values.join(", ")}, or in ${rangeText}`;
    }
  }
}

function occursText(min: number, max: number): string {
  const maxText = max >= Number.MAX_SAFE_INTEGER ? "unbounded" : String(max);
  if (min === 0 && max === 1) return "optional";
  if (min === 1 && max === 1) return "";
  return `${min}..${maxText} times${max > 1 ? " (repeat the option)" : ""}`;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line !== "" && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === "" ? w : `${line} ${w}`;
  }
  if (line !== "") lines.push(line);
  return lines.map((l) => `${indent}${l}`).join("\n");
}

/** Detail lines of one input: type, occurrences, default, allowed values, formats, CRSs. */
export function inputDetails(d: wps1.Wps1Input): string[] {
  const out: string[] = [];
  const required =
    d.minOccurs > 0 && !(d.kind === "literal" && d.default !== undefined) ? "required" : undefined;
  const occ = occursText(d.minOccurs, d.maxOccurs);
  const head = [
    d.kind === "literal"
      ? (d.dataType ?? "literal (no data type)")
      : d.kind === "complex"
        ? "complex"
        : "bounding box",
    required,
    occ !== "" && occ !== "optional" ? occ : undefined,
    occ === "optional" && !required ? "optional" : undefined,
  ].filter((x): x is string => x !== undefined);
  out.push(head.join(", "));
  if (d.kind === "literal") {
    if (d.default !== undefined) out.push(`default: ${d.default}`);
    const a = allowedText(d.allowedValues);
    if (a !== undefined) out.push(a);
    if (d.uoms.length > 0) out.push(`units: ${d.uoms.join(", ")}`);
  } else if (d.kind === "complex") {
    if (d.formats.length > 0)
      out.push(
        `formats: ${d.formats.map((f, i) => `${f.mimeType}${i === 0 ? " (default)" : ""}`).join(", ")}`,
      );
    if (d.maximumMegabytes !== undefined) out.push(`at most ${d.maximumMegabytes} MB`);
  } else if (d.crs.length > 0) {
    out.push(`CRS: ${d.crs.map((c, i) => `${c}${i === 0 ? " (default)" : ""}`).join(", ")}`);
  }
  return out;
}

/** Detail line of one output. */
export function outputDetails(o: wps1.Wps1Output): string {
  switch (o.kind) {
    case "literal":
      return `${o.dataType ?? "literal"}${o.uoms.length > 0 ? ` (units: ${o.uoms.join(", ")})` : ""}`;
    case "complex":
      return `complex: ${o.formats.map((f, i) => `${f.mimeType}${i === 0 ? " (default)" : ""}`).join(", ")}`;
    case "bbox":
      return `bounding box${o.crs.length > 0 ? ` (CRS: ${o.crs.join(", ")})` : ""}`;
  }
}

function header(d: wps1.Wps1ProcessDescription): string[] {
  const out = [`${d.identifier} — ${d.title}${d.version !== undefined ? ` (version ${d.version})` : ""}`];
  if (d.abstract !== undefined && d.abstract !== "") out.push(wrap(d.abstract, 100, "  "));
  out.push(`  runs: ${executionModes(d)}`);
  return out;
}

/** `roost describe <process>`. */
export function renderDescription(d: wps1.Wps1ProcessDescription): string {
  const lines = header(d);
  lines.push("", "Inputs:");
  if (d.inputs.length === 0) lines.push("  (none)");
  for (const i of d.inputs) {
    lines.push(`  ${i.identifier}  ${i.title !== i.identifier ? i.title : ""}`.trimEnd());
    for (const x of inputDetails(i)) lines.push(`      ${x}`);
    if (i.abstract !== undefined && i.abstract !== "") lines.push(wrap(i.abstract, 96, "      "));
  }
  lines.push("", "Outputs:");
  if (d.outputs.length === 0) lines.push("  (none)");
  for (const o of d.outputs) {
    lines.push(`  ${o.identifier}  ${o.title !== o.identifier ? o.title : ""}`.trimEnd());
    lines.push(`      ${outputDetails(o)}`);
  }
  return lines.join("\n");
}

function optionRows(
  specs: readonly { name: string; short?: string; value?: string; help: string }[],
): string[][] {
  return specs.map((o) => [
    `  ${o.short !== undefined ? `-${o.short}, ` : "    "}--${o.name}${o.value !== undefined ? ` <${o.value}>` : ""}`,
    o.help,
  ]);
}

/** `roost run <process> --help`: the process's options, generated from its description. */
export function renderRunHelp(d: wps1.Wps1ProcessDescription): string {
  const required = d.inputs.filter(
    (i) => i.minOccurs > 0 && !(i.kind === "literal" && i.default !== undefined),
  );
  const usage = [
    `Usage: roost run [options] ${quoteId(d.identifier)}`,
    ...required.map((i) => `--${quoteId(i.identifier)} ${valuePlaceholder(i)}`),
    d.inputs.length > required.length ? "[inputs]" : "",
    "[run options]",
  ]
    .filter((x) => x !== "")
    .join(" ");
  const lines = [usage, "", ...header(d), "", "Inputs:"];
  if (d.inputs.length === 0) lines.push("  (none)");
  for (const i of d.inputs) {
    lines.push(
      `  --${quoteId(i.identifier)} ${valuePlaceholder(i)}    ${i.title !== i.identifier ? i.title : ""}`.trimEnd(),
    );
    for (const x of inputDetails(i)) lines.push(`      ${x}`);
    if (i.abstract !== undefined && i.abstract !== "" && i.abstract !== i.title)
      lines.push(wrap(i.abstract, 96, "      "));
  }
  lines.push("", "Outputs (choose with --output <id>[=mimeType][@asref|@asvalue]):");
  if (d.outputs.length === 0) lines.push("  (none)");
  for (const o of d.outputs) {
    lines.push(`  ${quoteId(o.identifier)}    ${o.title !== o.identifier ? o.title : ""}`.trimEnd());
    lines.push(`      ${outputDetails(o)}`);
  }
  lines.push(
    "",
    "Complex inputs take a URL (sent by reference), @file or an existing path (embedded; binary files base64),",
    "data:,<text> (inline) or - (standard input); add ;mimeType=<type> to choose the format.",
    "Repeat an option to give several values. Boolean inputs: --flag, --flag false, --no-flag.",
    "",
    "Run options:",
    table(optionRows(RUN_OPTIONS)),
    "",
    "Connection options (before or after the process):",
    table(optionRows(COMMON_OPTIONS)),
  );
  return lines.join("\n");
}

/** General `roost run --help` (no process named). */
export function renderRunUsage(processIds: readonly string[] | undefined): string {
  return [
    "Usage: roost run [options] <process> [--<input> <value> ...]",
    "",
    "Execute a process. Its inputs become options: see `roost run <process> --help`.",
    "",
    "Run options:",
    table(optionRows(RUN_OPTIONS)),
    "",
    "Connection options:",
    table(optionRows(COMMON_OPTIONS)),
    ...(processIds && processIds.length > 0 ? ["", `Processes: ${processIds.join(", ")}`] : []),
    "",
    "Exit codes: 0 succeeded, 1 process failed (or job dismissed), 2 usage or validation error,",
    "3 connection or server error, 130 interrupted.",
  ].join("\n");
}

/** One line for a job status: `running  40% message`. */
export function statusLine(s: JobStatus): string {
  const pct =
    s.percent !== undefined && s.state !== "accepted" && s.state !== "succeeded"
      ? ` ${Math.floor(s.percent)}%`
      : "";
  return `${s.state}${pct}${s.message !== "" ? ` — ${s.message}` : ""}`;
}
