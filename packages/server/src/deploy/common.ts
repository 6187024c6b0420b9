/**
 * Pieces shared by the deployment generators (`roost deploy nginx|systemd`): their error type, the public URL taken
 * apart, and upstream address syntax.
 */

/** A setting the generated file cannot express; the message names it. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/** The parts of `server.public_url` a proxy needs. */
export interface PublicUrlParts {
  readonly tls: boolean;
  /** Host name or address, without brackets for IPv6. */
  readonly host: string;
  /** The explicit port, or 80/443. */
  readonly port: number;
  /** Path prefix without a trailing slash: `""` or e.g. `/roost`. */
  readonly path: string;
}

/** Take `server.public_url` apart (the loader already checked it is an http(s) URL). */
export function publicUrlParts(publicUrl: string): PublicUrlParts {
  const u = new URL(publicUrl);
  const tls = u.protocol === "https:";
  const path = u.pathname.replace(/\/+$/, "");
  if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(path))
    throw new DeployError(
      `server.public_url: the path '${u.pathname}' must be plain segments (letters, digits, ._~-)`,
    );
  if (u.search !== "" || u.hash !== "")
    throw new DeployError("server.public_url: a query or fragment cannot be served by a proxy");
  return {
    tls,
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port === "" ? (tls ? 443 : 80) : Number(u.port),
    path,
  };
}

/** True for `host:port` with a host name, IPv4 address or bracketed IPv6 address, and a port 1–65535. */
export function validAddress(a: string): boolean {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(a);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}
