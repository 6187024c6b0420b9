/**
 * Shared pieces of the Slurm suite: detecting the local cluster (`scripts/slurm-cluster.sh up`), writing a server
 * configuration that routes the suite's fixture processes to Slurm, starting Roost in this process or as a
 * `roost serve` subprocess (to SIGKILL it), WPS 1.0.0 requests and status documents, and Slurm queries by job name.
 *
 * Workers on the "compute nodes" run the built `packages/server/dist/bin/roost.js`: `npm test` builds first.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { element, elements, parseXml, textOf } from "@roost/core/internal";
import { pino } from "pino";
import { loadConfig } from "../../packages/server/src/config/load.js";
import { type RunningServer, startServer } from "../../packages/server/src/main.js";
import { type RoostProcess, spawnRoost, tempDir } from "../execution/helpers.js";
import { freePort } from "../helpers/server.js";

export type { RoostProcess };

import { requireService } from "../helpers/services.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The suite's process module (plain JavaScript, loaded on the nodes without tsx). */
export const FIXTURE = fileURLToPath(new URL("./fixtures/processes.mjs", import.meta.url));
/** The project's cluster script. */
export const CLUSTER_SCRIPT = join(ROOT, "scripts/slurm-cluster.sh");
/** The built `roost` command (the workers run it too). */
export const CLI = join(ROOT, "packages/server/dist/bin/roost.js");

/** True when slurmctld answers and the three test nodes exist. */
export function clusterUp(): boolean {
  const ping = spawnSync("scontrol", ["ping"], { encoding: "utf8", timeout: 20_000 });
  if (ping.status !== 0 || !/is UP/.test(ping.stdout)) return false;
  const nodes = spawnSync("sinfo", ["-h", "-N", "-o", "%N"], { encoding: "utf8", timeout: 20_000 });
  const names = new Set(nodes.stdout.split("\n").map((s) => s.trim()));
  return ["n1", "n2", "n3"].every((n) => names.has(n));
}

/** Run the suite only with a cluster (skip outside CI, fail under CI=true) and a built worker. */
export function requireCluster(): boolean {
  const ok = requireService(
    "Slurm cluster",
    clusterUp(),
    "run `sudo scripts/slurm-cluster.sh up --nodes 3` (Debian/Ubuntu, root)",
  );
  if (ok && !existsSync(CLI)) throw new Error(`the worker is not built (${CLI}): run npm run build`);
  return ok;
}

/** A scratch directory for one server: data dir, config file, bin wrappers. */
export const scratch = tempDir;

/**
 * The suite's server configuration. `extra` is appended TOML (per-process Slurm options). Fixture processes go to
 * Slurm; everything else (hello…) stays local. Short grace periods keep the suite fast.
 */
export function writeConfig(
  dir: string,
  port: number,
  o: { extra?: string; binDir?: string; routes?: Record<string, string>; lostGrace?: number } = {},
): string {
  const routes = {
    sleep: "slurm",
    sl_steps: "slurm",
    sl_exit: "slurm",
    sl_error: "slurm",
    sl_oom: "slurm",
    sl_count: "slurm",
    sl_later: "slurm",
    sl_badpart: "slurm",
    sl_on_n2: "slurm",
    ...o.routes,
  };
  const file = join(dir, "roost.toml");
  writeFileSync(
    file,
    `[server]
port = ${port}
data_dir = "${join(dir, "data")}"
log_level = "${process.env.ROOST_TEST_LOG ?? "warn"}"

[processes]
demo = true
modules = ["${FIXTURE}"]

[jobs]
workers = 2

[scheduler]
backend = "local"
routes = { ${Object.entries(routes)
      .map(([k, v]) => `${k} = "${v}"`)
      .join(", ")} }

[slurm]
bin_dir = "${o.binDir ?? ""}"
lost_grace = ${o.lostGrace ?? 10}
submit_deadline = 120
poll_interval = 1

[slurm.processes.sl_later]
extra_args = ["--begin=now+1hour"]

[slurm.processes.sl_badpart]
partition = "nosuch"

[slurm.processes.sl_oom]
memory = "64M"

${o.extra ?? ""}
`,
  );
  mkdirSync(join(dir, "data"), { recursive: true });
  return file;
}

/** A server running in this process. */
export interface InProcessServer {
  readonly server: RunningServer;
  readonly base: string;
  readonly dataDir: string;
  readonly configFile: string;
  close(): Promise<void>;
}

/** Start Roost in this process with {@link writeConfig}'s configuration. */
export async function startSlurmServer(
  dir: string,
  o: Parameters<typeof writeConfig>[2] = {},
): Promise<InProcessServer> {
  const port = await freePort();
  const configFile = writeConfig(dir, port, o);
  const config = loadConfig({ file: configFile, env: {} });
  const server = await startServer(config, {
    logger: pino({ level: process.env.ROOST_TEST_LOG ?? "silent" }),
  });
  return {
    server,
    base: config.server.public_url,
    dataDir: config.server.data_dir,
    configFile,
    close: () => server.close(0),
  };
}

/** Spawn `roost serve --config <file>` (its own process group, so SIGKILL takes its children too) and wait until it
 * answers at `base`. */
export function spawnServer(configFile: string, base: string): Promise<RoostProcess> {
  return spawnRoost(["--config", configFile], { port: Number(new URL(base).port) });
}

/**
 * The `roost serve` subprocesses of a suite: each gets its own directory and port; every process is killed and the
 * scratch directory removed by `cleanup` (call it in `afterAll`).
 */
export function serverSuite(prefix: string): {
  slot(name: string): Promise<{ dir: string; port: number; base: string }>;
  spawn(configFile: string, base: string): Promise<RoostProcess>;
  cleanup(): Promise<void>;
} {
  const tmp = scratch(prefix);
  const procs: RoostProcess[] = [];
  return {
    async slot(name) {
      const dir = join(tmp.dir, name);
      mkdirSync(dir, { recursive: true });
      const port = await freePort();
      return { dir, port, base: `http://127.0.0.1:${port}` };
    },
    async spawn(configFile, base) {
      const p = await spawnServer(configFile, base);
      procs.push(p);
      return p;
    },
    async cleanup() {
      for (const p of procs) await p.kill();
      tmp.remove();
    },
  };
}

/** Where a Slurm command lives on this machine. */
export function slurmCommand(name: string): string {
  return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
}

/** Link the real Slurm commands that `bin` (a `slurm.bin_dir` of wrappers) does not hold itself. */
export function linkSlurmCommands(bin: string): void {
  for (const c of ["sbatch", "squeue", "scontrol", "scancel", "sinfo", "sacct"])
    if (!existsSync(join(bin, c))) symlinkSync(slurmCommand(c), join(bin, c));
}

/** Write into `bin` an `sbatch` that submits for real, records the id in `mark`, then never answers. */
export function writeStallingSbatch(bin: string, mark: string): void {
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "sbatch"),
    `#!/bin/bash\nout=$(${slurmCommand("sbatch")} "$@")\nrc=$?\nprintf '%s\\n' "$out" > ${mark}.tmp && mv ${mark}.tmp ${mark}\n[ $rc = 0 ] || exit $rc\nexec sleep 3600\n`,
  );
  chmodSync(join(bin, "sbatch"), 0o755);
}

/** Wait `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const WPS = "http://www.opengis.net/wps/1.0.0";
const OWS = "http://www.opengis.net/ows/1.1";

/** What a status document says. */
export interface Status {
  readonly kind: "accepted" | "started" | "succeeded" | "failed" | "exception";
  readonly percent?: number;
  readonly message: string;
  readonly statusLocation?: string;
  /** Literal outputs (value) and references (href), by identifier. */
  readonly outputs: Readonly<Record<string, { value?: string; href?: string }>>;
  readonly raw: string;
}

/** Parse an Execute response / status document. */
export function parseStatus(raw: string): Status {
  const root = parseXml(raw);
  if (root.local === "ExceptionReport") {
    const ex = elements(root, OWS, "Exception")[0];
    const text = ex ? element(ex, OWS, "ExceptionText") : undefined;
    return { kind: "exception", message: text ? textOf(text) : "", outputs: {}, raw };
  }
  const st = element(root, WPS, "Status");
  const s = st ? elements(st)[0] : undefined;
  if (!s) throw new Error(`no status in ${raw.slice(0, 300)}`);
  const outputs: Record<string, { value?: string; href?: string }> = {};
  const po = element(root, WPS, "ProcessOutputs");
  for (const out of po ? elements(po, WPS, "Output") : []) {
    const id = textOf(element(out, OWS, "Identifier")!);
    const ref = element(out, WPS, "Reference");
    const data = element(out, WPS, "Data");
    const lit = data ? element(data, WPS, "LiteralData") : undefined;
    outputs[id] = ref ? { href: ref.attrs.get("href") ?? "" } : { value: lit ? textOf(lit) : "" };
  }
  const loc = root.attrs.get("statusLocation");
  const base = { outputs, raw, ...(loc !== undefined ? { statusLocation: loc } : {}) };
  switch (s.local) {
    case "ProcessAccepted":
      return { ...base, kind: "accepted", message: textOf(s) };
    case "ProcessStarted":
      return {
        ...base,
        kind: "started",
        percent: Number(s.attrs.get("percentCompleted") ?? 0),
        message: textOf(s),
      };
    case "ProcessSucceeded":
      return { ...base, kind: "succeeded", message: textOf(s) };
    case "ProcessFailed": {
      const report = elements(s)[0];
      const ex = report ? elements(report, OWS, "Exception")[0] : undefined;
      const text = ex ? element(ex, OWS, "ExceptionText") : undefined;
      return { ...base, kind: "failed", message: text ? textOf(text) : "" };
    }
    default:
      throw new Error(`unexpected status ${s.local}`);
  }
}

/** Execute through KVP; async unless `sync`. */
export async function execute(
  base: string,
  id: string,
  inputs: Record<string, string | number> = {},
  o: { sync?: boolean } = {},
): Promise<Status> {
  const data = Object.entries(inputs)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join(";");
  const store = o.sync ? "" : "&storeExecuteResponse=true&status=true";
  const res = await fetch(
    `${base}/wps?service=WPS&version=1.0.0&request=Execute&identifier=${id}${data ? `&DataInputs=${data}` : ""}${store}`,
  );
  return parseStatus(await res.text());
}

/** Submit an async job; resolves with its id and status URL. */
export async function submit(
  base: string,
  id: string,
  inputs: Record<string, string | number> = {},
): Promise<{ jobId: string; statusUrl: string }> {
  const s = await execute(base, id, inputs);
  if (s.kind !== "accepted" || !s.statusLocation) throw new Error(`not accepted: ${s.raw.slice(0, 500)}`);
  const jobId = /\/outputs\/([^/]+)\.xml$/.exec(s.statusLocation)![1]!;
  return { jobId, statusUrl: s.statusLocation };
}

/** GET a status document. */
export async function status(url: string): Promise<Status> {
  return parseStatus(await (await fetch(url)).text());
}

/** Poll until `until` (default: a final status); throws after `timeoutMs`. */
export async function waitStatus(
  url: string,
  timeoutMs: number,
  until: (s: Status) => boolean = (s) => s.kind === "succeeded" || s.kind === "failed",
  intervalMs = 50,
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let s: Status | undefined;
    try {
      s = await status(url);
      if (until(s)) return s;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms on ${url}; last: ${s?.kind} ${s?.message}`);
    await sleep(intervalMs);
  }
}

/** Slurm job ids (newest last) carrying a name, from `squeue -t all` (all states, until MinJobAge). */
export function slurmJobsNamed(name: string): string[] {
  const out = execFileSync("squeue", ["-h", "-t", "all", `--name=${name}`, "-o", "%i"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .sort((a, b) => Number(a) - Number(b));
}

/** `squeue -h -t all -j <id> -o <fmt>` (empty when Slurm forgot the job). */
export function squeueField(id: string, fmt: string): string {
  const r = spawnSync("squeue", ["-h", "-t", "all", "-j", id, "-o", fmt], { encoding: "utf8" });
  return r.stdout.trim();
}

/** A file of a job's attempt directory, or undefined. */
export function attemptFile(dataDir: string, jobId: string, name: string, attempt = 1): string | undefined {
  try {
    return readFileSync(join(dataDir, "jobs", jobId, `a${attempt}`, name), "utf8");
  } catch {
    return undefined;
  }
}

/** Wait for an attempt file to appear (the worker writes it after its start-up). */
export async function waitAttemptFile(
  dataDir: string,
  jobId: string,
  name: string,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = attemptFile(dataDir, jobId, name);
    if (text !== undefined) return text;
    if (Date.now() > deadline) throw new Error(`no ${name} for job ${jobId} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Run the cluster script (root). */
export function cluster(...args: string[]): string {
  return execFileSync(CLUSTER_SCRIPT, args, { encoding: "utf8", timeout: 120_000 });
}

/** The store row of a job (in-process servers). */
export async function jobRow(s: InProcessServer, jobId: string) {
  const j = await s.server.service.job(jobId);
  if (!j) throw new Error(`no job ${jobId}`);
  return j;
}
