/**
 * The reference policy: what a WPS reference (`xlink:href`, `BodyReference`) may point at and how long and how much
 * a download may take. Deny by default (security.md §2): only public addresses, unless an operator names a host or a
 * network in `allowedHosts`; `file://` only under configured directories.
 */
import { domainToASCII } from "node:url";
import { type AddressBytes, type Cidr, inCidr, mappedV4, parseAddress, parseCidr } from "./address.js";

/** The limits every outbound reference fetch obeys; built from `[inputs]` and `[jobs]` in the configuration. */
export interface ReferencePolicy {
  /** Host names (exact, case-insensitive) or CIDRs (IPv4/IPv6) that may be fetched even if non-public. */
  readonly allowedHosts: readonly string[];
  /** Directories `file://` references may read (after realpath); empty = file:// refused. */
  readonly allowedPaths: readonly string[];
  /** Longest wait for DNS resolution and for the TCP (and TLS) connection of one request. */
  readonly connectTimeoutMs: number;
  /** Deadline for a whole download, redirects and body reference included. */
  readonly totalTimeoutMs: number;
  /** Byte cap, counted while streaming (Content-Length is never trusted). */
  readonly maxBytes: number;
  /** Redirects followed per download; each target is checked again. */
  readonly maxRedirects: number;
}

/** `allowedHosts` split into names and networks, so each check does not re-parse the configuration. */
interface AllowList {
  readonly names: ReadonlySet<string>;
  readonly networks: readonly Cidr[];
}

// Keyed by the array: a policy object is built once at start-up and then shared by every request.
const compiled = new WeakMap<readonly string[], AllowList>();

/** Lower-case, IDN to punycode, one trailing dot dropped: the form `new URL()` gives a host name, minus the dot. */
export function normaliseHostName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, "");
  return domainToASCII(n) || n;
}

function compile(hosts: readonly string[]): AllowList {
  const names = new Set<string>();
  const networks: Cidr[] = [];
  for (const raw of hosts) {
    const entry = raw.trim();
    // An entry with a slash or a colon, or made of digits and dots, can only be meant as an address: a typo must
    // not silently become a host name that never matches.
    const looksLikeAddress = entry.includes("/") || entry.includes(":") || /^[\d.]+$/.test(entry);
    const net = parseCidr(entry.replace(/^\[(.*)\](\/\d+)?$/, "$1$2"));
    if (net) networks.push(net);
    else if (looksLikeAddress || entry === "" || !/^[^\s/\\@?#]+$/.test(entry))
      throw new TypeError(`allowedHosts: '${raw}' is neither a host name nor an IP address or CIDR`);
    else names.add(normaliseHostName(entry));
  }
  return { names, networks };
}

function allowList(policy: ReferencePolicy): AllowList {
  let list = compiled.get(policy.allowedHosts);
  if (!list) {
    list = compile(policy.allowedHosts);
    compiled.set(policy.allowedHosts, list);
  }
  return list;
}

/**
 * Throw a `TypeError` naming the first bad setting. Call it at start-up so a typo in `allowed_hosts` or a zero
 * timeout stops the server instead of failing the first request that needs a reference.
 */
export function assertValidPolicy(policy: ReferencePolicy): void {
  allowList(policy);
  for (const k of ["connectTimeoutMs", "totalTimeoutMs", "maxBytes"] as const) {
    if (!(policy[k] > 0)) throw new TypeError(`${k} must be a positive number, not ${policy[k]}`);
  }
  if (!Number.isInteger(policy.maxRedirects) || policy.maxRedirects < 0)
    throw new TypeError(`maxRedirects must be a non-negative integer, not ${policy.maxRedirects}`);
}

/** True when the operator allow-listed this host name (compared in normalised form). */
export function isAllowedName(policy: ReferencePolicy, hostName: string): boolean {
  return allowList(policy).names.has(normaliseHostName(hostName));
}

/**
 * True when an allow-listed network contains `address`. An IPv4 network also matches the IPv4-mapped form of its
 * addresses (`::ffff:127.0.0.1` is in `127.0.0.0/8`), since a connection to either reaches the same host.
 */
export function isAllowedAddress(policy: ReferencePolicy, address: string | AddressBytes): boolean {
  const b = typeof address === "string" ? parseAddress(address) : address;
  if (!b) return false;
  const v4 = mappedV4(b);
  return allowList(policy).networks.some((net) => inCidr(b, net) || (v4 !== undefined && inCidr(v4, net)));
}
