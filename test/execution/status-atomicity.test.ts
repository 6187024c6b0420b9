/**
 * Status documents are never half-written (P6) and progress never goes backwards: eight concurrent pollers read
 * the status documents of several jobs that report progress every few milliseconds, from queued to finished.
 * Every read must be complete XML (Content-Length = body) and, per poller and job, the state and percentage only
 * move forward.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { FIXTURE, parseStatus, submit } from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 2, "processes.modules": [FIXTURE.observable] });
});

afterAll(async () => {
  await t?.close();
});

const RANK = { accepted: 0, started: 1, paused: 1, succeeded: 2, failed: 2, exception: 3 } as const;

describe("status document atomicity", () => {
  it("8 pollers × 6 jobs reporting progress every 5 ms: every read parses, nothing moves backwards", async () => {
    // Six jobs on two workers: some are queued first, so the pollers also see accepted → started.
    const jobs = await Promise.all(
      Array.from({ length: 6 }, () => submit(t.base, "fx_progress", { steps: 150, step_ms: 5 })),
    );
    const urls = jobs.map((j) => j.statusUrl);
    const problems: string[] = [];
    let reads = 0;
    let progressReads = 0;

    const poller = async (n: number) => {
      const last = new Map<string, { rank: number; percent: number }>();
      const finished = new Set<string>();
      while (finished.size < urls.length) {
        for (const url of urls) {
          if (finished.has(url)) continue;
          const res = await fetch(url);
          const body = await res.text();
          reads++;
          if (res.status !== 200) problems.push(`poller ${n}: HTTP ${res.status} for ${url}`);
          const len = res.headers.get("content-length");
          if (len !== null && Number(len) !== Buffer.byteLength(body))
            problems.push(`poller ${n}: Content-Length ${len} != ${Buffer.byteLength(body)}`);
          let d: ReturnType<typeof parseStatus>;
          try {
            d = parseStatus(body, res.status);
          } catch (e) {
            problems.push(
              `poller ${n}: unparsable document (${(e as Error).message}): ${body.slice(0, 200)}`,
            );
            continue;
          }
          const rank = RANK[d.kind];
          const percent = d.kind === "started" ? d.percent! : rank >= 2 ? 100 : 0;
          if (d.kind === "started" && percent > 0) progressReads++;
          const prev = last.get(url);
          if (prev && (rank < prev.rank || percent < prev.percent))
            problems.push(
              `poller ${n}: ${url} went from rank ${prev.rank}/${prev.percent}% to ${d.kind}/${percent}%`,
            );
          last.set(url, { rank, percent });
          if (rank >= 2) {
            if (d.kind !== "succeeded") problems.push(`poller ${n}: ${url} ended ${d.kind}`);
            finished.add(url);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => poller(n)));
    expect(problems).toEqual([]);
    // The pollers really raced the updates: many reads, many of them mid-progress.
    expect(reads).toBeGreaterThan(200);
    expect(progressReads).toBeGreaterThan(50);
  });
});
