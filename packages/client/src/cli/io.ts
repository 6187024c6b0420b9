/**
 * The outside world of a command ({@link Io}) and the few ways commands talk to it: results on stdout (text, or one
 * `--json` document), errors and notes on stderr, exit codes from the error's class.
 */
import type { ClientEnvironment } from "../env.js";
import { exitCodeFor } from "./exit.js";
import type { CommonOptions, Session } from "./options.js";
import type { ProgressStream } from "./progress.js";
import { errorDocument, renderError } from "./results.js";

/** The outside world of a command. */
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: ProgressStream;
  /** Standard input, for `--<input> -` and the dismiss prompt. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: ClientEnvironment;
  /** Register a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** Print text on stdout (with a final newline). */
export function print(io: Io, text: string): void {
  if (text !== "") io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Print one JSON document on stdout. */
export function printJson(io: Io, doc: unknown): void {
  io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Report an error the way the options ask (JSON on stdout, text on stderr) and return its exit code. */
export function fail(
  io: Io,
  e: unknown,
  o: CommonOptions,
  context: Parameters<typeof errorDocument>[1] = {},
): number {
  if (o.json === true) printJson(io, errorDocument(e, context));
  io.stderr.write(`${renderError(e, context.process)}\n`);
  return exitCodeFor(e);
}

/** Warn once when TLS verification is off for an https service. */
export function warnInsecure(io: Io, o: CommonOptions, s: { readonly serviceUrl: string }): void {
  if (o.quiet === true || !s.serviceUrl.startsWith("https:")) return;
  if (o.insecure === true || !io.env.tlsVerify)
    io.stderr.write("roost: warning: TLS certificate verification is off\n");
}

/** Run `fn` with an open session, closing its client afterwards. */
export async function withSession<T>(
  io: Io,
  o: CommonOptions,
  open: () => Promise<Session>,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const s = await open();
  warnInsecure(io, o, s);
  try {
    return await fn(s);
  } finally {
    s.client.close();
  }
}
