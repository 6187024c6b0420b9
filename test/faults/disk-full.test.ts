/**
 * Issue 13, "data dir full" and item 3 (P9, F20): the data directory is a 16 MB tmpfs, filled to the last page
 * before a job is accepted, while a job writes into its working directory, and while the worker stores a job's
 * outputs; on SQLite (whose database file lives in the data dir, so the store fails too: SQLITE_FULL) and on
 * PostgreSQL. Asserts the HTTP answers during the fault (503 ServerBusy + Retry-After or 507, "no space left on the
 * data directory", never 500), nothing half-accepted, "No space left on device" for jobs that hit ENOSPC, status
 * documents that still parse, every job terminal within 15 s after space returns, none run twice, and recovery
 * without a restart.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { postgresEnabled } from "../../packages/server/test/store/pg.js";
import { type StatusDoc, sleep } from "../execution/helpers.js";
import { expectValid } from "../helpers/xsd.js";
import { type Case, diskCase } from "./cases.js";
import { requireBuild } from "./fault-server.js";
import { auditStore, expectAllTerminal, expectNoneRanTwice, until, waitTerminal } from "./outcomes.js";
import {
  executeCounted,
  expectMetadataServed,
  expectReadAnswered,
  expectRetryAfter,
  jobInfo,
  probe,
  statusDocument,
  submitCounted,
} from "./probes.js";
import { requireRoot, type Tmpfs } from "./tmpfs.js";

vi.setConfig({ testTimeout: 120_000 });
beforeAll(requireBuild);

/** Answers during a disk fault come at once: nothing waits for space to return. */
const ANSWER_MS = 2000;
/** Accepted again at most this long after space returns. */
const RECOVER_MS = 5000;
/** Issue 13, item 3: the text of a refusal for want of space. */
const NO_SPACE_ON_DATA_DIR = /no space left on the data directory/i;
/** Issue 13, item 3: the message of a job that hit ENOSPC. */
const NO_SPACE_ON_DEVICE = /No space left on device/;

const rooted = requireRoot();
const pgEnabled = await postgresEnabled();
const KINDS = (["sqlite", "postgres"] as const).filter((k) => k === "sqlite" || pgEnabled);

/** Fill the tmpfs completely; the fill is checked, so a case never runs with space to spare. */
function fillUp(disk: Tmpfs): void {
  expect(disk.fill(0), "bytes left free after filling the data dir").toBe(0);
}

/** An async Execute refused for want of space: 503 ServerBusy + Retry-After or 507, the message, at once. */
async function expectNoSpaceRefusal(
  r: { doc: StatusDoc; ms: number; retryAfter: string | null },
  what: string,
): Promise<void> {
  expect.soft([503, 507], `${what}: HTTP ${r.doc.http} ${r.doc.raw.slice(0, 300)}`).toContain(r.doc.http);
  expect.soft(r.doc.kind, what).toBe("exception");
  expect.soft(r.doc.exception?.text ?? "", `${what}: exception text`).toMatch(NO_SPACE_ON_DATA_DIR);
  if (r.doc.http === 503) {
    expectRetryAfter({ http: r.doc.http, retryAfter: r.retryAfter }, what);
    expect.soft(r.doc.exception?.code, `${what}: exception code`).toBe("ServerBusy");
  }
  if (r.doc.kind === "exception") await expectValid(r.doc.raw, "owsException");
  expect.soft(r.ms, `${what}: answered after ${Math.round(r.ms)} ms`).toBeLessThanOrEqual(ANSWER_MS);
}

/** After space returns: a new job (with a file output) is accepted within 5 s and succeeds, without a restart. */
async function expectRecovered(c: Case, pid: number): Promise<string | undefined> {
  expect(c.server.alive, "the server process stays up").toBe(true);
  expect(c.server.pid).toBe(pid);
  const back = performance.now();
  let id: string | undefined;
  for (let n = 1; id === undefined && performance.now() - back < RECOVER_MS; n++) {
    const r = await executeCounted(c.server.base, { ledger: c.ledger, tag: `after-${n}`, out_bytes: 4096 });
    if (r.doc.http === 200) id = r.jobId;
    else await sleep(100);
  }
  expect.soft(id, `a job accepted within ${RECOVER_MS} ms after space returned`).toBeDefined();
  if (id === undefined) return undefined;
  const end = await waitTerminal(c.server.base, [id]);
  expectAllTerminal(end, "the job accepted after space returned", "successful");
  const d = await statusDocument(c.server.base, id);
  const href = d.doc?.outputs.data?.href;
  expect.soft(href, "the new job's output reference").toBeTruthy();
  if (href) expect.soft((await probe(href)).body.length).toBe(4096);
  return id;
}

/** A job's failure as both documents show it: failed, with `message`, the WPS document valid. */
async function expectFailedWith(c: Case, id: string, message: RegExp): Promise<void> {
  const info = await jobInfo(c.server.base, id);
  expect.soft(info.status, `job ${id}`).toBe("failed");
  expect.soft(info.message ?? "", `job ${id}: statusInfo message`).toMatch(message);
  const d = await statusDocument(c.server.base, id);
  expect.soft(d.doc?.kind, `job ${id}: status document`).toBe("failed");
  expect.soft(d.doc?.exception?.text ?? "", `job ${id}: ExceptionText`).toMatch(message);
  await expectValid(d.body, "wps1");
}

/** Read both status documents of a job `times` times while the disk is full: every answer parses (none truncated). */
async function expectDocumentsParse(c: Case, id: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const info = await jobInfo(c.server.base, id);
    expectReadAnswered(info, "GET /jobs/<id> with the disk full", ANSWER_MS);
    if (info.http === 200) expect.soft(() => JSON.parse(info.body)).not.toThrow();
    const p = await probe(`${c.server.base}/outputs/${id}.xml`);
    expectReadAnswered(p, "status document with the disk full", ANSWER_MS);
    if (p.http === 200) await expectValid(p.body, "wps1");
    await sleep(100);
  }
}

describe.skipIf(!rooted).each(KINDS)("data dir full, store on %s", (kind) => {
  it("before acceptance: Execute 503/507 'no space left on the data directory', nothing half-accepted, recovers without restart", async () => {
    const c = await diskCase(`full-accept-${kind}`, kind);
    try {
      const before = await submitCounted(c.server.base, { ledger: c.ledger, tag: "before" });
      const warm = await waitTerminal(c.server.base, [before]);
      expect(warm.finals.get(before)?.status, warm.summary).toBe("successful");
      const pid = c.server.pid;

      fillUp(c.disk);
      for (let i = 1; i <= 2; i++) {
        const r = await executeCounted(c.server.base, { ledger: c.ledger, tag: `full-${i}` });
        await expectNoSpaceRefusal(r, `Execute #${i} with the data dir full`);
      }
      expectReadAnswered(
        await jobInfo(c.server.base, before),
        "GET /jobs/<id> with the disk full",
        ANSWER_MS,
      );
      await expectMetadataServed(c.server.base, ANSWER_MS);
      c.disk.release();

      const after = await expectRecovered(c, pid);
      expect.soft([...c.ledger.tagsStarted()].filter((t) => t.startsWith("full-"))).toEqual([]);
      expectNoneRanTwice(c.ledger);
      await auditStore(c, new Set([before, ...(after ? [after] : [])]), { strict: true });
    } finally {
      await c.cleanup();
    }
  });

  it("while running: a job writing into its workdir fails with 'No space left on device', once", async () => {
    const c = await diskCase(`full-running-${kind}`, kind);
    try {
      const pid = c.server.pid;
      const id = await submitCounted(c.server.base, {
        ledger: c.ledger,
        tag: "w",
        delay: 1500,
        work_bytes: 4 * 1024 * 1024,
      });
      await until(() => c.ledger.with("start").has(id), "the job to start", 10_000);
      fillUp(c.disk);
      await until(() => c.ledger.with("error").has(id), "the job to hit the full disk", 10_000);
      const hit = c.ledger.lines().find((l) => l.jobId === id && l.event === "error");
      expect(hit?.code, "the process's own write failed with").toBe("ENOSPC");
      await expectDocumentsParse(c, id, 3);
      c.disk.release();

      const end = await waitTerminal(c.server.base, [id]);
      expectAllTerminal(end, "the job that hit ENOSPC", "failed");
      await expectFailedWith(c, id, NO_SPACE_ON_DEVICE);
      const after = await expectRecovered(c, pid);
      expectNoneRanTwice(c.ledger);
      await auditStore(c, new Set([id, ...(after ? [after] : [])]));
    } finally {
      await c.cleanup();
    }
  });

  it("while storing outputs: the job fails with 'No space left on device', status documents never truncated", async () => {
    const c = await diskCase(`full-outputs-${kind}`, kind);
    try {
      const pid = c.server.pid;
      const id = await submitCounted(c.server.base, {
        ledger: c.ledger,
        tag: "o",
        delay: 1500,
        out_bytes: 4 * 1024 * 1024,
      });
      await until(() => c.ledger.with("start").has(id), "the job to start", 10_000);
      fillUp(c.disk);
      await until(() => c.ledger.with("end").has(id), "the handler to return its output", 10_000);
      await expectDocumentsParse(c, id, 5);
      c.disk.release();

      const end = await waitTerminal(c.server.base, [id]);
      expectAllTerminal(end, "the job whose outputs hit ENOSPC", "failed");
      await expectFailedWith(c, id, NO_SPACE_ON_DEVICE);
      const after = await expectRecovered(c, pid);
      expectNoneRanTwice(c.ledger);
      await auditStore(c, new Set([id, ...(after ? [after] : [])]));
    } finally {
      await c.cleanup();
    }
  });
});

describe.skipIf(!rooted)("SQLite on a full disk while jobs run (SQLITE_FULL)", () => {
  it("jobs that ran while the database could not be written end succeeded once space is freed; none stuck running", async () => {
    const c = await diskCase("sqlite-full-running", "sqlite");
    try {
      const pid = c.server.pid;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push(
          await submitCounted(c.server.base, { ledger: c.ledger, tag: `s${i}`, delay: 400, steps: 2 }),
        );
      await until(() => c.ledger.with("start").size >= 1, "the first job to start", 10_000);
      fillUp(c.disk);
      await until(() => c.ledger.with("end").size === 4, "all four jobs to run on the full disk", 20_000);
      const r = await executeCounted(c.server.base, { ledger: c.ledger, tag: "full" });
      await expectNoSpaceRefusal(r, "Execute with the database's disk full");
      expectReadAnswered(
        await jobInfo(c.server.base, ids[0]!),
        "GET /jobs/<id> with the disk full",
        ANSWER_MS,
      );
      c.disk.release();

      const end = await waitTerminal(c.server.base, ids);
      expectAllTerminal(end, "jobs that ran on the full disk", "successful");
      expectNoneRanTwice(c.ledger);
      const after = await expectRecovered(c, pid);
      await auditStore(c, new Set([...ids, ...(after ? [after] : [])]));
    } finally {
      await c.cleanup();
    }
  });
});
