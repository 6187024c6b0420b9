/**
 * Every environment variable the client reads, in one place so it is easy to audit. Nothing else in the client
 * touches `process.env`; the library proper reads nothing from the environment at all (callers pass options), and the
 * CLI reads it once, through {@link readEnvironment}.
 *
 * | Variable          | Meaning                                                                 |
 * |-------------------|-------------------------------------------------------------------------|
 * | `WPS_SERVICE`     | default service URL (birdy's variable)                                  |
 * | `WPS_PROTOCOL`    | `wps2`, `wps1` or `ogcapi`: the protocol to speak (detected otherwise)  |
 * | `WPS_TOKEN`       | bearer token sent as `Authorization: Bearer <token>`                    |
 * | `WPS_SSL_VERIFY`  | `false`/`0`/`no` turns TLS verification off; a file path is a CA bundle |
 * | `XDG_CACHE_HOME`  | parent of the description cache (`$XDG_CACHE_HOME/roost`)               |
 * | `XDG_STATE_HOME`  | parent of the job history (`$XDG_STATE_HOME/roost`)                     |
 * | `HOME`            | fallback for the two above (`~/.cache`, `~/.local/state`)               |
 * | `NO_COLOR`        | (reserved) the CLI prints no colours anyway                             |
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** The service URL used when neither `--url` nor `WPS_SERVICE` is given (birdy's default). */
export const DEFAULT_SERVICE_URL = "http://localhost:5000/wps";

/** What the environment says, already interpreted. */
export interface ClientEnvironment {
  /** `WPS_SERVICE`, when set and not empty. */
  readonly serviceUrl?: string;
  /**
   * `WPS_PROTOCOL`, when set and not empty (checked where it is used, so a bad value is a usage error of the command).
   * Not `ROOST_PROTOCOL`: `ROOST_*` variables are the server's configuration, and `roost serve` refuses unknown ones.
   */
  readonly protocol?: string;
  /** `WPS_TOKEN`, when set and not empty. */
  readonly token?: string;
  /** False when `WPS_SSL_VERIFY` is `false`, `0`, `no` or `off`. */
  readonly tlsVerify: boolean;
  /** `WPS_SSL_VERIFY` when it is neither a boolean word nor empty: the path of a CA bundle (as birdy reads it). */
  readonly caFile?: string;
  /** Directory of the on-disk description cache. */
  readonly cacheDir: string;
  /** Directory of the local job history. */
  readonly stateDir: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

/** Read the client's environment variables. `env` defaults to `process.env` (tests pass their own). */
export function readEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientEnvironment {
  const home = nonEmpty(env.HOME) ?? homedir();
  const verify = nonEmpty(env.WPS_SSL_VERIFY);
  const lowered = verify?.toLowerCase();
  const off = lowered === "false" || lowered === "0" || lowered === "no" || lowered === "off";
  const on =
    lowered === undefined || lowered === "true" || lowered === "1" || lowered === "yes" || lowered === "on";
  const serviceUrl = nonEmpty(env.WPS_SERVICE);
  const token = nonEmpty(env.WPS_TOKEN);
  const protocol = nonEmpty(env.WPS_PROTOCOL);
  // XDG says relative paths in these variables are invalid and must be ignored.
  const xdg = (v: string | undefined) => {
    const p = nonEmpty(v);
    return p?.startsWith("/") ? p : undefined;
  };
  return {
    ...(serviceUrl !== undefined ? { serviceUrl } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
    tlsVerify: !off,
    ...(!off && !on && verify !== undefined ? { caFile: verify } : {}),
    cacheDir: join(xdg(env.XDG_CACHE_HOME) ?? join(home, ".cache"), "roost"),
    stateDir: join(xdg(env.XDG_STATE_HOME) ?? join(home, ".local", "state"), "roost"),
  };
}
