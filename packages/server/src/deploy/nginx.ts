/**
 * `roost deploy nginx`: an nginx site (the `upstream` and `server` blocks of an `http` context) generated from
 * Roost's own configuration, so the proxy can never disagree with the server about body sizes, timeouts, the public
 * URL or where published outputs live on the shared filesystem.
 *
 * nginx serves published output files itself (`/outputs/<jobId>/<file>` straight from
 * `<data_dir>/jobs/<jobId>/outputs/<file>`), for the extensions whose media type it can reproduce; everything else —
 * status documents rendered from the job store, the WPS and job endpoints, output files of other extensions — is
 * proxied to Roost. Differences from Roost's own outputs route are listed in `deploy/README.md` and
 * {@link STATIC_OUTPUT_TYPES}.
 */
import { Formats } from "@roost/core";
import type { Config } from "../config/load.js";
import { EXT_TYPES } from "../http/outputs.js";
import { DeployError, publicUrlParts, validAddress } from "./common.js";

/** What the site needs besides the configuration. */
export interface NginxOptions {
  /** Roost servers, `host:port` (default: the configured `server.host:server.port`). */
  readonly upstreams?: readonly string[];
  /** Serve published output files from the shared filesystem (default true); false proxies them to Roost too. */
  readonly staticOutputs?: boolean;
  /** Name of the upstream group and prefix of nginx variables, so two Roost sites can share one nginx. */
  readonly name?: string;
  /** Certificate and key for an `https` public URL. */
  readonly tlsCertificate?: string;
  readonly tlsKey?: string;
  /** Shown in the header comment: where the configuration came from. */
  readonly source?: string;
}

/**
 * Media types nginx gives output files, by extension: the types of the built-in formats (`Formats`, which name the
 * file when a process returns data), then the extension table of Roost's outputs route for the rest. Roost itself
 * serves the media type *recorded* with the output; the two agree for files named by a built-in format. They differ
 * (1) where two formats share an extension — `.nc` (netCDF, DODS) and `.zip` (ZIP, zipped shapefile): nginx says
 * what the first format says; (2) for a process that declares its own format with one of these extensions and
 * another media type. Other extensions (`.html`, `.js`, `.svg`, unknown ones, upper case) are proxied to Roost,
 * which serves the recorded type and makes HTML, JavaScript and SVG attachments: nginx never serves an active type.
 */
export const STATIC_OUTPUT_TYPES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const f of Object.values(Formats)) {
    const ext = f.extension.replace(/^\./, "");
    if (!m.has(ext)) m.set(ext, f.mimeType);
  }
  for (const [dotted, type] of Object.entries(EXT_TYPES)) {
    const ext = dotted.replace(/^\./, "");
    if (!m.has(ext)) m.set(ext, type);
  }
  for (const [ext, type] of m) {
    // A type nginx serves inline must never be one a browser runs: those go through Roost's attachment rule.
    if (/html|javascript|svg/i.test(type) || !/^[a-z0-9]+$/.test(ext))
      throw new Error(`unsafe static output type ${ext}: ${type}`);
  }
  return m;
})();

/**
 * Seconds nginx waits for Roost's answer: the longest a request can legitimately take is fetching its input
 * references (`inputs.fetch_timeout`, before any Execute is answered) plus a synchronous run (`jobs.sync_timeout`,
 * which also counts the wait for a free worker); 30 s more leave Roost time to answer with its own timeout message
 * rather than nginx's 504.
 */
export function proxyReadTimeout(config: Config): number {
  return Math.ceil(config.jobs.sync_timeout + config.inputs.fetch_timeout) + 30;
}

/**
 * Idle upstream connections are closed by nginx after 4 s, before Roost's own 5 s keep-alive timeout: otherwise
 * nginx may send a request on a connection Roost is closing, and a POST (never retried) would fail with 502.
 */
const UPSTREAM_KEEPALIVE_TIMEOUT_S = 4;

/** The default upstream: where `roost serve` listens with this configuration. */
export function defaultUpstream(config: Config): string {
  const h = config.server.host;
  const host =
    h === "0.0.0.0" || h === "" ? "127.0.0.1" : h === "::" ? "[::1]" : h.includes(":") ? `[${h}]` : h;
  return `${host}:${config.server.port}`;
}

/**
 * A string written into the site as it is: nginx reads `$` as a variable and whitespace, quotes and `;{}#` as syntax,
 * so anything outside a conservative set is refused instead of escaped (paths and host names never need more).
 */
function literal(s: string, what: string): string {
  if (!/^[A-Za-z0-9._/+@=:,~-]+$/.test(s))
    throw new DeployError(
      `${what} '${s}' cannot be written into an nginx configuration (use letters, digits and ._/+@=:,~-)`,
    );
  return s;
}

/** A media type as an nginx token: quoted when it has parameters (`image/tiff; subtype=geotiff`). */
function typeToken(t: string): string {
  return /^[a-z0-9.+/-]+$/.test(t) ? t : `"${t}"`;
}

const UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
/** A path below `outputs/` whose components cannot be `.`/`..` or hidden files, ending in a served extension. */
const FILE_RE = "(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*";

/** Generate the site. Throws {@link DeployError} for settings nginx cannot express. */
export function nginxSite(config: Config, o: NginxOptions = {}): string {
  const name = o.name ?? "roost";
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    throw new DeployError(`--name '${name}': use lower-case letters, digits and _`);
  const upstreams = o.upstreams && o.upstreams.length > 0 ? o.upstreams : [defaultUpstream(config)];
  for (const u of upstreams) {
    if (!validAddress(u)) throw new DeployError(`--upstream '${u}': expected host:port`);
  }
  const url = publicUrlParts(config.server.public_url);
  const prefix = url.path; // "" or "/something", never a trailing slash
  const staticOutputs = o.staticOutputs ?? true;
  const dataDir = config.server.data_dir.replace(/\/+$/, "");
  literal(dataDir, "server.data_dir");
  const trusted = config.server.trusted_proxies;
  const L: string[] = [];
  const line = (s = "") => L.push(s);

  line(`# Roost behind nginx: generated by \`roost deploy nginx\`${o.source ? ` from ${o.source}` : ""}.`);
  line("# Include it in nginx's http context (e.g. as /etc/nginx/conf.d/roost.conf); `nginx -t` checks it.");
  line(
    `# Roost builds every absolute URL from server.public_url = ${config.server.public_url}; nginx listens there.`,
  );
  line("#");
  if (trusted.length > 0) {
    line(
      `# server.trusted_proxies = ${JSON.stringify(trusted)}: nginx must connect to Roost from one of these`,
    );
    line("# addresses, or Roost ignores the X-Forwarded-* headers below and logs nginx as the client.");
  } else {
    line(
      "# WARNING: server.trusted_proxies is empty, so Roost ignores the X-Forwarded-* headers below and logs",
    );
    line(
      "# nginx's address as every client's. Add nginx's address (as Roost sees it) to server.trusted_proxies.",
    );
  }
  if (staticOutputs) {
    line("#");
    line(
      `# Published outputs are read from ${dataDir}/jobs/<jobId>/outputs/ (the shared filesystem): nginx's worker`,
    );
    line(
      "# user needs read access there. Roost creates job directories with mode 0750, so make nginx's user a member",
    );
    line(
      "# of the group that owns them (e.g. `chgrp www-data <data_dir> && chmod g+s <data_dir>`, or add www-data to",
    );
    line("# Roost's group).");
  }
  line();

  line(`upstream ${name} {`);
  line(
    "    # Roost servers. Each one is a complete server (WPS, status documents, outputs) on the shared data dir and",
  );
  line("    # job database; a server that refuses connections is skipped for 10 s.");
  for (const u of upstreams) line(`    server ${u} max_fails=1 fail_timeout=10s;`);
  line("    keepalive 16;");
  line(
    `    keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT_S}s;  # below Roost's 5 s: a POST is never sent on a closing connection`,
  );
  line("}");
  line();
  line(
    "# KVP Execute requests (GET /wps?request=Execute) create jobs: they must never be retried on another server.",
  );
  line(`map $args $${name}_kvp_execute {`);
  line("    default 0;");
  line('    "~*(^|&)request=execute(&|$)" 1;');
  line("}");
  line();

  const listen = (port: number, tls: boolean) => `    listen ${port}${tls ? " ssl" : ""};`;
  if (url.tls && url.port === 443) {
    line("server {");
    line("    listen 80;");
    line(`    server_name ${literal(url.host, "the public URL's host")};`);
    line("    return 301 https://$host$request_uri;");
    line("}");
    line();
  }
  line("server {");
  line(listen(url.port, url.tls));
  line(`    server_name ${literal(url.host, "the public URL's host")};`);
  line("    # IPv6: add `listen [::]:<port>;`.");
  if (url.tls) {
    const host = url.host;
    line(`    ssl_certificate ${literal(o.tlsCertificate ?? `/etc/nginx/tls/${host}.crt`, "--tls-cert")};`);
    line(`    ssl_certificate_key ${literal(o.tlsKey ?? `/etc/nginx/tls/${host}.key`, "--tls-key")};`);
    line("    ssl_protocols TLSv1.2 TLSv1.3;");
  }
  line("    server_tokens off;");
  line();
  line(
    `    # server.max_request_size = ${config.server.max_request_size} bytes: larger bodies get nginx's 413.`,
  );
  line(`    client_max_body_size ${config.server.max_request_size};`);
  line(
    `    # server.request_timeout = ${config.server.request_timeout} s: the slowest client Roost accepts.`,
  );
  line(`    client_body_timeout ${Math.ceil(config.server.request_timeout)}s;`);
  line(`    client_header_timeout ${Math.ceil(config.server.request_timeout)}s;`);
  line();
  line("    # WPS documents are XML, OGC API documents JSON: both shrink ~10x.");
  line("    gzip on;");
  line("    gzip_vary on;");
  line("    gzip_proxied any;");
  line("    gzip_min_length 1024;");
  line(
    "    gzip_types text/xml application/xml application/json application/problem+json application/geo+json application/gml+xml text/plain text/csv;",
  );
  line();
  line(
    "    # Roost builds URLs from server.public_url; these headers are for its logs (client address, scheme).",
  );
  line("    proxy_http_version 1.1;");
  line('    proxy_set_header Connection "";');
  line("    proxy_set_header Host $http_host;");
  line("    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
  line("    proxy_set_header X-Forwarded-Proto $scheme;");
  line("    proxy_set_header X-Forwarded-Host $http_host;");
  line("    proxy_connect_timeout 5s;");
  line(`    proxy_send_timeout ${Math.ceil(config.server.request_timeout)}s;`);
  line(
    `    # jobs.sync_timeout (${config.jobs.sync_timeout} s) + inputs.fetch_timeout (${config.inputs.fetch_timeout} s) + 30 s: Roost answers first.`,
  );
  line(`    proxy_read_timeout ${proxyReadTimeout(config)}s;`);
  line(
    "    # Retried on the next server only when this one could not be reached or did not answer; nginx never",
  );
  line("    # retries a POST, and KVP Execute is excluded below.");
  line("    proxy_next_upstream error timeout;");
  line();

  // A prefix in the public URL is stripped before Roost sees the path.
  const pass = prefix === "" ? `http://${name}` : `http://${name}/`;
  const at = prefix === "" ? "/" : `${prefix}/`;
  const strip = prefix === "" ? undefined : `        rewrite ^${regexEscape(prefix)}(/.*)$ $1 break;`;
  line(`    location ${at} {`);
  line(`        error_page 418 = @${name}_execute;`);
  line(`        if ($${name}_kvp_execute) {`);
  line("            return 418;");
  line("        }");
  line(`        proxy_pass ${pass};`);
  line("    }");
  line();
  line(`    location @${name}_execute {`);
  if (strip) line(strip);
  line(`        proxy_pass http://${name};`);
  line("        proxy_next_upstream off;");
  line("    }");

  if (staticOutputs) {
    const exts = [...STATIC_OUTPUT_TYPES.keys()].sort();
    line();
    line(
      "    # Published output files, straight from the shared filesystem. `outputs/` appears (one rename) only when",
    );
    line(
      "    # the job succeeded, so a file exists here exactly when Roost would serve it; anything missing (not",
    );
    line(
      "    # published yet, dismissed, removed) and every other extension goes to Roost, which answers in its own",
    );
    line(
      "    # format and applies its rules (recorded media type; HTML, JavaScript and SVG as attachments).",
    );
    line(
      `    location ~ "^${regexEscape(prefix)}/outputs/(?<${name}_job>${UUID_RE})/(?<${name}_file>${FILE_RE}\\.(?:${exts.join("|")}))$" {`,
    );
    line(`        alias ${dataDir}/jobs/$${name}_job/outputs/$${name}_file;`);
    line("        autoindex off;");
    line(`        disable_symlinks on from=${dataDir};`);
    line("        types {");
    for (const ext of exts) line(`            ${typeToken(STATIC_OUTPUT_TYPES.get(ext)!)} ${ext};`);
    line("        }");
    line("        default_type application/octet-stream;");
    line("        add_header X-Content-Type-Options nosniff always;");
    line('        add_header Cache-Control "private, max-age=3600" always;');
    line(
      "        # Not sent by Roost: outputs are data, never pages with scripts (an XML file could hold XHTML).",
    );
    line(`        add_header Content-Security-Policy "default-src 'none'; sandbox" always;`);
    line(`        error_page 404 = @${name}_outputs;`);
    line("    }");
    line();
    line(`    location @${name}_outputs {`);
    if (strip) line(strip);
    line(`        proxy_pass http://${name};`);
    line("    }");
  }
  line("}");
  return `${L.join("\n")}\n`;
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
