/**
 * Following a job: status mapping, progress events, retries on half-written status documents, timeouts, failures,
 * and the job id / status URL conventions.
 */
import { wps1 } from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { roostStatusLocation } from "../src/client.js";
import {
  AbortedError,
  JobTimeoutError,
  NotSupportedError,
  ProcessFailedError,
  ServerError,
} from "../src/errors.js";
import { Job, type JobHost, type JobStatus, jobIdFromStatusLocation } from "../src/job.js";

const LOC = "http://h/outputs/abc-123.xml";

function doc(status: string, extra = ""): string {
  return `<wps:ExecuteResponse xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"
    service="WPS" version="1.0.0" statusLocation="${LOC}">
    <wps:Process><ows:Identifier>sleep</ows:Identifier><ows:Title>Sleep</ows:Title></wps:Process>
    <wps:Status creationTime="2026-01-01T00:00:00Z">${status}</wps:Status>${extra}</wps:ExecuteResponse>`;
}

const ACCEPTED = doc("<wps:ProcessAccepted>queued</wps:ProcessAccepted>");
const started = (p: number, m = "working") =>
  doc(`<wps:ProcessStarted percentCompleted="${p}">${m}</wps:ProcessStarted>`);
const SUCCEEDED = doc(
  "<wps:ProcessSucceeded>done</wps:ProcessSucceeded>",
  `<wps:ProcessOutputs><wps:Output><ows:Identifier>sleep_output</ows:Identifier><ows:Title>Out</ows:Title>
   <wps:Data><wps:LiteralData dataType="string" uom="unity">done sleeping</wps:LiteralData></wps:Data></wps:Output>
   <wps:Output><ows:Identifier>file</ows:Identifier><ows:Title>F</ows:Title><wps:Reference href="http://h/outputs/abc-123/f.json" mimeType="application/json"/></wps:Output>
   </wps:ProcessOutputs>`,
);
const FAILED = doc(
  `<wps:ProcessFailed><ows:ExceptionReport><ows:Exception exceptionCode="NoApplicableCode" locator="delay"><ows:ExceptionText>Process error: too tired</ows:ExceptionText></ows:Exception></ows:ExceptionReport></wps:ProcessFailed>`,
);

/** A host that answers each poll with the next document (or throws the next error). */
function scripted(answers: (string | Error)[]): JobHost & { polls: number } {
  const host = {
    polls: 0,
    canDismiss: false,
    async fetchDocument(url: string): Promise<wps1.Wps1Response> {
      expect(url).toBe(LOC);
      const a = answers[Math.min(host.polls, answers.length - 1)];
      host.polls++;
      if (a instanceof Error) throw a;
      return wps1.decodeResponse(a!);
    },
    async dismiss(): Promise<void> {
      throw new Error("not reached");
    },
  };
  return host;
}

function job(host: JobHost, first = ACCEPTED): Job {
  return new Job(host, wps1.decodeExecuteResponse(first));
}

describe("Job", () => {
  it("emits progress only when something changes and returns the flattened outputs", async () => {
    const host = scripted([started(20), started(20), started(60, "more"), SUCCEEDED]);
    const j = job(host);
    expect(j.mode).toBe("async");
    expect(j.id).toBe("abc-123");
    const seen: JobStatus[] = [];
    j.on("progress", (s) => seen.push(s));
    j.announce();
    const r = await j.result({ pollMs: 1, maxPollMs: 2 });
    expect(seen.map((s) => `${s.state}:${s.percent ?? "-"}:${s.message}`)).toEqual([
      "accepted:-:queued",
      "running:20:working",
      "running:60:more",
      "succeeded:100:done",
    ]);
    expect(host.polls).toBe(4);
    expect(r).toEqual({
      jobId: "abc-123",
      processId: "sleep",
      statusLocation: LOC,
      status: { state: "succeeded", percent: 100, message: "done", time: "2026-01-01T00:00:00Z" },
      outputs: [
        {
          id: "sleep_output",
          title: "Out",
          kind: "literal",
          value: "done sleeping",
          dataType: "string",
          uom: "unity",
        },
        {
          id: "file",
          title: "F",
          kind: "reference",
          href: "http://h/outputs/abc-123/f.json",
          mimeType: "application/json",
        },
      ],
    });
  });

  it("retries status documents read half-written, but not forever", async () => {
    const partial = new wps1.Wps1DecodeError("the response is not XML");
    const ok = scripted([partial, new ServerError("HTTP 502", { status: 502 }), started(40), SUCCEEDED]);
    expect((await job(ok).wait({ pollMs: 1, maxPollMs: 1 })).state).toBe("succeeded");
    const broken = scripted([partial]);
    await expect(job(broken).wait({ pollMs: 1, maxPollMs: 1 })).rejects.toBe(partial);
    expect(broken.polls).toBe(5);
    // A client error (403) is not transient.
    const forbidden = scripted([new ServerError("HTTP 403", { status: 403 })]);
    await expect(job(forbidden).wait({ pollMs: 1 })).rejects.toThrow("HTTP 403");
    expect(forbidden.polls).toBe(1);
  });

  it("turns a failure into ProcessFailedError with the server's exceptions", async () => {
    const j = job(scripted([FAILED]));
    const e = await j.result({ pollMs: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProcessFailedError);
    expect((e as ProcessFailedError).exceptions).toEqual([
      { code: "NoApplicableCode", locator: "delay", text: "Process error: too tired" },
    ]);
    expect((e as ProcessFailedError).jobId).toBe("abc-123");
    expect(j.snapshot().status).toMatchObject({ state: "failed", message: "Process error: too tired" });
  });

  it("gives up after the timeout and on abort, leaving the job running", async () => {
    const e = await job(scripted([started(10)]))
      .wait({ pollMs: 5, maxPollMs: 5, timeoutMs: 30 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JobTimeoutError);
    expect((e as JobTimeoutError).statusLocation).toBe(LOC);
    const ac = new AbortController();
    const waiting = job(scripted([started(10)])).wait({ pollMs: 5, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  it("says clearly that WPS 1.0.0 cannot dismiss", async () => {
    const j = job(scripted([ACCEPTED]));
    expect(j.canDismiss).toBe(false);
    await expect(j.dismiss()).rejects.toBeInstanceOf(NotSupportedError);
    await expect(j.dismiss()).rejects.toThrow(/WPS 1.0.0.*keeps running/);
  });

  it("treats a response without statusLocation as a finished synchronous job", async () => {
    const sync = SUCCEEDED.replace(`statusLocation="${LOC}"`, "");
    const j = new Job(scripted([]), wps1.decodeExecuteResponse(sync));
    expect(j.mode).toBe("sync");
    expect(j.id).toBeUndefined();
    expect(j.done).toBe(true);
    expect((await j.result()).outputs).toHaveLength(2);
  });
});

describe("job ids and status locations", () => {
  it("derives the job id from PyWPS/Roost paths and from id query parameters", () => {
    expect(jobIdFromStatusLocation("http://h:5000/outputs/2b7e2c8e-e81b.xml")).toBe("2b7e2c8e-e81b");
    expect(jobIdFromStatusLocation("http://cida/gdp/RetrieveResultServlet?id=1317765263148")).toBe(
      "1317765263148",
    );
    expect(jobIdFromStatusLocation("http://h/jobs/xyz")).toBe("xyz");
    expect(jobIdFromStatusLocation("not a url")).toBeUndefined();
  });

  it("builds Roost's status URL from the service URL", () => {
    expect(roostStatusLocation("http://127.0.0.1:5000/wps", "abc")).toBe(
      "http://127.0.0.1:5000/outputs/abc.xml",
    );
    expect(roostStatusLocation("https://h/roost/wps?service=WPS", "a b")).toBe(
      "https://h/roost/outputs/a%20b.xml",
    );
  });
});
