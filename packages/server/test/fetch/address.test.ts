/**
 * Address classification, the allow list and the pinned lookup, as units: the tables behind every SSRF decision.
 */
import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { formatAddress, nonPublicReason, parseAddress, parseCidr } from "../../src/fetch/address.js";
import { assertValidPolicy } from "../../src/fetch/index.js";
import { pinnedLookup } from "../../src/fetch/pinned-lookup.js";
import { isAllowedAddress, isAllowedName } from "../../src/fetch/policy.js";
import { policy } from "./helpers.js";

describe("nonPublicReason", () => {
  it.each([
    ["127.0.0.1", /loopback/],
    ["127.255.255.254", /loopback/],
    ["0.0.0.0", /unspecified/],
    ["0.1.2.3", /unspecified/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["169.254.169.254", /link-local.*metadata/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.127.255.255", /carrier-grade NAT/],
    ["192.0.0.8", /IETF/],
    ["192.0.2.1", /documentation/],
    ["198.51.100.7", /documentation/],
    ["203.0.113.9", /documentation/],
    ["198.18.0.1", /benchmarking/],
    ["198.19.255.255", /benchmarking/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.250", /multicast/],
    ["240.0.0.1", /reserved/],
    ["255.255.255.255", /broadcast/],
    ["::", /unspecified/],
    ["::1", /loopback/],
    ["::ffff:127.0.0.1", /IPv4-mapped/],
    ["::ffff:8.8.8.8", /IPv4-mapped/],
    ["::ffff:7f00:1", /IPv4-mapped/],
    ["::127.0.0.1", /IPv4-compatible/],
    ["::ffff:0:10.0.0.1", /IPv4-translated/],
    ["64:ff9b::10.0.0.1", /NAT64 address of a private-network/],
    ["64:ff9b::7f00:1", /NAT64 address of a loopback/],
    ["64:ff9b:1::1", /local-use NAT64/],
    ["fd00::1", /unique local/],
    ["fc00::1", /unique local/],
    ["fe80::1", /link-local/],
    ["fe80::1%eth0", /link-local/],
    ["fec0::1", /site-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["2002:7f00:1::1", /6to4/],
    ["3fff::1", /documentation/],
    ["100::1", /discard/],
    ["4000::1", /not a global unicast/],
    ["not-an-ip", /not an IP/],
  ])("refuses %s", (addr, reason) => {
    expect(nonPublicReason(addr)).toMatch(reason);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82a::200e",
    "64:ff9b::8.8.8.8",
  ])("accepts the public address %s", (addr) => {
    expect(nonPublicReason(addr)).toBeUndefined();
  });
});

describe("address parsing", () => {
  it("parses every textual IPv6 form to the same bytes", () => {
    const forms = ["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:0001", "[::ffff:127.0.0.1]"];
    const texts = forms.map((f) => formatAddress(parseAddress(f)!));
    expect(new Set(texts)).toEqual(new Set(["0:0:0:0:0:ffff:7f00:1"]));
    expect(formatAddress(parseAddress("1::")!)).toBe("1:0:0:0:0:0:0:0");
    expect(parseAddress("example.org")).toBeUndefined();
  });

  it("parses CIDRs and rejects bad prefixes", () => {
    expect(parseCidr("10.0.0.0/8")?.prefix).toBe(8);
    expect(parseCidr("fd00::/8")?.prefix).toBe(8);
    expect(parseCidr("1.2.3.4")?.prefix).toBe(32);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/x")).toBeUndefined();
    expect(parseCidr("::/129")).toBeUndefined();
  });
});

describe("allow list", () => {
  const p = policy({ allowedHosts: ["Data.Example.ORG.", "10.0.0.0/8", "fd00::/16", "127.0.0.1", "[::1]"] });

  it("matches names exactly and case-insensitively, ignoring a trailing dot", () => {
    expect(isAllowedName(p, "data.example.org")).toBe(true);
    expect(isAllowedName(p, "DATA.example.org.")).toBe(true);
    expect(isAllowedName(p, "sub.data.example.org")).toBe(false);
    expect(isAllowedName(p, "example.org")).toBe(false);
  });

  it("matches addresses by CIDR, bare addresses as single hosts, IPv4-mapped forms by their IPv4 address", () => {
    expect(isAllowedAddress(p, "10.200.0.1")).toBe(true);
    expect(isAllowedAddress(p, "11.0.0.1")).toBe(false);
    expect(isAllowedAddress(p, "fd00:1::5")).toBe(true);
    expect(isAllowedAddress(p, "fd01::5")).toBe(false);
    expect(isAllowedAddress(p, "127.0.0.1")).toBe(true);
    expect(isAllowedAddress(p, "127.0.0.2")).toBe(false);
    expect(isAllowedAddress(p, "::1")).toBe(true);
    expect(isAllowedAddress(p, "::ffff:10.1.1.1")).toBe(true);
  });

  it("refuses malformed entries and limits at start-up", () => {
    expect(() => assertValidPolicy(policy({ allowedHosts: ["10.0.0.0/33"] }))).toThrow(/10.0.0.0\/33/);
    expect(() => assertValidPolicy(policy({ allowedHosts: ["10.0.0"] }))).toThrow(/neither/);
    expect(() => assertValidPolicy(policy({ allowedHosts: ["http://x/"] }))).toThrow(/neither/);
    expect(() => assertValidPolicy(policy({ totalTimeoutMs: 0 }))).toThrow(/totalTimeoutMs/);
    expect(() => assertValidPolicy(policy({ maxRedirects: -1 }))).toThrow(/maxRedirects/);
    expect(() =>
      assertValidPolicy(policy({ allowedHosts: ["localhost", "10.0.0.0/8", "::1"] })),
    ).not.toThrow();
  });
});

describe("pinnedLookup", () => {
  const addrs: LookupAddress[] = [
    { address: "93.184.216.34", family: 4 },
    { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
  ];
  const call = (host: string, options: Parameters<ReturnType<typeof pinnedLookup>>[1]) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number | undefined }>((r) =>
      pinnedLookup("data.example.org", addrs)(host, options, (err, address, family) =>
        r({ err, address, family }),
      ),
    );

  it("answers with every checked address when asked for all (Node's happy-eyeballs path)", async () => {
    const { err, address } = await call("data.example.org", { all: true });
    expect(err).toBeNull();
    expect(address).toEqual(addrs);
  });

  it("answers with the first checked address of the requested family", async () => {
    expect(await call("data.example.org", {})).toMatchObject({
      err: null,
      address: "93.184.216.34",
      family: 4,
    });
    expect(await call("DATA.example.org", { family: 6 })).toMatchObject({
      address: addrs[1]!.address,
      family: 6,
    });
    expect(await call("data.example.org", { family: 6, all: true })).toMatchObject({ address: [addrs[1]] });
  });

  it("never resolves another name, nor a family that was not checked", async () => {
    expect((await call("evil.example.org", {})).err?.code).toBe("ENOTFOUND");
    const v4only = pinnedLookup("h", [{ address: "8.8.8.8", family: 4 }]);
    const err = await new Promise((r) => v4only("h", { family: 6 }, (e) => r(e)));
    expect((err as NodeJS.ErrnoException).code).toBe("ENOTFOUND");
  });
});
