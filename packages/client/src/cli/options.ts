/**
 * The options every client command shares (where the server is, how to authenticate, TLS, language, cache), declared
 * once and used twice: as commander options on the fixed commands, and by the hand-written parser of `roost run`
 * (whose per-process options commander cannot express).
 */
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { DescriptionCache } from "../cache.js";
import { canonicalUrl, openClient } from "../connect.js";
import { type ClientEnvironment, DEFAULT_SERVICE_URL } from "../env.js";
import { JobHistory } from "../history.js";
import {
  type ConnectOptions,
  isProtocol,
  PROTOCOLS,
  type ProcessingClient,
  type Protocol,
} from "../protocol-client.js";
import { UsageError } from "./exit.js";

/** Values of the shared options. */
export interface CommonOptions {
  url?: string;
  protocol?: string;
  token?: string;
  header?: string[];
  insecure?: boolean;
  caFile?: string;
  cert?: string;
  language?: string;
  refresh?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** One shared option: name (without `--`), value placeholder (none for flags), help text. */
export interface OptionSpec {
  readonly name: string;
  readonly key: keyof CommonOptions;
  readonly short?: string;
  readonly value?: string;
  readonly repeat?: boolean;
  readonly help: string;
}

/** The shared options. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    name: "url",
    key: "url",
    short: "u",
    value: "url",
    help: `service URL: a WPS endpoint or an OGC API landing page (env WPS_SERVICE; default ${DEFAULT_SERVICE_URL})`,
  },
  {
    name: "protocol",
    key: "protocol",
    value: PROTOCOLS.join("|"),
    help: "protocol to speak (env WPS_PROTOCOL); detected by default, WPS 2.0.0 preferred over 1.0.0",
  },
  {
    name: "token",
    key: "token",
    short: "t",
    value: "token",
    help: "send Authorization: Bearer <token> (env WPS_TOKEN)",
  },
  {
    name: "header",
    key: "header",
    short: "H",
    value: "name:value",
    repeat: true,
    help: "extra HTTP header for the service (repeatable)",
  },
  {
    name: "insecure",
    key: "insecure",
    short: "k",
    help: "do not verify TLS certificates (env WPS_SSL_VERIFY=false)",
  },
  {
    name: "ca-file",
    key: "caFile",
    value: "pem",
    help: "trust these CA certificates (env WPS_SSL_VERIFY=<path>)",
  },
  { name: "cert", key: "cert", value: "pem", help: "client certificate and key (one PEM file)" },
  {
    name: "language",
    key: "language",
    short: "l",
    value: "tag",
    help: "language of titles and messages, e.g. fr-CA",
  },
  { name: "refresh", key: "refresh", help: "ignore cached process descriptions" },
  { name: "json", key: "json", help: "print one JSON document on stdout" },
  { name: "quiet", key: "quiet", short: "q", help: "no progress output" },
];

/** Add the shared options to a commander command. */
export function addCommonOptions(cmd: Command): Command {
  for (const o of COMMON_OPTIONS) {
    const flags = `${o.short !== undefined ? `-${o.short}, ` : ""}--${o.name}${o.value !== undefined ? ` <${o.value}>` : ""}`;
    const opt = new Option(flags, o.help);
    if (o.repeat) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    cmd.addOption(opt);
  }
  return cmd;
}

/** Parse `Name: value` (or `Name=value`) into a header pair. */
export function parseHeader(h: string): [string, string] {
  const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*[:=]\s*(.*)$/.exec(h);
  if (!m) throw new UsageError(`--header '${h}' must look like 'Name: value'`);
  const value = m[2] ?? "";
  if (/[\r\n]/.test(value)) throw new UsageError(`--header '${m[1]}' must not contain line breaks`);
  return [m[1] ?? "", value];
}

/** Where a command's service is and how to reach it, known without contacting it. */
export interface SessionContext {
  readonly cache: DescriptionCache;
  readonly history: JobHistory;
  /** The service URL as given (without query), canonical for the pinned or likely protocol. */
  readonly serviceUrl: string;
  /** The protocol pinned by `--protocol` or `WPS_PROTOCOL`. */
  readonly protocol?: Protocol;
  readonly connect: ConnectOptions;
}

/** What a command needs to talk to the service. */
export interface Session extends SessionContext {
  readonly client: ProcessingClient;
}

/** The service URL the options and environment point at. */
export function serviceUrlOf(o: CommonOptions, env: ClientEnvironment): string {
  const url = o.url ?? env.serviceUrl ?? DEFAULT_SERVICE_URL;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a valid URL (set --url or WPS_SERVICE)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new UsageError(`the service URL must start with http:// or https:// (got '${url}')`);
  return url;
}

/** The protocol `--protocol` or `WPS_PROTOCOL` pins, if any (a usage error for anything else). */
export function protocolOf(o: CommonOptions, env: ClientEnvironment): Protocol | undefined {
  const p = o.protocol ?? env.protocol;
  if (p === undefined) return undefined;
  const v = p.trim().toLowerCase();
  if (!isProtocol(v))
    throw new UsageError(
      `unknown protocol '${p.slice(0, 40)}' (${o.protocol !== undefined ? "--protocol" : "WPS_PROTOCOL"}); use ${PROTOCOLS.join(", ")}`,
    );
  return v;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read the ${what} '${path}': ${(e as { code?: string }).code ?? String(e)}`);
  }
}

/**
 * Everything about the session that needs no network: cache, history, the service URL and the connection options.
 * `protocol` overrides the options' (a job's recorded protocol).
 */
export function sessionContext(
  o: CommonOptions,
  env: ClientEnvironment,
  serviceUrl = serviceUrlOf(o, env),
  protocol: Protocol | undefined = protocolOf(o, env),
): SessionContext {
  const headers: Record<string, string> = {};
  for (const h of o.header ?? []) {
    const [k, v] = parseHeader(h);
    headers[k] = v;
  }
  const token = o.token ?? env.token;
  const caFile = o.caFile ?? env.caFile;
  const cache = new DescriptionCache(env.cacheDir);
  const connect: ConnectOptions = {
    ...(token !== undefined && token !== "" ? { token } : {}),
    headers,
    tlsVerify: o.insecure === true ? false : env.tlsVerify,
    ...(caFile !== undefined ? { ca: readPem(caFile, "CA file") } : {}),
    ...(o.cert !== undefined ? { cert: readPem(o.cert, "certificate") } : {}),
    ...(o.language !== undefined ? { language: o.language } : {}),
    cache,
    refresh: o.refresh === true,
    ...(protocol !== undefined ? { protocol } : {}),
  };
  let url: string;
  try {
    url = canonicalUrl(serviceUrl, protocol);
  } catch {
    throw new UsageError(`'${serviceUrl}' is not a valid service URL`);
  }
  return {
    cache,
    history: new JobHistory(env.stateDir),
    serviceUrl: url,
    ...(protocol !== undefined ? { protocol } : {}),
    connect,
  };
}

/**
 * Open the client: the pinned protocol's, the one a fresh cache entry names, or the one detected (a request).
 * `serviceUrl` becomes the client's own URL (an OGC API landing page for a `…/processes` URL).
 */
export async function openSession(
  o: CommonOptions,
  env: ClientEnvironment,
  serviceUrl?: string,
  protocol?: Protocol,
): Promise<Session> {
  const ctx = sessionContext(o, env, serviceUrl ?? serviceUrlOf(o, env), protocol ?? protocolOf(o, env));
  const client = await openClient(ctx.serviceUrl, ctx.connect);
  return { ...ctx, client, serviceUrl: client.url };
}
