/**
 * The configuration schema: one TypeBox schema per section, with defaults. TOML keys, `ROOST_<SECTION>_<KEY>`
 * environment variables and CLI flags all address the same fields. Sizes accept `"10mb"`-style strings; durations
 * are seconds.
 */
import Type, { type Static } from "typebox";

const Size = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.String({ pattern: "^\\s*\\d+(\\.\\d+)?\\s*([kmgKMG]?[bB]?|[kKmMgG]i[bB])?\\s*$" }),
]);

/** `[server]`: listening, public URLs, request limits. */
export const ServerSection = Type.Object(
  {
    host: Type.String({ default: "127.0.0.1", description: "interface to listen on" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 5000 }),
    /** Base URL clients use (behind a proxy: the proxy's URL). Default `http://<host>:<port>`. */
    public_url: Type.String({ default: "" }),
    data_dir: Type.String({ default: "./var", description: "job directories, outputs, the SQLite database" }),
    languages: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ["en-US"] }),
    max_request_size: Type.Union([Size], { default: "10mb" }),
    /** Seconds a client may take to send a whole request (slowloris guard). */
    request_timeout: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    /**
     * Seconds a server instance's lease lasts (renewed every third of it). Several servers on one PostgreSQL take
     * over the jobs of one that stopped once its lease has expired; a restart on the same host takes over at once.
     */
    lease: Type.Number({ minimum: 1, maximum: 3600, default: 10 }),
    /** Honour X-Forwarded-* from these proxy addresses (Fastify trustProxy syntax); empty: never. */
    trusted_proxies: Type.Array(Type.String(), { default: [] }),
    log_level: Type.Union(
      [
        Type.Literal("fatal"),
        Type.Literal("error"),
        Type.Literal("warn"),
        Type.Literal("info"),
        Type.Literal("debug"),
        Type.Literal("trace"),
        Type.Literal("silent"),
      ],
      { default: "info" },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** `[metadata]`: what GetCapabilities says about the service. */
export const MetadataSection = Type.Object(
  {
    title: Type.String({ default: "Roost" }),
    abstract: Type.String({
      default: "Roost: a Web Processing Service running jobs on local workers or a Slurm cluster.",
    }),
    keywords: Type.Array(Type.String(), { default: ["WPS", "Roost", "processing"] }),
    fees: Type.String({ default: "NONE" }),
    access_constraints: Type.String({ default: "NONE" }),
    provider_name: Type.String({ default: "Roost" }),
    provider_site: Type.String({ default: "" }),
    contact_name: Type.String({ default: "" }),
    contact_position: Type.String({ default: "" }),
    contact_email: Type.String({ default: "" }),
    contact_phone: Type.String({ default: "" }),
  },
  { additionalProperties: false, default: {} },
);

/** `[database]`: the job store. */
export const DatabaseSection = Type.Object(
  {
    /** `sqlite:<path>` (default `<data_dir>/roost.db`) or `postgres://…`. */
    url: Type.String({ default: "" }),
    /** PostgreSQL schema for Roost's tables. */
    schema: Type.String({ default: "", pattern: "^([a-z_][a-z0-9_]*)?$" }),
    /** SQLite: `normal` survives a process crash, `full` also a power loss (fsync per commit). */
    durability: Type.Union([Type.Literal("normal"), Type.Literal("full")], { default: "normal" }),
  },
  { additionalProperties: false, default: {} },
);

/** `[jobs]`: execution limits. */
export const JobsSection = Type.Object(
  {
    /** Local worker processes, i.e. jobs running at once on this machine (sync and async). */
    workers: Type.Integer({ minimum: 1, maximum: 256, default: 2 }),
    /** Async jobs waiting for a local worker; beyond it Execute answers ServerBusy (HTTP 503). */
    max_queued: Type.Integer({ minimum: 0, default: 1000 }),
    /** Sync requests waiting for a worker; beyond it ServerBusy. */
    max_sync_waiting: Type.Integer({ minimum: 0, default: 64 }),
    /** Longest synchronous execution, seconds. */
    sync_timeout: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    /** Default wall-time limit of one job, seconds (a process's `jobControl.timeLimit` overrides it). */
    time_limit: Type.Number({ exclusiveMinimum: 0, default: 3600 }),
    /** Seconds between SIGTERM/abort and SIGKILL when a job is dismissed or times out. */
    kill_grace: Type.Number({ minimum: 0, default: 10 }),
    /** Largest complex input (inline or fetched), per value. */
    max_input_size: Type.Union([Size], { default: "100mb" }),
    /** Largest complex output embedded in a response document; bigger ones are sent by reference. */
    max_inline_output: Type.Union([Size], { default: "10mb" }),
    /**
     * Free space the data directory must keep: below it new jobs are refused with ServerBusy (HTTP 503) before the
     * disk fills under running jobs. 0 turns the check off.
     */
    min_free_space: Type.Union([Size], { default: "64mb" }),
    /**
     * How long finished jobs are kept, seconds, per final status (0: forever). Past it the job's row, directory and
     * outputs are removed by a sweep every minute; running and queued jobs and files outside `jobs/` are never touched.
     */
    retention: Type.Object(
      {
        succeeded: Type.Number({ minimum: 0, default: 30 * 86400 }),
        failed: Type.Number({ minimum: 0, default: 30 * 86400 }),
        dismissed: Type.Number({ minimum: 0, default: 86400 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** `[inputs]`: references (`xlink:href`) policy. */
export const InputsSection = Type.Object(
  {
    /** Host names or CIDRs that references may point to even though they are not public addresses. */
    allowed_hosts: Type.Array(Type.String(), { default: [] }),
    /** Directories `file://` references may read (resolved with realpath); empty refuses file://. */
    allowed_paths: Type.Array(Type.String(), { default: [] }),
    connect_timeout: Type.Number({ exclusiveMinimum: 0, default: 5 }),
    fetch_timeout: Type.Number({ exclusiveMinimum: 0, default: 60 }),
    max_redirects: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
  },
  { additionalProperties: false, default: {} },
);

/** `[processes]`: what the registry loads. */
export const ProcessesSection = Type.Object(
  {
    /** Serve the built-in Emu demo processes. */
    demo: Type.Boolean({ default: true }),
    /** Module files (`.ts`, `.js`, `.mjs`) exporting processes made with defineProcess; relative to the config file. */
    modules: Type.Array(Type.String(), { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

/** Slurm options of one process (or the defaults); operator config only, never from requests. */
export const SlurmOptions = Type.Object(
  {
    partition: Type.Optional(Type.String()),
    time_limit: Type.Optional(Type.String({ description: "sbatch --time, e.g. 10:00" })),
    cpus: Type.Optional(Type.Integer({ minimum: 1 })),
    memory: Type.Optional(Type.String({ description: "sbatch --mem, e.g. 512M" })),
    account: Type.Optional(Type.String()),
    qos: Type.Optional(Type.String()),
    extra_args: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** `[scheduler]`: where async jobs run. */
export const SchedulerSection = Type.Object(
  {
    /** Default backend for async jobs. Sync jobs always run on the local workers. */
    backend: Type.Union([Type.Literal("local"), Type.Literal("slurm")], { default: "local" }),
    /** Per-process backend, e.g. `{ sleep = "slurm" }`. */
    routes: Type.Record(Type.String(), Type.Union([Type.Literal("local"), Type.Literal("slurm")]), {
      default: {},
    }),
  },
  { additionalProperties: false, default: {} },
);

/** `[slurm]`: the Slurm backend. */
export const SlurmSection = Type.Object(
  {
    /** Directory holding sbatch/squeue/sacct/scancel; empty: found on PATH. */
    bin_dir: Type.String({ default: "" }),
    /** Command compute nodes run to start the worker (absolute path of `roost` or `node …/roost.js`). */
    worker_command: Type.Array(Type.String(), { default: [] }),
    defaults: Type.Optional(SlurmOptions),
    processes: Type.Record(Type.String(), SlurmOptions, { default: {} }),
    /** Longest interval between two status polls of a job, seconds (old jobs back off to it). */
    poll_interval: Type.Number({ exclusiveMinimum: 0, default: 2 }),
    /** Poll interval of young jobs (just submitted or just changed), seconds; one squeue per tick for all jobs. */
    min_poll_interval: Type.Number({ exclusiveMinimum: 0, default: 0.1 }),
    /** Extra environment of the worker on compute nodes (visible in `scontrol show job`: no secrets). */
    env: Type.Record(Type.String(), Type.String(), { default: {} }),
    /** Seconds to keep retrying sbatch while slurmctld is unreachable before failing the job. */
    submit_deadline: Type.Number({ exclusiveMinimum: 0, default: 3600 }),
    /** Seconds to wait for a worker's files after Slurm forgot a job before declaring it lost. */
    lost_grace: Type.Number({ minimum: 0, default: 120 }),
    max_concurrent_commands: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
  },
  { additionalProperties: false, default: {} },
);

/** `[ui]`: the web UI served at `/`. */
export const UiSection = Type.Object(
  {
    /**
     * Raster tile URL template for the UI's maps (`https://tiles.example.org/{z}/{x}/{y}.png`), for sites that run
     * a tile server. Empty (the default): maps draw the Natural Earth basemap that ships with Roost, so they work
     * with no network beyond the server. The browser fetches tiles from this host, so it is added to the pages'
     * Content-Security-Policy (`img-src`).
     */
    tile_url: Type.String({ default: "", pattern: "^(https?://[^\\s\"'<>]+)?$" }),
    /** Attribution shown under maps drawn with `tile_url` (plain text). */
    tile_attribution: Type.String({ default: "" }),
  },
  { additionalProperties: false, default: {} },
);

/** The whole configuration file. */
export const ConfigSchema = Type.Object(
  {
    server: ServerSection,
    metadata: MetadataSection,
    database: DatabaseSection,
    jobs: JobsSection,
    inputs: InputsSection,
    processes: ProcessesSection,
    scheduler: SchedulerSection,
    slurm: SlurmSection,
    ui: UiSection,
  },
  { additionalProperties: false },
);

/** Configuration as written (sizes may still be strings). */
export type RawConfig = Static<typeof ConfigSchema>;
