/**
 * Bad requests over KVP and XML POST: each one an ows:ExceptionReport valid against owsExceptionReport.xsd, with
 * the right exceptionCode, a locator naming the parameter or the input/output when one applies, and a 4xx (501
 * for an unknown operation) — never a 500, never a stack trace, SQL or file content. References the default
 * policy refuses (loopback, link-local, private, file://) are refused before anything is fetched.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  dataInputs,
  type ExpectedException,
  esc,
  executeXml,
  expectException,
  kvp,
  kvpExecute,
  NS_DECL,
  post,
  postExecute,
  type Res,
} from "./helpers.js";

let t: TestServer;
/** A loopback HTTP server that counts the requests it gets: the WPS must never contact it. */
let canary: Server;
let canaryUrl: string;
let canaryHits = 0;

beforeAll(async () => {
  t = await startTestServer();
  canary = createServer((_req, res) => {
    canaryHits++;
    res.end("canary text");
  });
  await new Promise<void>((r) => canary.listen(0, "127.0.0.1", r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => canary?.close(() => r()));
  await t?.close();
});

const bad = (code: string, locator?: string | true, status = 400): ExpectedException => ({
  status,
  code,
  ...(locator !== undefined ? { locator } : {}),
});

// Requests that speak WPS 2.0.0 (version=2.0.0, a root in the WPS 2.0 namespace) are answered by the WPS 2.0.0
// front end since it exists: test/wps2/.
describe("KVP: service, request, version, identifier", () => {
  it.each([
    ["request missing", "service=WPS", bad("MissingParameterValue", "request")],
    ["request empty", "service=WPS&request=", bad("MissingParameterValue", "request")],
    ["service missing", "request=GetCapabilities", bad("MissingParameterValue", "service")],
    ["service empty", "service=&request=GetCapabilities", bad("MissingParameterValue", "service")],
    ["service=WMS", "service=WMS&request=GetCapabilities", bad("InvalidParameterValue", "service")],
    [
      "Service=WMS (ETS casing)",
      "Service=WMS&Request=GetCapabilities",
      bad("InvalidParameterValue", "service"),
    ],
    ["unknown operation", "service=WPS&request=GetFeature", bad("OperationNotSupported", "GetFeature", 501)],
    [
      "WPS 2.0 operation",
      "service=WPS&request=GetStatus&version=1.0.0",
      bad("OperationNotSupported", true, 501),
    ],
    [
      "DescribeProcess without version",
      "service=WPS&request=DescribeProcess&identifier=hello",
      bad("MissingParameterValue", "version"),
    ],
    [
      "DescribeProcess Version=3.0.0",
      "Service=WPS&Request=DescribeProcess&Version=3.0.0&Identifier=hello",
      bad("InvalidParameterValue", "version"),
    ],
    [
      "Execute without version",
      "service=WPS&request=Execute&identifier=hello&DataInputs=name=x",
      bad("MissingParameterValue", "version"),
    ],
    [
      "Execute version=3.0.0",
      "service=WPS&request=Execute&version=3.0.0&identifier=hello&DataInputs=name=x",
      bad("InvalidParameterValue", "version"),
    ],
    [
      "DescribeProcess without identifier",
      "service=WPS&request=DescribeProcess&version=1.0.0",
      bad("MissingParameterValue", "identifier"),
    ],
    [
      "DescribeProcess with an empty identifier",
      "service=WPS&request=DescribeProcess&version=1.0.0&identifier=",
      bad("MissingParameterValue", "identifier"),
    ],
    [
      "Execute without identifier",
      "service=WPS&request=Execute&version=1.0.0",
      bad("MissingParameterValue", "identifier"),
    ],
    [
      "Execute of an unknown process",
      "service=WPS&request=Execute&version=1.0.0&identifier=no_such_process",
      bad("InvalidParameterValue", "identifier"),
    ],
    [
      "GetCapabilities AcceptVersions=3.0.0",
      "service=WPS&request=GetCapabilities&AcceptVersions=3.0.0",
      bad("VersionNegotiationFailed"),
    ],
    [
      "unsupported language",
      "service=WPS&request=DescribeProcess&version=1.0.0&identifier=hello&language=xx",
      bad("InvalidParameterValue", "language"),
    ],
  ])("%s", async (_label, q, e) => {
    await expectException(await kvp(t.base, q), e);
  });
});

describe("KVP Execute: inputs and outputs", () => {
  const ex = (id: string, inputs: Parameters<typeof dataInputs>[0], extra: Record<string, string> = {}) =>
    kvpExecute(t.base, id, {
      ...(Object.keys(inputs).length ? { DataInputs: dataInputs(inputs) } : {}),
      ...extra,
    });

  it.each(["nope", "__proto__", "constructor", "toString", "hasOwnProperty", "Name"])(
    "unknown input %s → InvalidParameterValue with the input as locator",
    async (id) => {
      const errs = await expectException(
        await ex("hello", { name: "x", [id]: "1" }),
        bad("InvalidParameterValue", id),
      );
      expect(errs).toHaveLength(1);
    },
  );

  it("several bad inputs are all reported at once, each with its locator", async () => {
    const errs = await expectException(
      await ex("inout", { int: "abc", float: "x", nope: "1" }),
      bad("InvalidParameterValue", true),
    );
    expect(errs.map((e) => e.locator).sort()).toEqual(["float", "int", "nope"]);
    expect(errs.every((e) => e.code === "InvalidParameterValue")).toBe(true);
  });

  it.each([
    ["int", "abc"],
    ["int", "1.5"],
    ["int", ""],
    ["float", "abc"],
    ["float", "1,5"],
    ["float", "NaN"],
    ["boolean", "yes"],
    ["boolean", "no"],
    ["boolean", "2"],
    ["angle", "north"],
    ["time", "25:00:00"],
    ["time", "noon"],
    ["date", "2012-13-45"],
    ["date", "01/05/2012"],
    ["datetime", "yesterday"],
    ["datetime", "2016-09-02 12:00"], // a space is accepted (RFC 3339 §5.6); no seconds is not
    ["int_range", "ten"],
  ])("inout %s=%j is a wrong type → InvalidParameterValue, locator %s", async (id, value) => {
    await expectException(await ex("inout", { [id]: value }), bad("InvalidParameterValue", id));
  });

  it.each([
    ["bbox", "1,2,x,4"],
    ["bbox", "1,2,3"],
    ["bbox", "1,2,3,4,epsg:9999"],
  ])("bbox %s=%j → InvalidParameterValue, locator %s", async (id, value) => {
    await expectException(await ex("bbox", { [id]: value }), bad("InvalidParameterValue", id));
  });

  it.each([
    ["inout", "int", "4"],
    ["inout", "int_range", "105"],
    ["inout", "int_range", "11"],
    ["inout", "int_range", "210"],
    ["inout", "string_choice", "lizard"],
    ["inout", "string_multiple_choice", "ugly duckling"],
    ["multiple_outputs", "count", "11"],
    ["multiple_outputs", "count", "0"],
    ["simple_dry_run", "count", "21"],
    ["binaryoperatorfornumbers", "operator", "modulo"],
  ])("%s %s=%s is not allowed → InvalidParameterValue with the input as locator", async (p, id, value) => {
    const errs = await expectException(await ex(p, { [id]: value }), bad("InvalidParameterValue", id));
    expect(errs[0]!.text).toContain(value);
  });

  it.each([
    ["inout", "float", ["1", "2", "3", "4", "5", "6"]],
    ["inout", "string_multiple_choice", ["sitting duck", "flying goose", "happy pinguin"]],
    ["hello", "name", ["a", "b"]],
  ])("%s: too many %s occurrences → InvalidParameterValue (never truncated)", async (p, id, values) => {
    const errs = await expectException(await ex(p, { [id]: values }), bad("InvalidParameterValue", id));
    expect(errs[0]!.text).toMatch(/at most/);
  });

  it("a missing required input → MissingParameterValue with the input as locator", async () => {
    await expectException(await ex("hello", {}), bad("MissingParameterValue", "name"));
    await expectException(await ex("wordcounter", {}), bad("MissingParameterValue", "text"));
    await expectException(await ex("non.py-id", { "input 1": "1" }), bad("MissingParameterValue", "input-2"));
  });

  it("an unsupported input format → InvalidParameterValue with the input as locator", async () => {
    await expectException(
      await kvpExecute(t.base, "wordcounter", { DataInputs: "text=hello@mimeType=image/png" }),
      bad("InvalidParameterValue", "text"),
    );
  });

  it("an unknown output in ResponseDocument or RawDataOutput → InvalidParameterValue, locator the output", async () => {
    await expectException(
      await ex("hello", { name: "x" }, { ResponseDocument: "nope" }),
      bad("InvalidParameterValue", "nope"),
    );
    await expectException(
      await ex("hello", { name: "x" }, { ResponseDocument: "output;__proto__" }),
      bad("InvalidParameterValue", "__proto__"),
    );
    await expectException(
      await ex("hello", { name: "x" }, { RawDataOutput: "nope" }),
      bad("InvalidParameterValue", "nope"),
    );
  });

  it("RawDataOutput with two outputs, or with ResponseDocument → InvalidParameterValue", async () => {
    await expectException(
      await ex("dummyprocess", {}, { RawDataOutput: "output1;output2" }),
      bad("InvalidParameterValue", "RawDataOutput"),
    );
    await expectException(
      await ex("dummyprocess", {}, { RawDataOutput: "output1", ResponseDocument: "output2" }),
      bad("InvalidParameterValue", true),
    );
  });

  it("status=true without storeExecuteResponse → InvalidParameterValue, locator status", async () => {
    await expectException(
      await ex("hello", { name: "x" }, { status: "true" }),
      bad("InvalidParameterValue", "status"),
    );
    await expectException(
      await ex("hello", { name: "x" }, { status: "true", storeExecuteResponse: "false" }),
      bad("InvalidParameterValue", "status"),
    );
  });

  it("storeExecuteResponse or asReference on nap (no storage) → StorageNotSupported", async () => {
    await expectException(
      await ex("nap", { delay: "0.01" }, { storeExecuteResponse: "true" }),
      bad("StorageNotSupported", "storeExecuteResponse"),
    );
    await expectException(
      await ex("nap", { delay: "0.01" }, { storeExecuteResponse: "true", status: "true" }),
      bad("StorageNotSupported"),
    );
    await expectException(
      await ex("nap", { delay: "0.01" }, { ResponseDocument: "output@asReference=true" }),
      bad("StorageNotSupported", "output"),
    );
  });

  it("flags that are not booleans → InvalidParameterValue naming the flag", async () => {
    await expectException(
      await ex("hello", { name: "x" }, { storeExecuteResponse: "maybe" }),
      bad("InvalidParameterValue", "storeExecuteResponse"),
    );
    await expectException(
      await ex("hello", { name: "x" }, { lineage: "yes" }),
      bad("InvalidParameterValue", "lineage"),
    );
  });

  it("a DataInputs entry without identifier → InvalidParameterValue, locator DataInputs", async () => {
    await expectException(
      await kvpExecute(t.base, "hello", { DataInputs: "=x" }),
      bad("InvalidParameterValue", "DataInputs"),
    );
  });
});

describe("references the default policy refuses (checked before anything is fetched)", () => {
  const refused = () => [
    ["this server (loopback)", `${t.base}/wps?service=WPS&request=GetCapabilities`],
    ["a loopback listener", `${canaryUrl}/text.txt`],
    ["localhost by name", "http://localhost:9/x"],
    ["IPv6 loopback", "http://[::1]:9/x"],
    ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]:9/x"],
    ["cloud metadata (link-local)", "http://169.254.169.254/latest/meta-data/"],
    ["a private network", "http://10.1.2.3/x"],
    ["the unspecified address", "http://0.0.0.0:9/x"],
    ["a decimal-encoded loopback", "http://2130706433/x"],
    ["file://", "file:///etc/passwd"],
    ["ftp://", "ftp://127.0.0.1/x"],
    ["gopher://", "gopher://127.0.0.1:70/x"],
  ];

  it("KVP and POST: InvalidParameterValue with the input as locator, no fetch, no file content", async () => {
    const before = canaryHits;
    for (const [label, href] of refused()) {
      for (const res of [
        await kvpExecute(t.base, "wordcounter", {
          DataInputs: `text=@xlink:href=${encodeURIComponent(href!)}`,
        }),
        await postExecute(t.base, "wordcounter", { text: { href: href! } }),
      ]) {
        const errs = await expectException(res, bad("InvalidParameterValue", "text"));
        expect(errs[0]!.text, label).toMatch(/refused|not allowed|not enabled|not supported/i);
        expect(res.body).not.toMatch(/root:x?:0:0|canary text/);
      }
    }
    expect(canaryHits - before).toBe(0);
  });
});

describe("XML POST", () => {
  it.each([
    ["malformed XML", `<wps:Execute service="WPS" version="1.0.0" ${NS_DECL}><ows:Identifier>hello`],
    ["mismatched tags", `<wps:GetCapabilities service="WPS" ${NS_DECL}></wps:Execute>`],
    ["an undeclared prefix", `<wps:GetCapabilities service="WPS"/>`],
    ["text only", "service=WPS&request=GetCapabilities"],
    ["JSON", `{"process":"hello","inputs":{"name":"x"}}`],
    ["two roots", `<a/><b/>`],
  ])("%s → 400 NoApplicableCode", async (_l, body) => {
    await expectException(await post(t.base, body), bad("NoApplicableCode"));
  });

  it("binary garbage → 400", async () => {
    const res = await post(t.base, Buffer.from([0x00, 0xff, 0xfe, 0x3c, 0x80, 0x01]), {
      "content-type": "application/octet-stream",
    });
    await expectException(res, bad("NoApplicableCode"));
  });

  it("an empty or blank body → MissingParameterValue, locator request", async () => {
    await expectException(await post(t.base, ""), bad("MissingParameterValue", "request"));
    await expectException(await post(t.base, "  \n\t "), bad("MissingParameterValue", "request"));
  });

  it("an XXE payload (DOCTYPE with a SYSTEM entity) is refused without reading the file", async () => {
    const body =
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
      executeXml("hello", { name: "PLACE" })
        .replace(/^<\?xml[^>]*>/, "")
        .replace("PLACE", "&xxe;");
    const res = await post(t.base, body);
    await expectException(res, { status: 400, code: "NoApplicableCode", text: /DOCTYPE/ });
    expect(res.body).not.toMatch(/root:/);
  });

  it("a DOCTYPE naming an external DTD over HTTP is refused without fetching it", async () => {
    const before = canaryHits;
    const res = await post(
      t.base,
      `<?xml version="1.0"?><!DOCTYPE wps:GetCapabilities SYSTEM "${canaryUrl}/evil.dtd">` +
        `<wps:GetCapabilities service="WPS" ${NS_DECL}/>`,
    );
    await expectException(res, bad("NoApplicableCode"));
    expect(canaryHits).toBe(before);
  });

  it("billion laughs is refused at once", async () => {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
    const started = Date.now();
    const res = await post(
      t.base,
      `<?xml version="1.0"?><!DOCTYPE lolz [${ents.join("")}]><wps:Execute service="WPS" version="1.0.0" ${NS_DECL}>` +
        `<ows:Identifier>hello</ows:Identifier><wps:DataInputs><wps:Input><ows:Identifier>name</ows:Identifier>` +
        `<wps:Data><wps:LiteralData>&lol9;</wps:LiteralData></wps:Data></wps:Input></wps:DataInputs></wps:Execute>`,
    );
    await expectException(res, bad("NoApplicableCode"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).not.toContain("lollol");
  });

  it("an entity reference without DOCTYPE is not well-formed → 400", async () => {
    const res = await post(t.base, executeXml("hello", { name: "x" }).replace(">x<", ">&custom;<"));
    await expectException(res, bad("NoApplicableCode"));
  });

  it("XML nested deeper than the limit → 400; just under it is fine", async () => {
    const nest = (n: number) => "<x>".repeat(n) + "</x>".repeat(n);
    const deep = `<wps:GetCapabilities service="WPS" ${NS_DECL}>${nest(100)}</wps:GetCapabilities>`;
    await expectException(await post(t.base, deep), {
      status: 400,
      code: "NoApplicableCode",
      text: /deeper/,
    });
    const ok = await post(
      t.base,
      `<wps:GetCapabilities service="WPS" ${NS_DECL}>${nest(10)}</wps:GetCapabilities>`,
    );
    expect(ok.status).toBe(200);
  });

  it("a document with too many elements → 400", async () => {
    const many = `<wps:GetCapabilities service="WPS" ${NS_DECL}>${"<x/>".repeat(200_001)}</wps:GetCapabilities>`;
    await expectException(await post(t.base, many), {
      status: 400,
      code: "NoApplicableCode",
      text: /elements/,
    });
  });

  it.each([
    ["an unknown WPS element", `<wps:GetStatus service="WPS" version="1.0.0" ${NS_DECL}/>`],
    ["a non-WPS root", `<foo service="WPS" version="1.0.0"/>`],
    ["an OWS root", `<ows:GetCapabilities xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS"/>`],
  ])("%s → InvalidParameterValue, locator request", async (_l, body) => {
    await expectException(await post(t.base, body), bad("InvalidParameterValue", "request"));
  });

  const hello = executeXml("hello", { name: "x" });

  it.each([
    ["service missing", hello.replace(' service="WPS"', ""), bad("MissingParameterValue", "service")],
    ["service=WMS", hello.replace('service="WPS"', 'service="WMS"'), bad("InvalidParameterValue", "service")],
    ["version missing", hello.replace(' version="1.0.0"', ""), bad("MissingParameterValue", "version")],
    [
      "version=2.0.0",
      hello.replace('version="1.0.0"', 'version="2.0.0"'),
      bad("InvalidParameterValue", "version"),
    ],
    [
      "version=3.0.0",
      hello.replace('version="1.0.0"', 'version="3.0.0"'),
      bad("InvalidParameterValue", "version"),
    ],
    [
      "ows:Identifier missing",
      hello.replace("<ows:Identifier>hello</ows:Identifier>", ""),
      bad("MissingParameterValue", "Identifier"),
    ],
    ["unknown process", executeXml("nope", {}), bad("InvalidParameterValue", "identifier")],
    ["unknown input", executeXml("hello", { name: "x", nome: "y" }), bad("InvalidParameterValue", "nome")],
    [
      "input __proto__",
      executeXml(
        "hello",
        {},
        {
          repeated: [
            ["name", "x"],
            ["__proto__", "y"],
          ],
        },
      ),
      bad("InvalidParameterValue", "__proto__"),
    ],
    [
      "input constructor",
      executeXml("hello", { name: "x", constructor: "y" }),
      bad("InvalidParameterValue", "constructor"),
    ],
    ["missing required input", executeXml("hello", {}), bad("MissingParameterValue", "name")],
    ["wrong type", executeXml("inout", { angle: "ninety" }), bad("InvalidParameterValue", "angle")],
    ["not allowed", executeXml("inout", { int_range: 105 }), bad("InvalidParameterValue", "int_range")],
    [
      "too many",
      executeXml("inout", {}, { repeated: Array.from({ length: 6 }, () => ["float", 1] as const) }),
      bad("InvalidParameterValue", "float"),
    ],
    [
      "unknown output",
      executeXml("hello", { name: "x" }, { outputs: [{ id: "nope" }] }),
      bad("InvalidParameterValue", "nope"),
    ],
    [
      "unknown raw output",
      executeXml("hello", { name: "x" }, { raw: { id: "nope" } }),
      bad("InvalidParameterValue", "nope"),
    ],
    [
      "unsupported output format",
      executeXml("output_formats", {}, { outputs: [{ id: "json", mimeType: "image/png" }] }),
      bad("InvalidParameterValue", "json"),
    ],
    [
      "status without store",
      executeXml("hello", { name: "x" }, { status: true, store: false }),
      bad("InvalidParameterValue", "status"),
    ],
    [
      "store on nap",
      executeXml("nap", { delay: 0.01 }, { store: true }),
      bad("StorageNotSupported", "storeExecuteResponse"),
    ],
    [
      "store and status on nap",
      executeXml("nap", { delay: 0.01 }, { store: true, status: true }),
      bad("StorageNotSupported"),
    ],
    [
      "a flag that is not a boolean",
      executeXml("hello", { name: "x" }, { store: true }).replace(
        'storeExecuteResponse="true"',
        'storeExecuteResponse="sure"',
      ),
      bad("InvalidParameterValue", "storeExecuteResponse"),
    ],
    [
      "an input without Data or Reference",
      hello.replace(/<wps:Data>.*<\/wps:Data>/, ""),
      bad("MissingParameterValue", "name"),
    ],
    [
      "an input with an empty Data",
      hello.replace(/<wps:Data>.*<\/wps:Data>/, "<wps:Data/>"),
      bad("InvalidParameterValue", "name"),
    ],
    [
      "a non-numeric bbox corner",
      executeXml("bbox", { bbox: { bbox: [1, 2, 3, 4] } }).replace("1 2", "1 north"),
      bad("InvalidParameterValue", "bbox"),
    ],
    [
      "a bbox in an unsupported CRS",
      executeXml("bbox", { bbox: { bbox: [1, 2, 3, 4], crs: "EPSG:9999" } }),
      bad("InvalidParameterValue", "bbox"),
    ],
    [
      "complex data declared base64 that is not",
      executeXml("wordcounter", { text: { complex: "*** not base64 ***", encoding: "base64" } }),
      bad("InvalidParameterValue", "text"),
    ],
    [
      "a reference with method PUT",
      executeXml("wordcounter", { text: { href: "https://example.org/a.txt" } }).replace(
        "<wps:Reference ",
        '<wps:Reference method="PUT" ',
      ),
      bad("InvalidParameterValue", "text"),
    ],
    [
      "a reference without href",
      hello.replace(/<wps:Data>.*<\/wps:Data>/, `<wps:Reference mimeType="text/plain"/>`),
      bad("MissingParameterValue", "name"),
    ],
    [
      "ResponseDocument and RawDataOutput together",
      executeXml("hello", { name: "x" }, { raw: { id: "output" } }).replace(
        "<wps:ResponseForm>",
        "<wps:ResponseForm><wps:ResponseDocument/>",
      ),
      bad("InvalidParameterValue", true),
    ],
    [
      "unsupported language",
      executeXml("hello", { name: "x" }, { language: "xx" }),
      bad("InvalidParameterValue", "language"),
    ],
  ])("Execute: %s", async (_l, body, e) => {
    await expectException(await post(t.base, body), e);
  });

  it("DescribeProcess: version, identifier and unknown process", async () => {
    const dp = (attrs: string, ids: string) =>
      post(t.base, `<wps:DescribeProcess ${attrs} ${NS_DECL}>${ids}</wps:DescribeProcess>`);
    await expectException(
      await dp('service="WPS"', "<ows:Identifier>hello</ows:Identifier>"),
      bad("MissingParameterValue", "version"),
    );
    await expectException(
      await dp('service="WPS" version="2.0.0"', "<ows:Identifier>hello</ows:Identifier>"),
      bad("InvalidParameterValue", "version"),
    );
    await expectException(
      await dp('service="WPS" version="1.0.0"', ""),
      bad("MissingParameterValue", "Identifier"),
    );
    await expectException(
      await dp('service="WPS" version="1.0.0"', `<ows:Identifier>${esc("<nope>")}</ows:Identifier>`),
      bad("InvalidParameterValue", true),
    );
  });
});

describe("other routes under /wps", () => {
  it("an unknown path under /wps answers a 404 ExceptionReport", async () => {
    const res = await fetch(`${t.base}/wps/extra/path?service=WPS&request=GetCapabilities`);
    const r: Res = {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      body: await res.text(),
      headers: res.headers,
    };
    await expectException(r, { status: 404, code: "InvalidParameterValue" });
  });
});
