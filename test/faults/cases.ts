/**
 * Set-ups of the fault cases: a Roost server on PostgreSQL behind the fault proxy, or on a small tmpfs data dir with
 * SQLite or PostgreSQL; each with a ledger for the counting process, and one `cleanup` that undoes everything (also
 * after a failed assertion).
 */
import { join } from "node:path";
import { freshPostgresSchema, TEST_PG_URL } from "../../packages/server/test/store/pg.js";
import { tempDir } from "../execution/helpers.js";
import { type CaseStore, postgresStore, sqliteStore } from "./case-stores.js";
import { FaultServer } from "./fault-server.js";
import { Ledger } from "./ledger.js";
import { PgProxy } from "./pg-proxy.js";
import { Tmpfs } from "./tmpfs.js";

/** What every case has. */
export interface Case {
  readonly server: FaultServer;
  readonly store: CaseStore;
  readonly ledger: Ledger;
  readonly dataDir: string;
  /** Stop the server and remove everything the case made; never throws. */
  cleanup(): Promise<void>;
}

/** The shared PostgreSQL's address, where the proxy forwards to. */
function pgTarget(): { host: string; port: number } {
  const u = new URL(TEST_PG_URL);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || 5432) };
}

/** Run `steps` in order, ignoring failures: cleanup must go on after one part failed. */
async function all(steps: readonly (() => unknown)[]): Promise<void> {
  for (const s of steps) {
    try {
      await s();
    } catch (e) {
      console.warn(`cleanup step failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** A server on PostgreSQL through a fault proxy (in `pass` mode), a fresh schema, a temporary data dir. */
export async function pgCase(
  label: string,
  o: { workers?: number } = {},
): Promise<Case & { proxy: PgProxy }> {
  const tmp = tempDir("roost-faults-");
  const pg = await freshPostgresSchema(`faults:${label}`);
  const proxy = await PgProxy.start(pgTarget());
  const store = postgresStore(proxy.url(pg.url), pg.schema, pg.drop);
  const dataDir = join(tmp.dir, "data");
  let server: FaultServer | undefined;
  const cleanup = () =>
    all([() => server?.stop(), () => proxy.close(), () => store.drop(), () => tmp.remove()]);
  try {
    server = await FaultServer.start({ dataDir, store, workers: o.workers ?? 1 });
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { server, store, proxy, ledger: new Ledger(tmp.dir), dataDir, cleanup };
}

/** Size of the tmpfs: room for SQLite, a few jobs and their outputs; filling it is quick. */
export const TMPFS_BYTES = 16 * 1024 * 1024;

/** A server whose data dir is a small tmpfs; the store is SQLite inside it, or PostgreSQL (direct, no proxy). */
export async function diskCase(
  label: string,
  kind: "sqlite" | "postgres",
  o: { workers?: number } = {},
): Promise<Case & { disk: Tmpfs }> {
  const tmp = tempDir("roost-faults-");
  const disk = Tmpfs.mount(TMPFS_BYTES);
  let store: CaseStore;
  try {
    if (kind === "sqlite") store = sqliteStore(disk.dataDir);
    else {
      const pg = await freshPostgresSchema(`faults:${label}`);
      store = postgresStore(pg.url, pg.schema, pg.drop);
    }
  } catch (e) {
    disk.unmount();
    tmp.remove();
    throw e;
  }
  let server: FaultServer | undefined;
  const cleanup = () =>
    all([
      () => server?.stop(),
      () => disk.release(),
      () => store.drop(),
      () => disk.unmount(),
      () => tmp.remove(),
    ]);
  try {
    server = await FaultServer.start({ dataDir: disk.dataDir, store, workers: o.workers ?? 1 });
  } catch (e) {
    await cleanup();
    throw e;
  }
  // The ledger lives outside the tmpfs: a full data disk must not stop the process from counting its runs.
  return { server, store, disk, ledger: new Ledger(tmp.dir), dataDir: disk.dataDir, cleanup };
}
