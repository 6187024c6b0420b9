/**
 * Shared pieces of the execution and reliability suite: fixture paths, WPS 1.0.0 Execute requests built as XML,
 * status documents reduced to what the tests assert on, polling with deadlines, the worker processes of a pool,
 * and a real `roost serve` subprocess.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { element, elements, parseXml, textOf, type XmlElement } from "@roost/core/internal";
import { freshPostgresSchema, postgresEnabled } from "../../packages/server/test/store/pg.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/processes/", import.meta.url));

/** Fixture process modules (`processes.modules`). */
export const FIXTURE = {
  crashers: join(FIXTURES, "crashers.ts"),
  observable: join(FIXTURES, "observable.ts"),
  counter: join(FIXTURES, "run-counter.mjs"),
  broken: join(FIXTURES, "broken/throws-on-load.ts"),
} as const;

/** The built CLI the subprocess tests run. */
export const CLI = join(ROOT, "packages/server/dist/bin/roost.js");

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const WPS = "http://www.opengis.net/wps/1.0.0";
const OWS = "http://www.opengis.net/ows/1.1";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** One input of an Execute request. */
export type InputValue =
  | string
  | number
  | { readonly complex: string; readonly mimeType?: string }
  | { readonly href: string; readonly mimeType?: string };

/** Options of {@link executeXml}. */
export interface ExecuteOptions {
  /** storeExecuteResponse + status (asynchronous). Default true. */
  readonly async?: boolean;
  /** Outputs to request (ids), optionally as references. */
  readonly outputs?: readonly { readonly id: string; readonly asReference?: boolean }[];
}

/** A WPS 1.0.0 Execute request document. */
export function executeXml(
  processId: string,
  inputs: Readonly<Record<string, InputValue>> = {},
  o: ExecuteOptions = {},
): string {
  const async = o.async ?? true;
  const data = Object.entries(inputs)
    .map(([id, v]) => {
      let body: string;
      if (typeof v === "string" || typeof v === "number")
        body = `<wps:Data><wps:LiteralData>${esc(String(v))}</wps:LiteralData></wps:Data>`;
      else if ("complex" in v)
        body = `<wps:Data><wps:ComplexData mimeType="${esc(v.mimeType ?? "text/plain")}">${esc(v.complex)}</wps:ComplexData></wps:Data>`;
      else
        body = `<wps:Reference xlink:href="${esc(v.href)}" mimeType="${esc(v.mimeType ?? "text/plain")}"/>`;
      return `<wps:Input><ows:Identifier>${esc(id)}</ows:Identifier>${body}</wps:Input>`;
    })
    .join("");
  const outs = (o.outputs ?? [])
    .map(
      (x) =>
        `<wps:Output asReference="${x.asReference === true}"><ows:Identifier>${esc(x.id)}</ows:Identifier></wps:Output>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<wps:Execute service="WPS" version="1.0.0" xmlns:wps="${WPS}" xmlns:ows="${OWS}" xmlns:xlink="http://www.w3.org/1999/xlink">` +
    `<ows:Identifier>${esc(processId)}</ows:Identifier>` +
    (data ? `<wps:DataInputs>${data}</wps:DataInputs>` : "") +
    `<wps:ResponseForm><wps:ResponseDocument storeExecuteResponse="${async}" status="${async}">${outs}</wps:ResponseDocument></wps:ResponseForm>` +
    `</wps:Execute>`
  );
}

/** What a status document (or Execute response, or ExceptionReport) says. */
export interface StatusDoc {
  readonly http: number;
  readonly raw: string;
  readonly kind: "accepted" | "started" | "paused" | "succeeded" | "failed" | "exception";
  readonly percent?: number;
  readonly message?: string;
  readonly statusLocation?: string;
  /** ProcessFailed / ExceptionReport: code, text and locator of the first exception. */
  readonly exception?:
    | { readonly code: string; readonly text: string; readonly locator?: string }
    | undefined;
  /** Outputs by identifier: literal text or reference href. */
  readonly outputs: Readonly<Record<string, { readonly value?: string; readonly href?: string }>>;
}

function firstException(report: XmlElement): StatusDoc["exception"] {
  const ex = elements(report, OWS, "Exception")[0];
  if (!ex) return undefined;
  const text = element(ex, OWS, "ExceptionText");
  const locator = ex.attrs.get("locator");
  return {
    code: ex.attrs.get("exceptionCode") ?? "",
    text: text ? textOf(text) : "",
    ...(locator !== undefined ? { locator } : {}),
  };
}

/** Parse an Execute response / status document / ExceptionReport; throws on anything that is not XML. */
export function parseStatus(raw: string, http = 200): StatusDoc {
  const root = parseXml(raw);
  if (root.local === "ExceptionReport")
    return { http, raw, kind: "exception", exception: firstException(root), outputs: {} };
  if (root.local !== "ExecuteResponse") throw new Error(`unexpected document <${root.name}>`);
  const status = element(root, WPS, "Status");
  if (!status) throw new Error("ExecuteResponse without Status");
  const s = elements(status)[0]!;
  const outputs: Record<string, { value?: string; href?: string }> = {};
  const po = element(root, WPS, "ProcessOutputs");
  for (const out of po ? elements(po, WPS, "Output") : []) {
    const id = textOf(element(out, OWS, "Identifier")!);
    const ref = element(out, WPS, "Reference");
    const lit = element(out, WPS, "Data") && element(element(out, WPS, "Data")!, WPS, "LiteralData");
    outputs[id] = ref ? { href: ref.attrs.get("href") ?? "" } : { value: lit ? textOf(lit) : "" };
  }
  const base = {
    http,
    raw,
    outputs,
    ...(root.attrs.get("statusLocation") !== undefined
      ? { statusLocation: root.attrs.get("statusLocation")! }
      : {}),
  };
  switch (s.local) {
    case "ProcessAccepted":
      return { ...base, kind: "accepted", message: textOf(s) };
    case "ProcessStarted":
    case "ProcessPaused":
      return {
        ...base,
        kind: s.local === "ProcessStarted" ? "started" : "paused",
        percent: Number(s.attrs.get("percentCompleted") ?? "0"),
        message: textOf(s),
      };
    case "ProcessSucceeded":
      return { ...base, kind: "succeeded", message: textOf(s) };
    case "ProcessFailed": {
      const report = elements(s)[0];
      return { ...base, kind: "failed", ...(report ? { exception: firstException(report) } : {}) };
    }
    default:
      throw new Error(`unknown status element ${s.name}`);
  }
}

/** POST an Execute request; resolves with the parsed answer. */
export async function execute(
  base: string,
  processId: string,
  inputs: Readonly<Record<string, InputValue>> = {},
  o: ExecuteOptions = {},
): Promise<StatusDoc & { headers: Headers }> {
  const res = await fetch(`${base}/wps`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: executeXml(processId, inputs, o),
  });
  const raw = await res.text();
  return { ...parseStatus(raw, res.status), headers: res.headers };
}

/** Submit an async job that must be accepted; resolves with its id and status URL. */
export async function submit(
  base: string,
  processId: string,
  inputs: Readonly<Record<string, InputValue>> = {},
  o: ExecuteOptions = {},
): Promise<{ jobId: string; statusUrl: string; doc: StatusDoc }> {
  const doc = await execute(base, processId, inputs, { ...o, async: true });
  if (doc.http !== 200 || !doc.statusLocation)
    throw new Error(`Execute ${processId} was not accepted (HTTP ${doc.http}): ${doc.raw.slice(0, 500)}`);
  const m = /\/outputs\/([^/]+)\.xml$/.exec(doc.statusLocation);
  if (!m) throw new Error(`unexpected statusLocation ${doc.statusLocation}`);
  return { jobId: m[1]!, statusUrl: doc.statusLocation, doc };
}

/** GET a status document. */
export async function getStatus(statusUrl: string): Promise<StatusDoc> {
  const res = await fetch(statusUrl);
  const raw = await res.text();
  return parseStatus(raw, res.status);
}

/** Poll a status document until `until` holds (default: terminal); fails after `timeoutMs`. */
export async function waitStatus(
  statusUrl: string,
  opts: { timeoutMs?: number; until?: (d: StatusDoc) => boolean; intervalMs?: number } = {},
): Promise<StatusDoc> {
  const until =
    opts.until ?? ((d) => d.kind === "succeeded" || d.kind === "failed" || d.kind === "exception");
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: StatusDoc | undefined;
  for (;;) {
    last = await getStatus(statusUrl);
    if (until(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting on ${statusUrl}; last: ${last.kind} ${last.raw.slice(0, 400)}`);
    await sleep(opts.intervalMs ?? 25);
  }
}

/** Wait until `check` returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Pids of the live (non-zombie) direct child processes of `pid` whose command line contains `marker`. */
export function childPids(pid: number, marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      // Fields after the parenthesised command: state, ppid, ...
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[1]) !== pid || rest[0] === "Z") continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (cmd.includes(marker)) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Pool workers of a server running in this process (their entry is `scheduler/local/child.{ts,js}`). */
export function workerPids(serverPid = process.pid): number[] {
  return childPids(serverPid, "scheduler/local/child.");
}

/** Read a job directory file, or undefined. */
export function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Lines of a JSON-lines file. */
export function jsonLines(path: string): Record<string, unknown>[] {
  return (readIf(path) ?? "")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A `roost serve` subprocess. */
export interface RoostProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code/signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL the server and its process group (workers included). */
  kill(): Promise<void>;
}

/** Spawn `roost serve` with `args` and `env` (nothing inherited but PATH/HOME) and wait until it answers. */
export async function spawnRoost(
  args: readonly string[],
  o: { env?: Record<string, string>; cwd?: string; port: number; waitReady?: boolean },
): Promise<RoostProcess> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], {
    cwd: o.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: kill() reaches the worker pool too, as a crash of the whole host process would.
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${o.port}`;
  const proc: RoostProcess = {
    child,
    base,
    output: () => log,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
  if (o.waitReady === false) return proc;
  let done = false;
  void exited.then(() => (done = true));
  // Generous: on a loaded 2-core CI box, Node start-up plus the worker pool can take many seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (done) throw new Error(`roost serve exited before answering:\n${log}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`roost serve did not answer within 60 s:\n${log}`);
    }
    await sleep(50);
  }
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A job store the suite runs on: extra server settings, and cleanup. */
export interface StoreCase {
  readonly name: "sqlite" | "postgres";
  /** False when PostgreSQL is unreachable outside CI (the cases are skipped with a note). */
  readonly enabled: boolean;
  /** Settings selecting the store (empty for SQLite: the default `<data_dir>/roost.db`). */
  settings(label: string): Promise<{ settings: Record<string, unknown>; drop: () => Promise<void> }>;
}

/** SQLite and PostgreSQL (a fresh schema per server). */
export const STORE_CASES: readonly StoreCase[] = [
  {
    name: "sqlite",
    enabled: true,
    async settings() {
      return { settings: {}, drop: async () => {} };
    },
  },
  {
    name: "postgres",
    enabled: await postgresEnabled(),
    async settings(label) {
      const pg = await freshPostgresSchema(label);
      return { settings: { "database.url": pg.url, "database.schema": pg.schema }, drop: pg.drop };
    },
  },
];
