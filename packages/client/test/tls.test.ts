/**
 * TLS options on a real HTTPS server with a self-signed certificate (made with `openssl`): verification on by
 * default with an actionable message, `tlsVerify: false` (`--insecure`, `WPS_SSL_VERIFY=false`) and a CA file
 * (`--ca-file`, `WPS_SSL_VERIFY=<path>`).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WpsClient } from "../src/client.js";
import { ConnectionError } from "../src/errors.js";
import { removeTempDirs, tempDir } from "./fixtures.js";

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasOpenssl)("TLS verification", () => {
  let server: Server;
  let url = "";
  let cert: Buffer;

  beforeAll(async () => {
    const dir = tempDir("tls");
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    expect(made.status).toBe(0);
    cert = readFileSync(join(dir, "cert.pem"));
    server = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" }).end(
        `<wps:Capabilities xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1" version="1.0.0">
          <ows:ServiceIdentification><ows:Title>TLS</ows:Title></ows:ServiceIdentification>
          <wps:ProcessOfferings><wps:Process><ows:Identifier>hello</ows:Identifier><ows:Title>Hello</ows:Title></wps:Process></wps:ProcessOfferings>
        </wps:Capabilities>`,
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/wps`;
  });

  afterAll(() => {
    removeTempDirs();
    server?.close();
  });

  it("refuses a self-signed certificate by default, saying what to do", async () => {
    const c = new WpsClient(url);
    const e = await c.processes().catch((x: unknown) => x);
    c.close();
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as Error).message).toMatch(
      /TLS verification of 127\.0\.0\.1:\d+ failed .*--ca-file <pem>, or --insecure/,
    );
  });

  it("accepts it with verification off or with the certificate as CA", async () => {
    const insecure = new WpsClient(url, { tlsVerify: false });
    expect((await insecure.processes()).map((p) => p.identifier)).toEqual(["hello"]);
    insecure.close();
    const trusted = new WpsClient(url, { ca: cert });
    expect((await trusted.processes()).map((p) => p.identifier)).toEqual(["hello"]);
    trusted.close();
  });
});
