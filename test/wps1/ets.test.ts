/**
 * The abstract tests of OGC's ets-wps10 (WPS 1.0.0 Conformance Level 1, `org.opengis.cite.wps10.level1`) ported
 * to this suite, one `describe` per ATS section, with the requests the ETS sends (its casing, its POST bodies, its
 * habits such as POSTing to a KVP URL without a body or URL-decoding Execute URLs before sending them). The
 * requests are themselves validated against the request schemas, as the ETS does. The real ETS needs Maven
 * artefacts offline CI does not have (wps.md §6).
 */
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import {
  executeXml,
  expectException,
  expectExecuteResponse,
  get,
  kvp,
  literal,
  NS_DECL,
  post,
  type Res,
  rootLang,
  sleep,
} from "./helpers.js";

let t: TestServer;
/** The first process the capabilities list (the ETS describes whatever comes first). */
let firstProcess: string;

beforeAll(async () => {
  t = await startTestServer();
  const caps = wps1.decodeCapabilities(
    (await kvp(t.base, "service=wps&request=GetCapabilities&language=en-US")).body,
  );
  firstProcess = caps.processes[0]!.identifier;
});

afterAll(async () => {
  await t?.close();
});

/** POST with the query string of a KVP request and no body, as the ETS's A.4.1.2 tests do. */
async function postKvpWithoutBody(q: string): Promise<Res> {
  const r = await fetch(`${t.base}/wps?${q}`, { method: "POST" });
  return {
    status: r.status,
    type: r.headers.get("content-type") ?? "",
    body: await r.text(),
    headers: r.headers,
  };
}

/** ETS's "error status": 4xx or 5xx with an ows:ExceptionReport that validates. */
async function expectErrorReport(res: Res): Promise<void> {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(600);
  await expectException(res, { status: res.status, code: undefined });
}

describe("A.4.1 All operations", () => {
  it("A.4.1.1 GetCapabilities and DescribeProcess over HTTP GET answer 200", async () => {
    expect((await kvp(t.base, "service=wps&version=1.0.0&request=GetCapabilities")).status).toBe(200);
    expect(
      (await kvp(t.base, `service=wps&request=DescribeProcess&Version=1.0.0&identifier=${firstProcess}`))
        .status,
    ).toBe(200);
  });

  it.each([
    ["GetCapabilities", "service=wps&version=1.0.0&request=GetCapabilities"],
    ["DescribeProcess without identifier", "service=wps&request=DescribeProcess&Version=1.0.0"],
    [
      "DescribeProcess of an unknown process",
      "service=wps&version=1.0.0&request=DescribeProcess&identifier=JTS:Invalid",
    ],
  ])("A.4.1.2 %s POSTed without a body: an error status with an ExceptionReport", async (_l, q) => {
    await expectErrorReport(await postKvpWithoutBody(q));
  });

  it("A.4.1.2 every erroneous request gets an error status and an ExceptionReport (GET)", async () => {
    for (const q of [
      "service=wps&request=GetCapabilities&AcceptVersions=0.0.1",
      "service=wps&request=DescribeProcess&version=1.0.0&identifier=JTS:Invalid",
      "service=wps&request=Execute&version=1.0.0&identifier=JTS:Invalid",
      "service=wps&request=Execute&version=1.0.0&identifier=hello",
      "service=wps&request=NoSuchOperation",
      "Service=WMS&Request=GetCapabilities",
      "Service=WPS&Request=DescribeProcess&Version=3.0.0&Identifier=hello",
    ]) {
      await expectErrorReport(await kvp(t.base, q));
    }
  });
});

describe("A.4.2 GetCapabilities", () => {
  it("A.4.2.1 KVP parameter names in any case give the same answer", async () => {
    const answers = await Promise.all(
      [
        "service=wps&request=GetCapabilities",
        "service=wps&request=GetCapabilities&AcceptVersions=1.0.0",
        "service=wps&request=GetCapabilities&aCcepTVersioNS=1.0.0",
        "SERVICE=WPS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.0.0",
        "Service=WPS&Request=GetCapabilities&AcceptVersions=1.0.0",
      ].map((q) => kvp(t.base, q)),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  });

  it("A.4.2.2 XML POST GetCapabilities (the ETS's own document) is answered; a malformed one is an ExceptionReport", async () => {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><wps:GetCapabilities service="WPS" ` +
      `xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
      `xsi:schemaLocation="http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsGetCapabilities_request.xsd">` +
      `<wps:AcceptVersions><ows:Version xmlns:ows="http://www.opengis.net/ows/1.1">1.0.0</ows:Version></wps:AcceptVersions>` +
      `</wps:GetCapabilities>`;
    await expectValid(body, "wps1");
    const ok = await post(t.base, body);
    expect(ok.status).toBe(200);
    await expectValid(ok.body, "wps1");
    expect(wps1.decodeCapabilities(ok.body).version).toBe("1.0.0");
    const wrong = body.replace("<wps:GetCapabilities ", "<wps:getcapabilities ");
    await expectErrorReport(await post(t.base, wrong));
  });

  it("A.4.2.3 the response validates with and without AcceptVersions", async () => {
    for (const q of [
      "service=wps&request=GetCapabilities",
      "service=wps&request=GetCapabilities&AcceptVersions=1.0.0",
    ]) {
      const res = await kvp(t.base, q);
      expect(res.status).toBe(200);
      await expectValid(res.body, "wps1");
    }
  });

  it("A.4.2.4 version negotiation: the highest supported version, VersionNegotiationFailed above and below", async () => {
    const res = await kvp(t.base, "service=wps&request=GetCapabilities&language=en-US");
    const versions = [...res.body.matchAll(/<ows:ServiceTypeVersion>([^<]+)</g)].map((m) => m[1]);
    expect(versions).toEqual(["1.0.0"]);
    expect(wps1.decodeCapabilities(res.body).version).toBe("1.0.0");
    for (const v of ["3.0.0", "0.0.1"]) {
      await expectException(
        await kvp(t.base, `service=wps&request=GetCapabilities&language=en-US&AcceptVersions=${v}`),
        {
          status: 400,
          code: "VersionNegotiationFailed",
        },
      );
    }
    const ok = await kvp(t.base, "service=wps&request=GetCapabilities&language=en-US&AcceptVersions=1.0.0");
    expect(wps1.decodeCapabilities(ok.body).version).toBe("1.0.0");
  });

  it("A.4.2.5 an AcceptFormats parameter (even an unsupported format) still gets valid capabilities", async () => {
    for (const f of ["text/xml", "application/x-bxml"]) {
      const res = await kvp(
        t.base,
        `service=wps&request=GetCapabilities&AcceptVersions=1.0.0&AcceptFormats=${f}`,
      );
      expect(res.status).toBe(200);
      await expectValid(res.body, "wps1");
    }
  });

  it("A.4.2.6 every supported language selects that language (xml:lang)", async () => {
    const caps = wps1.decodeCapabilities(
      (await kvp(t.base, "service=wps&request=GetCapabilities&AcceptVersions=1.0.0")).body,
    );
    expect(caps.languages.length).toBeGreaterThan(1);
    for (const lang of caps.languages) {
      const res = await kvp(t.base, `service=wps&request=GetCapabilities&language=${lang}`);
      await expectValid(res.body, "wps1");
      expect(rootLang(res.body)).toBe(lang);
    }
  });
});

describe("A.4.3 DescribeProcess", () => {
  it("A.4.3.1/2 KVP and XML POST for every process the capabilities list, all valid, same content", async () => {
    const caps = wps1.decodeCapabilities((await kvp(t.base, "service=wps&request=GetCapabilities")).body);
    for (const p of caps.processes) {
      const g = await kvp(
        t.base,
        `service=wps&request=DescribeProcess&version=1.0.0&identifier=${encodeURIComponent(p.identifier)}`,
      );
      expect(g.status).toBe(200);
      await expectValid(g.body, "wps1");
      const reqDoc =
        `<?xml version="1.0" encoding="UTF-8"?><wps:DescribeProcess service="WPS" version="1.0.0" ${NS_DECL}>` +
        `<ows:Identifier>${p.identifier}</ows:Identifier></wps:DescribeProcess>`;
      await expectValid(reqDoc, "wps1");
      const pr = await post(t.base, reqDoc, { "content-type": "application/xml" });
      expect(pr.status).toBe(200);
      expect(wps1.decodeProcessDescriptions(pr.body)).toEqual(wps1.decodeProcessDescriptions(g.body));
      // The description's identifier and title match what the capabilities announced.
      const [d] = wps1.decodeProcessDescriptions(g.body);
      expect([d!.identifier, d!.title, d!.version]).toEqual([p.identifier, p.title, p.version]);
    }
  });

  it("A.4.3.3 language selection on DescribeProcess", async () => {
    for (const lang of ["en-US", "fr-CA", "de-DE"]) {
      const res = await kvp(
        t.base,
        `service=wps&request=DescribeProcess&version=1.0.0&identifier=all&language=${lang}`,
      );
      await expectValid(res.body, "wps1");
      expect(rootLang(res.body)).toBe(lang);
    }
  });
});

describe("A.4.4 Execute", () => {
  it("A.4.4.1 HTTP GET Execute: a valid ExecuteResponse, also when the URL arrives URL-decoded", async () => {
    const url = `${t.base}/wps?service=WPS&request=Execute&version=1.0.0&identifier=hello&DataInputs=name%3DETS`;
    for (const u of [url, decodeURIComponent(url)]) {
      const r = await expectExecuteResponse(await get(u));
      expect(literal(r, "output")).toBe("Hello ETS");
    }
  });

  it("A.4.4.2/3 XML POST with application/xml and RawDataOutput: the raw value with the requested type", async () => {
    const req = executeXml(
      "hello",
      { name: "hello_literal" },
      { raw: { id: "output", mimeType: "text/plain" } },
    );
    await expectValid(req, "wps1");
    const res = await post(t.base, req, { "content-type": "application/xml" });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    // ets-wps20's echo check: the raw body contains the literal sent.
    expect(res.body).toContain("hello_literal");
  });

  it("A.4.4.4 XML POST ResponseDocument: a valid ExecuteResponse", async () => {
    const req = executeXml(
      "dummyprocess",
      { input1: 1 },
      { outputs: [{ id: "output1" }, { id: "output2" }] },
    );
    await expectValid(req, "wps1");
    const r = await expectExecuteResponse(await post(t.base, req, { "content-type": "application/xml" }));
    expect(r.outputs.map((o) => o.identifier)).toEqual(["output1", "output2"]);
  });

  it.each([
    ["ultimate_question", {}, "answer"],
    ["sleep", { delay: 0.1 }, "sleep_output"],
  ] as const)(
    "A.4.4.5 updating response document (%s): every document dereferenced at statusLocation validates until ProcessSucceeded",
    async (id, inputs, out) => {
      // The schema wants at least one wps:Output in a ResponseDocument.
      const req = executeXml(id, inputs, { store: true, status: true, outputs: [{ id: out }] });
      await expectValid(req, "wps1");
      const first = await post(t.base, req, { "content-type": "application/xml" });
      expect(first.status).toBe(200);
      await expectValid(first.body, "wps1");
      const location = wps1.decodeExecuteResponse(first.body).statusLocation!;
      // ets-wps10 URL-decodes the location before dereferencing it: that must not change it.
      expect(decodeURIComponent(location)).toBe(location);
      const kinds: string[] = [];
      const deadline = Date.now() + 15_000;
      for (;;) {
        const res = await get(location);
        expect(res.status).toBe(200);
        // Every document seen, whatever its state, must validate (PyWPS's Accepted document does not).
        await expectValid(res.body, "wps1");
        const doc = wps1.decodeExecuteResponse(res.body);
        kinds.push(doc.status.kind);
        if (doc.status.kind === "succeeded") {
          expect(doc.outputs.map((o) => o.identifier)).toEqual([out]);
          break;
        }
        expect(doc.status.kind).not.toBe("failed");
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(15);
      }
      expect(kinds).toContain("started");
    },
  );

  it("A.4.4.6 language selection on Execute: appending Language=en-US still gives a valid response", async () => {
    const base = `${t.base}/wps?service=WPS&request=Execute&version=1.0.0&identifier=translation&DataInputs=input1=1`;
    for (const lang of ["en-US", "fr-CA", "de-DE"]) {
      const res = await get(`${base}&Language=${lang}`);
      await expectExecuteResponse(res);
      expect(rootLang(res.body)).toBe(lang);
    }
  });
});

describe("requests as real clients write them", () => {
  it("any namespace prefix is accepted (OWSLib writes ns0:, others a default namespace)", async () => {
    const ns0 =
      `<?xml version="1.0" encoding="UTF-8"?><ns0:Execute xmlns:ns0="http://www.opengis.net/wps/1.0.0" ` +
      `xmlns:ns1="http://www.opengis.net/ows/1.1" service="WPS" version="1.0.0"><ns1:Identifier>hello</ns1:Identifier>` +
      `<ns0:DataInputs><ns0:Input><ns1:Identifier>name</ns1:Identifier><ns0:Data><ns0:LiteralData>ns0</ns0:LiteralData>` +
      `</ns0:Data></ns0:Input></ns0:DataInputs><ns0:ResponseForm><ns0:ResponseDocument storeExecuteResponse="false">` +
      `<ns0:Output asReference="false"><ns1:Identifier>output</ns1:Identifier></ns0:Output></ns0:ResponseDocument>` +
      `</ns0:ResponseForm></ns0:Execute>`;
    await expectValid(ns0, "wps1");
    expect(literal(await expectExecuteResponse(await post(t.base, ns0)), "output")).toBe("Hello ns0");
    const dflt =
      `<Execute xmlns="http://www.opengis.net/wps/1.0.0" xmlns:o="http://www.opengis.net/ows/1.1" service="WPS" ` +
      `version="1.0.0"><o:Identifier>hello</o:Identifier><DataInputs><Input><o:Identifier>name</o:Identifier>` +
      `<Data><LiteralData>default</LiteralData></Data></Input></DataInputs></Execute>`;
    await expectValid(dflt, "wps1");
    expect(literal(await expectExecuteResponse(await post(t.base, dflt)), "output")).toBe("Hello default");
  });

  it("the right names in the wrong namespace are not the WPS elements", async () => {
    const wrong = executeXml("hello", { name: "x" }).replace(
      /xmlns:wps="[^"]+"/,
      'xmlns:wps="http://example.org/not-wps"',
    );
    await expectException(await post(t.base, wrong), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "request",
    });
  });
});
