/**
 * Roost's job resource beside WPS 1.0.0: advertised in the capabilities' `ows:ExtendedCapabilities` (still valid
 * against the OWS XSD), `GET /jobs/<id>` as an OGC API – Processes statusInfo document, `DELETE /jobs/<id>`
 * dismissing a queued or running job (the WPS status document follows), idempotent on ended jobs, and 404 problem
 * documents for unknown or malformed ids.
 */
import { randomUUID } from "node:crypto";
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import { dataInputs, expectExecuteResponse, kvp, kvpExecute, pollStatus, sleep } from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  // One worker: the second job waits in the queue, so a queued job can be dismissed deterministically.
  t = await startTestServer({ "jobs.workers": 1 });
});

afterAll(async () => {
  await t?.close();
});

async function submitSleep(delay: number): Promise<{ id: string; statusLocation: string }> {
  const res = await kvpExecute(t.base, "sleep", {
    DataInputs: dataInputs({ delay }),
    storeExecuteResponse: "true",
    status: "true",
  });
  const r = await expectExecuteResponse(res);
  const statusLocation = r.statusLocation!;
  const id = /\/outputs\/([^/]+)\.xml$/.exec(statusLocation)![1]!;
  return { id, statusLocation };
}

/** The fields of a statusInfo (or problem) document these tests read. */
interface JobDoc {
  readonly status?: unknown;
  readonly [key: string]: unknown;
}

async function jobDoc(id: string, method = "GET"): Promise<{ status: number; type: string; body: JobDoc }> {
  const r = await fetch(`${t.base}/jobs/${encodeURIComponent(id)}`, { method });
  return { status: r.status, type: r.headers.get("content-type") ?? "", body: (await r.json()) as JobDoc };
}

async function waitFor(id: string, status: string): Promise<JobDoc> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await jobDoc(id);
    if (d.body.status === status) return d.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${d.body.status}`);
    await sleep(30);
  }
}

describe("job resource", { timeout: 60_000 }, () => {
  it("is advertised in the capabilities, which stay XSD-valid", async () => {
    const res = await kvp(t.base, { service: "WPS", request: "GetCapabilities" });
    expect(res.status).toBe(200);
    await expectValid(res.body, "wps1");
    expect(wps1.decodeCapabilities(res.body).jobsUrl).toBe(`${t.base}/jobs`);
  });

  it("reports a job as statusInfo and dismisses it while running and while queued", async () => {
    const running = await submitSleep(30);
    const queued = await submitSleep(30);
    const info = await waitFor(running.id, "running");
    expect(info).toMatchObject({ type: "process", jobID: running.id, processID: "sleep" });
    expect(info.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rel: "self", href: `${t.base}/jobs/${running.id}` }),
        expect.objectContaining({ rel: "alternate", href: running.statusLocation }),
      ]),
    );
    expect((await jobDoc(queued.id)).body.status).toBe("accepted");

    const started = Date.now();
    const d = await jobDoc(running.id, "DELETE");
    expect(d.status).toBe(200);
    expect(d.type).toMatch(/^application\/json/);
    expect(d.body.status).toBe("dismissed");
    // The 30 s sleep reacted to its abort signal: nowhere near its natural end.
    expect(Date.now() - started).toBeLessThan(5000);

    const q = await jobDoc(queued.id, "DELETE");
    expect(q.body.status).toBe("dismissed");

    // The WPS 1.0.0 status document says so too, and stays valid.
    for (const j of [running, queued]) {
      const [last] = (await pollStatus(j.statusLocation)).slice(-1);
      expect(last!.doc.status.kind).toBe("failed");
      expect(last!.res.body).toContain("dismissed");
    }
    // Dismissing again is harmless.
    expect((await jobDoc(running.id, "DELETE")).body.status).toBe("dismissed");
  });

  it("withdraws an ended job: dismissed, keeping its times", async () => {
    const j = await submitSleep(0);
    await pollStatus(j.statusLocation);
    const before = await jobDoc(j.id, "GET");
    expect(before.body.status).toBe("successful");
    const d = await jobDoc(j.id, "DELETE");
    expect(d.status).toBe(200);
    expect(d.body.status).toBe("dismissed");
    expect(d.body.finished).toBe(before.body.finished);
    expect((await jobDoc(j.id, "GET")).body.status).toBe("dismissed");
  });

  it("answers unknown and malformed ids with a 404 problem document", async () => {
    for (const id of [randomUUID(), "not-a-job", "../../etc/passwd"]) {
      for (const method of ["GET", "DELETE"]) {
        const d = await jobDoc(id, method);
        expect(d.status, `${method} ${id}`).toBe(404);
        expect(d.type).toMatch(/^application\/problem\+json/);
        expect(d.body).toMatchObject({ status: 404, title: "No such job" });
        expect(typeof d.body.type).toBe("string");
      }
    }
  });
});
