/**
 * The server under test: a real `roost serve` process (the built CLI) with the counting process loaded, one worker
 * by default (jobs queue as in the report), its config outside the data dir, and a restart that keeps port,
 * data dir and store.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI, type RoostProcess, spawnRoost, tempDir } from "../execution/helpers.js";
import { freePort } from "../helpers/server.js";
import type { CaseStore } from "./case-stores.js";

/** The counting process (`fx_counted`). */
export const COUNTED = fileURLToPath(new URL("../fixtures/processes/counted.mjs", import.meta.url));

/** Fail early with a clear message when the CLI was not built. */
export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
}

/** Settings of a case's server. */
export interface ServeOptions {
  readonly dataDir: string;
  readonly store: CaseStore;
  /** Local worker processes (default 1: jobs queue as in the report). */
  readonly workers?: number;
  /** Extra TOML lines of the `[server]` section. */
  readonly server?: readonly string[];
}

/** A `roost serve` process of a case; {@link FaultServer.restart} kills and starts it again on the same port. */
export class FaultServer {
  readonly #o: ServeOptions;
  readonly #config: { dir: string; remove: () => void };
  readonly #port: number;
  #proc: RoostProcess | undefined;
  /** Output of earlier runs (before restarts). */
  #earlier = "";

  private constructor(o: ServeOptions, port: number) {
    this.#o = o;
    this.#port = port;
    // The config lives outside the data dir: a full data disk must not stop a restart from reading it.
    this.#config = tempDir("roost-faults-config-");
    writeFileSync(
      join(this.#config.dir, "roost.toml"),
      [
        "[server]",
        'log_level = "warn"',
        ...(o.server ?? []),
        "[jobs]",
        `workers = ${o.workers ?? 1}`,
        "kill_grace = 0.5",
        // The cases fill a 16 MB tmpfs on purpose: the default free-space floor (64 MB) would refuse every job
        // before the disk is full. A floor of 0 lets the writes themselves meet ENOSPC, which is what is tested.
        "min_free_space = 0",
        "[processes]",
        "demo = true",
        `modules = [${JSON.stringify(COUNTED)}]`,
      ].join("\n"),
    );
  }

  /** Start a server. */
  static async start(o: ServeOptions): Promise<FaultServer> {
    const s = new FaultServer(o, await freePort());
    try {
      await s.#spawn();
    } catch (e) {
      s.#config.remove();
      throw e;
    }
    return s;
  }

  async #spawn(): Promise<void> {
    this.#proc = await spawnRoost(
      [
        "--port",
        String(this.#port),
        "--data-dir",
        this.#o.dataDir,
        "--config",
        join(this.#config.dir, "roost.toml"),
      ],
      { env: this.#o.store.env, port: this.#port },
    );
  }

  /** Base URL. */
  get base(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The server's pid (unchanged across a fault: the process stays up). */
  get pid(): number {
    return this.#proc!.child.pid!;
  }

  /** True while the server process runs. */
  get alive(): boolean {
    const c = this.#proc?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Everything every run of the server printed (pino JSON lines). */
  output(): string {
    return this.#earlier + (this.#proc?.output() ?? "");
  }

  /** Log lines whose `msg` matches `re`. */
  logged(re: RegExp): string[] {
    return this.output()
      .split("\n")
      .filter((l) => {
        try {
          const m = (JSON.parse(l) as { msg?: unknown }).msg;
          return typeof m === "string" && re.test(m);
        } catch {
          return false;
        }
      });
  }

  /** SIGKILL the server and its workers (the whole process group), as a crash or an abrupt restart would. */
  async kill(): Promise<void> {
    await this.#proc?.kill();
  }

  /** Kill and start again on the same port, data dir and store. */
  async restart(): Promise<void> {
    await this.kill();
    this.#earlier += this.#proc?.output() ?? "";
    await this.#spawn();
  }

  /** Kill the server, remove its config. */
  async stop(): Promise<void> {
    await this.kill();
    this.#config.remove();
  }
}
