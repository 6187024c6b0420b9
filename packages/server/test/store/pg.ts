/**
 * PostgreSQL for tests, shared by every suite that needs it. The server is `postgres://postgres@127.0.0.1:5432/test`
 * (trust auth) unless `ROOST_TEST_PG_URL` says otherwise. Each test gets a schema of its own, named from a hash of
 * its label plus a random suffix, so files and tests run in parallel on one server and reruns never collide.
 *
 * When the server is unreachable: outside CI the PostgreSQL cases are skipped with a note saying why; under
 * `CI=true` they run and fail (a CI run must never pass by skipping).
 *
 * @example
 * ```ts
 * const pgEnabled = await postgresEnabled();
 * describe.skipIf(!pgEnabled)("on PostgreSQL", () => {
 *   it("works", async () => {
 *     const { url, schema, drop } = await freshPostgresSchema("my-suite:works");
 *     try { … openStore({ url, schema }) … } finally { await drop(); }
 *   });
 * });
 * ```
 */
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";

/** True under CI. */
export const IN_CI = process.env.CI === "true";

/** The test server. */
export const TEST_PG_URL = process.env.ROOST_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let probe: Promise<string | undefined> | undefined;

/** Connect once per test process: undefined when PostgreSQL answers, otherwise why not. */
export function postgresProblem(): Promise<string | undefined> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("select 1");
      return undefined;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return `${e instanceof Error ? e.message : String(e)}${typeof code === "string" ? ` [${code}]` : ""}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

let warned = false;

/**
 * Whether PostgreSQL cases should be declared: true when the server answers, and under CI also when it does not
 * (they then fail in {@link freshPostgresSchema}). Otherwise false, after printing why they are skipped.
 */
export async function postgresEnabled(): Promise<boolean> {
  const problem = await postgresProblem();
  if (problem === undefined || IN_CI) return true;
  if (!warned) {
    warned = true;
    console.warn(
      `skipping PostgreSQL tests: ${TEST_PG_URL} is not reachable (${problem}). ` +
        "Start PostgreSQL or set ROOST_TEST_PG_URL; under CI=true these tests fail instead.",
    );
  }
  return false;
}

/** A schema reserved for one test. */
export interface PgSchema {
  /** Connection URL of the test server. */
  readonly url: string;
  /** A fresh schema name, matching `^[a-z_][a-z0-9_]*$`; not created yet (the store creates it). */
  readonly schema: string;
  /** Drop the schema and everything in it. */
  drop(): Promise<void>;
}

/** Run one statement on a short-lived admin connection. */
export async function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Reserve a fresh schema for the test named `label`. Throws when PostgreSQL is unreachable, which fails the test
 * (it is only called when {@link postgresEnabled} said to run, i.e. reachable or under CI).
 */
export async function freshPostgresSchema(label: string): Promise<PgSchema> {
  const problem = await postgresProblem();
  if (problem !== undefined) {
    throw new Error(
      `PostgreSQL is required${IN_CI ? " under CI=true" : ""}: ${TEST_PG_URL} is not reachable (${problem})`,
    );
  }
  const hash = createHash("sha256").update(label).digest("hex").slice(0, 10);
  const schema = `t_${hash}_${randomBytes(4).toString("hex")}`;
  return {
    url: TEST_PG_URL,
    schema,
    async drop() {
      // The name was generated above (hex only), so quoting it is enough.
      await adminQuery(`drop schema if exists "${schema}" cascade`);
    },
  };
}
