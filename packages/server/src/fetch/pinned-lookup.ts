/**
 * The `lookup` passed to `http(s).request` so a connection goes to an address that was checked. Without it Node
 * resolves the host again at connect time, and a DNS server answering "public" to the check and "127.0.0.1" to the
 * connection (DNS rebinding) would defeat the whole policy. TLS is unaffected: the request still carries the host
 * name, which is used for SNI and certificate verification.
 */
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";

function wantedFamily(f: number | "IPv4" | "IPv6" | undefined): 0 | 4 | 6 {
  if (f === 4 || f === "IPv4") return 4;
  if (f === 6 || f === "IPv6") return 6;
  return 0;
}

function lookupError(hostname: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${message}: ${hostname}`), { code: "ENOTFOUND", hostname });
}

/**
 * A lookup function that answers only for `host`, only with `addresses`, and never asks DNS. Any other name means
 * something tried to connect elsewhere through this request, which is refused rather than resolved.
 */
export function pinnedLookup(host: string, addresses: readonly LookupAddress[]): LookupFunction {
  const pinnedHost = host.toLowerCase();
  return (hostname, options, callback) => {
    // Node expects the callback asynchronously, as from a real resolver.
    process.nextTick(() => {
      if (hostname.toLowerCase() !== pinnedHost) {
        callback(lookupError(hostname, "host is not the one that was checked"), "", 0);
        return;
      }
      const family = wantedFamily(options.family);
      const list = addresses.filter((a) => family === 0 || a.family === family);
      const first = list[0];
      if (!first) callback(lookupError(hostname, "no checked address of the requested family"), "", 0);
      else if (options.all)
        callback(
          null,
          list.map((a) => ({ address: a.address, family: a.family })),
        );
      else callback(null, first.address, first.family);
    });
  };
}
