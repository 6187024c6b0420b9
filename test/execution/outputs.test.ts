/**
 * Published outputs at `/outputs/<jobId>/<file>`: invisible (404) while the job runs even though the file is being
 * written in its attempt directory, then exactly the produced bytes with the recorded media type and `nosniff`;
 * nothing outside the job's outputs directory is reachable, however the path is spelled.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkBytes } from "../fixtures/processes/observable.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { execute, FIXTURE, getStatus, sleep, submit, waitStatus } from "./helpers.js";

let t: TestServer;
/** A succeeded job with one published file. */
let done: { jobId: string; href: string };

beforeAll(async () => {
  t = await startTestServer({
    "jobs.workers": 2,
    "processes.modules": [FIXTURE.observable, FIXTURE.crashers],
  });
  const j = await submit(t.base, "fx_slow_output", { chunks: 2, chunk_size: 1000, delay_ms: 1 });
  const d = await waitStatus(j.statusUrl);
  done = { jobId: j.jobId, href: d.outputs.data!.href! };
});

afterAll(async () => {
  await t?.close();
});

/** GET with the path sent exactly as written (fetch would normalise `..` and `%2e%2e`). */
function rawGet(path: string): Promise<{ status: number; body: Buffer }> {
  const { hostname, port } = new URL(t.base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("outputs", () => {
  it("are 404 until the job succeeded, then exactly the produced bytes with the recorded type and nosniff", async () => {
    const chunks = 24;
    const size = 128 * 1024;
    const expected = createHash("sha256");
    for (let i = 0; i < chunks; i++) expected.update(chunkBytes(i, size));
    const sha = expected.digest("hex");

    const j = await submit(t.base, "fx_slow_output", { chunks, chunk_size: size, delay_ms: 25 });
    const url = `${t.base}/outputs/${j.jobId}/big.bin`;
    const partial = join(t.dataDir, "jobs", j.jobId, "a1", "out", "big.bin");
    let sawPartial = false;
    let polls = 0;
    let final: Awaited<ReturnType<typeof getStatus>>;
    for (;;) {
      // Status first: an output seen while the status still says running is a violation.
      const st = await getStatus(j.statusUrl);
      if (st.kind === "succeeded" || st.kind === "failed") {
        final = st;
        break;
      }
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) {
        // Legitimate only if the job succeeded in between: then the status read after it must say so.
        const after = await getStatus(j.statusUrl);
        expect(after.kind, "output served while the status still said running").toBe("succeeded");
        continue;
      }
      expect(res.status).toBe(404);
      polls++;
      // Checked before the partial file: while it is incomplete, no outputs directory may exist yet.
      const published = existsSync(join(t.dataDir, "jobs", j.jobId, "outputs"));
      const part = statSync(partial, { throwIfNoEntry: false });
      if (part && part.size < chunks * size) {
        sawPartial = true;
        expect(published).toBe(false);
      }
      await sleep(10);
    }
    // The test really looked during the window in which a half-written file existed.
    expect(sawPartial).toBe(true);
    expect(polls).toBeGreaterThan(5);
    expect(final.kind).toBe("succeeded");
    expect(final.outputs.sha256?.value).toBe(sha);
    expect(final.outputs.data?.href).toBe(url);

    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(body.length).toBe(chunks * size);
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha);
    expect(res.headers.get("content-type")).toBe("application/x-roost-fixture");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-length")).toBe(String(chunks * size));
  });

  it("of a sync execution, by reference: served right after the response with the recorded type", async () => {
    // Sync executions are recorded shortly after they end; the href is followed before that, every time.
    for (let i = 0; i < 5; i++) {
      const d = await execute(
        t.base,
        "fx_slow_output",
        { chunks: 1, chunk_size: 100, delay_ms: 0 },
        { async: false, outputs: [{ id: "data", asReference: true }] },
      );
      expect(d.kind).toBe("succeeded");
      const res = await fetch(d.outputs.data!.href!);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(100);
      expect(res.headers.get("content-type")).toBe("application/x-roost-fixture");
    }
  });

  it("of a failed job are never served", async () => {
    const j = await submit(t.base, "fx_throw");
    expect((await waitStatus(j.statusUrl)).kind).toBe("failed");
    expect((await rawGet(`/outputs/${j.jobId}/big.bin`)).status).toBe(404);
    expect((await rawGet(`/outputs/${j.jobId}/out.txt`)).status).toBe(404);
  });

  it("the published file is served (sanity for the traversal cases below)", async () => {
    const path = new URL(done.href).pathname;
    const r = await rawGet(path);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(2000);
  });

  it.each([
    "/../../roost.db",
    "/../../roost.db-wal",
    "/%2e%2e/%2e%2e/roost.db",
    "/%2E%2E/%2E%2E/roost.db",
    "/..%2f..%2froost.db",
    "/..%2F..%2Froost.db",
    "/%2e%2e%2f%2e%2e%2froost.db",
    "/..%5c..%5croost.db",
    "/..\\..\\roost.db",
    "/%252e%252e/%252e%252e/roost.db",
    "/....//....//roost.db",
    "/../job.json",
    "/%2e%2e/job.json",
    "/../a1/worker.log",
    "/../job.log",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/big.bin%00.txt",
    "/.",
    "/",
    "/%2e",
  ])("path traversal %s → 404", async (suffix) => {
    const r = await rawGet(`/outputs/${done.jobId}${suffix}`);
    expect(r.status).toBe(404);
    expect(r.body.toString("latin1")).not.toContain("SQLite format 3");
    expect(r.body.toString("utf8")).not.toContain('"jobId"');
  });

  it("traversal through the job id segment → 404", async () => {
    for (const path of [
      "/outputs/../roost.db",
      "/outputs/%2e%2e/roost.db",
      "/outputs/..%2froost.db",
      `/outputs/..%2fjobs%2f${done.jobId}/job.json`,
      `/outputs/%2e%2e%2fjobs%2f${done.jobId}%2fjob.json/x`,
    ]) {
      const r = await rawGet(path);
      expect(r.status, path).toBe(404);
      expect(r.body.toString("latin1")).not.toContain("SQLite format 3");
    }
  });

  it.each([
    "not-a-uuid",
    "ABCDEF00-0000-4000-8000-000000000000", // upper case: ids are compared in their canonical form
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8", // UUIDv1
    "00000000-0000-0000-0000-000000000000",
    "12345678-1234-4234-8234-1234567890ab0",
    "%00",
  ])("malformed job id %s → 404 for outputs and status documents", async (id) => {
    expect((await rawGet(`/outputs/${id}/big.bin`)).status).toBe(404);
    expect((await rawGet(`/outputs/${id}.xml`)).status).toBe(404);
  });

  it("unknown (well-formed) job ids → 404 for outputs and status documents", async () => {
    const id = randomUUID();
    expect((await rawGet(`/outputs/${id}/big.bin`)).status).toBe(404);
    const st = await rawGet(`/outputs/${id}.xml`);
    expect(st.status).toBe(404);
    expect(st.body.toString()).toContain("ExceptionReport");
  });
});
