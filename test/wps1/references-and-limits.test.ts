/**
 * A server configured to trust one host for references (`inputs.allowed_hosts = ["127.0.0.1"]`) and with small
 * limits: allow-listed references are fetched and used, while failing ones (404, too large, redirected to a refused
 * address, other private hosts) are 4xx ExceptionReports with the input as locator; a request body over
 * `server.max_request_size` or a complex input over `jobs.max_input_size` is FileSizeExceeded (413); async work
 * beyond one worker and an empty queue (`jobs.max_queued = 0`) is ServerBusy (503 with Retry-After).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  executeXml,
  expectException,
  expectExecuteResponse,
  kvpExecute,
  output,
  pollStatus,
  post,
  postExecute,
  type Res,
} from "./helpers.js";

let t: TestServer;
let files: Server;
let filesUrl: string;
const hits: string[] = [];

const ALICE =
  "Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do";

beforeAll(async () => {
  files = createServer((req, res) => {
    hits.push(req.url ?? "");
    switch (req.url) {
      case "/alice.txt":
        res.writeHead(200, { "content-type": "text/plain" }).end(ALICE);
        return;
      case "/big.txt":
        res.writeHead(200, { "content-type": "text/plain" }).end("word ".repeat(2000));
        return;
      case "/to-metadata":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
        return;
      case "/to-alice":
        res.writeHead(302, { location: "/alice.txt" }).end();
        return;
      default:
        res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
    }
  });
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  t = await startTestServer({
    "inputs.allowed_hosts": ["127.0.0.1"],
    "server.max_request_size": "64kb",
    "jobs.max_input_size": "4kb",
    "jobs.workers": 1,
    "jobs.max_queued": 0,
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => files?.close(() => r()));
});

const ALICE_COUNTS = (() => {
  const counts = new Map<string, number>();
  for (const w of ALICE.match(/\w+/g)!) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
})();

describe("allow-listed references", () => {
  it("are fetched and used: wordcounter counts the words of the referenced text (KVP and POST)", async () => {
    for (const res of [
      await kvpExecute(t.base, "wordcounter", {
        DataInputs: `text=@xlink:href=${encodeURIComponent(`${filesUrl}/alice.txt`)}@mimeType=text/plain`,
        RawDataOutput: "output",
      }),
      await postExecute(
        t.base,
        "wordcounter",
        { text: { href: `${filesUrl}/alice.txt` } },
        { raw: { id: "output" } },
      ),
    ]) {
      expect(res.status, res.body).toBe(200);
      const pairs = JSON.parse(res.body) as [number, string][];
      expect(new Map(pairs.map(([n, w]) => [w, n]))).toEqual(ALICE_COUNTS);
    }
    expect(hits.filter((h) => h === "/alice.txt").length).toBeGreaterThanOrEqual(2);
  });

  it("a same-host redirect is followed; lineage echoes the reference; the response is valid", async () => {
    const res = await postExecute(
      t.base,
      "wordcounter",
      { text: { href: `${filesUrl}/to-alice` } },
      { lineage: true, outputs: [{ id: "output", asReference: false }] },
    );
    const r = await expectExecuteResponse(res);
    expect(r.status.kind).toBe("succeeded");
    expect(r.inputs?.[0]).toMatchObject({
      id: "text",
      value: { kind: "reference", href: `${filesUrl}/to-alice` },
    });
    const counts = JSON.parse((output(r, "output") as { data: string }).data) as [number, string][];
    expect(new Map(counts.map(([n, w]) => [w, n]))).toEqual(ALICE_COUNTS);
  });

  it("a reference answering 404 → 400 InvalidParameterValue naming the input and the HTTP status", async () => {
    for (const res of [
      await kvpExecute(t.base, "wordcounter", {
        DataInputs: `text=@xlink:href=${encodeURIComponent(`${filesUrl}/missing.txt`)}`,
      }),
      await postExecute(t.base, "wordcounter", { text: { href: `${filesUrl}/missing.txt` } }),
    ]) {
      const ex = await expectException(res, { status: 400, code: "InvalidParameterValue", locator: "text" });
      expect(ex[0]!.text).toMatch(/404/);
      // The body of the failed download is not echoed.
      expect(ex[0]!.text).not.toContain("no such file");
    }
  });

  it("a redirect to a refused address is refused (every hop is checked)", async () => {
    const res = await postExecute(t.base, "wordcounter", { text: { href: `${filesUrl}/to-metadata` } });
    await expectException(res, { status: 400, code: "InvalidParameterValue", locator: "text" });
  });

  it("private hosts that are not allow-listed stay refused, and so does file://", async () => {
    for (const href of ["http://10.0.0.1/x.txt", "http://169.254.169.254/", "file:///etc/passwd"]) {
      const res = await postExecute(t.base, "wordcounter", { text: { href } });
      await expectException(res, { status: 400, code: "InvalidParameterValue", locator: "text" });
      expect(res.body).not.toMatch(/root:/);
    }
  });

  it("a reference larger than jobs.max_input_size → FileSizeExceeded 413 with the input as locator", async () => {
    await expectException(
      await postExecute(t.base, "wordcounter", { text: { href: `${filesUrl}/big.txt` } }),
      {
        status: 413,
        code: "FileSizeExceeded",
        locator: "text",
      },
    );
  });
});

describe("size limits", () => {
  it("an inline complex input over jobs.max_input_size → FileSizeExceeded 413 with the input as locator", async () => {
    await expectException(
      await postExecute(t.base, "wordcounter", { text: { complex: "word ".repeat(2000) } }),
      {
        status: 413,
        code: "FileSizeExceeded",
        locator: "text",
      },
    );
  });

  it("a request body over server.max_request_size → FileSizeExceeded 413, whatever the content type", async () => {
    const body = executeXml("hello", { name: "x".repeat(100 * 1024) });
    await expectException(await post(t.base, body), { status: 413, code: "FileSizeExceeded" });
    await expectException(await post(t.base, body, { "content-type": "application/xml" }), {
      status: 413,
      code: "FileSizeExceeded",
    });
    // Just under the limit is fine.
    const ok = await postExecute(t.base, "hello", { name: "y".repeat(30 * 1024) });
    expect(ok.status).toBe(200);
  });
});

describe("queue limits", () => {
  it("an async Execute beyond the worker and queue capacity → ServerBusy 503 with Retry-After", async () => {
    // One worker, no queue: at most one async job is admitted (it occupies the worker), the next is refused.
    const admitted: string[] = [];
    let busy: Res | undefined;
    for (let i = 0; i < 3 && !busy; i++) {
      const res = await postExecute(t.base, "sleep", { delay: 0.4 }, { store: true, status: true });
      if (res.status === 503) busy = res;
      else admitted.push((await expectExecuteResponse(res)).statusLocation!);
    }
    expect(admitted.length).toBeLessThanOrEqual(1);
    expect(busy, "no ServerBusy after three async submissions").toBeDefined();
    await expectException(busy!, { status: 503, code: "ServerBusy" });
    expect(Number(busy!.headers.get("retry-after"))).toBeGreaterThan(0);
    const kvp = await kvpExecute(t.base, "hello", { DataInputs: "name=x", storeExecuteResponse: "true" });
    await expectException(kvp, { status: 503, code: "ServerBusy" });
    // Admitted work completes, and synchronous requests are still served.
    for (const url of admitted) expect((await pollStatus(url)).at(-1)!.doc.status.kind).toBe("succeeded");
    const sync = await kvpExecute(t.base, "hello", { DataInputs: "name=x" });
    expect(sync.status).toBe(200);
  });
});
