/**
 * The store backends every store test runs on (kysely's `DIALECTS` idea): a SQLite file per test, an in-memory
 * SQLite database (cheap; skipped where a test needs a second connection to the same database), and a PostgreSQL
 * schema per test. Use with `describe.each(STORES)` and {@link useTestDb}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobRequestInfo, NewJob } from "@roost/core/internal";
import { newJobId } from "@roost/core/internal";
import { afterEach, beforeEach } from "vitest";
import { openKyselyStore, type StoreOptions } from "../../src/store/index.js";
import type { KyselyJobStore } from "../../src/store/kysely-store.js";
import { freshPostgresSchema, postgresEnabled } from "./pg.js";

/** One database for one test. */
export interface TestDb {
  /** How to open it (`url`, plus `schema` on PostgreSQL). */
  readonly options: StoreOptions;
  /** SQLite file path (undefined for :memory: and PostgreSQL). */
  readonly file: string | undefined;
  /** Open a store on it (migrating it on first use); closed by {@link TestDb.dispose}. */
  open(extra?: Partial<StoreOptions>): Promise<KyselyJobStore>;
  /** Close every store opened here and delete the database. */
  dispose(): Promise<void>;
}

/** A store backend under test. */
export interface StoreBackend {
  readonly name: "sqlite" | "sqlite-memory" | "postgres";
  readonly kind: "sqlite" | "postgres";
  /** Several stores (connections) can open the same database. */
  readonly shared: boolean;
  /** False when the backend is unavailable and the suite must skip (never under CI). */
  readonly enabled: boolean;
  /** A fresh, empty database. */
  fresh(label: string): Promise<TestDb>;
}

function tracking(options: StoreOptions, file: string | undefined, cleanup: () => Promise<void>): TestDb {
  const opened: KyselyJobStore[] = [];
  return {
    options,
    file,
    async open(extra = {}) {
      const store = await openKyselyStore({ ...options, ...extra });
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      await cleanup();
    },
  };
}

const sqliteFile: StoreBackend = {
  name: "sqlite",
  kind: "sqlite",
  shared: true,
  enabled: true,
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), "roost-store-"));
    const file = join(dir, "jobs.db");
    return tracking({ url: `sqlite:${file}` }, file, async () =>
      rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const sqliteMemory: StoreBackend = {
  name: "sqlite-memory",
  kind: "sqlite",
  shared: false,
  enabled: true,
  async fresh() {
    return tracking({ url: "sqlite::memory:" }, undefined, async () => {});
  },
};

const postgres: StoreBackend = {
  name: "postgres",
  kind: "postgres",
  shared: true,
  enabled: await postgresEnabled(),
  async fresh(label) {
    const { url, schema, drop } = await freshPostgresSchema(label);
    return tracking({ url, schema }, undefined, drop);
  },
};

/** Every backend; suites `describe.each` over it. */
export const STORES: readonly StoreBackend[] = [sqliteFile, sqliteMemory, postgres];

/** The backends that allow two connections to one database (file SQLite, PostgreSQL). */
export const SHARED_STORES: readonly StoreBackend[] = STORES.filter((s) => s.shared);

/**
 * A fresh database per test of the enclosing `describe`, disposed after it. Returns an accessor for the current
 * test's database.
 */
export function useTestDb(backend: StoreBackend): () => TestDb {
  let current: TestDb | undefined;
  beforeEach(async (ctx) => {
    current = await backend.fresh(`${ctx.task.file.name}:${backend.name}:${ctx.task.name}`);
  });
  afterEach(async () => {
    const db = current;
    current = undefined;
    await db?.dispose();
  });
  return () => {
    if (!current) throw new Error("no test database outside a test");
    return current;
  };
}

/** A representative request record. */
export const REQUEST: JobRequestInfo = {
  protocol: "wps1",
  response: "document",
  outputs: [{ id: "result", asReference: true, mimeType: "application/json" }],
  lineage: true,
  statusUpdates: true,
  language: "en-CA",
};

let clock = 1_700_000_000_000;

/** A new accepted job with increasing `createdAt` (1 ms apart), overridable. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  clock += 1;
  return {
    id: newJobId(),
    processId: "buffer",
    status: "accepted",
    mode: "async",
    backend: "local",
    createdAt: clock,
    request: REQUEST,
    ...overrides,
  };
}
