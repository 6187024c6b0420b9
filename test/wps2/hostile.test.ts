/**
 * Values no XML document can carry as they are — `<`, `&`, quotes, control characters, a CDATA terminator,
 * characters outside the BMP — in inputs, outputs, identifiers, job ids and error texts: every WPS 2.0.0 answer
 * stays well-formed and valid against the schemas, and the values come back intact wherever XML 1.0 can carry
 * them (control characters become U+FFFD). Plus the XML hardening WPS 2.0.0 shares with WPS 1.0.0: no DTDs, depth
 * and size limits.
 */
import { wps2 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_TEXT } from "../fixtures/processes/wps2.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  accepted,
  esc,
  execute,
  executeXml,
  expectDoc,
  expectException2,
  expectNoLeak,
  expectResult,
  FIXTURE,
  jobRequest,
  kvp,
  kvp2,
  literalOf,
  outputOf,
  pollStatus,
  post,
  post2,
  ROOT_ATTRS,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ "processes.modules": [FIXTURE.wps2], "server.max_request_size": "256kb" });
});

afterAll(async () => {
  await t?.close();
});

/** What XML 1.0 makes of a text: characters it cannot carry become U+FFFD (as every Roost encoder does). */
const asXml = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD");

const MARKUP = `<b>&amp; "quoted" 'single' ]]> &lt;/wps:Data&gt; é 𝄞`;

describe("values in and out", () => {
  it("markup characters in a literal input come back intact (text/plain and text/xml encodings)", async () => {
    for (const name of [MARKUP, { literal: MARKUP }] as const) {
      const r = await expectResult(await execute(t.base, "hello", { name }));
      expect(literalOf(r, "output")).toBe(`Hello ${MARKUP}`);
    }
  });

  it("control characters, markup and ]]> in every kind of output: valid documents, values intact but for U+FFFD", async () => {
    const sync = await execute(
      t.base,
      "fx_hostile_output",
      {},
      {
        outputs: [
          { id: "literal" },
          { id: "text", transmission: "value" },
          { id: "json", transmission: "value" },
        ],
      },
    );
    const r = await expectResult(sync);
    expect(literalOf(r, "literal")).toBe(asXml(HOSTILE_TEXT));
    expect(outputOf(r, "text")).toMatchObject({ kind: "complex", data: asXml(HOSTILE_TEXT) });
    const json = outputOf(r, "json") as { data: string };
    // JSON escapes control characters itself (\u0001), so the JSON text survives unchanged.
    expect(JSON.parse(json.data)).toEqual({ text: HOSTILE_TEXT });
    // The same job read again through GetResult.
    const id = await accepted(await execute(t.base, "fx_hostile_output", {}, { mode: "async" }));
    await pollStatus(t.base, id);
    const again = await expectResult(await jobRequest(t.base, "GetResult", id));
    expect(literalOf(again, "literal")).toBe(asXml(HOSTILE_TEXT));
  });

  it("raw output of control characters: the bytes as produced (no XML involved)", async () => {
    const res = await execute(
      t.base,
      "fx_hostile_output",
      {},
      { response: "raw", outputs: [{ id: "literal" }] },
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe(HOSTILE_TEXT);
  });

  it("a WPS 1.0.0 job whose outputs hold control characters is rendered valid by WPS 2.0.0 GetResult", async () => {
    const res = await kvp(
      t.base,
      "service=WPS&version=1.0.0&request=Execute&identifier=fx_hostile_output&storeExecuteResponse=true&status=true",
    );
    expect(res.status, res.body).toBe(200);
    const id = /statusLocation="[^"]*\/([0-9a-f-]{36})\.xml"/.exec(res.body)?.[1];
    expect(id).toBeDefined();
    await pollStatus(t.base, id!);
    const r = await expectResult(await jobRequest(t.base, "GetResult", id!));
    expect(literalOf(r, "literal")).toBe(asXml(HOSTILE_TEXT));
  });
});

describe("identifiers and job ids", () => {
  const HOSTILE_ID = `a<b>&"c'\u0001\u007f]]>%zz[x]#y#z 𝄞`;

  it("an unknown process named with markup, control characters and URI-breaking characters: a valid report", async () => {
    const k = await kvp2(t.base, { request: "DescribeProcess", identifier: HOSTILE_ID });
    const ex = await expectException2(k, { status: 400, code: "NoSuchProcess" });
    expect(ex[0]?.locator).toContain(`a<b>&"c'`);
    expect(ex[0]?.locator).not.toMatch(/[\u0000-\u001f]/);
    const p = await post2(t.base, executeXml(HOSTILE_ID.replace(/[\u0001\u007f]/g, "")));
    await expectException2(p, {
      status: 400,
      code: "NoSuchProcess",
      locator: HOSTILE_ID.replace(/[\u0001\u007f]/g, ""),
    });
  });

  it("input and output ids with markup are reported, escaped, in valid reports", async () => {
    const ex = await expectException2(
      await execute(t.base, "hello", { name: "x", "<in&put>": "1" }, { outputs: [{ id: "<out&put>" }] }),
      { status: 400, code: "NoSuchOutput", locator: "<out&put>" },
    );
    expect(ex.map((e) => e.locator)).toContain("<out&put>");
  });

  it("a hostile JobID is NoSuchJob with the id (shortened, escaped) as locator, never a 500", async () => {
    for (const id of [HOSTILE_ID, "x".repeat(5000), "' OR 1=1 --", "../../../etc/passwd\u0000"]) {
      for (const op of ["GetStatus", "GetResult", "Dismiss"] as const) {
        const res = await jobRequest(t.base, op, id, "kvp");
        const ex = await expectException2(res, { status: 400, code: "NoSuchJob" });
        expect((ex[0]?.locator ?? "").length).toBeLessThanOrEqual(101);
      }
    }
  });

  it("non.py-id: described, executed sync and async, its results valid", async () => {
    await expectDoc(await kvp2(t.base, { request: "DescribeProcess", identifier: "non.py-id" }));
    const inputs = {
      "input 1": "1",
      "input-2": { complex: '{"k": 1}', mimeType: "application/json" },
    } as const;
    const sync = await expectResult(await execute(t.base, "non.py-id", inputs));
    expect(Number(literalOf(sync, "output.1"))).toBe(2);
    const id = await accepted(await execute(t.base, "non.py-id", inputs, { mode: "async" }));
    await pollStatus(t.base, id);
    const r = await expectResult(await jobRequest(t.base, "GetResult", id, "xml"));
    expect(r.outputs.map((o) => o.identifier).sort()).toEqual(["output 2", "output.1"]);
  });
});

describe("XML hardening (shared with WPS 1.0.0)", () => {
  it.each([
    [
      "an internal entity expansion (billion laughs)",
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
        `<wps:GetStatus ${ROOT_ATTRS}><wps:JobID>&lol2;</wps:JobID></wps:GetStatus>`,
    ],
    [
      "an external entity (XXE)",
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
        `<wps:Execute ${ROOT_ATTRS} mode="sync" response="document"><ows:Identifier>&xxe;</ows:Identifier></wps:Execute>`,
    ],
    [
      "a document 1000 elements deep",
      `<wps:Execute ${ROOT_ATTRS} mode="sync" response="document">${"<a>".repeat(1000)}${"</a>".repeat(1000)}</wps:Execute>`,
    ],
  ])("%s is refused with a 4xx ExceptionReport, nothing resolved", async (_what, body) => {
    const res = await post(t.base, body, { "content-type": "application/xml" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toContain("ExceptionReport");
    expect(res.body).not.toContain("root:");
    expectNoLeak(res.body);
  });

  it("a body over server.max_request_size is refused (HTTP 413)", async () => {
    const big = executeXml("hello", { name: "x".repeat(300 * 1024) });
    const res = await post2(t.base, big);
    expect(res.status).toBe(413);
    expect(res.body).toContain("ExceptionReport");
  });

  it("a request sent with any Content-Type is read as XML", async () => {
    for (const type of ["text/xml", "text/plain", "application/octet-stream"]) {
      const res = await post(t.base, executeXml("hello", { name: esc("<x>") }), { "content-type": type });
      expect(literalOf(await expectResult(res), "output")).toBe("Hello &lt;x&gt;");
    }
  });

  it("decoding a valid document never depends on the prefixes (ns0:, default namespace)", async () => {
    const body =
      `<ns0:Execute xmlns:ns0="http://www.opengis.net/wps/2.0" xmlns="http://www.opengis.net/ows/2.0" service="WPS" version="2.0.0" mode="sync" response="document">` +
      `<Identifier>hello</Identifier><ns0:Input id="name"><ns0:Data>prefixes</ns0:Data></ns0:Input><ns0:Output id="output"/></ns0:Execute>`;
    expect(literalOf(wps2.decodeResult((await post2(t.base, body)).body), "output")).toBe("Hello prefixes");
  });
});
