/**
 * `checkReference`, the validation-time check: schemes, literal addresses in every blocked range, names resolved
 * through DNS (including `localhost` and a name with one public and one private address), and the allow list.
 */
import dns from "node:dns";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkReference } from "../../src/fetch/index.js";
import { failure, policy } from "./helpers.js";

const deny = policy({ allowedHosts: [] });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("checkReference: addresses", () => {
  it.each([
    ["http://127.0.0.1/", /127\.0\.0\.1 is a loopback address/],
    ["http://127.1.2.3:8080/x", /loopback/],
    ["http://[::1]/", /::1 is a loopback address/],
    ["http://[::ffff:127.0.0.1]/", /IPv4-mapped/],
    ["http://[::ffff:10.0.0.1]/", /IPv4-mapped/],
    ["http://[64:ff9b::a00:1]/", /NAT64 address of a private-network/],
    ["http://0.0.0.0/", /unspecified/],
    ["http://[::]/", /unspecified/],
    ["http://169.254.169.254/latest/meta-data/", /link-local.*metadata/],
    ["http://10.1.2.3/", /private-network/],
    ["http://172.16.5.4/", /private-network/],
    ["http://192.168.0.1/", /private-network/],
    ["http://100.64.0.1/", /carrier-grade NAT/],
    ["http://[fd00::1]/", /unique local/],
    ["http://[fe80::1]/", /link-local/],
    ["http://224.0.0.1/", /multicast/],
    ["http://[ff02::1]/", /multicast/],
    ["http://255.255.255.255/", /broadcast/],
    ["http://240.0.0.1/", /reserved/],
    ["http://192.0.2.10/", /documentation/],
    ["http://198.18.0.1/", /benchmarking/],
    // Other spellings of loopback that the URL parser normalises to 127.0.0.1.
    ["http://2130706433/", /loopback/],
    ["http://0x7f.1/", /loopback/],
    ["http://127.000.000.001/", /loopback/],
  ])("refuses %s", async (href, reason) => {
    const e = await failure(checkReference(href, deny, "in1"));
    expect(e.code).toBe("InvalidParameter");
    expect(e.locator).toBe("in1");
    expect(e.message).toMatch(/is refused/);
    expect(e.message).toMatch(reason);
  });

  it("accepts a public literal address without any network access", async () => {
    await expect(checkReference("http://93.184.216.34/data.csv", deny, "in1")).resolves.toBeUndefined();
    await expect(checkReference("https://[2606:4700:4700::1111]/", deny, "in1")).resolves.toBeUndefined();
  });

  it("refuses localhost by what it resolves to, not by its name", async () => {
    const e = await failure(checkReference("http://localhost:8080/", deny, "in1"));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/the host localhost resolves to a loopback address/);
    // The resolved address itself is not echoed for names.
    expect(e.message).not.toMatch(/127\.0\.0\.1/);
  });

  it("refuses a name when any one of its addresses is non-public (DNS rebinding set-up)", async () => {
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ] as never);
    const e = await failure(checkReference("http://mixed.example.org/", deny, "in1"));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/mixed\.example\.org resolves to a private-network address/);
  });

  it("accepts a name whose addresses are all public", async () => {
    const spy = vi.spyOn(dns.promises, "lookup").mockResolvedValue([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
    ] as never);
    await expect(checkReference("https://public.example.org/x", deny, "in1")).resolves.toBeUndefined();
    expect(spy).toHaveBeenCalledWith("public.example.org", { all: true, verbatim: true });
  });

  it("reports a name that does not resolve as DataNotAccessible", async () => {
    vi.spyOn(dns.promises, "lookup").mockRejectedValue(
      Object.assign(new Error("nope"), { code: "ENOTFOUND" }),
    );
    const e = await failure(checkReference("http://no-such-host.invalid/", deny, "in1"));
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/could not be resolved/);
  });

  it("gives up on a DNS lookup that never answers after the connect timeout", async () => {
    vi.spyOn(dns.promises, "lookup").mockReturnValue(new Promise(() => undefined) as never);
    const t0 = Date.now();
    const e = await failure(
      checkReference("http://slow-dns.example.org/", policy({ connectTimeoutMs: 200 }), "in1"),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/DNS lookup took longer than 0.2 s/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("checkReference: allow list", () => {
  it("allows a non-public literal inside an allow-listed CIDR or equal to an allow-listed address", async () => {
    await expect(
      checkReference("http://127.0.0.1:1/", policy({ allowedHosts: ["127.0.0.0/8"] }), "i"),
    ).resolves.toBeUndefined();
    await expect(
      checkReference("http://127.0.0.1:1/", policy({ allowedHosts: ["127.0.0.1"] }), "i"),
    ).resolves.toBeUndefined();
    await expect(
      checkReference("http://10.9.8.7/", policy({ allowedHosts: ["10.0.0.0/8"] }), "i"),
    ).resolves.toBeUndefined();
    await expect(
      checkReference("http://[fd00::1]/", policy({ allowedHosts: ["fd00::/8"] }), "i"),
    ).resolves.toBeUndefined();
    // The neighbour of an allowed address is still refused.
    const e = await failure(
      checkReference("http://127.0.0.2/", policy({ allowedHosts: ["127.0.0.1"] }), "i"),
    );
    expect(e.code).toBe("InvalidParameter");
  });

  it("allows a name on the allow list whatever it resolves to", async () => {
    await expect(
      checkReference("http://localhost:8080/", policy({ allowedHosts: ["localhost"] }), "i"),
    ).resolves.toBeUndefined();
    // Case and a trailing dot do not defeat the name match (the resolver is stubbed: `localhost.` is not in every
    // hosts file).
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([{ address: "127.0.0.1", family: 4 }] as never);
    await expect(
      checkReference("http://LOCALHOST./", policy({ allowedHosts: ["localhost"] }), "i"),
    ).resolves.toBeUndefined();
  });

  it("allows a name whose every address is in an allow-listed network", async () => {
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([{ address: "10.1.1.1", family: 4 }] as never);
    await expect(
      checkReference("http://intranet.example/", policy({ allowedHosts: ["10.0.0.0/8"] }), "i"),
    ).resolves.toBeUndefined();
  });
});

describe("checkReference: URLs and schemes", () => {
  it.each([
    ["ftp://ftp.example.org/file", /scheme 'ftp' is not supported/],
    ["gopher://example.org:70/_GET", /scheme 'gopher' is not supported/],
    ["data:text/plain,hello", /scheme 'data' is not supported/],
    ["javascript:alert(1)", /scheme 'javascript' is not supported/],
    ["dict://127.0.0.1:11211/stat", /scheme 'dict' is not supported/],
    ["file:///etc/passwd", /file:\/\/ references are not enabled/],
    ["http://user:pw@93.184.216.34/", /credentials in the URL/],
  ])("refuses %s", async (href, reason) => {
    const e = await failure(checkReference(href, deny, "in1"));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(reason);
  });

  it("refuses text that is not an absolute URL", async () => {
    for (const href of ["", "/relative/path", "not a url", "http://"]) {
      const e = await failure(checkReference(href, deny, "in1"));
      expect(e.code).toBe("InvalidParameter");
    }
  });

  it("keeps echoed URLs short", async () => {
    const e = await failure(checkReference(`ftp://example.org/${"a".repeat(5000)}`, deny, "in1"));
    expect(e.message.length).toBeLessThan(400);
  });
});
