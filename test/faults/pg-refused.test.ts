/**
 * Issue 13, "state writes that fail are dropped" and P8: PostgreSQL refuses connections (the proxy closes its
 * listener and resets every open connection) during submission, while queued jobs start, while a job reports
 * progress and while jobs complete; and a restart of Roost right after such an outage. Each case asserts the HTTP
 * answers during the fault, that every accepted job is terminal within 15 s after PostgreSQL is back — without a
 * restart — with the right status, and that no job ran twice (the counting process's ledger).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { postgresEnabled } from "../../packages/server/test/store/pg.js";
import { sleep } from "../execution/helpers.js";
import { expectValid } from "../helpers/xsd.js";
import { pgCase } from "./cases.js";
import { requireBuild } from "./fault-server.js";
import { auditStore, expectAllTerminal, expectNoneRanTwice, until, waitTerminal } from "./outcomes.js";
import {
  executeCounted,
  expectMetadataServed,
  expectReadAnswered,
  expectRetryAfter,
  expectWpsUnavailable,
  jobInfo,
  probe,
  statusDocument,
  submitCounted,
} from "./probes.js";

// Real `roost serve` processes and outages of several seconds.
vi.setConfig({ testTimeout: 120_000 });
beforeAll(requireBuild);

/** "With it refused, at once": generous for a loaded 2-core CI box, far below any timeout. */
const AT_ONCE_MS = 1000;
/** The outage of the report. */
const OUTAGE_MS = 10_000;
/** P8: the first Execute is accepted at most this long after the database is back. */
const RECOVER_MS = 5000;

const pgEnabled = await postgresEnabled();

describe.skipIf(!pgEnabled)("PostgreSQL refusing connections", () => {
  it("during submission: Execute 503 + Retry-After at once, reads answered, metadata served, nothing half-accepted, accepted again ≤ 5 s after", async () => {
    const c = await pgCase("refused-submission");
    const { server, proxy, ledger } = c;
    try {
      const before = await submitCounted(server.base, { ledger, tag: "before" });
      const warm = await waitTerminal(server.base, [before]);
      expect(warm.finals.get(before)?.status, warm.summary).toBe("successful");
      const pid = server.pid;

      await proxy.outage();
      for (let i = 1; i <= 3; i++) {
        const r = await executeCounted(server.base, { ledger, tag: `refused-${i}` });
        await expectWpsUnavailable(r, `Execute #${i} while PostgreSQL refuses`, AT_ONCE_MS);
      }
      expectReadAnswered(await jobInfo(server.base, before), "GET /jobs/<id> while refused", AT_ONCE_MS);
      const doc = await statusDocument(server.base, before);
      expectReadAnswered(doc, "status document while refused", AT_ONCE_MS);
      if (doc.http === 503) await expectValid(doc.body, "owsException");
      else expect.soft(doc.doc?.kind).toBe("succeeded");
      await expectMetadataServed(server.base, AT_ONCE_MS);
      expect(server.alive, "the server process stays up").toBe(true);
      expect(server.pid).toBe(pid);

      await proxy.set("pass");
      const back = performance.now();
      let after: string | undefined;
      for (let n = 1; after === undefined && performance.now() - back < RECOVER_MS; n++) {
        const r = await executeCounted(server.base, { ledger, tag: `after-${n}` });
        if (r.doc.http === 200) after = r.jobId;
        else {
          expectRetryAfter(
            { http: r.doc.http, retryAfter: r.retryAfter },
            `Execute after the outage (#${n})`,
          );
          await sleep(100);
        }
      }
      expect(after, `an Execute accepted within ${RECOVER_MS} ms after PostgreSQL returned`).toBeDefined();
      const end = await waitTerminal(server.base, [after!]);
      expectAllTerminal(end, "the job accepted after the outage", "successful");
      expect.soft([...ledger.tagsStarted()].filter((t) => t.startsWith("refused-"))).toEqual([]);
      expectNoneRanTwice(ledger);
      await auditStore(c, new Set([before, after!]), { strict: true });
    } finally {
      await c.cleanup();
    }
  });

  it("during start (15 jobs queued on one worker, as in the issue): all succeed without a restart, none runs twice", async () => {
    const c = await pgCase("refused-start");
    const { server, proxy, ledger } = c;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 15; i++)
        ids.push(await submitCounted(server.base, { ledger, tag: `q${i}`, delay: 500, steps: 2 }));
      // As in the report: a few jobs run normally, then PostgreSQL refuses for 10 s while the rest of the
      // queue runs; their start and finish cannot be recorded.
      await until(() => ledger.with("end").size >= 3, "three jobs to run before the outage", 20_000);
      await proxy.outage();
      const outageStart = performance.now();
      await until(
        () => ledger.with("end").size === 15 && performance.now() - outageStart >= OUTAGE_MS,
        "the rest of the queue to run during a 10 s outage",
        30_000,
        () => `(${ledger.with("end").size} ended)`,
      );
      const refused = await executeCounted(server.base, { ledger, tag: "during" });
      await expectWpsUnavailable(refused, "Execute during the outage", AT_ONCE_MS);
      expectReadAnswered(await jobInfo(server.base, ids[0]!), "GET /jobs/<id> during the outage", AT_ONCE_MS);
      await proxy.set("pass");

      const end = await waitTerminal(server.base, ids);
      expectAllTerminal(end, "15 queued jobs", "successful");
      expectNoneRanTwice(ledger);
      expect.soft(ledger.with("end").size, "every job ran to its end").toBe(15);
      for (const [i, id] of ids.entries()) {
        if (end.finals.get(id)?.status !== "successful") continue;
        const d = await statusDocument(server.base, id);
        expect.soft(d.doc?.kind).toBe("succeeded");
        expect.soft(d.doc?.outputs.out?.value).toBe(`q${i}`);
      }
      await auditStore(c, new Set(ids));
    } finally {
      await c.cleanup();
    }
  });

  it("during progress: a running job's progress writes fail, it still ends succeeded once", async () => {
    const c = await pgCase("refused-progress");
    const { server, proxy, ledger } = c;
    try {
      const id = await submitCounted(server.base, { ledger, tag: "p", delay: 6000, steps: 30 });
      await until(
        async () => ((await jobInfo(server.base, id)).progress ?? 0) > 0,
        "progress to be recorded",
        10_000,
      );
      await proxy.outage();
      await sleep(1500);
      expectReadAnswered(await jobInfo(server.base, id), "GET /jobs/<id> while refused", AT_ONCE_MS);
      const doc = await statusDocument(server.base, id);
      expectReadAnswered(doc, "status document while refused", AT_ONCE_MS);
      if (doc.http === 200) expect.soft(doc.doc?.kind).toBe("started");
      expect.soft(ledger.with("end").has(id), "the outage ends before the job does").toBe(false);
      await proxy.set("pass");

      const end = await waitTerminal(server.base, [id]);
      expectAllTerminal(end, "the job", "successful");
      expectNoneRanTwice(ledger);
      await auditStore(c, new Set([id]));
    } finally {
      await c.cleanup();
    }
  });

  it("during completion: outcomes (outputs included) are applied when PostgreSQL returns; the log does not blame publishing", async () => {
    const c = await pgCase("refused-completion", { workers: 2 });
    const { server, proxy, ledger } = c;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push(
          await submitCounted(server.base, {
            ledger,
            tag: `c${i}`,
            delay: 800,
            steps: 2,
            out_bytes: i % 2 === 0 ? 4096 : 0,
          }),
        );
      await until(() => ledger.with("start").size >= 2, "two jobs to start", 10_000);
      await proxy.outage();
      await until(() => ledger.with("end").size === 4, "all four jobs to end during the outage", 20_000);
      await sleep(500);
      await proxy.set("pass");

      const end = await waitTerminal(server.base, ids);
      expectAllTerminal(end, "jobs that ended during the outage", "successful");
      expectNoneRanTwice(ledger);
      for (const [i, id] of ids.entries()) {
        if (end.finals.get(id)?.status !== "successful") continue;
        const d = await statusDocument(server.base, id);
        expect.soft(d.doc?.outputs.out?.value).toBe(`c${i}`);
        if (i % 2 === 0) {
          const href = d.doc?.outputs.data?.href;
          expect.soft(href, `job c${i}: a reference to its output`).toBeTruthy();
          if (href) {
            const got = await probe(href);
            expect.soft(got.http).toBe(200);
            expect.soft(got.body.length).toBe(4096);
          }
        }
      }
      expect
        .soft(server.logged(/publishing outputs/i), "a failed database write is not a publishing failure")
        .toEqual([]);
      await auditStore(c, new Set(ids));
    } finally {
      await c.cleanup();
    }
  });

  it("restart right after an outage: no job runs twice, no completed job is failed", async () => {
    const c = await pgCase("refused-restart");
    const { server, proxy, ledger } = c;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++)
        ids.push(await submitCounted(server.base, { ledger, tag: `r${i}`, delay: 300, steps: 2 }));
      await until(() => ledger.with("start").size >= 1, "the first job to start", 10_000);
      await proxy.outage();
      await until(() => ledger.with("end").size >= 4, "four jobs to run during the outage", 20_000);
      await proxy.set("pass");
      // Right after the outage: kill as soon as the next job has started, i.e. while it sleeps, so that every job
      // the ledger shows ended had handed its outcome over before the kill.
      const startedBefore = ledger.with("start").size;
      await until(() => ledger.with("start").size > startedBefore, "the next job to start", 10_000);
      await server.kill();
      const ended = ledger.with("end");
      const interrupted = [...ledger.with("start")].filter((id) => !ended.has(id));
      await server.restart();

      const end = await waitTerminal(server.base, ids);
      expectAllTerminal(end, "jobs after the restart");
      expectNoneRanTwice(ledger);
      for (const id of ids) {
        const f = end.finals.get(id);
        if (!f) continue;
        if (ended.has(id))
          expect.soft(f, `job ${id} completed before the restart: it must not be failed`).toMatchObject({
            status: "successful",
          });
        else if (interrupted.includes(id))
          expect.soft(f, `job ${id} was killed mid-run`).toMatchObject({
            status: "failed",
            message: expect.stringMatching(/restarted while the job was running/),
          });
        else
          expect
            .soft(f, `job ${id} never started before the restart`)
            .toMatchObject({ status: "successful" });
      }
      await auditStore(c, new Set(ids));
    } finally {
      await c.cleanup();
    }
  });
});
