/**
 * The client library's entry point: `connect(url)` returns one protocol-neutral {@link ProcessingClient} for a WPS
 * 1.0.0, WPS 2.0.0 or OGC API – Processes server (detected, or pinned with the `protocol` option); the protocol
 * clients can also be constructed directly to pin a protocol.
 *
 * @example
 * const c = await connect("http://localhost:5000/wps");
 * const job = await c.execute("sleep", { delay: 1 });
 * job.on("progress", (s) => console.log(s.percent, s.message));
 * const { outputs } = await job.result();
 */
export { canonicalUrl, connect, type Detected, detectProtocol, looksLikeWps, openClient } from "./connect.js";
export { OgcApiClient } from "./ogcapi-client.js";
export * from "./protocol-client.js";
export { roostStatusLocation, Wps1Client, WpsClient } from "./wps1-client.js";
export { jobIdFromGetStatusUrl, statusFromWps2, Wps2Client } from "./wps2-client.js";
