/**
 * Version negotiation at `/wps`: AcceptVersions in the client's order (KVP and POST, either namespace), `version`
 * in any key case, the default (1.0.0) for a bare GetCapabilities, WPS 1.0.0 requests still answered by WPS 1.0.0,
 * and an unsupported version refused with a 4xx for every operation — VersionNegotiationFailed for GetCapabilities,
 * InvalidParameterValue (locator `version`) for the operations that carry a version (OWS Common 2.0), never a 200.
 */
import { parseXml, wps1, wps2 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import { expectException, NS_DECL } from "../wps1/helpers.js";
import {
  executeXml,
  expectDoc,
  expectException2,
  jobRequestXml,
  kvp,
  NS2,
  post,
  post2,
  type Res,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

/** The version of a Capabilities document, after checking it against its version's schema. */
async function capsVersion(res: Res): Promise<string> {
  expect(res.status, res.body.slice(0, 600)).toBe(200);
  const root = parseXml(res.body);
  expect(root.local).toBe("Capabilities");
  if (root.uri === wps2.NS.wps) {
    await expectValid(res.body, "wps2");
    expect(wps2.decodeCapabilities(res.body).version).toBe("2.0.0");
  } else {
    await expectValid(res.body, "wps1");
    expect(wps1.decodeCapabilities(res.body).version).toBe("1.0.0");
  }
  return root.attrs.get("version") ?? "";
}

/** A GetCapabilities POST with AcceptVersions; `root` picks the request's namespace. */
const capsXml = (versions: readonly string[], root: "wps1" | "wps2") =>
  root === "wps1"
    ? `<?xml version="1.0" encoding="UTF-8"?><wps:GetCapabilities service="WPS" ${NS_DECL}><wps:AcceptVersions>` +
      versions.map((v) => `<ows:Version>${v}</ows:Version>`).join("") +
      `</wps:AcceptVersions></wps:GetCapabilities>`
    : `<?xml version="1.0" encoding="UTF-8"?><wps:GetCapabilities service="WPS" ${NS2}><ows:AcceptVersions>` +
      versions.map((v) => `<ows:Version>${v}</ows:Version>`).join("") +
      `</ows:AcceptVersions></wps:GetCapabilities>`;

describe("GetCapabilities", () => {
  it("the POST requests used here are schema-valid in their namespace", async () => {
    await expectValid(capsXml(["2.0.0", "1.0.0"], "wps1"), "wps1");
    await expectValid(capsXml(["2.0.0", "1.0.0"], "wps2"), "wps2");
  });

  it.each([
    ["2.0.0,1.0.0", "2.0.0"],
    ["1.0.0,2.0.0", "1.0.0"],
    ["2.0.0", "2.0.0"],
    ["3.0.0,2.0.0,1.0.0", "2.0.0"],
    ["3.0.0, 1.0.0 ,2.0.0", "1.0.0"],
  ])(
    "AcceptVersions=%s answers %s: the first supported version in the client's order (KVP and POST)",
    async (list, want) => {
      expect(
        await capsVersion(await kvp(t.base, `service=WPS&request=GetCapabilities&AcceptVersions=${list}`)),
      ).toBe(want);
      const versions = list.split(",").map((v) => v.trim());
      for (const root of ["wps1", "wps2"] as const)
        expect(await capsVersion(await post(t.base, capsXml(versions, root)))).toBe(want);
    },
  );

  it.each([
    "ACCEPTVERSIONS=2.0.0&SERVICE=WPS&REQUEST=GETCAPABILITIES",
    "acceptversions=2.0.0&service=wps&request=getcapabilities",
    "Service=WPS&Version=2.0.0&Request=GetCapabilities",
    "SERVICE=WPS&VERSION=2.0.0&REQUEST=GetCapabilities",
    "service=WPS&version=2.0.0&request=GetCapabilities",
    "service=WPS&vErSiOn=2.0.0&request=GetCapabilities",
  ])("%s answers 2.0.0 (keys in any case)", async (q) => {
    expect(await capsVersion(await kvp(t.base, q))).toBe("2.0.0");
  });

  it.each([
    "service=WPS&request=GetCapabilities",
    "service=WPS&request=GetCapabilities&version=1.0.0",
    "Service=WPS&Request=GetCapabilities&AcceptVersions=1.0.0",
  ])("%s answers 1.0.0 (the default, and an explicit 1.0.0)", async (q) => {
    expect(await capsVersion(await kvp(t.base, q))).toBe("1.0.0");
  });

  it("AcceptVersions wins over version", async () => {
    const q = "service=WPS&request=GetCapabilities&AcceptVersions=1.0.0&version=2.0.0";
    expect(await capsVersion(await kvp(t.base, q))).toBe("1.0.0");
  });

  it.each([
    ["AcceptVersions=3.0.0", "AcceptVersions"],
    ["AcceptVersions=0.9,3.0", "AcceptVersions"],
    ["Version=3.0.0", "version"],
    ["VERSION=2.0", "version"],
  ])("%s: VersionNegotiationFailed, HTTP 400, locator %s", async (extra, locator) => {
    await expectException(await kvp(t.base, `service=WPS&request=GetCapabilities&${extra}`), {
      status: 400,
      code: "VersionNegotiationFailed",
      locator,
      text: "2.0.0 and 1.0.0",
    });
  });

  it("a WPS 2.0 GetCapabilities document naming no supported version: VersionNegotiationFailed in OWS 2.0", async () => {
    await expectException2(await post2(t.base, capsXml(["3.0.0"], "wps2")), {
      status: 400,
      code: "VersionNegotiationFailed",
      locator: "AcceptVersions",
    });
    await expectException(await post(t.base, capsXml(["3.0.0"], "wps1")), {
      status: 400,
      code: "VersionNegotiationFailed",
    });
  });
});

describe("the other operations", () => {
  const JOB = "5f0c7a52-3b7e-4d61-9a1c-2f4e8b6d0a11";

  it("version=2.0.0 on DescribeProcess answers a WPS 2.0 ProcessOfferings; 1.0.0 a ProcessDescriptions", async () => {
    const v2 = await kvp(t.base, "Service=WPS&Version=2.0.0&Request=DescribeProcess&Identifier=hello");
    await expectDoc(v2);
    expect(parseXml(v2.body).local).toBe("ProcessOfferings");
    const v1 = await kvp(t.base, "service=WPS&version=1.0.0&request=DescribeProcess&identifier=hello");
    expect(v1.status).toBe(200);
    await expectValid(v1.body, "wps1");
    expect(parseXml(v1.body).local).toBe("ProcessDescriptions");
  });

  it.each(["DescribeProcess&identifier=hello", "Execute&identifier=hello&DataInputs=name=x"])(
    "%s with version=3.0.0: InvalidParameterValue, locator version, HTTP 400 (WPS 1.0.0 report)",
    async (rest) => {
      await expectException(await kvp(t.base, `service=WPS&Version=3.0.0&request=${rest}`), {
        status: 400,
        code: "InvalidParameterValue",
        locator: "version",
        text: "2.0.0 or 1.0.0",
      });
    },
  );

  it.each(["GetStatus", "GetResult", "Dismiss"])(
    "%s: version=3.0.0 → InvalidParameterValue, no version → MissingParameterValue (OWS 2.0, HTTP 400)",
    async (op) => {
      await expectException2(await kvp(t.base, `service=WPS&VERSION=3.0.0&request=${op}&JobID=${JOB}`), {
        status: 400,
        code: "InvalidParameterValue",
        locator: "version",
      });
      await expectException2(await kvp(t.base, `service=WPS&request=${op}&JobID=${JOB}`), {
        status: 400,
        code: "MissingParameterValue",
        locator: "version",
      });
      // WPS 1.0.0 has no such operation.
      await expectException(await kvp(t.base, `service=WPS&version=1.0.0&request=${op}&JobID=${JOB}`), {
        status: 501,
        code: "OperationNotSupported",
      });
    },
  );

  it.each([
    ["Execute", executeXml("hello", { name: "x" })],
    [
      "DescribeProcess",
      `<wps:DescribeProcess service="WPS" version="2.0.0" ${NS2}><ows:Identifier>hello</ows:Identifier></wps:DescribeProcess>`,
    ],
    ["GetStatus", jobRequestXml("GetStatus", JOB)],
    ["GetResult", jobRequestXml("GetResult", JOB)],
    ["Dismiss", jobRequestXml("Dismiss", JOB)],
  ])(
    "a WPS 2.0 %s document with version 3.0.0 or none: InvalidParameterValue / MissingParameterValue",
    async (_op, doc) => {
      await expectException2(await post2(t.base, doc.replace('version="2.0.0"', 'version="3.0.0"')), {
        status: 400,
        code: "InvalidParameterValue",
        locator: "version",
      });
      await expectException2(await post2(t.base, doc.replace(' version="2.0.0"', "")), {
        status: 400,
        code: "MissingParameterValue",
        locator: "version",
      });
    },
  );

  it("Service=WMS with Version=2.0.0 is refused (ets-wps20 A.5.1): InvalidParameterValue, locator service", async () => {
    await expectException2(await kvp(t.base, "Service=WMS&Version=2.0.0&Request=GetCapabilities"), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "service",
    });
  });

  it("no answer to an unsupported version is ever a 200", async () => {
    const versions = ["3.0.0", "0.0.1", "2.0", "1.0", "2.0.0.0", ""];
    const ops = [
      "GetCapabilities",
      "DescribeProcess&identifier=hello",
      "Execute&identifier=hello",
      "GetStatus&JobID=x",
    ];
    for (const v of versions)
      for (const op of ops) {
        const q = `service=WPS&request=${op}&${op === "GetCapabilities" ? "AcceptVersions" : "version"}=${v}`;
        const res = await kvp(t.base, q);
        if (v === "" && op === "GetCapabilities") continue; // an empty AcceptVersions names nothing: the default
        expect(res.status, `${q}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
  });
});
