/**
 * HTTP methods on `/wps`: WPS 1.0.0 binds its operations to GET (KVP) and POST (XML). Any other method is answered
 * 405 Method Not Allowed with `Allow: GET, POST` (RFC 9110 §15.5.6) and an OWS ExceptionReport a WPS client can read
 * — whatever the body and its content type — instead of a 404 that says the endpoint does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe("methods other than GET and POST on /wps", () => {
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    it(`${method} → 405, Allow: GET, POST, a valid ExceptionReport`, async () => {
      const res = await fetch(`${t.base}/wps?service=WPS&request=GetCapabilities`, {
        method,
        ...(method === "DELETE" ? {} : { body: "<not-wps/>", headers: { "content-type": "text/xml" } }),
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST");
      expect(res.headers.get("content-type")).toBe("text/xml; charset=utf-8");
      const body = await res.text();
      await expectValid(body, "owsException");
      expect(body).toContain(
        `<ows:Exception exceptionCode="OperationNotSupported" locator="${method}"><ows:ExceptionText>HTTP method ${method} is not supported at /wps; use GET (KVP) or POST (XML)</ows:ExceptionText>`,
      );
    });
  }

  it("answers before judging the body: an unknown content type or a large body still gets 405", async () => {
    const odd = await fetch(`${t.base}/wps`, {
      method: "PUT",
      body: new Uint8Array(64 * 1024),
      headers: { "content-type": "application/x-unknown" },
    });
    expect(odd.status).toBe(405);
    expect(odd.headers.get("allow")).toBe("GET, POST");
    await odd.arrayBuffer();
  });

  it("leaves GET and POST as they were, and other paths at 404", async () => {
    expect((await fetch(`${t.base}/wps?service=WPS&request=GetCapabilities`)).status).toBe(200);
    const post = await fetch(`${t.base}/wps`, {
      method: "POST",
      body: '<wps:GetCapabilities xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WPS"/>',
      headers: { "content-type": "text/xml" },
    });
    expect(post.status).toBe(200);
    await post.arrayBuffer();
    const elsewhere = await fetch(`${t.base}/wpsx`, { method: "PUT" });
    expect(elsewhere.status).toBe(404);
    await elsewhere.arrayBuffer();
  });
});
