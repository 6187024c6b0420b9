/**
 * WPS 2.0.0 exceptions of the job operations (GetStatus, GetResult, Dismiss: NoSuchJob, ResultNotReady, a failed
 * job's own error) and of requests as a whole (OperationNotSupported 501, MissingParameterValue,
 * InvalidParameterValue, VersionNegotiationFailed, ServerBusy 503 with Retry-After), KVP and XML, every report valid
 * against OWS 2.0 `owsExceptionReport.xsd`. One worker and no queue, so that ServerBusy can be produced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  accepted,
  execute,
  expectException2,
  FIXTURE,
  jobRequest,
  kvp,
  kvp2,
  NS2,
  pollStatus,
  post2,
  ROOT_ATTRS,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "jobs.workers": 1, "jobs.max_queued": 0, "processes.modules": [FIXTURE.wps2] });
});

afterAll(async () => {
  await t?.close();
});

const UNKNOWN_JOB = "0b9a3d5e-6f7c-4a8b-9c0d-1e2f3a4b5c6d";

describe("job operations", () => {
  it.each(["kvp", "xml"] as const)(
    "NoSuchJob (%s): unknown and malformed ids, locator the id",
    async (binding) => {
      for (const op of ["GetStatus", "GetResult", "Dismiss"] as const) {
        await expectException2(await jobRequest(t.base, op, UNKNOWN_JOB, binding), {
          status: 400,
          code: "NoSuchJob",
          locator: UNKNOWN_JOB,
        });
        await expectException2(await jobRequest(t.base, op, "../../etc/passwd", binding), {
          status: 400,
          code: "NoSuchJob",
          locator: "../../etc/passwd",
        });
      }
    },
  );

  it("MissingParameterValue: no JobID (KVP and XML), locator JobID", async () => {
    await expectException2(await kvp2(t.base, { request: "GetStatus" }), {
      status: 400,
      code: "MissingParameterValue",
      locator: "JobID",
    });
    await expectException2(await post2(t.base, `<wps:GetResult ${ROOT_ATTRS}/>`), {
      status: 400,
      code: "MissingParameterValue",
      locator: "JobID",
    });
  });

  it("a failed job's GetResult is its own exception: NoApplicableCode, HTTP 500, the process's message", async () => {
    const id = await accepted(
      await execute(t.base, "show_error", { message: "It <broke> & stopped" }, { mode: "async" }),
    );
    const seen = await pollStatus(t.base, id);
    expect(seen.at(-1)?.kind).toBe("failed");
    for (const binding of ["kvp", "xml"] as const)
      await expectException2(await jobRequest(t.base, "GetResult", id, binding), {
        status: 500,
        code: "NoApplicableCode",
        text: "It <broke> & stopped",
      });
  });

  it("a failed sync Execute answers the same exception", async () => {
    await expectException2(await execute(t.base, "show_error", { message: "sync failure" }), {
      status: 500,
      code: "NoApplicableCode",
      text: "sync failure",
    });
  });

  it("ResultNotReady while the job runs, ServerBusy (503, Retry-After) when nothing can take another job", async () => {
    const id = await accepted(await execute(t.base, "sleep", { delay: "10" }, { mode: "async" }));
    try {
      await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
      for (const binding of ["kvp", "xml"] as const)
        await expectException2(await jobRequest(t.base, "GetResult", id, binding), {
          status: 400,
          code: "ResultNotReady",
          locator: id,
        });
      const busy = await execute(t.base, "hello", { name: "x" }, { mode: "async" });
      await expectException2(busy, { status: 503, code: "ServerBusy" });
      expect(Number(busy.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await jobRequest(t.base, "Dismiss", id);
    }
  });
});

describe("request-level errors", () => {
  it.each([
    ["request=Execute (no KVP Execute in WPS 2.0)", { request: "Execute", identifier: "hello" }, "Execute"],
    ["an unknown operation", { request: "GetFeature" }, "GetFeature"],
  ])("OperationNotSupported, HTTP 501: %s", async (_what, params, locator) => {
    await expectException2(await kvp2(t.base, params), {
      status: 501,
      code: "OperationNotSupported",
      locator,
    });
  });

  it("OperationNotSupported, HTTP 501: an unknown root in the WPS 2.0 namespace", async () => {
    await expectException2(await post2(t.base, `<wps:GetJobs ${ROOT_ATTRS}/>`), {
      status: 501,
      code: "OperationNotSupported",
      locator: "GetJobs",
    });
  });

  it.each([
    [
      "DescribeProcess without identifier",
      { request: "DescribeProcess" },
      "MissingParameterValue",
      "identifier",
    ],
    [
      "DescribeProcess with an empty identifier",
      { request: "DescribeProcess", identifier: " , " },
      "MissingParameterValue",
      "identifier",
    ],
    [
      "DescribeProcess lang=xx",
      { request: "DescribeProcess", identifier: "hello", lang: "xx" },
      "InvalidParameterValue",
      "lang",
    ],
    [
      "service=WMS",
      { request: "GetStatus", service: "WMS", JobID: UNKNOWN_JOB },
      "InvalidParameterValue",
      "service",
    ],
  ])("%s: %s (locator %s)", async (_what, params, code, locator) => {
    await expectException2(await kvp2(t.base, params as Record<string, string>), {
      status: 400,
      code,
      locator,
    });
  });

  it("a POST without service: MissingParameterValue, locator service", async () => {
    await expectException2(
      await post2(
        t.base,
        `<wps:GetStatus version="2.0.0" ${NS2}><wps:JobID>${UNKNOWN_JOB}</wps:JobID></wps:GetStatus>`,
      ),
      { status: 400, code: "MissingParameterValue", locator: "service" },
    );
  });

  it("VersionNegotiationFailed (OWS 2.0): a WPS 2.0 GetCapabilities naming only 3.0.0", async () => {
    await expectException2(
      await post2(
        t.base,
        `<wps:GetCapabilities service="WPS" ${NS2}><ows:AcceptVersions><ows:Version>3.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`,
      ),
      { status: 400, code: "VersionNegotiationFailed", locator: "AcceptVersions" },
    );
    // By KVP the client names no version for the report: WPS 1.0.0's (pinned by test/wps1).
    const res = await kvp(t.base, "service=WPS&request=GetCapabilities&AcceptVersions=3.0.0");
    expect(res.status).toBe(400);
    expect(res.body).toContain('exceptionCode="VersionNegotiationFailed"');
  });
});
