/**
 * Reading the configuration once: defaults < TOML file < `ROOST_<SECTION>_<KEY>` environment variables < flags.
 * The result is validated against the schema, normalised (sizes in bytes, absolute paths, the public URL filled
 * in) and frozen. Nothing else in Roost reads `process.env`.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { Value } from "typebox/value";
import { ConfigSchema, type RawConfig } from "./schema.js";

/** Size fields converted to bytes, paths made absolute. */
export type Config = Readonly<
  Omit<RawConfig, "server" | "jobs" | "processes"> & {
    server: Readonly<Omit<RawConfig["server"], "max_request_size"> & { max_request_size: number }>;
    jobs: Readonly<
      Omit<RawConfig["jobs"], "max_input_size" | "max_inline_output" | "min_free_space"> & {
        max_input_size: number;
        max_inline_output: number;
        min_free_space: number;
      }
    >;
    processes: Readonly<RawConfig["processes"]>;
    /** The file the configuration came from, if any. */
    file: string | undefined;
  }
>;

/** A configuration problem, with a message that tells the user exactly what to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Where settings come from. */
export interface LoadOptions {
  /** TOML file path. When absent, `ROOST_CONFIG` in `env` names it; otherwise no file. */
  readonly file?: string | undefined;
  /** Environment (normally `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flag values by dotted key (`server.port`). */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Base for relative paths given in env/flags; default `process.cwd()`. */
  readonly cwd?: string;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parse `10mb`, `512KiB`, `1000` into bytes. */
export function parseSize(v: number | string, key: string): number {
  if (typeof v === "number") return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  const unit = SIZE_UNITS[(m?.[2] ?? "?").toLowerCase()];
  if (!m || unit === undefined)
    throw new ConfigError(`${key}: '${v}' is not a size (e.g. 10mb, 512kib, 1048576)`);
  return Math.round(Number(m[1]) * unit);
}

type Json = Record<string, unknown>;

function sectionSchema(section: string): Json | undefined {
  return (ConfigSchema.properties as unknown as Record<string, Json>)[section];
}

function propertySchema(section: string, key: string): Json | undefined {
  const s = sectionSchema(section);
  return (s?.properties as Record<string, Json> | undefined)?.[key];
}

function kindOf(schema: Json): string {
  if (typeof schema.type === "string") return schema.type;
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants) {
    const types = new Set(variants.map((v) => (typeof v.type === "string" ? v.type : "string")));
    if (types.has("integer") && types.has("string")) return "size";
    return "string";
  }
  return "string";
}

/** Convert an environment string to the type the schema expects. */
function fromEnvString(section: string, key: string, raw: string, name: string): unknown {
  const schema = propertySchema(section, key);
  if (!schema) throw new ConfigError(`${name}: unknown setting ${section}.${key}`);
  switch (kindOf(schema)) {
    case "integer":
    case "number": {
      const n = Number(raw.trim());
      if (raw.trim() === "" || !Number.isFinite(n))
        throw new ConfigError(`${name}: '${raw}' is not a number`);
      return n;
    }
    case "boolean": {
      const l = raw.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(l)) return true;
      if (["false", "0", "no", "off"].includes(l)) return false;
      throw new ConfigError(`${name}: '${raw}' is not a boolean (true/false)`);
    }
    case "array":
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "object": {
      // Maps such as scheduler.routes: `sleep=slurm,hello=local`; objects with typed fields (jobs.retention:
      // `succeeded=86400,failed=604800`) get their values converted like top-level keys.
      const fields = (schema.properties ?? {}) as Record<string, Json>;
      const out: Record<string, unknown> = {};
      for (const pair of raw.split(",").filter((p) => p.trim() !== "")) {
        const eq = pair.indexOf("=");
        if (eq <= 0)
          throw new ConfigError(`${name}: expected key=value pairs separated by commas, got '${pair}'`);
        const k = pair.slice(0, eq).trim();
        const v = pair.slice(eq + 1).trim();
        const kind = fields[k] ? kindOf(fields[k]) : "string";
        if (kind === "number" || kind === "integer") {
          const n = Number(v);
          if (v === "" || !Number.isFinite(n)) throw new ConfigError(`${name}: ${k}: '${v}' is not a number`);
          out[k] = n;
        } else out[k] = v;
      }
      return out;
    }
    case "size":
      return /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw.trim();
    default:
      return raw;
  }
}

function set(target: Json, section: string, key: string, value: unknown): void {
  const s = (target[section] as Json | undefined) ?? {};
  s[key] = value;
  target[section] = s;
}

function resolvePath(p: string, base: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Read, merge, validate and freeze the configuration. Throws {@link ConfigError} with a precise message. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? env.ROOST_CONFIG;
  const merged: Json = {};
  const fileDir = file !== undefined ? dirname(resolve(cwd, file)) : cwd;
  // Paths from the file are relative to the file; from env/flags relative to the working directory.
  const pathBases = new Map<string, string>();

  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), "utf8");
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    let doc: Json;
    try {
      doc = parseToml(text) as Json;
    } catch (e) {
      throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
    }
    for (const [section, value] of Object.entries(doc)) {
      if (!sectionSchema(section)) throw new ConfigError(`config file ${file}: unknown section [${section}]`);
      merged[section] = value;
    }
    pathBases.set("server.data_dir", fileDir);
    pathBases.set("processes.modules", fileDir);
    pathBases.set("inputs.allowed_paths", fileDir);
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("ROOST_") || raw === undefined || name === "ROOST_CONFIG") continue;
    const rest = name.slice("ROOST_".length);
    const us = rest.indexOf("_");
    const section = (us < 0 ? rest : rest.slice(0, us)).toLowerCase();
    const key = us < 0 ? "" : rest.slice(us + 1).toLowerCase();
    if (!sectionSchema(section) || key === "")
      throw new ConfigError(
        `${name}: unknown setting (expected ROOST_<SECTION>_<KEY>, e.g. ROOST_SERVER_PORT)`,
      );
    set(merged, section, key, fromEnvString(section, key, raw, name));
    pathBases.set(`${section}.${key}`, cwd);
  }

  for (const [dotted, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    const [section, key] = dotted.split(".", 2) as [string, string | undefined];
    if (key === undefined || !propertySchema(section, key))
      throw new ConfigError(`unknown setting ${dotted}`);
    set(
      merged,
      section,
      key,
      typeof value === "string" ? fromEnvString(section, key, value, `--${dotted}`) : value,
    );
    pathBases.set(dotted, cwd);
  }

  for (const section of Object.keys(ConfigSchema.properties)) merged[section] ??= {};
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(merged)) as RawConfig;
  if (!Value.Check(ConfigSchema, withDefaults)) {
    const problems: string[] = [];
    for (const e of Value.Errors(ConfigSchema, withDefaults)) {
      if (e.keyword === "boolean" || e.keyword === "anyOf") continue;
      const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)";
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
      problems.push(extra ? `${where}: unknown setting(s) ${extra.join(", ")}` : `${where}: ${e.message}`);
    }
    throw new ConfigError(
      `invalid configuration${file ? ` (${file})` : ""}:\n  ${[...new Set(problems)].join("\n  ")}`,
    );
  }
  const c = withDefaults;
  const base = (k: string) => pathBases.get(k) ?? cwd;
  const dataDir = resolvePath(c.server.data_dir, base("server.data_dir"));
  const publicUrl = (
    c.server.public_url ||
    `http://${c.server.host === "0.0.0.0" || c.server.host === "::" ? "localhost" : c.server.host}:${c.server.port}`
  ).replace(/\/+$/, "");
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new ConfigError(`server.public_url: '${publicUrl}' is not an http(s) URL`);
  }
  for (const [pid, backend] of Object.entries(c.scheduler.routes)) {
    if (backend !== "local" && backend !== "slurm")
      throw new ConfigError(`scheduler.routes.${pid}: '${backend}' is not local or slurm`);
  }
  const config: Config = {
    ...c,
    server: {
      ...c.server,
      data_dir: dataDir,
      public_url: publicUrl,
      max_request_size: parseSize(c.server.max_request_size, "server.max_request_size"),
    },
    database: {
      ...c.database,
      url: c.database.url || `sqlite:${resolve(dataDir, "roost.db")}`,
    },
    jobs: {
      ...c.jobs,
      max_input_size: parseSize(c.jobs.max_input_size, "jobs.max_input_size"),
      max_inline_output: parseSize(c.jobs.max_inline_output, "jobs.max_inline_output"),
      min_free_space: parseSize(c.jobs.min_free_space, "jobs.min_free_space"),
    },
    inputs: {
      ...c.inputs,
      allowed_paths: c.inputs.allowed_paths.map((p) => resolvePath(p, base("inputs.allowed_paths"))),
    },
    processes: {
      ...c.processes,
      modules: c.processes.modules.map((p) => resolvePath(p, base("processes.modules"))),
    },
    file: file !== undefined ? resolve(cwd, file) : undefined,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
