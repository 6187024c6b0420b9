/**
 * "Database unavailable" conditions become RoostError ServiceUnavailable (HTTP 503 + Retry-After) promptly, with a
 * fixed message (never SQL or driver text), the driver error logged; the store recovers by itself afterwards.
 * Reliability promise P8, cases F17–F19.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRoostError, RoostError } from "@roost/core/internal";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import {
  breaksConnection,
  isUnavailable,
  mapStoreError,
  UNAVAILABLE_MESSAGE,
} from "../../src/store/errors.js";
import { type openKyselyStore, openStore } from "../../src/store/index.js";
import { adminQuery, postgresEnabled } from "./pg.js";
import { newJob, STORES, useTestDb } from "./stores.js";

/** A logger that remembers what it was told. */
function memoryLogger() {
  const entries: { obj: object; msg: string }[] = [];
  return { entries, warn: (obj: object, msg: string) => entries.push({ obj, msg }) };
}

/** Await `p`, expecting a ServiceUnavailable RoostError; returns it. */
async function expectUnavailable(p: Promise<unknown>): Promise<RoostError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isRoostError(e), `expected a RoostError, got ${String(e)}`).toBe(true);
  const err = e as RoostError;
  expect(err.code).toBe("ServiceUnavailable");
  expect(err.retryAfter).toBe(5);
  expect(err.message).toBe(UNAVAILABLE_MESSAGE);
  expect(err.message).not.toMatch(/select|insert|update|jobs|SQLITE|ECONN|locked|timeout/i);
  expect(err.cause).toBeDefined();
  return err;
}

describe("mapStoreError", () => {
  const unavailable: [string, unknown][] = [
    [
      "PG admin shutdown 57P01",
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
    ],
    ["PG crash shutdown 57P02", Object.assign(new Error("x"), { code: "57P02" })],
    [
      "PG starting up 57P03",
      Object.assign(new Error("the database system is starting up"), { code: "57P03" }),
    ],
    ["PG connection failure 08006", Object.assign(new Error("x"), { code: "08006" })],
    [
      "PG statement timeout 57014",
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
    ],
    [
      "connection refused",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
    ],
    [
      "every address refused (AggregateError)",
      new AggregateError(
        [Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" })],
        "",
      ),
    ],
    ["connection lost mid-query", new Error("Connection terminated unexpectedly")],
    ["pool connect timeout", new Error("timeout exceeded when trying to connect")],
    ["client query timeout", new Error("Query read timeout")],
    [
      "wrapped in a cause",
      new Error("outer", { cause: Object.assign(new Error("inner"), { code: "ECONNRESET" }) }),
    ],
    ["SQLITE_BUSY", Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })],
    [
      "SQLITE_BUSY_SNAPSHOT",
      Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY_SNAPSHOT" }),
    ],
    [
      "SQLITE_READONLY",
      Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" }),
    ],
    ["SQLITE_FULL", Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" })],
    ["SQLITE_IOERR_WRITE", Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_WRITE" })],
    [
      "SQLITE_CANTOPEN",
      Object.assign(new Error("unable to open database file"), { code: "SQLITE_CANTOPEN" }),
    ],
  ];
  it.each(unavailable)("%s → ServiceUnavailable, driver text logged only", (_, driverError) => {
    const log = memoryLogger();
    const mapped = mapStoreError(driverError, log);
    expect(mapped).toBeInstanceOf(RoostError);
    expect(mapped).toMatchObject({ code: "ServiceUnavailable", retryAfter: 5, message: UNAVAILABLE_MESSAGE });
    expect((mapped as RoostError).cause).toBe(driverError);
    expect(log.entries).toEqual([{ obj: { err: driverError }, msg: "job database unavailable" }]);
  });

  const others: [string, unknown][] = [
    ["PG unique violation 23505", Object.assign(new Error("duplicate key"), { code: "23505" })],
    ["PG syntax error 42601", Object.assign(new Error("syntax error"), { code: "42601" })],
    [
      "SQLITE_CONSTRAINT_PRIMARYKEY",
      Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_PRIMARYKEY" }),
    ],
    ["SQLITE_ERROR", Object.assign(new Error("no such table: jobs"), { code: "SQLITE_ERROR" })],
    ["a programming error", new TypeError("x is not a function")],
    ["a RoostError", new RoostError("NoSuchJob", "no such job")],
    ["a string", "boom"],
  ];
  it.each(others)("%s → unchanged, not logged", (_, e) => {
    const log = memoryLogger();
    expect(mapStoreError(e, log)).toBe(e);
    expect(log.entries).toEqual([]);
  });

  it("tells connection failures (discard the pooled connection) from a busy server (keep it)", () => {
    const withCode = (code: string) => Object.assign(new Error("x"), { code });
    for (const e of [
      withCode("57P01"),
      withCode("08006"),
      withCode("ECONNRESET"),
      new Error("Query read timeout"),
    ]) {
      expect(breaksConnection(e)).toBe(true);
    }
    for (const e of [
      withCode("57014"),
      withCode("53300"),
      withCode("23505"),
      withCode("SQLITE_BUSY"),
      new TypeError("x"),
    ]) {
      expect(breaksConnection(e)).toBe(false);
    }
  });

  it("does not loop on a cyclic cause chain", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isUnavailable(a)).toBe(false);
  });
});

describe("PostgreSQL that cannot be reached", () => {
  it("closed port → ServiceUnavailable within 6 s, at open", async () => {
    const log = memoryLogger();
    const t0 = Date.now();
    const err = await expectUnavailable(
      openStore({ url: "postgres://postgres@127.0.0.1:1/test", logger: log }),
    );
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(isUnavailable(err.cause)).toBe(true);
    expect(log.entries.length).toBeGreaterThan(0);
  });

  it("a host that accepts but never answers (hung server) → ServiceUnavailable after the 5 s connect timeout", async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const t0 = Date.now();
      await expectUnavailable(openStore({ url: `postgres://postgres@127.0.0.1:${port}/test` }));
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(4500);
      expect(elapsed).toBeLessThan(7000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const pgEnabled = await postgresEnabled();

describe.each(STORES.filter((s) => s.kind === "postgres"))(
  "PostgreSQL going away under an open store",
  (backend) => {
    if (!pgEnabled) {
      it.skip("PostgreSQL is not reachable (see the warning printed above)", () => {});
      return;
    }
    const db = useTestDb(backend);

    /** Backend pids of this store's pool (kysely reuses idle connections, so a few probes find them all). */
    async function poolPids(store: Awaited<ReturnType<typeof openKyselyStore>>): Promise<number[]> {
      const r = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      return r.rows.map((x) => x.pid);
    }

    it("recovers without a restart after its idle connections are terminated (no crash)", async () => {
      const log = memoryLogger();
      const store = await db().open({ logger: log });
      const job = newJob();
      await store.insert(job);
      const pids = await poolPids(store);
      await adminQuery("select pg_terminate_backend(pid) from unnest($1::int[]) as pid", [pids]);
      await new Promise((r) => setTimeout(r, 200));
      // The pool dropped the dead connection; the next query opens a new one.
      expect(await store.get(job.id)).toMatchObject({ id: job.id });
      expect(log.entries.some((e) => e.msg === "PostgreSQL connection lost")).toBe(true);
    });

    it("a connection killed mid-query → ServiceUnavailable for that call, the next call works", async () => {
      const store = await db().open({ logger: memoryLogger() });
      const job = newJob();
      await store.insert(job);
      const [pid] = await poolPids(store);
      // Hold the connection busy, then terminate it from the server side (as a PostgreSQL shutdown does).
      const busy = sql`select pg_sleep(3)`.execute(store.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      await adminQuery("select pg_terminate_backend($1)", [pid]);
      const e = await busy;
      expect(isUnavailable(e)).toBe(true);
      expect(mapStoreError(e, undefined)).toMatchObject({ code: "ServiceUnavailable" });
      expect(await store.get(job.id)).toMatchObject({ id: job.id });
    });

    it("a connection reset mid-query (network failure) → ServiceUnavailable, no uncaught 'error', then recovery", async () => {
      // A TCP proxy in front of PostgreSQL whose connections can be cut with a RST.
      const upstream = new URL(db().options.url);
      const links = new Set<Socket>();
      const proxy = createServer((client) => {
        const server = connect(Number(upstream.port || 5432), upstream.hostname);
        for (const s of [client, server]) {
          links.add(s);
          s.on("error", () => {});
          s.on("close", () => {
            links.delete(s);
            client.destroy();
            server.destroy();
          });
        }
        client.pipe(server).pipe(client);
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      const { port } = proxy.address() as { port: number };
      try {
        const url = new URL(db().options.url);
        url.host = `127.0.0.1:${port}`;
        const log = memoryLogger();
        const store = await db().open({ url: url.href, logger: log });
        const job = newJob();
        await store.insert(job);
        const busy = sql`select pg_sleep(3)`.execute(store.db).then(
          () => undefined,
          (e: unknown) => e,
        );
        await new Promise((r) => setTimeout(r, 200));
        for (const s of links) s.resetAndDestroy();
        const e = await busy;
        expect(isUnavailable(e)).toBe(true);
        expect(await store.get(job.id)).toMatchObject({ id: job.id });
      } finally {
        for (const s of links) s.destroy();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });

    it("a row locked elsewhere → ServiceUnavailable after the 5 s statement timeout, not a hang", async () => {
      const store = await db().open({ logger: memoryLogger() });
      const job = newJob();
      await store.insert(job);
      const { default: pg } = await import("pg");
      const locker = new pg.Client({
        connectionString: db().options.url,
        options: `-c search_path=${db().options.schema}`,
      });
      locker.on("error", () => {});
      await locker.connect();
      try {
        await locker.query("begin");
        await locker.query("select 1 from jobs where id = $1 for update", [job.id]);
        const t0 = Date.now();
        await expectUnavailable(store.transition(job.id, ["accepted"], "running"));
        const elapsed = Date.now() - t0;
        expect(elapsed).toBeGreaterThanOrEqual(4500);
        expect(elapsed).toBeLessThan(6500);
        await locker.query("rollback");
        expect(await store.transition(job.id, ["accepted"], "running")).toMatchObject({ status: "running" });
      } finally {
        await locker.end();
      }
    });
  },
);

describe("SQLite that cannot be written", () => {
  const dirs: string[] = [];
  const immutable: string[] = [];
  afterEach(() => {
    for (const f of immutable.splice(0)) spawnSync("chattr", ["-i", f]);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), "roost-store-"));
    dirs.push(d);
    return d;
  }

  it("a read-only database file → ServiceUnavailable", async (ctx) => {
    const file = join(tempDir(), "jobs.db");
    const first = await openStore({ url: `sqlite:${file}` });
    await first.insert(newJob());
    await first.close();
    chmodSync(file, 0o444);
    // root ignores permission bits; the immutable attribute stops root too (where the filesystem supports it).
    if (process.getuid?.() === 0 && spawnSync("chattr", ["+i", file]).status === 0) immutable.push(file);
    let writable = true;
    try {
      closeSync(openSync(file, "r+"));
    } catch {
      writable = false;
    }
    if (writable) ctx.skip("cannot make a file read-only here (root without chattr)");
    const log = memoryLogger();
    const err = await expectUnavailable(
      openStore({ url: `sqlite:${file}`, logger: log }).then((s) =>
        s.insert(newJob()).finally(() => s.close()),
      ),
    );
    expect(String((err.cause as Error).message)).toMatch(/readonly|read-only|unable to open/i);
    expect(log.entries.length).toBe(1);
  });

  it("a write lock held by another connection → ServiceUnavailable after busy_timeout (5 s); reads still work", async () => {
    const file = join(tempDir(), "jobs.db");
    const store = await openStore({ url: `sqlite:${file}` });
    const job = newJob();
    await store.insert(job);
    const other = new BetterSqlite3(file);
    try {
      other.exec("begin immediate");
      // WAL: readers are not blocked by the writer.
      expect(await store.get(job.id)).toMatchObject({ id: job.id });
      const t0 = Date.now();
      await expectUnavailable(store.insert(newJob()));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
      other.exec("rollback");
      await store.insert(newJob());
      expect(await store.count(["accepted"])).toBe(2);
    } finally {
      other.close();
      await store.close();
    }
  });
});
