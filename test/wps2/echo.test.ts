/**
 * The `echo` process (the OGC conformance suites' test process, `packages/server/src/demo/echo.ts`) against the
 * habits of ets-wps20 (`wps.md` §6): its description has a string LiteralData input, a ComplexData input and
 * BoundingBoxData, all XSD-valid; KVP keys in the suite's casings; the literal and the complex input echoed raw in
 * separate sync requests (the complex one sent without a mimeType); async Execute answering HTTP 200 with a
 * `wps:Status`; GetStatus and GetResult by KVP and POST; `mode="auto"`; unique job ids.
 *
 * The server loads the echo module itself (`processes.modules`), so the suite does not depend on whether the
 * registry serves it among the demo processes. Until the branch carrying echo is merged, the file is absent and the
 * suite is skipped (TODO: remove the guard once `echo` is on every branch).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseXml, textOf, wps2 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  accepted,
  execute,
  expectDoc,
  expectResult,
  expectStatusInfo,
  jobRequest,
  kvp,
  literalOf,
  pollStatus,
  post2,
  ROOT_ATTRS,
} from "./helpers.js";

const ECHO = fileURLToPath(new URL("../../packages/server/src/demo/echo.ts", import.meta.url));

describe.runIf(existsSync(ECHO))("echo, as ets-wps20 uses it", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ "processes.demo": false, "processes.modules": [ECHO] });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("DescribeProcess in the suite's casings: a string literal, a complex input and a bounding box, XSD-valid", async () => {
    for (const q of [
      "Service=WPS&Version=2.0.0&Request=DescribeProcess&Identifier=echo",
      "SERVICE=WPS&VERSION=2.0.0&REQUEST=DescribeProcess&IDENTIFIER=echo",
      "service=WPS&version=2.0.0&request=DescribeProcess&identifier=ALL",
    ]) {
      const res = await kvp(t.base, q);
      await expectDoc(res);
      const [echo] = wps2.decodeProcessOfferings(res.body);
      expect(echo?.identifier).toBe("echo");
      expect(echo?.jobControlOptions).toEqual(["sync-execute", "async-execute", "dismiss"]);
      const kinds = new Set(echo?.inputs.map((i) => i.kind));
      expect([...kinds].sort()).toEqual(["bbox", "complex", "literal"]);
      expect(echo?.inputs.some((i) => i.kind === "literal" && i.dataType === "string")).toBe(true);
    }
  });

  it("GetCapabilities (POST and KVP) lists echo", async () => {
    const post = await post2(
      t.base,
      `<wps:GetCapabilities service="WPS" xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"><ows:AcceptVersions><ows:Version>2.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`,
    );
    await expectDoc(post);
    expect(wps2.decodeCapabilities(post.body).processes.map((p) => p.identifier)).toContain("echo");
    await expectDoc(await kvp(t.base, "Service=WPS&Version=2.0.0&Request=GetCapabilities"));
  });

  it("sync raw literal echo: the body holds the literal sent (text/plain and LiteralValue encodings)", async () => {
    for (const value of ["hello_literal", { literal: "hello_literal" }] as const) {
      const res = await execute(
        t.base,
        "echo",
        { stringInput: value },
        {
          response: "raw",
          outputs: [{ id: "stringInput" }],
        },
      );
      expect(res.status, res.body).toBe(200);
      expect(res.body).toContain("hello_literal");
    }
  });

  it("sync raw complex echo: XML sent without a mimeType comes back as that XML element", async () => {
    const res = await execute(
      t.base,
      "echo",
      { complexInput: { xml: "<testElement>hello_complex</testElement>" } },
      {
        response: "raw",
        outputs: [{ id: "complexInput" }],
      },
    );
    expect(res.status, res.body).toBe(200);
    expect(res.type).toMatch(/xml/);
    // The element comes back with the namespace declarations it had in scope in the request (unused here).
    const root = parseXml(res.body);
    expect([root.uri, root.local, textOf(root)]).toEqual(["", "testElement", "hello_complex"]);
  });

  it("sync document echo: the literal and the bounding box in a valid Result", async () => {
    const r = await expectResult(
      await execute(
        t.base,
        "echo",
        {
          stringInput: "hello_literal",
          boundingBoxInput: { bbox: [51.9, 7, 52, 7.1], crs: "EPSG:4326" },
        },
        { outputs: [{ id: "stringInput" }, { id: "boundingBoxInput" }] },
      ),
    );
    expect(literalOf(r, "stringInput")).toBe("hello_literal");
    expect(r.outputs.find((o) => o.identifier === "boundingBoxInput")?.value).toMatchObject({
      kind: "bbox",
      lowerCorner: [51.9, 7],
      upperCorner: [52, 7.1],
    });
  });

  it("async: HTTP 200 with wps:Status; GetStatus and GetResult by KVP and POST; distinct job ids", async () => {
    const submit = () =>
      execute(
        t.base,
        "echo",
        { stringInput: "hello_literal" },
        { mode: "async", outputs: [{ id: "stringInput" }] },
      );
    const res = await submit();
    expect(res.status).toBe(200);
    expect(res.body).toContain("<wps:Status>");
    const id = await accepted(res);
    const other = await accepted(await submit());
    expect(other).not.toBe(id);
    for (const binding of ["kvp", "xml"] as const) {
      expect((await pollStatus(t.base, id, { binding })).at(-1)?.kind).toBe("succeeded");
      expect(
        literalOf(await expectResult(await jobRequest(t.base, "GetResult", id, binding)), "stringInput"),
      ).toBe("hello_literal");
    }
    await pollStatus(t.base, other);
  });

  it('mode="auto" answers a valid document', async () => {
    const res = await post2(
      t.base,
      `<wps:Execute ${ROOT_ATTRS} mode="auto" response="document"><ows:Identifier>echo</ows:Identifier>` +
        `<wps:Input id="stringInput"><wps:Data><wps:LiteralValue>hello_literal</wps:LiteralValue></wps:Data></wps:Input>` +
        `<wps:Output id="stringInput" transmission="value"/></wps:Execute>`,
    );
    await expectDoc(res);
    const doc = wps2.decodeResponse(res.body);
    if (doc.kind === "status") await pollStatus(t.base, doc.status.jobId);
    else expect(doc.kind).toBe("result");
  });

  it("a pausing echo can be dismissed", async () => {
    const id = await accepted(await execute(t.base, "echo", { pause: "30" }, { mode: "async" }));
    await pollStatus(t.base, id, { until: (s) => s.kind === "running" });
    await expectStatusInfo(await jobRequest(t.base, "Dismiss", id));
    expect((await pollStatus(t.base, id)).at(-1)?.kind).toBe("dismissed");
  });
});
