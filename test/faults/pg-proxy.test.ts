/**
 * The fault proxy itself, with a plain `pg` client: the fault cases are only as honest as their faults. `refuse`
 * refuses at once, `reset` breaks open connections, `freeze` leaves a query and a new connection unanswered without
 * closing anything and lets both complete after the thaw.
 */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { postgresEnabled, TEST_PG_URL } from "../../packages/server/test/store/pg.js";
import { sleep } from "../execution/helpers.js";
import { PgProxy } from "./pg-proxy.js";

const pgEnabled = await postgresEnabled();

/** A settled-or-not view of a promise, to check that something is still pending. */
function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const promise = p.finally(() => {
    done = true;
  });
  promise.catch(() => {});
  return { settled: () => done, promise };
}

describe.skipIf(!pgEnabled)("the PostgreSQL fault proxy", () => {
  let proxy: PgProxy;
  const clients: pg.Client[] = [];
  const client = async (timeoutMs = 5000) => {
    const c = new pg.Client({ connectionString: proxy.url(TEST_PG_URL), connectionTimeoutMillis: timeoutMs });
    c.on("error", () => {});
    clients.push(c);
    await c.connect();
    return c;
  };

  beforeEach(async () => {
    const u = new URL(TEST_PG_URL);
    proxy = await PgProxy.start({ host: u.hostname, port: Number(u.port || 5432) });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => {});
    await proxy.close();
  });

  it("pass forwards; refuse refuses new connections at once and reopens on the same port", async () => {
    const c = await client();
    expect((await c.query("select 41 + 1 as n")).rows[0].n).toBe(42);
    expect(proxy.counters.accepted).toBe(1);
    await proxy.set("refuse");
    const t0 = performance.now();
    await expect(client()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(performance.now() - t0).toBeLessThan(1000);
    // The connection opened before is untouched by refuse alone.
    expect((await c.query("select 1 as n")).rows[0].n).toBe(1);
    await proxy.set("pass");
    expect((await (await client()).query("select 2 as n")).rows[0].n).toBe(2);
  });

  it("reset breaks open connections; outage = refuse + reset", async () => {
    const c = await client();
    await proxy.outage();
    await expect(c.query("select 1")).rejects.toThrow();
    expect(proxy.counters.reset).toBe(1);
    await expect(client()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("freeze answers nothing and closes nothing; after the thaw the query and the new connection complete", async () => {
    const c = await client();
    await proxy.set("freeze");
    const q = track(c.query("select 7 as n"));
    const fresh = track(client(20_000));
    await sleep(1500);
    expect(q.settled(), "a query answered while frozen").toBe(false);
    expect(fresh.settled(), "a connection answered while frozen").toBe(false);
    expect(proxy.counters.heldWhileFrozen).toBe(1);
    await proxy.set("pass");
    expect((await q.promise).rows[0].n).toBe(7);
    expect((await (await fresh.promise).query("select 8 as n")).rows[0].n).toBe(8);
  });
});
