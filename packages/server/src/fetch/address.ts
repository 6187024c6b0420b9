/**
 * IP address classification for the reference policy: is an address one the public Internet can reach, and if not,
 * why not. A WPS downloads any URL a client names, so without this check it is an unauthenticated proxy into the
 * server's own network (GeoServer CVE-2023-43795, security.md §2). The tables below are deny lists for IPv4 and an
 * allow list for IPv6 (only 2000::/3 is global unicast), each row with the reason a client is shown.
 */
import { isIP } from "node:net";

/** An address as 4 (IPv4) or 16 (IPv6) bytes. */
export type AddressBytes = Uint8Array;

/** A network: base address bytes and prefix length in bits. */
export interface Cidr {
  readonly bytes: AddressBytes;
  readonly prefix: number;
}

/**
 * Parse an IP literal (`1.2.3.4`, `::1`, `[::1]`, `::ffff:1.2.3.4`, `fe80::1%eth0`) into bytes; `undefined` when it
 * is not one. URLs and `dns.lookup` give normalised text, but allow-list entries come from configuration, so the
 * parser accepts every textual form `net.isIP` accepts.
 */
export function parseAddress(text: string): AddressBytes | undefined {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const version = isIP(s);
  if (version === 4) return parseV4(s);
  if (version === 6) return parseV6(s);
  return undefined;
}

function parseV4(s: string): AddressBytes {
  return Uint8Array.from(s.split(".").map(Number));
}

function parseV6(s: string): AddressBytes {
  const out = new Uint8Array(16);
  // An embedded dotted quad (`::ffff:1.2.3.4`) stands for the last two groups.
  let tail: AddressBytes | undefined;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".", lastColon)) {
    tail = parseV4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head = "", rest] = s.split("::", 2);
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const h = groups(head);
  const t = rest === undefined ? [] : groups(rest);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

/** Format address bytes as text (IPv6 uncompressed but without leading zeros; only used in messages and tests). */
export function formatAddress(b: AddressBytes): string {
  if (b.length === 4) return Array.from(b).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/** Parse `addr/prefix` or a bare address (a /32 or /128); `undefined` when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const bytes = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (slash < 0) return { bytes, prefix: max };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
  return { bytes, prefix: Number(p) };
}

/** True when `addr` lies in `net` (both of the same family). */
export function inCidr(addr: AddressBytes, net: Cidr): boolean {
  if (addr.length !== net.bytes.length) return false;
  let bits = net.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((addr[i] ?? 0) & mask) !== ((net.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), if it is one. */
export function mappedV4(addr: AddressBytes): AddressBytes | undefined {
  return addr.length === 16 && inCidr(addr, MAPPED) ? addr.slice(12) : undefined;
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad built-in CIDR ${text}`);
  return c;
}

const MAPPED = cidr("::ffff:0:0/96");
const NAT64 = cidr("64:ff9b::/96");
const GLOBAL_UNICAST_V6 = cidr("2000::/3");

/**
 * IPv4 ranges that are not publicly routable, first match wins (IANA special-purpose registry, RFC 6890). The
 * broadcast row precedes 240/4 so it gets its own reason.
 */
const V4_DENY: readonly (readonly [Cidr, string])[] = [
  [cidr("0.0.0.0/8"), "an unspecified ('this network') address"],
  [cidr("10.0.0.0/8"), "a private-network address (RFC 1918)"],
  [cidr("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"],
  [cidr("127.0.0.0/8"), "a loopback address"],
  [cidr("169.254.0.0/16"), "a link-local address (this range includes cloud metadata services)"],
  [cidr("172.16.0.0/12"), "a private-network address (RFC 1918)"],
  [cidr("192.0.0.0/24"), "an IETF protocol-assignment address (RFC 6890)"],
  [cidr("192.0.2.0/24"), "a documentation address (TEST-NET-1)"],
  [cidr("192.88.99.0/24"), "a 6to4 relay anycast address (deprecated)"],
  [cidr("192.168.0.0/16"), "a private-network address (RFC 1918)"],
  [cidr("198.18.0.0/15"), "a benchmarking address (RFC 2544)"],
  [cidr("198.51.100.0/24"), "a documentation address (TEST-NET-2)"],
  [cidr("203.0.113.0/24"), "a documentation address (TEST-NET-3)"],
  [cidr("224.0.0.0/4"), "a multicast address"],
  [cidr("255.255.255.255/32"), "the broadcast address"],
  [cidr("240.0.0.0/4"), "a reserved address (240.0.0.0/4)"],
];

/**
 * IPv6 addresses refused even though some lie outside 2000::/3 anyway: the named rows give a precise reason.
 * Addresses that embed an IPv4 address (mapped, compatible, SIIT, 6to4, Teredo) are refused outright: no public
 * web server needs them, and how the OS routes them is exactly the ambiguity an attacker wants. The one exception,
 * the well-known NAT64 prefix, is judged by the IPv4 address it embeds (see {@link nonPublicReason}).
 */
const V6_DENY: readonly (readonly [Cidr, string])[] = [
  [cidr("::/128"), "the unspecified address"],
  [cidr("::1/128"), "a loopback address"],
  [MAPPED, "an IPv4-mapped IPv6 address"],
  [cidr("::ffff:0:0:0/96"), "an IPv4-translated IPv6 address"],
  [cidr("::/96"), "an IPv4-compatible IPv6 address (deprecated)"],
  [cidr("64:ff9b:1::/48"), "a local-use NAT64 address (RFC 8215)"],
  [cidr("100::/64"), "a discard-only address (RFC 6666)"],
  [cidr("2001::/32"), "a Teredo address"],
  [cidr("2001:db8::/32"), "a documentation address"],
  [cidr("2001::/23"), "an IETF protocol-assignment address"],
  [cidr("2002::/16"), "a 6to4 address (deprecated)"],
  [cidr("3fff::/20"), "a documentation address (RFC 9637)"],
  [cidr("fc00::/7"), "a unique local address (fc00::/7)"],
  [cidr("fe80::/10"), "a link-local address"],
  [cidr("fec0::/10"), "a site-local address (deprecated)"],
  [cidr("ff00::/8"), "a multicast address"],
];

/**
 * Why `address` is not a public Internet address (a phrase such as "a loopback address"), or `undefined` when it
 * is public. Text that is not an IP address is never public: the caller only passes literals and DNS answers, so
 * anything else is a bug to fail closed on.
 */
export function nonPublicReason(address: string | AddressBytes): string | undefined {
  const b = typeof address === "string" ? parseAddress(address) : address;
  if (!b) return "not an IP address";
  if (b.length === 4) return V4_DENY.find(([net]) => inCidr(b, net))?.[1];
  if (inCidr(b, NAT64)) {
    const inner = nonPublicReason(b.slice(12));
    return inner === undefined ? undefined : `a NAT64 address of ${inner}`;
  }
  const denied = V6_DENY.find(([net]) => inCidr(b, net))?.[1];
  if (denied !== undefined) return denied;
  return inCidr(b, GLOBAL_UNICAST_V6) ? undefined : "not a global unicast IPv6 address";
}
