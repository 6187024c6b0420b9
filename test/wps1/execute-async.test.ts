/**
 * Asynchronous Execute (storeExecuteResponse): the immediate ProcessAccepted answer, the stored document at
 * `statusLocation` in every state — ProcessAccepted (no percent), ProcessStarted (0–99), ProcessSucceeded,
 * ProcessFailed — each one XSD-valid, lineage in stored documents, `status=false` documents that stay put until
 * the end, outputs by reference from async jobs, and status URLs of unknown or malformed job ids (404, never 500).
 *
 * One worker only: a job submitted behind a running one stays queued long enough to read its stored
 * ProcessAccepted document deterministically.
 */
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import {
  dataInputs,
  expectException,
  expectExecuteResponse,
  expectUtcCreationTime,
  failureOf,
  get,
  kvpExecute,
  literal,
  output,
  pollStatus,
  postExecute,
  type Res,
  sleep,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 1 });
});

afterAll(async () => {
  await t?.close();
});

const UUID_XML = /\/outputs\/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.xml$/;

/** Assert the immediate answer of an async Execute and return it decoded. */
async function accepted(
  res: Res,
  processId: string,
): Promise<wps1.Wps1ExecuteResponse & { statusLocation: string }> {
  const r = await expectExecuteResponse(res);
  expect(r.process.identifier).toBe(processId);
  expect(r.status.kind).toBe("accepted");
  // The XSD makes ProcessAccepted a plain string: a percentCompleted there is invalid (PyWPS writes one).
  expect(res.body).toMatch(/<wps:ProcessAccepted>[^<]*<\/wps:ProcessAccepted>/);
  expect(r.statusLocation).toMatch(new RegExp(`^${t.base}${UUID_XML.source}`));
  expect(r.serviceInstance).toBe(`${t.base}/wps?service=WPS&request=GetCapabilities`);
  expectUtcCreationTime(r, res.body);
  expect(r.outputs).toEqual([]);
  return r as wps1.Wps1ExecuteResponse & { statusLocation: string };
}

const asyncKvp = (id: string, inputs: Parameters<typeof dataInputs>[0], extra: Record<string, string> = {}) =>
  kvpExecute(t.base, id, {
    DataInputs: dataInputs(inputs),
    storeExecuteResponse: "true",
    status: "true",
    ...extra,
  });

describe("async Execute and stored status documents", () => {
  it("KVP sleep: ProcessAccepted at once, then valid Started (0–99, rising) documents until Succeeded", async () => {
    const acc = await accepted(await asyncKvp("sleep", { delay: 0.2 }), "sleep");
    // Five 0.2 s naps: the answer is ProcessAccepted (checked by accepted()), not the end of the job.
    const seen = await pollStatus(acc.statusLocation, { intervalMs: 25 });
    const kinds = seen.map((s) => s.doc.status.kind);
    expect(kinds).toContain("started");
    expect(kinds.at(-1)).toBe("succeeded");
    // Only forward: accepted* started* succeeded.
    expect(kinds.join(",")).toMatch(/^(accepted,)*(started,)*succeeded$/);
    const percents = seen
      .map((s) => s.doc.status)
      .filter((s) => s.kind === "started")
      .map((s) => (s as { percent?: number }).percent);
    for (const p of percents) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(99);
    }
    expect([...percents].sort((a, b) => a! - b!)).toEqual(percents);
    expect(new Set(percents).size, `progress seen: ${percents}`).toBeGreaterThan(1);
    for (const { res, doc } of seen) {
      expect(doc.statusLocation).toBe(acc.statusLocation);
      expect(doc.process.identifier).toBe("sleep");
      expectUtcCreationTime(doc, res.body);
      if (doc.status.kind === "started") {
        expect(res.body).toMatch(/<wps:ProcessStarted percentCompleted="\d{1,2}">/);
        expect(doc.outputs).toEqual([]);
      }
    }
    const last = seen.at(-1)!;
    expect(last.res.body).toMatch(/<wps:ProcessSucceeded>[^<]*<\/wps:ProcessSucceeded>/);
    expect(literal(last.doc, "sleep_output")).toBe("done sleeping");
    // A finished document is final: fetching it again gives the same status and outputs.
    const again = await get(acc.statusLocation);
    expect(wps1.decodeExecuteResponse(again.body).status.kind).toBe("succeeded");
  });

  it("a queued job's stored document is ProcessAccepted without percentCompleted, and valid", async () => {
    const first = await accepted(
      await postExecute(t.base, "sleep", { delay: 0.15 }, { store: true, status: true }),
      "sleep",
    );
    // Wait until the single worker runs the first job, so the second has to wait in the queue.
    await pollUntil(first.statusLocation, "started");
    const second = await accepted(
      await postExecute(t.base, "ultimate_question", {}, { store: true, status: true }),
      "ultimate_question",
    );
    const queued = await get(second.statusLocation);
    expect(queued.status).toBe(200);
    await expectValid(queued.body, "wps1");
    const doc = wps1.decodeExecuteResponse(queued.body);
    expect(doc.status.kind).toBe("accepted");
    expect(queued.body).toMatch(/<wps:ProcessAccepted>[^<]+<\/wps:ProcessAccepted>/);
    expect(queued.headers.get("cache-control")).toBe("no-store");
    const done = await pollStatus(second.statusLocation);
    expect(literal(done.at(-1)!.doc, "answer")).toBe("42");
    await pollStatus(first.statusLocation);
  });

  it("a failing async job ends in a valid ProcessFailed with ows:ExceptionReport and the process's message", async () => {
    const acc = await accepted(
      await asyncKvp("show_error", { message: "async failure & <stuff>" }),
      "show_error",
    );
    const seen = await pollStatus(acc.statusLocation);
    const last = seen.at(-1)!;
    expect(last.doc.status.kind).toBe("failed");
    expect(last.res.body).toMatch(/<wps:ProcessFailed> <ows:ExceptionReport [^>]*version="1.0.0"/);
    const ex = failureOf(last.doc.status);
    expect(ex[0]).toMatchObject({ code: "NoApplicableCode", text: "Process error: async failure & <stuff>" });
    expect(last.doc.outputs).toEqual([]);
  });

  it("simple_dry_run async failure and binaryoperator async success through XML POST", async () => {
    const f = await accepted(
      await postExecute(t.base, "simple_dry_run", { count: 12 }, { store: true, status: true }),
      "simple_dry_run",
    );
    const fl = (await pollStatus(f.statusLocation)).at(-1)!.doc;
    expect(fl.status.kind).toBe("failed");
    expect((fl.status as { message: string }).message).toMatch(/Too many files/);
    const s = await accepted(
      await postExecute(
        t.base,
        "binaryoperatorfornumbers",
        { inputa: 2, inputb: 5, operator: "multiply" },
        {
          store: true,
          status: true,
        },
      ),
      "binaryoperatorfornumbers",
    );
    expect(literal((await pollStatus(s.statusLocation)).at(-1)!.doc, "output")).toBe("10.0");
  });

  it("lineage=true: the accepted answer and every stored document echo inputs and output definitions", async () => {
    const res = await postExecute(
      t.base,
      "dummyprocess",
      { input1: 10, input2: 20 },
      { store: true, status: true, lineage: true, outputs: [{ id: "output2" }] },
    );
    const acc = await accepted(res, "dummyprocess");
    const lineage = {
      inputs: [
        { id: "input1", value: { kind: "literal", value: "10" } },
        { id: "input2", value: { kind: "literal", value: "20" } },
      ],
      outputDefinitions: [{ id: "output2" }],
    };
    expect(acc).toMatchObject(lineage);
    const seen = await pollStatus(acc.statusLocation);
    for (const { doc } of seen) expect(doc).toMatchObject(lineage);
    expect(seen.at(-1)!.doc.outputs.map((o) => o.identifier)).toEqual(["output2"]);
    expect(literal(seen.at(-1)!.doc, "output2")).toBe("19");

    // A failed job's stored document keeps its lineage too.
    const f = await accepted(
      await asyncKvp("show_error", { message: "with lineage" }, { lineage: "true" }),
      "show_error",
    );
    const last = (await pollStatus(f.statusLocation)).at(-1)!.doc;
    expect(last.status.kind).toBe("failed");
    expect(last.inputs).toEqual([{ id: "message", value: { kind: "literal", value: "with lineage" } }]);
  });

  it("status=false: the stored document is not updated until the job ends (XSD annotation of status)", async () => {
    const acc = await accepted(
      await kvpExecute(t.base, "sleep", {
        DataInputs: "delay=0.15",
        storeExecuteResponse: "true",
      }),
      "sleep",
    );
    const seen = await pollStatus(acc.statusLocation, { intervalMs: 25 });
    const kinds = seen.map((s) => s.doc.status.kind);
    expect(kinds.at(-1)).toBe("succeeded");
    expect(kinds, "status=false documents must not show progress").not.toContain("started");
    expect(seen.length).toBeGreaterThan(3);
    expect(literal(seen.at(-1)!.doc, "sleep_output")).toBe("done sleeping");
  });

  it("outputs of async jobs: references that download, and inline JSON", async () => {
    const c = await accepted(
      await postExecute(t.base, "chomsky", { times: 2 }, { store: true, status: true }),
      "chomsky",
    );
    const cd = (await pollStatus(c.statusLocation)).at(-1)!.doc;
    const ref = output(cd, "output");
    expect(ref).toMatchObject({ kind: "reference", mimeType: "text/plain" });
    const txt = await get((ref as { href: string }).href);
    expect(txt.status).toBe(200);
    expect(txt.body.length).toBeGreaterThan(20);

    const n = await accepted(
      await postExecute(
        t.base,
        "non.py-id",
        { "input 1": 3, "input-2": { complex: '{"k":"<&>"}', mimeType: "application/json" } },
        { store: true, status: true, outputs: [{ id: "output 2", asReference: false }, { id: "output.1" }] },
      ),
      "non.py-id",
    );
    const nd = (await pollStatus(n.statusLocation)).at(-1)!.doc;
    expect(output(nd, "output 2")).toMatchObject({ kind: "complex", data: '{"k":"<&>"}' });
    expect(literal(nd, "output.1")).toBe("4.0");
  });

  it("RawDataOutput cannot be stored: InvalidParameterValue", async () => {
    await expectException(
      await kvpExecute(t.base, "hello", {
        DataInputs: "name=x",
        RawDataOutput: "output",
        storeExecuteResponse: "true",
      }),
      { status: 400, code: "InvalidParameterValue", locator: "storeExecuteResponse" },
    );
  });
});

describe("status document URLs that name no async job", () => {
  it.each([
    ["an unknown v4 UUID", "00000000-0000-4000-8000-000000000000.xml"],
    ["an upper-case UUID", "0A0B0C0D-0000-4000-8000-000000000000.xml"],
    ["a malformed id", "not-a-job.xml"],
    ["markup", "%3Cscript%3E.xml"],
    ["an encoded traversal", "..%2F..%2Fetc%2Fpasswd.xml"],
    ["a quote and SQL", "x'%20OR%20'1'%3D'1.xml"],
    ["a UUID without .xml", "00000000-0000-4000-8000-000000000000"],
  ])("%s → 404 ExceptionReport, valid, no stack trace", async (_label, file) => {
    const res = await get(`${t.base}/outputs/${file}`);
    await expectException(res, { status: 404, code: "InvalidParameterValue", locator: "jobId" });
  });

  it("a synchronous job has no status document (404)", async () => {
    // A raw output names its job in Content-Location; that job ran synchronously.
    const raw = await kvpExecute(t.base, "wordcounter", { DataInputs: "text=a b", RawDataOutput: "output" });
    expect(raw.status).toBe(200);
    const m = /\/outputs\/([0-9a-f-]{36})\//.exec(raw.headers.get("content-location") ?? "");
    expect(m).not.toBeNull();
    await expectException(await get(`${t.base}/outputs/${m![1]}.xml`), {
      status: 404,
      code: "InvalidParameterValue",
      locator: "jobId",
    });
  });
});

/** Poll until the stored document reaches `kind` (or fails the test). */
async function pollUntil(url: string, kind: wps1.Wps1Status["kind"]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const doc = wps1.decodeExecuteResponse((await get(url)).body);
    if (doc.status.kind === kind) return;
    if (doc.status.kind === "succeeded" || doc.status.kind === "failed" || Date.now() > deadline)
      throw new Error(`never saw ${kind} at ${url} (now ${doc.status.kind})`);
    await sleep(10);
  }
}
