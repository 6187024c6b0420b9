/**
 * Execute and results over HTTP (class core): the mode negotiation of digest §4 (sync by default, `Prefer:
 * respond-async` with the ETS's trailing space honoured, a sync-only process never async, an async-only one never
 * sync), every sync answer form of §5 (raw value → its own media type; several raw outputs → multipart/related;
 * raw by reference → 204 + Link headers; document → results JSON), `Link: …; rel=monitor` on sync answers, async →
 * 201 with an absolute `Location` to which `/results` can be appended, `/jobs/{id}/results` in the original form,
 * result-not-ready while echo pauses, a failed job's exception, the 2.0 draft's forms, and the one job model (an OGC
 * job has a valid WPS 1.0.0 status document; a WPS job has a statusInfo and is in the list; recorded inputs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import { dataInputs, expectExecuteResponse, kvpExecute, pollStatus } from "../wps1/helpers.js";
import {
  call,
  execute,
  expectProblem,
  headerLinks,
  jobStatus,
  monitorJob,
  multipartParts,
  OGC_FIXTURE,
  type StatusInfo,
  waitJob,
} from "./http-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "processes.modules": [OGC_FIXTURE], "jobs.workers": 2 });
});

afterAll(async () => {
  await t?.close();
});

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("synchronous execution", () => {
  it("raw, one output by value: the output in its own media type, a monitor link to a job that exists", async () => {
    const a = await execute(t.base, "hello", { inputs: { name: "Ada" } });
    expect(a.status).toBe(200);
    expect(a.type).toMatch(/^text\/plain/);
    expect(a.text).toBe("Hello Ada");
    const id = monitorJob(a);
    const s = await waitJob(t.base, id);
    expect(s).toMatchObject({ status: "successful", processID: "hello" });
    // The results can be read again in the same form.
    const again = await call(`${t.base}/jobs/${id}/results`);
    expect(again.text).toBe("Hello Ada");
    // A sync job has no WPS 1.0.0 status document (it was never stored); its statusInfo has no such link.
    expect(s.links.some((l) => l.rel === "alternate")).toBe(false);
  });

  it("document: a results document valid against results.yaml, literals typed", async () => {
    const a = await execute(t.base, "echo", {
      inputs: {
        stringInput: "teststring",
        doubleInput: 2.5,
        booleanInput: true,
        boundingBoxInput: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" },
        complexObjectInput: { value: { a: [1, 2] }, mediaType: "application/json" },
        arrayInput: [1, 2, 3],
      },
      response: "document",
    });
    expect(a.status, a.text).toBe(200);
    expect(a.type).toMatch(/^application\/json/);
    expectValidOgc("results", a.json);
    expect(a.json).toMatchObject({
      stringInput: "teststring",
      pause: 0,
      doubleInput: 2.5,
      booleanInput: true,
      boundingBoxInput: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" },
      complexObjectInput: { value: { a: [1, 2] }, mediaType: "application/json" },
      arrayInput: { value: [1, 2, 3], mediaType: "application/json" },
    });
    monitorJob(a);
  });

  it("raw, several outputs: multipart/related, one part per output with its Content-ID", async () => {
    const a = await execute(t.base, "echo", {
      inputs: { stringInput: "teststring", imageInput: { value: PNG, mediaType: "image/png" } },
      outputs: { stringInput: {}, imageInput: { transmissionMode: "value" } },
    });
    expect(a.status, a.text).toBe(200);
    expect(a.type).toMatch(/^multipart\/related; boundary=/);
    const parts = multipartParts(a.type, a.text);
    expect(parts.map((p) => p.headers["content-id"])).toEqual(["<stringInput>", "<imageInput>"]);
    expect(parts[0]).toMatchObject({ body: "teststring" });
    expect(parts[1]?.headers["content-type"]).toBe("image/png");
    monitorJob(a);
  });

  it("raw, value and reference mixed: the reference part has Content-Location and no body", async () => {
    const a = await execute(t.base, "echo", {
      inputs: { stringInput: "x", complexObjectInput: { a: 1 } },
      outputs: { stringInput: {}, complexObjectInput: { transmissionMode: "reference" } },
      response: "raw",
    });
    const parts = multipartParts(a.type, a.text);
    expect(parts[1]?.body).toBe("");
    const loc = parts[1]?.headers["content-location"];
    expect(loc).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/outputs\//);
    expect((await call(loc!)).json).toEqual({ a: 1 });
  });

  it("raw, by reference: 204 with one Link per output and the monitor link", async () => {
    const a = await execute(t.base, "echo", {
      inputs: { complexObjectInput: { b: 2 }, imageInput: PNG },
      outputs: {
        complexObjectInput: { transmissionMode: "reference" },
        imageInput: { transmissionMode: "reference" },
      },
    });
    expect(a.status, a.text).toBe(204);
    expect(a.text).toBe("");
    monitorJob(a);
    const items = headerLinks(a.headers).filter((l) => l.params.rel === "item");
    expect(items.map((l) => l.params.title)).toEqual(["complexObjectInput", "imageInput"]);
    expect((await call(items[0]!.href)).json).toEqual({ b: 2 });
    const img = await fetch(items[1]!.href);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).toString("base64")).toBe(PNG);
  });

  it("a literal output can take a format (text/plain) and an output by value streams its file", async () => {
    const a = await execute(t.base, "echo", {
      inputs: { complexInput: "<a>b</a>" },
      outputs: { complexInput: { format: { mediaType: "text/xml" } } },
    });
    expect(a.status, a.text).toBe(200);
    expect(a.text).toBe("<a>b</a>");
  });

  it("a sync-only process runs synchronously even when respond-async is asked (no Preference-Applied)", async () => {
    const a = await execute(t.base, "nap", {}, { prefer: "respond-async" });
    expect(a.status, a.text).toBe(200);
    expect(a.headers.get("preference-applied")).toBeNull();
    monitorJob(a);
  });

  it("a failing process: the job's exception as a problem (500 process-failed), the job failed", async () => {
    const a = await execute(t.base, "show_error", { inputs: { message: "boom" } });
    const p = expectProblem(a, { status: 500, type: "process-failed" });
    expect(String(p.detail)).toContain("boom");
    const id = monitorJob(a);
    const s = await waitJob(t.base, id);
    expect(s.status).toBe("failed");
    expect(s.links.some((l) => l.rel === "http://www.opengis.net/def/rel/ogc/1.0/exceptions")).toBe(true);
    expectProblem(await call(`${t.base}/jobs/${id}/results`), { status: 500, type: "process-failed" });
  });
});

describe("asynchronous execution", () => {
  it("Prefer: respond-async (trailing space) → 201, absolute Location, statusInfo, Preference-Applied", async () => {
    const a = await execute(
      t.base,
      "echo",
      { inputs: { stringInput: "teststring" } },
      { prefer: "respond-async " },
    );
    expect(a.status, a.text).toBe(201);
    expect(a.headers.get("preference-applied")).toBe("respond-async");
    const location = a.headers.get("location")!;
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\/[0-9a-f-]{36}$/);
    expectValidOgc("statusInfo", a.json);
    const info = a.json as StatusInfo;
    expect(info).toMatchObject({ status: "accepted", processID: "echo", type: "process" });
    expect(location).toBe(`${t.base}/jobs/${info.jobID}`);
    // The job is committed before the 201: an immediate poll finds it.
    expect((await call(location)).status).toBe(200);
    await waitJob(t.base, info.jobID);
    // The ETS appends /results to the Location and looks for its string in the raw answer: echo produced two
    // outputs (stringInput and pause), so the answer is multipart.
    const r = await call(`${location}/results`);
    expect(r.status).toBe(200);
    expect(r.text).toContain("teststring");
    const parts = multipartParts(r.type, r.text);
    expect(parts.map((p) => [p.headers["content-id"], p.body])).toEqual([
      ["<stringInput>", "teststring"],
      ["<pause>", "0"],
    ]);
  });

  it("statusInfo: timestamps omitted (not null) until known, links by state, valid at every poll", async () => {
    const a = await execute(t.base, "sleep", { inputs: { delay: 0.1 } }, { prefer: "respond-async" });
    const info = a.json as StatusInfo;
    expect(info.started).toBeUndefined();
    expect(info.finished).toBeUndefined();
    expect(Object.values(info)).not.toContain(null);
    expect(info.links.map((l) => l.rel)).toEqual(
      expect.arrayContaining(["self", "up", "status", "alternate"]),
    );
    const running = await waitJob(t.base, info.jobID, (s) => s.status !== "accepted");
    if (running.status === "running") {
      expect(running.started).toBeDefined();
      expectProblem(await call(`${t.base}/jobs/${info.jobID}/results`), {
        status: 404,
        type: "result-not-ready",
      });
    }
    const done = await waitJob(t.base, info.jobID);
    expect(done.status).toBe("successful");
    expect(Date.parse(done.finished!)).toBeGreaterThanOrEqual(Date.parse(done.started!));
    expect(done.progress).toBe(100);
    const rels = done.links.map((l) => l.rel);
    expect(rels).toContain("http://www.opengis.net/def/rel/ogc/1.0/results");
    expect(rels).not.toContain("status");
  });

  it("echo with pause → result-not-ready while it waits (ETS), document results afterwards", async () => {
    const a = await execute(
      t.base,
      "echo",
      { inputs: { stringInput: "p", pause: 2 }, response: "document" },
      { prefer: "respond-async" },
    );
    const id = (a.json as StatusInfo).jobID;
    const early = await call(`${t.base}/jobs/${id}/results`);
    const p = expectProblem(early, { status: 404, type: "result-not-ready" });
    expect(p.type).toBe("http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/result-not-ready");
    await waitJob(t.base, id);
    const r = await call(`${t.base}/jobs/${id}/results`);
    expectValidOgc("results", r.json);
    expect(r.json).toMatchObject({ stringInput: "p", pause: 2 });
  });

  it("an async-only process runs asynchronously without Prefer (no Preference-Applied)", async () => {
    const a = await execute(t.base, "fx_async_only", { inputs: { text: "only" } });
    expect(a.status, a.text).toBe(201);
    expect(a.headers.get("preference-applied")).toBeNull();
    await waitJob(t.base, (a.json as StatusInfo).jobID);
  });

  it("the 2.0 draft forms: Prefer return=minimal → document, /results/{outputId} → one raw output", async () => {
    const a = await execute(t.base, "echo", { inputs: { stringInput: "two" } }, { prefer: "return=minimal" });
    expect(a.status).toBe(200);
    expect(a.headers.get("preference-applied")).toBe("return=minimal");
    expectValidOgc("results", a.json);
    const id = monitorJob(a);
    await waitJob(t.base, id);
    const one = await call(`${t.base}/jobs/${id}/results/stringInput`);
    expect(one.status).toBe(200);
    expect(one.text).toBe("two");
    expectProblem(await call(`${t.base}/jobs/${id}/results/nope`), { status: 404, locator: "outputID" });
    const rep = await execute(
      t.base,
      "echo",
      { inputs: { stringInput: "r" }, outputs: { stringInput: {} } },
      { prefer: "return=representation" },
    );
    expect(rep.text).toBe("r");
  });
});

describe("one job model across protocols", () => {
  it("an OGC API job has a WPS 1.0.0 status document, valid against the XSD, linked as alternate", async () => {
    const a = await execute(t.base, "hello", { inputs: { name: "Grace" } }, { prefer: "respond-async" });
    const id = (a.json as StatusInfo).jobID;
    const done = await waitJob(t.base, id);
    const alt = done.links.find((l) => l.rel === "alternate")!;
    expect(alt.href).toBe(`${t.base}/outputs/${id}.xml`);
    const [last] = (await pollStatus(alt.href)).slice(-1);
    await expectValid(last!.res.body, "wps1");
    expect(last!.doc.status.kind).toBe("succeeded");
  });

  it("a WPS 1.0.0 async job is at /jobs/{id}, in /jobs, and has its inputs at /jobs/{id}/inputs", async () => {
    const res = await kvpExecute(t.base, "hello", {
      DataInputs: dataInputs({ name: "Wps" }),
      storeExecuteResponse: "true",
      status: "true",
    });
    const r = await expectExecuteResponse(res);
    const id = /\/outputs\/([^/]+)\.xml$/.exec(r.statusLocation!)![1]!;
    const s = await waitJob(t.base, id);
    expect(s).toMatchObject({ jobID: id, processID: "hello", status: "successful" });
    const list = await call(`${t.base}/jobs?processID=hello&limit=1000`);
    expectValidOgc("jobList", list.json);
    expect((list.json as { jobs: StatusInfo[] }).jobs.map((j) => j.jobID)).toContain(id);
    const inputs = await call(`${t.base}/jobs/${id}/inputs`);
    expect(inputs.json).toMatchObject({ jobID: id, processID: "hello", inputs: { name: "Wps" } });
    // The results of a WPS job read through the OGC API.
    expect((await call(`${t.base}/jobs/${id}/results`)).json).toEqual({ output: "Hello Wps" });
  });

  it("the recorded inputs can run the job again, and equal what was sent", async () => {
    const body = {
      inputs: {
        stringInput: "again",
        arrayInput: [4, 5],
        boundingBoxInput: { bbox: [0, 0, 1, 1], crs: "EPSG:4326" },
      },
      outputs: { stringInput: { transmissionMode: "value" } },
      response: "document",
    };
    const a = await execute(t.base, "echo", body);
    const id = monitorJob(a);
    await waitJob(t.base, id);
    const rec = await call(`${t.base}/jobs/${id}/inputs`);
    expect(rec.status).toBe(200);
    const doc = rec.json as {
      inputs: unknown;
      outputs: unknown;
      response: string;
      links: { rel: string; href: string }[];
    };
    expect(doc.inputs).toEqual(body.inputs);
    expect(doc.outputs).toEqual(body.outputs);
    expect(doc.response).toBe("document");
    expectValidOgc("execute", { inputs: doc.inputs, outputs: doc.outputs, response: doc.response });
    const rerun = await execute(t.base, "echo", {
      inputs: doc.inputs,
      outputs: doc.outputs,
      response: doc.response,
    });
    expect(rerun.json).toEqual(a.json);
  });

  it("a large inline input is left out of the record and named", async () => {
    const big = "x".repeat(80 * 1024);
    const a = await execute(t.base, "echo", { inputs: { stringInput: "s", complexInput: big } });
    const id = monitorJob(a);
    await waitJob(t.base, id);
    const rec = (await call(`${t.base}/jobs/${id}/inputs`)).json as Record<string, unknown>;
    expect(rec.omitted).toEqual(["complexInput"]);
    expect(rec.inputs).toEqual({ stringInput: "s" });
    expect(String(rec.message)).toContain("complexInput");
  });
});

describe("job status", () => {
  it("unknown or malformed ids → 404 no-such-job on status, results and inputs", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-job", "..%2F..%2Fetc%2Fpasswd"])
      for (const suffix of ["", "/results", "/inputs", "/results/x"])
        expectProblem(await call(`${t.base}/jobs/${id}${suffix}`), { status: 404, type: "no-such-job" });
  });

  it("a running job's status shows live progress", async () => {
    const a = await execute(t.base, "sleep", { inputs: { delay: 0.3 } }, { prefer: "respond-async" });
    const id = (a.json as StatusInfo).jobID;
    const s = await waitJob(t.base, id, (x) => (x.progress ?? 0) >= 20 || x.status === "successful");
    expect(s.progress).toBeGreaterThanOrEqual(20);
    await waitJob(t.base, id);
    expect((await jobStatus(t.base, id)).status).toBe("successful");
  });
});
