/**
 * Two Roost servers behind nginx on one PostgreSQL and one shared data directory (the reference's `api1`/`api2`),
 * Slurm on other hosts: any server answers for any job, every job has exactly one owner (the one server that runs or
 * monitors it), and when `api1` is killed with `kill -9` under load its jobs finish through `api2` — none lost, none
 * run twice (one Slurm job per Roost job, one attempt each).
 *
 * Same requirements as `multi-host.test.ts` (root, namespaces, nginx, PostgreSQL, Slurm, munged).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getStatus, submit, waitStatus } from "../execution/helpers.js";
import { requireService } from "../helpers/services.js";
import { CLI, have, until } from "./helpers.js";
import { canBuildNetwork } from "./net.js";
import { Topology } from "./topology.js";

function mungeWorks(): boolean {
  return spawnSync("sh", ["-c", "munge -n | unmunge"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

const run =
  requireService("root with iproute2 (network namespaces)", canBuildNetwork(), "run the suite as root") &&
  requireService("nginx", have("nginx"), "apt-get install nginx-light") &&
  requireService("nsenter", have("nsenter"), "util-linux") &&
  requireService(
    "PostgreSQL server binaries",
    existsSync("/usr/lib/postgresql"),
    "apt-get install postgresql",
  ) &&
  requireService("Slurm daemons", have("slurmctld") && have("slurmd"), "scripts/slurm-cluster.sh up") &&
  requireService("munged", mungeWorks(), "scripts/slurm-cluster.sh up starts it") &&
  requireService("the built roost command", existsSync(CLI), "npm run build");

describe.runIf(run).sequential("two servers behind nginx on one PostgreSQL", { timeout: 180_000 }, () => {
  let t: Topology;
  let db: pg.Client;

  beforeAll(async () => {
    t = await Topology.start({ apis: ["api1", "api2"] });
    db = new pg.Client({ connectionString: t.pgUrl });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end().catch(() => {});
    await t?.close();
  });

  /** Instances registered in the store. */
  async function servers(): Promise<{ id: string; pid: number }[]> {
    return (await db.query<{ id: string; pid: number }>("select id, pid from servers")).rows;
  }

  /** Owner of each job. */
  async function owners(ids: readonly string[]): Promise<Map<string, string | null>> {
    const r = await db.query<{ id: string; owner: string | null }>(
      "select id, owner from jobs where id = any($1::text[])",
      [ids],
    );
    return new Map(r.rows.map((x) => [x.id, x.owner]));
  }

  /** Attempt directories of a job on the shared volume. */
  function attempts(jobId: string): string[] {
    return readdirSync(join(t.dataDir, "jobs", jobId)).filter((n) => /^a\d+$/.test(n));
  }

  /** Names of every Slurm job the cluster knows (finished ones too: MinJobAge keeps them). */
  function slurmNames(): string[] {
    const r = t.slurm("squeue", ["--states=all", "--noheader", "--format=%j"]);
    const s = t.slurm("scontrol", ["show", "jobs", "-o"]);
    const names = [...s.stdout.matchAll(/JobName=(\S+)/g)].map((m) => m[1]!);
    return names.length > 0 ? names : r.stdout.split("\n").filter((l) => l.trim() !== "");
  }

  test("any server answers for any job; each job has exactly one owner, a live server", async () => {
    const jobs: Awaited<ReturnType<typeof submit>>[] = [];
    // nginx spreads the submissions over both servers.
    for (let i = 0; i < 4; i++) jobs.push(await submit(t.publicUrl, "sleep", { delay: 0.5 }));
    const live = await servers();
    expect(live).toHaveLength(2);
    const own = await owners(jobs.map((j) => j.jobId));
    expect(new Set(own.values()).size).toBe(2);
    for (const j of jobs) {
      expect(live.map((s) => s.id)).toContain(own.get(j.jobId));
      // Either server, asked directly (bypassing nginx), answers with the same job.
      for (const api of ["api1", "api2"] as const) {
        const doc = await getStatus(j.statusUrl.replace(t.publicUrl, t.roostUrl(api)));
        expect(doc.http).toBe(200);
        expect(["accepted", "started", "succeeded"]).toContain(doc.kind);
      }
    }
    for (const j of jobs)
      expect((await waitStatus(j.statusUrl, { timeoutMs: 60_000 })).kind).toBe("succeeded");
  });

  test("kill -9 of api1 under load: its jobs finish through api2, none lost or run twice", async () => {
    const api1 = t.roost.get("api1")!;
    const jobs: Awaited<ReturnType<typeof submit>>[] = [];
    for (let i = 0; i < 8; i++) jobs.push(await submit(t.publicUrl, "sleep", { delay: 4 }));
    const own = await owners(jobs.map((j) => j.jobId));
    const ids = await servers();
    const api1Id = ids.find((s) => s.pid === api1.pid)?.id;
    // The server's pid as seen from the root namespace: namespaces share the pid space, so it is the daemon's.
    expect(api1Id, `servers: ${JSON.stringify(ids)}, api1 pid ${api1.pid}`).toBeDefined();
    const ofApi1 = jobs.filter((j) => own.get(j.jobId) === api1Id);
    expect(ofApi1.length).toBeGreaterThan(0);
    // Load: every job is in Slurm (running or pending) before the kill.
    await until(
      () => jobs.every((j) => existsSync(join(t.dataDir, "jobs", j.jobId, "a1"))),
      "every job handed to Slurm",
      30_000,
      200,
    );
    await api1.stop("SIGKILL", 0);
    expect(api1.alive()).toBe(false);
    // Through nginx (now only api2 answers): every job ends, succeeded — Slurm kept running them, api2 took over.
    const ended = await Promise.all(
      jobs.map((j) => waitStatus(j.statusUrl, { timeoutMs: 90_000, intervalMs: 250 })),
    );
    for (const [i, d] of ended.entries())
      expect(d.kind, `${jobs[i]!.jobId}: ${d.raw.slice(0, 300)}`).toBe("succeeded");
    // Taken over: api1's jobs belong to api2 now, and api1 is no longer a registered server.
    const after = await owners(jobs.map((j) => j.jobId));
    const left = await servers();
    expect(left.map((s) => s.id)).not.toContain(api1Id);
    for (const j of ofApi1) expect(after.get(j.jobId)).toBe(left[0]!.id);
    // None ran twice: one attempt directory each and one Slurm job per Roost job.
    const names = slurmNames();
    for (const j of jobs) {
      expect(attempts(j.jobId)).toEqual(["a1"]);
      expect(names.filter((n) => n.startsWith(`roost-${j.jobId}-`))).toEqual([`roost-${j.jobId}-a1`]);
    }
    // A new job is accepted and run by the surviving server.
    const next = await submit(t.publicUrl, "sleep", { delay: 0.2 });
    expect((await waitStatus(next.statusUrl, { timeoutMs: 60_000 })).kind).toBe("succeeded");
  });
});
