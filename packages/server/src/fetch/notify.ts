/**
 * POSTing a notification (OGC API – Processes callbacks: `subscriber.successUri`, …) under the reference policy
 * (security.md §2, pygeoapi CVE-2026-42352): the same scheme, address and allow-list checks as a download, the
 * connection pinned to the checked addresses, no redirects followed, a short deadline for the whole exchange, and the
 * response body never read — only the status line matters, so a callback can neither read an internal service nor
 * keep a socket busy.
 */
import type { LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { isRoostError } from "@roost/core";
import { checkTarget, parseReferenceUrl } from "./check.js";
import { networkError } from "./errors.js";
import { pinnedLookup } from "./pinned-lookup.js";
import type { ReferencePolicy } from "./policy.js";

/** What happened to one notification. */
export type NotifyOutcome =
  | { readonly ok: true; readonly status: number }
  /** `retry`: worth trying again (network error, timeout, 5xx, 408, 429); false for refusals and other answers. */
  | { readonly ok: false; readonly retry: boolean; readonly reason: string; readonly status?: number };

/**
 * POST `body` to `href` within `timeoutMs` (DNS, connect, request and response head together). Never throws:
 * every failure is an outcome.
 */
export async function postNotification(
  href: string,
  body: string,
  contentType: string,
  policy: ReferencePolicy,
  timeoutMs: number,
  locator = "subscriber",
): Promise<NotifyOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // file:// is never a callback, whatever allowed_paths says.
    const url = parseReferenceUrl(href, { ...policy, allowedPaths: [] }, locator);
    const target = await checkTarget(url, policy, locator, signal);
    const res = await send(url, target.host, target.addresses, body, contentType, signal);
    const status = res.statusCode ?? 0;
    res.destroy(); // the body is never read
    if (status >= 200 && status < 300) return { ok: true, status };
    const retry = status >= 500 || status === 408 || status === 429;
    return { ok: false, retry, status, reason: `answered HTTP ${status}` };
  } catch (e) {
    if (signal.aborted) return { ok: false, retry: true, reason: `no answer within ${timeoutMs} ms` };
    if (isRoostError(e) && e.code === "InvalidParameter")
      return { ok: false, retry: false, reason: e.message };
    const err = isRoostError(e) ? e : networkError(href, e, locator);
    return { ok: false, retry: true, reason: err.message };
  }
}

function send(
  url: URL,
  host: string,
  addresses: readonly LookupAddress[],
  body: string,
  contentType: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const data = Buffer.from(body, "utf8");
    const common = {
      hostname: host,
      port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: {
        "Content-Type": contentType,
        "Content-Length": String(data.length),
        "User-Agent": "Roost callback",
      },
      agent: false as const,
      insecureHTTPParser: false,
      lookup: pinnedLookup(host, addresses as LookupAddress[]),
      signal,
    };
    const req = secure
      ? httpsRequest({
          ...common,
          rejectUnauthorized: true,
          ...(isIP(host) === 0 ? { servername: host } : {}),
        })
      : httpRequest(common);
    req.once("response", (res) => {
      res.on("error", () => undefined);
      resolve(res);
    });
    req.on("error", reject);
    req.end(data);
  });
}
