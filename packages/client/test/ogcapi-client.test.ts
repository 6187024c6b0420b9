/**
 * The OGC API client against a loopback server behaving like the peers the digest describes (pygeoapi, ZOO-Project,
 * Weaver), to show each absorbed difference: a landing page with short `rel`s and no job-list link, `jobControlOptions`
 * honoured both ways (pygeoapi#2232), a 404 on the first poll after the 201 (pygeoapi#1672, ZOO-Project#72),
 * pygeoapi's results and error forms, a server that answers synchronously although asked `respond-async`, a `DELETE`
 * of a finished job refused (ZOO-Project#92), no `DELETE` at all, Weaver's id-only job list, and a failed synchronous
 * job told from a refused request by its `rel=monitor` link.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OgcApiClient } from "../src/client.js";
import { NotSupportedError, ProcessFailedError, ServiceExceptionError } from "../src/errors.js";

interface Seen {
  method: string;
  path: string;
  prefer?: string;
  body: string;
}

let server: Server;
let base = "";
const seen: Seen[] = [];
let polls = 0;

const describeEcho = (id: string, jobControlOptions?: string[]) => ({
  id,
  title: id,
  version: "1.0",
  ...(jobControlOptions ? { jobControlOptions } : {}),
  inputs: { text: { title: "Text", schema: { type: "string" }, minOccurs: 0 } },
  outputs: { echo: { title: "Echo", schema: { type: "string" } } },
});

function handler(req: IncomingMessage, res: ServerResponse, body: string): void {
  const u = new URL(req.url ?? "/", base);
  const prefer = typeof req.headers.prefer === "string" ? req.headers.prefer : undefined;
  seen.push({
    method: req.method ?? "",
    path: `${u.pathname}${u.search}`,
    ...(prefer ? { prefer } : {}),
    body,
  });
  const json = (status: number, doc: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(doc));
  const key = `${req.method} ${u.pathname}${u.search}`;
  const input = body !== "" ? ((JSON.parse(body) as { inputs?: { text?: string } }).inputs?.text ?? "") : "";
  switch (key) {
    case "GET /":
      // Older drafts' short relation names, and no job-list link: the jobs are at /jobs all the same.
      return void json(200, { title: "Peer", links: [{ href: `${base}/processes`, rel: "processes" }] });
    case "GET /processes":
      return void json(200, {
        processes: [
          describeEcho("echo", ["async-execute"]),
          describeEcho("nap", ["sync-execute"]),
          describeEcho("both"),
        ],
        links: [],
      });
    case "GET /processes/echo":
      return void json(200, describeEcho("echo", ["async-execute"]));
    case "GET /processes/nap":
      return void json(200, describeEcho("nap", ["sync-execute"]));
    case "GET /processes/both":
      return void json(200, describeEcho("both"));
    case "POST /processes/echo/execution":
      return void json(201, { jobID: "j1", status: "accepted" }, { Location: `${base}/jobs/j1` });
    case "GET /jobs/j1":
      polls++;
      // Registered only after the 201 went out: the first poll misses it.
      if (polls === 1) return void json(404, { code: "NoSuchJob", description: "job not found" });
      return void json(
        200,
        polls === 2
          ? { jobID: "j1", status: "running", progress: "50" }
          : { jobID: "j1", status: "successful" },
      );
    case "GET /jobs/j1/results":
      // pygeoapi's job results: the processor's own {id, value}.
      return void json(200, { id: "echo", value: "Hello" });
    case "POST /processes/both/execution":
      // Asked respond-async, ran it synchronously (allowed: /rec/core/process-execute-handle-prefer), and the reverse.
      if (prefer === undefined)
        return void json(201, { jobID: "done1", status: "accepted" }, { Location: "/jobs/done1" });
      return void json(200, { outputs: [{ id: "echo", value: `sync ${input}` }] });
    case "POST /processes/nap/execution":
      if (input === "fail")
        return void json(
          500,
          {
            type: "https://example.org/errors/process-failed",
            title: "Process failed",
            detail: "nap failed",
          },
          { Link: `<${base}/jobs/sf>; rel=monitor` },
        );
      if (input === "refuse")
        return void json(500, { code: "NoApplicableCode", description: "server broke" });
      if (input === "raw") return void res.writeHead(200, { "Content-Type": "text/plain" }).end("raw output");
      if (input === "ref")
        return void res.writeHead(204, { Link: `<${base}/out.txt>; rel="echo"; type="text/plain"` }).end();
      return void json(200, { echo: `napped ${input}` });
    case "GET /jobs/sf":
      return void json(200, { jobID: "sf", status: "failed", message: "" });
    case "GET /jobs/sf/results":
      return void json(500, { type: "https://example.org/errors/process-failed", detail: "nap failed" });
    case "GET /jobs/f1":
      return void json(200, { jobID: "f1", processID: "echo", status: "failed" });
    case "GET /jobs/f1/results":
      return void json(500, { code: "InvalidParameterValue", description: "job failed" });
    case "DELETE /jobs/done1":
      return void json(500, { code: "NoApplicableCode", description: "cannot delete" });
    case "GET /jobs/done1":
      return void json(200, { jobID: "done1", status: "successful" });
    case "GET /jobs/done1/results":
      return void json(200, { echo: "x" });
    case "DELETE /jobs/r2":
      // pygeoapi: the record goes, the thread keeps running (pygeoapi#2236); no statusInfo in the answer.
      return void json(200, { message: "Job dismissed" });
    case "GET /jobs/r2":
      return void json(200, { jobID: "r2", status: "running", progress: 30 });
    case "DELETE /jobs/running1":
      return void json(200, { jobID: "running1", status: "dismissed" });
    case "GET /jobs/running1":
      return void json(200, {
        jobID: "running1",
        processID: "echo",
        status: "dismissed",
        created: "2026-01-01T00:00:00Z",
      });
    case "GET /jobs?limit=5":
      // Weaver without `detail=true`: bare ids.
      return void json(200, { jobs: ["done1", "running1"], total: 2 });
    default:
      return void json(404, { type: "about:blank", title: "Not found" });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

beforeEach(() => {
  seen.length = 0;
});

describe("OgcApiClient against a peer's quirks", () => {
  it("follows an async job through a 404 on its first poll, reading pygeoapi's raw results", async () => {
    const c = new OgcApiClient(`${base}/`);
    const job = await c.execute("echo", { text: "hi" });
    expect(job.mode).toBe("async");
    expect(job.id).toBe("j1");
    expect(job.statusLocation).toBe(`${base}/jobs/j1`);
    const states: string[] = [];
    job.on("progress", (s) => states.push(`${s.state}:${s.percent ?? "-"}`));
    const r = await job.result({ pollMs: 1, maxPollMs: 2 });
    expect(states).toEqual(["running:50", "succeeded:100"]);
    expect(r.outputs).toEqual([
      { id: "echo", title: "Echo", kind: "literal", value: "Hello", dataType: "string" },
    ]);
    const post = seen.find((s) => s.method === "POST")!;
    expect(post.prefer).toBe("respond-async");
    expect(JSON.parse(post.body)).toEqual({ inputs: { text: "hi" }, response: "document" });
    c.close();
  });

  it("honours jobControlOptions both ways and takes a synchronous answer to an async request", async () => {
    const c = new OgcApiClient(`${base}/`);
    await expect(c.execute("echo", {}, { mode: "sync" })).rejects.toBeInstanceOf(NotSupportedError);
    await expect(c.execute("nap", {}, { mode: "async" })).rejects.toBeInstanceOf(NotSupportedError);
    expect(seen.filter((s) => s.method === "POST")).toEqual([]);
    const nap = await c.execute("nap", { text: "z" });
    expect(nap.mode).toBe("sync");
    expect(seen.find((s) => s.method === "POST")?.prefer).toBeUndefined();
    expect((await nap.result()).outputs).toEqual([
      { id: "echo", title: "Echo", kind: "literal", value: "napped z", dataType: "string" },
    ]);
    // No jobControlOptions: both modes; the server chose to answer synchronously.
    const both = await c.execute("both", { text: "q" });
    expect(both.done).toBe(true);
    const reverse = await c.execute("both", { text: "r" }, { mode: "sync" });
    expect([reverse.mode, reverse.id, reverse.statusLocation]).toEqual([
      "async",
      "done1",
      `${base}/jobs/done1`,
    ]);
    expect((await reverse.result({ pollMs: 1 })).outputs).toEqual([
      { id: "echo", title: "Echo", kind: "literal", value: "x", dataType: "string" },
    ]);
    // A raw answer (the one output's own content), and 204 with the outputs as Link headers.
    expect((await (await c.execute("nap", { text: "raw" })).result()).outputs).toEqual([
      { id: "echo", title: "Echo", kind: "literal", value: "raw output", dataType: "string" },
    ]);
    expect((await (await c.execute("nap", { text: "ref" })).result()).outputs).toEqual([
      { id: "echo", kind: "reference", href: `${base}/out.txt`, mimeType: "text/plain" },
    ]);
    expect(both.snapshot().outputs).toEqual([
      { id: "echo", title: "Echo", kind: "literal", value: "sync q", dataType: "string" },
    ]);
    c.close();
  });

  it("tells a failed synchronous job (rel=monitor) from a refused request, and reads pygeoapi's errors", async () => {
    const c = new OgcApiClient(`${base}/`);
    const failed = await c.execute("nap", { text: "fail" });
    expect(failed.status).toMatchObject({ state: "failed", message: "nap failed" });
    await expect(failed.result()).rejects.toBeInstanceOf(ProcessFailedError);
    const refused = await c.execute("nap", { text: "refuse" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceExceptionError);
    expect(refused).toMatchObject({
      status: 500,
      exceptions: [{ code: "NoApplicableCode", text: "server broke" }],
    });
    const f1 = await c.job("f1");
    expect(f1.processId).toBe("echo");
    expect(f1.status).toMatchObject({
      state: "failed",
      message: "job failed",
      exceptions: [{ code: "InvalidParameterValue", text: "job failed" }],
    });
    c.close();
  });

  it("reports a refused DELETE of a finished job as its end state, and reads Weaver's id-only job list", async () => {
    const c = new OgcApiClient(`${base}/`);
    expect(await c.dismiss("done1")).toBe("succeeded");
    expect(await c.dismiss("running1")).toBe("dismissed");
    expect(await c.dismiss("r2")).toBe("running");
    const list = await c.jobs({ limit: 5 });
    expect(list.map((j) => [j.id, j.status.state])).toEqual([
      ["done1", "succeeded"],
      ["running1", "dismissed"],
    ]);
    expect(list[1]?.statusLocation).toBe(`${base}/jobs/running1`);
    c.close();
  });

  it("says when a server cannot dismiss or list jobs", async () => {
    const plain = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname === "/")
        return void res.writeHead(200, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            links: [{ href: "/processes", rel: "http://www.opengis.net/def/rel/ogc/1.0/processes" }],
          }),
        );
      if (u.pathname === "/processes")
        return void res.writeHead(200, { "Content-Type": "application/json" }).end('{"processes": []}');
      res.writeHead(req.method === "DELETE" ? 405 : 404).end();
    });
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    const c = new OgcApiClient(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`);
    try {
      await expect(c.dismiss("x")).rejects.toThrow(/does not dismiss jobs \(DELETE answered HTTP 405\)/);
      await expect(c.jobs()).rejects.toBeInstanceOf(NotSupportedError);
    } finally {
      c.close();
      plain.close();
    }
  });
});
