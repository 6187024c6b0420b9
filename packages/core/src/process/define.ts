/**
 * `defineProcess`: the one function process authors call. It checks the declaration (an author error throws at
 * load time, not at the first request), attaches identifiers, and returns the normalised
 * {@link ProcessDefinition} the registry, the front ends and the worker share.
 */
import type { Cardinality, InputSpec, InputValues, OutputSpec, OutputValues } from "../io/builders.js";
import { checkAllowed, coerceLiteral, hasXmlIllegalChars } from "../io/literal.js";
import type {
  Description,
  InputDefinition,
  LiteralValue,
  MetadataLink,
  OutputDefinition,
  OutputRequest,
  Translation,
} from "../io/types.js";

/** Minimal structured logger handed to handlers (pino-compatible subset). */
export interface ProcessLogger {
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
  debug(msg: string, ...args: unknown[]): void;
}

/** What a running handler can use besides its inputs. */
export interface ProcessContext {
  /** The job id (a random UUID). */
  readonly jobId: string;
  /** A private, empty working directory for this run; files written here can be returned as outputs. */
  readonly workdir: string;
  /**
   * Directory published as the job's outputs when the job succeeds (atomically, all or nothing). Write extra files
   * here (e.g. the members of a Metalink) and link them with {@link ProcessContext.outputUrl}.
   */
  readonly outputDir: string;
  /** Public URL a file at `outputDir/<relativePath>` will have once the job succeeds. */
  outputUrl(relativePath: string): string;
  /** Fires when the job is dismissed or hits its time limit; long handlers must watch it. */
  readonly signal: AbortSignal;
  /** Writes to the job's own log file. */
  readonly logger: ProcessLogger;
  /** Negotiated language of the request (e.g. `fr-CA`), if any. */
  readonly language: string | undefined;
  /** What the client asked for each output (format, by reference), keyed by output identifier. */
  readonly outputRequests: ReadonlyMap<string, OutputRequest>;
  /** Units of measure the client sent with literal inputs, keyed by input identifier. */
  readonly uoms: ReadonlyMap<string, string>;
  /** Report progress (0–100) and a status message; cheap, call it as often as you like. */
  progress(percent: number, message?: string): void;
  /** Sleep that ends early (rejecting) when the job is cancelled. */
  sleep(ms: number): Promise<void>;
}

/** Job control of a process: which execution modes it supports and its time limit. */
export interface JobControl {
  /** Supports synchronous execution. Default true. */
  readonly sync: boolean;
  /** Supports asynchronous execution (WPS `storeSupported`/`statusSupported`). Default true. */
  readonly async: boolean;
  /** Wall-time limit in seconds for one run; the server-wide limit applies when absent. */
  readonly timeLimit?: number;
}

/** Translations of a process: its own texts plus those of inputs and outputs, per language. */
export interface ProcessTranslation extends Translation {
  readonly inputs?: Readonly<Record<string, Translation>>;
  readonly outputs?: Readonly<Record<string, Translation>>;
}

/** What an author passes to {@link defineProcess}. */
export interface ProcessDeclaration<
  I extends Record<string, InputSpec<unknown, Cardinality>>,
  O extends Record<string, OutputSpec<unknown>>,
> {
  readonly identifier: string;
  readonly title: string;
  readonly abstract?: string;
  readonly keywords?: readonly string[];
  readonly metadata?: readonly MetadataLink[];
  /** Process version (`wps:processVersion`). Default `1.0.0`. */
  readonly version?: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly jobControl?: Partial<JobControl>;
  /** Per language tag: translated texts. */
  readonly translations?: Readonly<Record<string, ProcessTranslation>>;
  readonly handler: (
    inputs: InputValues<I>,
    ctx: ProcessContext,
  ) => Promise<OutputValues<O>> | OutputValues<O>;
}

/** Untyped handler as the worker calls it. */
export type ProcessHandler = (
  inputs: Readonly<Record<string, unknown>>,
  ctx: ProcessContext,
) => Promise<Readonly<Record<string, unknown>>>;

const PROCESS = Symbol.for("roost.ProcessDefinition");

/** A checked, normalised process as the registry, the front ends and the worker use it. */
export interface ProcessDefinition extends Description {
  readonly version: string;
  readonly inputs: readonly InputDefinition[];
  readonly outputs: readonly OutputDefinition[];
  readonly inputMap: ReadonlyMap<string, InputDefinition>;
  readonly outputMap: ReadonlyMap<string, OutputDefinition>;
  readonly jobControl: JobControl;
  readonly translations?: Readonly<Record<string, ProcessTranslation>>;
  readonly handler: ProcessHandler;
  /** Brand (see {@link isProcessDefinition}). */
  readonly [PROCESS]: true;
}

/** True for a value returned by {@link defineProcess} (from any copy of this module). */
export function isProcessDefinition(v: unknown): v is ProcessDefinition {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[PROCESS] === true;
}

function fail(where: string, msg: string): never {
  throw new TypeError(`defineProcess: ${where}: ${msg}`);
}

function checkIdentifier(where: string, id: string): void {
  if (typeof id !== "string" || id.trim() === "") fail(where, "identifier must be a non-empty string");
  if (hasXmlIllegalChars(id) || /[\r\n\t]/.test(id)) fail(where, "identifier contains control characters");
  if (id.length > 256) fail(where, "identifier is longer than 256 characters");
}

function describe(
  id: string,
  o: {
    title: string;
    abstract?: string;
    keywords?: readonly string[];
    metadata?: readonly MetadataLink[];
    translations?: Readonly<Record<string, Translation>>;
  },
): Description {
  if (typeof o.title !== "string" || o.title === "") fail(id, "title is required");
  return {
    identifier: id,
    title: o.title,
    ...(o.abstract !== undefined ? { abstract: o.abstract } : {}),
    ...(o.keywords !== undefined ? { keywords: o.keywords } : {}),
    ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
    ...(o.translations !== undefined ? { translations: o.translations } : {}),
  };
}

function normaliseInput(pid: string, id: string, s: InputSpec<unknown, Cardinality>): InputDefinition {
  const where = `process '${pid}', input '${id}'`;
  checkIdentifier(where, id);
  const minOccurs = s.options.minOccurs ?? 1;
  const maxOccurs = s.options.maxOccurs ?? 1;
  if (!Number.isInteger(minOccurs) || minOccurs < 0) fail(where, "minOccurs must be an integer >= 0");
  if (!Number.isInteger(maxOccurs) || maxOccurs < 1 || maxOccurs < minOccurs)
    fail(where, "maxOccurs must be an integer >= max(1, minOccurs)");
  const base = { ...describe(id, s.options), minOccurs, maxOccurs };
  switch (s.kind) {
    case "literal": {
      const dataType = s.dataType ?? "string";
      const allowedValues = s.allowedValues ?? { kind: "any" as const };
      let def: LiteralValue | undefined;
      if (s.default !== undefined) {
        const c = coerceLiteral(dataType, s.default as LiteralValue);
        if (!c.ok) fail(where, `default ${JSON.stringify(s.default)} ${c.reason}`);
        const bad = checkAllowed(dataType, c.value, allowedValues);
        if (bad) fail(where, `default ${JSON.stringify(s.default)} ${bad}`);
        def = c.value;
      }
      if (allowedValues.kind === "values") {
        for (const v of allowedValues.values) {
          const c = coerceLiteral(dataType, v);
          if (!c.ok) fail(where, `allowed value ${JSON.stringify(v)} ${c.reason}`);
        }
      }
      return {
        ...base,
        kind: "literal",
        dataType,
        allowedValues,
        ...(def !== undefined ? { default: def } : {}),
        ...(s.uoms !== undefined && s.uoms.length > 0 ? { uoms: s.uoms } : {}),
      };
    }
    case "complex":
      if (!s.formats || s.formats.length === 0) fail(where, "a complex input needs at least one format");
      return {
        ...base,
        kind: "complex",
        formats: s.formats,
        ...(s.maximumMegabytes !== undefined ? { maximumMegabytes: s.maximumMegabytes } : {}),
      };
    case "bbox":
      if (!s.crs || s.crs.length === 0) fail(where, "a bounding box input needs at least one CRS");
      return { ...base, kind: "bbox", crs: s.crs, dimensions: s.dimensions ?? 2 };
  }
}

function normaliseOutput(pid: string, id: string, s: OutputSpec<unknown>): OutputDefinition {
  const where = `process '${pid}', output '${id}'`;
  checkIdentifier(where, id);
  const base = describe(id, s.options);
  switch (s.kind) {
    case "literal":
      return {
        ...base,
        kind: "literal",
        dataType: s.dataType ?? "string",
        ...(s.uoms !== undefined && s.uoms.length > 0 ? { uoms: s.uoms } : {}),
      };
    case "complex":
      if (!s.formats || s.formats.length === 0) fail(where, "a complex output needs at least one format");
      return { ...base, kind: "complex", formats: s.formats, asReference: s.asReference ?? false };
    case "bbox":
      if (!s.crs || s.crs.length === 0) fail(where, "a bounding box output needs at least one CRS");
      return { ...base, kind: "bbox", crs: s.crs, dimensions: s.dimensions ?? 2 };
  }
}

/**
 * Declare a process. The handler receives typed inputs (defaults already applied) and returns its outputs.
 *
 * @example
 * export default defineProcess({
 *   identifier: "hello",
 *   title: "Say Hello",
 *   inputs: { name: Input.string({ title: "Your name" }) },
 *   outputs: { output: Output.string({ title: "Greeting" }) },
 *   handler: async ({ name }) => ({ output: `Hello ${name}` }),
 * });
 */
export function defineProcess<
  I extends Record<string, InputSpec<unknown, Cardinality>>,
  O extends Record<string, OutputSpec<unknown>>,
>(decl: ProcessDeclaration<I, O>): ProcessDefinition {
  const pid = decl.identifier;
  checkIdentifier(`process '${pid}'`, pid);
  if (typeof decl.handler !== "function") fail(`process '${pid}'`, "handler must be a function");
  const inputs = Object.entries(decl.inputs ?? {}).map(([id, s]) =>
    normaliseInput(pid, id, s as InputSpec<unknown, Cardinality>),
  );
  const outputs = Object.entries(decl.outputs ?? {}).map(([id, s]) =>
    normaliseOutput(pid, id, s as OutputSpec<unknown>),
  );
  // WPS 1.0.0's ProcessOutputs requires at least one Output; a process without outputs could not be described
  // validly (PyWPS emits an invalid document for Emu's show_error).
  if (outputs.length === 0)
    fail(`process '${pid}'`, "declare at least one output (WPS 1.0.0 descriptions require one)");
  const jobControl: JobControl = {
    sync: decl.jobControl?.sync ?? true,
    async: decl.jobControl?.async ?? true,
    ...(decl.jobControl?.timeLimit !== undefined ? { timeLimit: decl.jobControl.timeLimit } : {}),
  };
  if (!jobControl.sync && !jobControl.async)
    fail(`process '${pid}'`, "jobControl must allow sync or async execution");
  const def: ProcessDefinition = {
    ...describe(pid, decl),
    version: decl.version ?? "1.0.0",
    inputs,
    outputs,
    inputMap: new Map(inputs.map((i) => [i.identifier, i])),
    outputMap: new Map(outputs.map((o) => [o.identifier, o])),
    jobControl,
    ...(decl.translations !== undefined ? { translations: decl.translations } : {}),
    handler: decl.handler as unknown as ProcessHandler,
    [PROCESS]: true,
  };
  return Object.freeze(def);
}

/** The title/abstract/keywords of a description in `language`, falling back to the untranslated texts. */
export function translated(
  d: Description,
  language: string | undefined,
  override?: Translation,
): Translation & { title: string } {
  const t = override ?? (language !== undefined ? d.translations?.[language] : undefined);
  return {
    title: t?.title ?? d.title,
    ...((t?.abstract ?? d.abstract) !== undefined ? { abstract: (t?.abstract ?? d.abstract) as string } : {}),
    ...((t?.keywords ?? d.keywords) !== undefined
      ? { keywords: (t?.keywords ?? d.keywords) as readonly string[] }
      : {}),
  };
}

/** Texts of one input or output of `p` in `language`. */
export function translatedIo(
  p: ProcessDefinition,
  kind: "inputs" | "outputs",
  d: Description,
  language: string | undefined,
): Translation & { title: string } {
  const fromProcess = language !== undefined ? p.translations?.[language]?.[kind]?.[d.identifier] : undefined;
  return translated(
    d,
    language,
    fromProcess ?? (language !== undefined ? d.translations?.[language] : undefined),
  );
}
