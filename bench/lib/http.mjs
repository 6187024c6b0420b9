/**
 * Minimal HTTP GET (and XML POST) over `node:http` with a keep-alive Agent. The async-latency loop polls every millisecond: a new
 * TCP connection per poll would measure the kernel's connect path rather than the server, so connections are
 * reused wherever the server allows it (gunicorn's sync workers close after each response; the Agent then simply
 * opens a new one).
 */
import http from "node:http";

/** One agent for the whole bench: a handful of sockets per host, kept open between polls. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 8, keepAliveMsecs: 1000 });

/**
 * GET `url` (or, with `method`/`body`, any request); resolves with status, headers, body text and the raw header
 * size (status line + headers as sent on the wire, used to compare wrk's byte count with the expected response
 * size).
 * @param {string} url
 * @param {{ timeoutMs?: number, agent?: import("node:http").Agent, method?: string, body?: string, headers?: Record<string, string> }} [opts]
 * @returns {Promise<{ status: number, headers: import("node:http").IncomingHttpHeaders, body: string, headerBytes: number }>}
 */
export function get(
  url,
  { timeoutMs = 10_000, agent: via = agent, method = "GET", body, headers = {} } = {},
) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: via, timeout: timeoutMs, method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        // rawHeaders is [name, value, name, value, …]; each line is `name: value\r\n`, then a blank line.
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          headerBytes += res.rawHeaders[i].length + 2 + Buffer.byteLength(res.rawHeaders[i + 1]) + 2;
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          headerBytes,
        });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * POST an XML document (Content-Type application/xml, as WPS 2.0 clients and the ETS send it).
 * @param {string} url
 * @param {string} body
 * @param {{ timeoutMs?: number, agent?: import("node:http").Agent }} [opts]
 */
export function postXml(url, body, opts = {}) {
  return get(url, { ...opts, method: "POST", body, headers: { "content-type": "application/xml" } });
}

/**
 * Any request (`method`, `headers`, `body`); resolves like {@link get}. The OGC API part POSTs execute requests.
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string, timeoutMs?: number, agent?: import("node:http").Agent }} [opts]
 * @returns {Promise<{ status: number, headers: import("node:http").IncomingHttpHeaders, body: string, headerBytes: number }>}
 */
export function request(
  url,
  { method = "GET", headers = {}, body, timeoutMs = 10_000, agent: via = agent } = {},
) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: via, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          headerBytes += res.rawHeaders[i].length + 2 + Buffer.byteLength(res.rawHeaders[i + 1]) + 2;
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          headerBytes,
        });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Resolve after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
