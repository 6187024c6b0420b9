/**
 * Several servers on one job store (issue 11, job ownership), with real `roost serve` processes:
 * - SQLite is one machine's store: a second live server on the same database is refused at start with a clear
 *   message, and a server started after the first was killed recovers its jobs at once (its predecessor is dead).
 * - Two servers on one PostgreSQL and one data directory: either answers for any job, a dismissal asked through the
 *   other server reaches the job's owner, and when one is killed with `kill -9` the other takes its jobs over — every
 *   accepted job ends, none runs twice.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openStore } from "../../packages/server/src/store/index.js";
import { freePort } from "../helpers/server.js";
import {
  CLI,
  FIXTURE,
  getStatus,
  type RoostProcess,
  readIf,
  STORE_CASES,
  spawnRoost,
  submit,
  tempDir,
  waitFor,
  waitStatus,
} from "./helpers.js";

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  const { existsSync } = await import("node:fs");
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
});

const started: RoostProcess[] = [];
afterAll(async () => {
  for (const p of started) await p.kill();
});

function runs(file: string): string[] {
  return (readIf(file) ?? "").split("\n").filter((l) => l !== "");
}

/** A server on `dataDir` with a 2 s lease (takeover tests stay short). */
async function serve(
  dir: string,
  dataDir: string,
  env: Record<string, string>,
  o: { waitReady?: boolean; killGrace?: number; modules?: readonly string[] } = {},
): Promise<RoostProcess> {
  const port = await freePort();
  const config = join(dir, `roost-${port}.toml`);
  writeFileSync(
    config,
    [
      "[server]",
      'log_level = "warn"',
      "lease = 2",
      "[jobs]",
      "workers = 1",
      `kill_grace = ${o.killGrace ?? 0.5}`,
      "[processes]",
      `modules = [${(o.modules ?? [FIXTURE.counter]).map((m) => JSON.stringify(m)).join(", ")}]`,
    ].join("\n"),
  );
  const p = await spawnRoost(["--port", String(port), "--data-dir", dataDir, "--config", config], {
    env,
    port,
    ...(o.waitReady === false ? { waitReady: false } : {}),
  });
  started.push(p);
  return p;
}

describe("SQLite: one server per database", () => {
  it("a second live server is refused with a clear message; after a crash the next one starts and recovers", async () => {
    const tmp = tempDir("roost-own-sqlite-");
    try {
      const data = join(tmp.dir, "data");
      const file = join(tmp.dir, "runs.txt");
      const first = await serve(tmp.dir, data, {});
      const job = await submit(first.base, "fx_count_runs", { file, delay: 0.2 });
      expect((await waitStatus(job.statusUrl)).kind).toBe("succeeded");

      const second = await serve(tmp.dir, data, {}, { waitReady: false });
      const exit = await second.exited;
      expect(exit.code).not.toBe(0);
      expect(second.output()).toMatch(/another Roost server .* is using this SQLite database/);
      expect(second.output()).toMatch(/PostgreSQL/);
      // The first server is untouched.
      expect((await fetch(`${first.base}/health`)).status).toBe(200);

      // kill -9: its lease is still live, but its process is gone — the next server starts at once.
      const queued: Awaited<ReturnType<typeof submit>>[] = [];
      queued.push(await submit(first.base, "fx_count_runs", { file, delay: 1 }));
      queued.push(await submit(first.base, "fx_count_runs", { file, delay: 0.1 }));
      await waitFor(() => runs(file).length === 2, "the first queued job to start");
      await first.kill();
      const third = await serve(tmp.dir, data, {});
      const ended = await Promise.all(
        queued.map((j) => waitStatus(j.statusUrl.replace(first.base, third.base))),
      );
      expect(ended[0]!.kind).toBe("failed");
      expect(ended[1]!.kind).toBe("succeeded");
      expect(new Set(runs(file)).size).toBe(runs(file).length);
    } finally {
      tmp.remove();
    }
  });
});

const pg = STORE_CASES.find((s) => s.name === "postgres")!;

describe.skipIf(!pg.enabled)("two servers on one PostgreSQL", () => {
  it("either answers for any job; a dismissal through the other server reaches the owner; kill -9 of one: the other takes its jobs over, none lost or run twice", async () => {
    const { settings, drop } = await pg.settings("execution/ownership");
    const env = {
      ROOST_DATABASE_URL: String(settings["database.url"]),
      ROOST_DATABASE_SCHEMA: String(settings["database.schema"]),
    };
    const tmp = tempDir("roost-own-pg-");
    try {
      const data = join(tmp.dir, "data");
      const file = join(tmp.dir, "runs.txt");
      const a = await serve(tmp.dir, data, env);
      const b = await serve(tmp.dir, data, env);

      // Six jobs on A's single worker: one runs, five queue.
      const jobs: Awaited<ReturnType<typeof submit>>[] = [];
      for (let i = 0; i < 6; i++) jobs.push(await submit(a.base, "fx_count_runs", { file, delay: 1.5 }));
      await waitFor(() => runs(file).length === 1, "A's first job to start");

      // Any server answers for any job: B reads A's job, as a WPS status document and as JSON.
      const onB = (u: string) => u.replace(a.base, b.base);
      expect((await getStatus(onB(jobs[0]!.statusUrl))).kind).toBe("started");
      const info = (await (await fetch(`${b.base}/jobs/${jobs[1]!.jobId}`)).json()) as { status: string };
      expect(info.status).toBe("accepted");

      // A dismissal asked through B: B only records it; A, the owner, acts on it (the job never starts).
      const del = await fetch(`${b.base}/jobs/${jobs[5]!.jobId}`, { method: "DELETE" });
      expect(del.status).toBe(200);
      await waitFor(
        async () => (await getStatus(jobs[5]!.statusUrl)).kind === "failed",
        "the job dismissed through B to end",
        10_000,
      );

      // kill -9 of A while its first job runs: B takes A's jobs over.
      await a.kill();
      const ended = await Promise.all(
        jobs.slice(0, 5).map((j) => waitStatus(onB(j.statusUrl), { timeoutMs: 60_000 })),
      );
      // The job running on A when it died is not run again (its worker died with A); the queued ones run on B.
      expect(ended[0]!.kind).toBe("failed");
      expect(ended[0]!.exception?.text).toMatch(
        /stopped while the job was running|restarted while the job was running/,
      );
      for (const d of ended.slice(1)) expect(d.kind).toBe("succeeded");
      const lines = runs(file);
      expect(new Set(lines).size).toBe(lines.length);
      expect(lines).not.toContain(jobs[5]!.jobId);
      expect(new Set(lines)).toEqual(new Set(jobs.slice(0, 5).map((j) => j.jobId)));

      // The store: every job ended; A's queued jobs are B's now; A's instance is gone from the servers table.
      const store = await openStore({ url: env.ROOST_DATABASE_URL, schema: env.ROOST_DATABASE_SCHEMA });
      try {
        expect(await store.listActive()).toEqual([]);
        const servers = await store.listServers();
        expect(servers).toHaveLength(1);
        for (const j of jobs.slice(1, 5)) expect((await store.get(j.jobId))?.owner).toBe(servers[0]!.id);
        expect((await store.get(jobs[5]!.jobId))?.status).toBe("dismissed");
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
      await drop();
    }
  });
  it("a DELETE through the other server of a job slow to stop: answered 'stopping', and its files go once the owner has stopped it", async () => {
    const { settings, drop } = await pg.settings("execution/ownership-cleanup");
    const env = {
      ROOST_DATABASE_URL: String(settings["database.url"]),
      ROOST_DATABASE_SCHEMA: String(settings["database.schema"]),
    };
    const tmp = tempDir("roost-own-clean-");
    try {
      const data = join(tmp.dir, "data");
      // A's job ignores its abort signal: only SIGKILL after A's 4 s grace stops it, past B's 3 s wait.
      const a = await serve(tmp.dir, data, env, { killGrace: 4, modules: [FIXTURE.crashers] });
      const b = await serve(tmp.dir, data, env, { modules: [FIXTURE.crashers] });
      const j = await submit(a.base, "fx_hang_idle", {});
      await waitStatus(j.statusUrl, { until: (d) => d.kind === "started" });
      const dir = join(data, "jobs", j.jobId);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(["a1", "job.json", "job.log"]));

      const del = await fetch(`${b.base}/jobs/${j.jobId}`, { method: "DELETE" });
      expect(del.status).toBe(200);
      expect(await del.json()).toMatchObject({
        status: "running",
        message: "Dismissal requested; the job is stopping",
      });
      // A kills it after its grace and records the end; B, which answered the DELETE, learns it from the store.
      await waitFor(
        async () =>
          ((await (await fetch(`${b.base}/jobs/${j.jobId}`)).json()) as { status: string }).status ===
          "dismissed",
        "the job to end dismissed",
        15_000,
      );
      await waitFor(() => readdirSync(dir).join() === "job.log", "its files to go but job.log", 5_000);
    } finally {
      tmp.remove();
      await drop();
    }
  });
});
