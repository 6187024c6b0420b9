/**
 * `fetchReference` over HTTP against real servers on 127.0.0.1: the happy path, POST bodies and headers,
 * redirects (re-checked, bounded, 303 semantics, credentials not forwarded across origins), the byte cap whatever
 * the server claims, deadlines, HTTP errors, refused connections, caller aborts, and connection pinning.
 */
import { execFileSync } from "node:child_process";
import dns from "node:dns";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import type { RawReference } from "@roost/core/internal";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fetchReference, MAX_BODY_REFERENCE_BYTES } from "../../src/fetch/index.js";
import { closeAll, failure, freePort, httpServer, listen, policy, tempDir } from "./helpers.js";

let tmp: { dir: string; cleanup: () => void };
let dest: string;

beforeEach(() => {
  tmp = tempDir("roost-fetch-");
  dest = join(tmp.dir, "input.bin");
});

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
  tmp.cleanup();
});

const ref = (href: string, more: Partial<RawReference> = {}): RawReference => ({
  kind: "reference",
  href,
  ...more,
});

describe("fetchReference: GET", () => {
  it("downloads the exact bytes and reports size and content type", async () => {
    const payload = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/octet-stream; x=1" });
      res.end(payload);
    });
    const out = await fetchReference(ref(`${srv.url}/data.bin?x=1`), policy(), dest, { locator: "in1" });
    expect(out).toEqual({ size: payload.length, contentType: "application/octet-stream; x=1" });
    expect(readFileSync(dest).equals(payload)).toBe(true);
    const seen = srv.seen[0]!;
    expect(seen.method).toBe("GET");
    expect(seen.url).toBe("/data.bin?x=1");
    expect(seen.headers.host).toBe(`127.0.0.1:${srv.port}`);
    expect(seen.headers["accept-encoding"]).toBe("identity");
    expect(seen.headers["user-agent"]).toMatch(/Roost/);
  });

  it("overwrites an existing destination file and omits a missing content type", async () => {
    writeFileSync(dest, "old content that is longer than the new one");
    const srv = await listen(
      createNetServer((s) => s.end("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnew")),
    );
    const out = await fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1" });
    expect(out).toEqual({ size: 3 });
    expect(readFileSync(dest, "utf8")).toBe("new");
  });

  it("writes an empty file for an empty body", async () => {
    const srv = await httpServer((_req, res) => res.end());
    expect((await fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1" })).size).toBe(0);
    expect(readFileSync(dest).length).toBe(0);
  });

  it("refuses the local test server unless it is allow-listed", async () => {
    const srv = await httpServer((_req, res) => res.end("secret"));
    const e = await failure(
      fetchReference(ref(`${srv.url}/`), policy({ allowedHosts: [] }), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/loopback/);
    expect(srv.seen).toHaveLength(0);
    expect(existsSync(dest)).toBe(false);
  });

  it("allows the local server by CIDR and by name", async () => {
    const srv = await httpServer((_req, res) => res.end("ok"));
    await fetchReference(ref(`${srv.url}/`), policy({ allowedHosts: ["127.0.0.0/8"] }), dest, {
      locator: "in1",
    });
    expect(readFileSync(dest, "utf8")).toBe("ok");
    // localhost may resolve to ::1 first; the server only listens on 127.0.0.1, so this also exercises the
    // fallback between the checked addresses.
    const out = await fetchReference(
      ref(`http://localhost:${srv.port}/`),
      policy({ allowedHosts: ["localhost"] }),
      dest,
      {
        locator: "in1",
      },
    );
    expect(out.size).toBe(2);
    expect(srv.seen[1]!.headers.host).toBe(`localhost:${srv.port}`);
  });
});

describe("fetchReference: POST", () => {
  it("sends the body, with an XML content type when the client gave none", async () => {
    const srv = await httpServer((req, res) =>
      res.end(`${req.method} ${req.headers["content-type"]} ${req.body}`),
    );
    const body = "<wfs:GetFeature/>";
    await fetchReference(ref(`${srv.url}/wfs`, { method: "POST", body }), policy(), dest, { locator: "in1" });
    expect(readFileSync(dest, "utf8")).toBe(`POST text/xml; charset=utf-8 ${body}`);
    expect(srv.seen[0]!.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
  });

  it("treats a body without a method as POST and refuses a GET with a body", async () => {
    const srv = await httpServer((req, res) => res.end(req.method));
    await fetchReference(ref(`${srv.url}/`, { body: "x=1" }), policy(), dest, { locator: "in1" });
    expect(readFileSync(dest, "utf8")).toBe("POST");
    const e = await failure(
      fetchReference(ref(`${srv.url}/`, { method: "GET", body: "x" }), policy(), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/GET reference with a body/);
    const both = await failure(
      fetchReference(ref(`${srv.url}/`, { body: "x", bodyReference: `${srv.url}/b` }), policy(), dest, {
        locator: "in1",
      }),
    );
    expect(both.message).toMatch(/both a body and a body reference/);
  });

  it("sends the client's headers, but never lets them set Host, framing or proxy headers", async () => {
    const srv = await httpServer((req, res) => res.end(JSON.stringify(req.headers)));
    const headers: [string, string][] = [
      ["X-Api-Key", "k1"],
      ["Authorization", "Bearer t"],
      ["Content-Type", "application/json"],
      ["X-Multi", "a"],
      ["x-multi", "b"],
      ["Host", "internal.example"],
      ["Content-Length", "9999"],
      ["Transfer-Encoding", "chunked"],
      ["Connection", "keep-alive, X-Api-Key"],
      ["Proxy-Authorization", "Basic eA=="],
      ["X-Forwarded-For", "10.0.0.1"],
      ["Accept-Encoding", "gzip"],
    ];
    const out = await fetchReference(
      ref(`${srv.url}/api`, { method: "POST", body: '{"a":1}', headers }),
      policy(),
      dest,
      {
        locator: "in1",
      },
    );
    const got = JSON.parse(readFileSync(dest, "utf8")) as Record<string, string>;
    expect(out.size).toBeGreaterThan(0);
    expect(got["x-api-key"]).toBe("k1");
    expect(got.authorization).toBe("Bearer t");
    expect(got["content-type"]).toBe("application/json");
    expect(got["x-multi"]).toBe("a, b");
    expect(got.host).toBe(`127.0.0.1:${srv.port}`);
    expect(got["content-length"]).toBe("7");
    expect(got["transfer-encoding"]).toBeUndefined();
    expect(got.connection).toBe("close");
    expect(got["proxy-authorization"]).toBeUndefined();
    expect(got["x-forwarded-for"]).toBeUndefined();
    expect(got["accept-encoding"]).toBe("identity");
    expect(srv.seen[0]!.body).toBe('{"a":1}');
  });

  it.each([
    [["X-Evil", "a\r\nHost: internal"]],
    [["X-Evil", "a\nb"]],
    [["X-Evil", "trailing\r\n"]],
    [["X-Evil", "nul\u0000"]],
    [["X-Evil", "snow\u2603"]],
    [["Bad Name", "v"]],
    [["X-Evil\r\nHost", "v"]],
    [["", "v"]],
  ] as [readonly [string, string]][])("refuses the malformed header %j", async (h) => {
    const srv = await httpServer((_req, res) => res.end("x"));
    const e = await failure(
      fetchReference(ref(`${srv.url}/`, { method: "POST", body: "b", headers: [h] }), policy(), dest, {
        locator: "in1",
      }),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.locator).toBe("in1");
    expect(srv.seen).toHaveLength(0);
  });

  it("refuses too many headers", async () => {
    const headers = Array.from({ length: 51 }, (_, i) => [`X-H${i}`, "v"] as const);
    const e = await failure(
      fetchReference(ref("http://127.0.0.1:1/", { headers }), policy(), dest, { locator: "in1" }),
    );
    expect(e.message).toMatch(/at most 50/);
  });

  it("fetches a body reference first, through the same policy, and posts it", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/body") {
        res.writeHead(200, { "Content-Type": "application/xml" });
        res.end("<Execute/>");
      } else res.end(`${req.method} ${req.headers["content-type"]} ${req.body}`);
    });
    await fetchReference(
      ref(`${srv.url}/wps`, {
        method: "POST",
        bodyReference: `${srv.url}/body`,
        headers: [["Authorization", "t"]],
      }),
      policy(),
      dest,
      { locator: "in1" },
    );
    expect(readFileSync(dest, "utf8")).toBe("POST application/xml <Execute/>");
    // The client's headers go to the data server only, not to the body reference.
    expect(srv.seen[0]!.url).toBe("/body");
    expect(srv.seen[0]!.headers.authorization).toBeUndefined();
    expect(srv.seen[1]!.headers.authorization).toBe("t");
  });

  it("refuses a body reference on a non-allowed address and one over the body cap", async () => {
    const srv = await httpServer((req, res) =>
      res.end(req.url === "/big" ? "x".repeat(MAX_BODY_REFERENCE_BYTES + 1) : "ok"),
    );
    const e1 = await failure(
      fetchReference(
        ref(`${srv.url}/wps`, { method: "POST", bodyReference: "http://10.0.0.1/body" }),
        policy(),
        dest,
        {
          locator: "in1",
        },
      ),
    );
    expect(e1.code).toBe("InvalidParameter");
    expect(e1.message).toMatch(/10\.0\.0\.1/);
    const e2 = await failure(
      fetchReference(
        ref(`${srv.url}/wps`, { method: "POST", bodyReference: `${srv.url}/big` }),
        policy(),
        dest,
        {
          locator: "in1",
        },
      ),
    );
    expect(e2.code).toBe("FileSizeExceeded");
    expect(e2.message).toMatch(/1 MiB/);
    expect(srv.seen.map((s) => s.url)).toEqual(["/big"]);
    expect(existsSync(dest)).toBe(false);
  });
});

describe("fetchReference: redirects", () => {
  it("follows a redirect to an allowed target", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/old") {
        res.writeHead(302, { Location: "/new" });
        res.end("moved");
      } else res.end("here");
    });
    await fetchReference(ref(`${srv.url}/old`), policy(), dest, { locator: "in1" });
    expect(readFileSync(dest, "utf8")).toBe("here");
    expect(srv.seen.map((s) => s.url)).toEqual(["/old", "/new"]);
  });

  it("re-checks every target: a redirect from an allowed host to a non-allowed one is refused", async () => {
    for (const location of [
      "http://169.254.169.254/latest/meta-data/",
      "http://10.1.2.3/",
      "http://[::1]:8080/",
      "http://127.0.0.2:6379/",
    ]) {
      const srv = await httpServer((_req, res) => {
        res.writeHead(301, { Location: location });
        res.end();
      });
      const e = await failure(fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1" }));
      expect(e.code).toBe("InvalidParameter");
      expect(e.message).toMatch(/is refused/);
      expect(e.message).toMatch(/reached by a redirect from http:\/\/127\.0\.0\.1/);
      expect(existsSync(dest)).toBe(false);
    }
  });

  it("never follows a redirect to file:// or another scheme, even with allowedPaths", async () => {
    for (const location of ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:25/"]) {
      const srv = await httpServer((_req, res) => {
        res.writeHead(302, { Location: location });
        res.end();
      });
      const e = await failure(
        fetchReference(ref(`${srv.url}/`), policy({ allowedPaths: ["/"] }), dest, { locator: "in1" }),
      );
      expect(e.code).toBe("InvalidParameter");
    }
  });

  it("stops a redirect loop after maxRedirects", async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(307, { Location: "/loop" });
      res.end();
    });
    const e = await failure(
      fetchReference(ref(`${srv.url}/loop`), policy({ maxRedirects: 3 }), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/redirected more than 3 times/);
    expect(srv.seen).toHaveLength(4);
  });

  it("follows no redirect at all with maxRedirects 0", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/a") res.writeHead(302, { Location: "/b" }).end();
      else res.end("b");
    });
    const e = await failure(
      fetchReference(ref(`${srv.url}/a`), policy({ maxRedirects: 0 }), dest, { locator: "in1" }),
    );
    expect(e.message).toMatch(/more than 0 times/);
  });

  it("turns POST into GET on 303 and keeps POST with its body on 307", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/303") res.writeHead(303, { Location: "/result" }).end();
      else if (req.url === "/307") res.writeHead(307, { Location: "/result" }).end();
      else res.end(`${req.method}:${req.body}:${req.headers["content-type"] ?? "-"}`);
    });
    await fetchReference(ref(`${srv.url}/303`, { method: "POST", body: "<q/>" }), policy(), dest, {
      locator: "in1",
    });
    expect(readFileSync(dest, "utf8")).toBe("GET::-");
    await fetchReference(ref(`${srv.url}/307`, { method: "POST", body: "<q/>" }), policy(), dest, {
      locator: "in1",
    });
    expect(readFileSync(dest, "utf8")).toBe("POST:<q/>:text/xml; charset=utf-8");
  });

  it("does not forward Authorization or Cookie to another origin", async () => {
    const other = await httpServer((req, res) => res.end(JSON.stringify(req.headers)));
    const first = await httpServer((_req, res) => res.writeHead(302, { Location: `${other.url}/x` }).end());
    const headers: [string, string][] = [
      ["Authorization", "Bearer secret"],
      ["Cookie", "s=1"],
      ["X-Custom", "kept"],
    ];
    await fetchReference(ref(`${first.url}/`, { headers }), policy(), dest, { locator: "in1" });
    const got = JSON.parse(readFileSync(dest, "utf8")) as Record<string, string>;
    expect(first.seen[0]!.headers.authorization).toBe("Bearer secret");
    expect(got.authorization).toBeUndefined();
    expect(got.cookie).toBeUndefined();
    expect(got["x-custom"]).toBe("kept");
  });

  it("reports a redirect without a usable Location", async () => {
    const srv = await httpServer((_req, res) => res.writeHead(302).end());
    const e = await failure(fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1" }));
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/HTTP 302 without a Location/);
  });
});

describe("fetchReference: byte cap", () => {
  const cap = policy({ maxBytes: 1000 });

  it("accepts exactly maxBytes", async () => {
    const srv = await httpServer((_req, res) => res.end("x".repeat(1000)));
    expect((await fetchReference(ref(`${srv.url}/`), cap, dest, { locator: "in1" })).size).toBe(1000);
  });

  it("stops a chunked response (no Content-Length) at the cap and leaves no partial file", async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" }); // chunked: no Content-Length
      const timer = setInterval(() => res.write("y".repeat(300)), 5);
      res.on("close", () => clearInterval(timer));
    });
    const e = await failure(fetchReference(ref(`${srv.url}/`), cap, dest, { locator: "in1" }));
    expect(e.code).toBe("FileSizeExceeded");
    expect(e.locator).toBe("in1");
    expect(e.message).toMatch(/larger than the limit of 1000 bytes/);
    expect(existsSync(dest)).toBe(false);
  });

  it("stops a close-delimited response that lies by omission and one that claims to be small", async () => {
    // HTTP/1.0 style: no Content-Length, the body ends when the connection closes.
    const raw = await listen(
      createNetServer((s) => {
        s.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        s.end("z".repeat(5000));
      }),
    );
    const e1 = await failure(fetchReference(ref(`${raw.url}/`), cap, dest, { locator: "in1" }));
    expect(e1.code).toBe("FileSizeExceeded");
    expect(existsSync(dest)).toBe(false);
    // A Content-Length below the cap followed by more bytes: only the declared bytes are the body, the rest is
    // never written (the connection is not reused).
    const liar = await listen(
      createNetServer((s) => {
        s.end(`HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n${"w".repeat(5000)}`);
      }),
    );
    const out = await fetchReference(ref(`${liar.url}/`), cap, dest, { locator: "in1" });
    expect(out.size).toBe(10);
    expect(readFileSync(dest, "utf8")).toBe("w".repeat(10));
  });

  it("refuses early when Content-Length already exceeds the cap", async () => {
    let wrote = 0;
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { "Content-Length": "50000" });
      const timer = setInterval(() => {
        if (!res.write("q".repeat(1000))) return;
        wrote += 1000;
        if (wrote >= 50000) {
          clearInterval(timer);
          res.end();
        }
      }, 20);
      res.on("close", () => clearInterval(timer));
    });
    const t0 = Date.now();
    const e = await failure(fetchReference(ref(`${srv.url}/`), cap, dest, { locator: "in1" }));
    expect(e.code).toBe("FileSizeExceeded");
    expect(Date.now() - t0).toBeLessThan(500); // did not wait for the body
    expect(existsSync(dest)).toBe(false);
  });
});

describe("fetchReference: failures", () => {
  it("reports HTTP 404 with the status and without echoing the body", async () => {
    const srv = await httpServer((_req, res) =>
      res.writeHead(404, { "Content-Type": "text/html" }).end("INTERNAL-SECRET-PAGE"),
    );
    const e = await failure(fetchReference(ref(`${srv.url}/missing`), policy(), dest, { locator: "in1" }));
    expect(e.code).toBe("DataNotAccessible");
    expect(e.locator).toBe("in1");
    expect(e.message).toBe(`reference ${srv.url}/missing answered HTTP 404`);
    expect(existsSync(dest)).toBe(false);
  });

  it("names the redirect target when the error happens after a redirect", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/a") res.writeHead(302, { Location: "/gone" }).end();
      else res.writeHead(500).end();
    });
    const e = await failure(fetchReference(ref(`${srv.url}/a`), policy(), dest, { locator: "in1" }));
    expect(e.message).toBe(`reference ${srv.url}/gone (redirected from ${srv.url}/a) answered HTTP 500`);
  });

  it("reports a refused connection", async () => {
    const port = await freePort();
    const e = await failure(
      fetchReference(ref(`http://127.0.0.1:${port}/`), policy(), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/connection refused/);
    expect(existsSync(dest)).toBe(false);
  });

  it("reports a connection reset mid-body and removes the partial file", async () => {
    const raw = await listen(
      createNetServer((s) => {
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        s.write("p".repeat(1000), () => setTimeout(() => s.resetAndDestroy(), 50));
      }),
    );
    const e = await failure(fetchReference(ref(`${raw.url}/`), policy(), dest, { locator: "in1" }));
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/connection/);
    expect(existsSync(dest)).toBe(false);
  });

  it("reports a response that is not HTTP", async () => {
    const raw = await listen(createNetServer((s) => s.end("SSH-2.0-OpenSSH_9.6\r\n")));
    const e = await failure(fetchReference(ref(`${raw.url}/`), policy(), dest, { locator: "in1" }));
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/invalid HTTP response/);
  });

  it("ends with DataNotAccessible at the deadline when the server accepts but never answers", async () => {
    await httpServer(() => undefined); // registers the request, never responds
    const hang = await httpServer(() => undefined);
    const t0 = Date.now();
    const e = await failure(
      fetchReference(ref(`${hang.url}/`), policy({ totalTimeoutMs: 800 }), dest, { locator: "in1" }),
    );
    const took = Date.now() - t0;
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/within 0\.8 s/);
    expect(took).toBeGreaterThanOrEqual(700);
    expect(took).toBeLessThan(800 + 2000);
  });

  it("ends at the deadline when the body trickles forever, and removes the partial file", async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("."), 50);
      res.on("close", () => clearInterval(timer));
    });
    const t0 = Date.now();
    const e = await failure(
      fetchReference(ref(`${srv.url}/`), policy({ totalTimeoutMs: 700 }), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/could not be fetched within/);
    expect(Date.now() - t0).toBeLessThan(700 + 2000);
    expect(existsSync(dest)).toBe(false);
  });

  it("bounds connection set-up with connectTimeoutMs, well before the total deadline", async () => {
    // A TCP server that accepts but never completes a TLS handshake: the connection is not "up" until the handshake
    // is done, so the connect timeout fires (an unroutable address would test the same timer, but this sandbox's
    // network answers every address).
    const silent = await listen(createNetServer(() => undefined));
    const t0 = Date.now();
    const e = await failure(
      fetchReference(
        ref(`https://127.0.0.1:${silent.port}/`),
        policy({ connectTimeoutMs: 300, totalTimeoutMs: 10_000 }),
        dest,
        {
          locator: "in1",
        },
      ),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/no connection within 0\.3 s/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("stops when the caller aborts, rejecting with the caller's reason and removing the partial file", async () => {
    const ac = new AbortController();
    const srv = await httpServer((_req, res) => {
      res.writeHead(200);
      res.write("first chunk", () => setTimeout(() => ac.abort(new Error("job dismissed")), 100));
      // …and nothing more: without the abort this would run into the 5 s deadline.
    });
    const t0 = Date.now();
    await expect(
      fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1", signal: ac.signal }),
    ).rejects.toThrow("job dismissed");
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(existsSync(dest)).toBe(false);
  });

  it("does nothing when the caller's signal is already aborted", async () => {
    const srv = await httpServer((_req, res) => res.end("x"));
    const ac = new AbortController();
    ac.abort(new Error("shutting down"));
    await expect(
      fetchReference(ref(`${srv.url}/`), policy(), dest, { locator: "in1", signal: ac.signal }),
    ).rejects.toThrow("shutting down");
    expect(srv.seen).toHaveLength(0);
  });
});

describe("fetchReference: connection pinning", () => {
  it("connects to the address it checked and never resolves the name a second time", async () => {
    const srv = await httpServer((req, res) => res.end(`host=${req.headers.host}`));
    // The resolver answers once with an allow-listed address; every later answer would be 10.9.9.9 (a classic
    // rebinding). The name does not exist in real DNS, so any second resolution by Node would fail the fetch.
    const checked = vi
      .spyOn(dns.promises, "lookup")
      .mockResolvedValueOnce([{ address: "127.0.0.1", family: 4 }] as never)
      .mockResolvedValue([{ address: "10.9.9.9", family: 4 }] as never);
    const nodeLookup = vi.spyOn(dns, "lookup");
    const out = await fetchReference(
      ref(`http://rebind.test:${srv.port}/x`),
      policy({ allowedHosts: ["127.0.0.0/8"] }),
      dest,
      {
        locator: "in1",
      },
    );
    expect(out.size).toBeGreaterThan(0);
    expect(readFileSync(dest, "utf8")).toBe(`host=rebind.test:${srv.port}`);
    expect(checked).toHaveBeenCalledTimes(1);
    expect(nodeLookup).not.toHaveBeenCalled();
  });

  it("checks every redirect target's own resolution", async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === "/start") res.writeHead(302, { Location: "http://second.test/" }).end();
      else res.end("should not get here");
    });
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([{ address: "192.168.7.7", family: 4 }] as never);
    const e = await failure(fetchReference(ref(`${srv.url}/start`), policy(), dest, { locator: "in1" }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/second\.test resolves to a private-network address/);
  });
});

/** A self-signed certificate for `localhost`, made with the openssl CLI (skipped where there is none). */
function selfSigned(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
      ].concat(["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]),
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "k.pem"), "utf8"), cert: readFileSync(join(dir, "c.pem"), "utf8") };
  } catch {
    return undefined;
  }
}

describe("fetchReference: HTTPS", () => {
  it("sends the host name as SNI and verifies the certificate (an untrusted one fails)", async (ctx) => {
    const pair = selfSigned(tmp.dir);
    if (!pair) return ctx.skip();
    const sni: string[] = [];
    const server = createHttpsServer({
      ...pair,
      SNICallback: (name, cb) => {
        sni.push(name);
        cb(null, undefined);
      },
    });
    server.on("request", (_req, res) => res.end("tls ok"));
    const srv = await listen(server);
    const e = await failure(
      fetchReference(ref(`https://localhost:${srv.port}/`), policy({ allowedHosts: ["localhost"] }), dest, {
        locator: "in1",
      }),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/TLS error \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    expect(sni).toContain("localhost");
    expect(existsSync(dest)).toBe(false);
  });
});
