/**
 * Progress on stderr. On a terminal: one line redrawn in place, a bar `[######..............]  30% message` when the
 * server reports a percentage and a spinner while it does not. Anywhere else (a pipe, a log file, CI): plain lines,
 * printed only when the percentage or the message changes, with no control codes at all.
 */

/** Where progress goes: a writable stream that may be a terminal. */
export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR = 20;

/** Human-readable byte count. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** The bar for a percentage: `[######..............]  30%`. */
export function renderBar(percent: number, width = BAR): string {
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}] ${String(Math.floor(p)).padStart(3)}%`;
}

/** A progress display. */
export class Progress {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #enabled: boolean;
  #line = "";
  #lastPlain = "";
  #spinner: NodeJS.Timeout | undefined;
  #frame = 0;
  #spinText = "";

  /** `enabled: false` (quiet mode) prints nothing at all. */
  constructor(out: ProgressStream, o: { readonly enabled?: boolean; readonly tty?: boolean } = {}) {
    this.#out = out;
    this.#tty = o.tty ?? out.isTTY === true;
    this.#enabled = o.enabled ?? true;
  }

  /** True when drawing in place on a terminal. */
  get tty(): boolean {
    return this.#tty;
  }

  #width(): number {
    // A pseudo-terminal without a size reports 0 columns.
    const cols = this.#out.columns !== undefined && this.#out.columns > 0 ? this.#out.columns : 80;
    return Math.max(20, cols - 1);
  }

  #draw(text: string): void {
    const w = this.#width();
    const line = text.length > w ? `${text.slice(0, w - 1)}…` : text;
    if (line === this.#line) return;
    this.#line = line;
    this.#out.write(`\r\x1b[2K${line}`);
  }

  /** Show a job's state: a bar with the message when there is a percentage, a spinner otherwise. */
  status(state: string, percent: number | undefined, message: string): void {
    if (!this.#enabled) return;
    const msg = message.replace(/\s+/g, " ").trim();
    if (this.#tty) {
      if (percent !== undefined && state !== "accepted") {
        this.#stopSpinner();
        this.#draw(`${renderBar(percent)} ${msg}`);
      } else {
        this.spin(`${state}${msg !== "" ? `: ${msg}` : ""}`);
      }
      return;
    }
    const plain =
      percent !== undefined && state !== "accepted"
        ? `[${String(Math.floor(percent)).padStart(3)}%] ${msg}`
        : `[${state}] ${msg}`;
    if (plain !== this.#lastPlain) {
      this.#lastPlain = plain;
      this.#out.write(`${plain.trimEnd()}\n`);
    }
  }

  /** An indeterminate wait (a synchronous request): a spinner on a terminal, one line otherwise. */
  spin(text: string): void {
    if (!this.#enabled) return;
    this.#spinText = text;
    if (!this.#tty) {
      if (text !== this.#lastPlain) {
        this.#lastPlain = text;
        this.#out.write(`${text}\n`);
      }
      return;
    }
    this.#draw(`${FRAMES[this.#frame % FRAMES.length]} ${text}`);
    if (this.#spinner === undefined) {
      this.#spinner = setInterval(() => {
        this.#frame++;
        this.#draw(`${FRAMES[this.#frame % FRAMES.length]} ${this.#spinText}`);
      }, 100);
      this.#spinner.unref();
    }
  }

  /** Download progress: a bar with sizes on a terminal; nothing until the end otherwise (see {@link line}). */
  bytes(label: string, received: number, total: number | undefined): void {
    if (!this.#enabled || !this.#tty) return;
    this.#stopSpinner();
    if (total !== undefined && total > 0)
      this.#draw(
        `${renderBar((received / total) * 100)} ${formatBytes(received)}/${formatBytes(total)} ${label}`,
      );
    else this.#draw(`${FRAMES[this.#frame++ % FRAMES.length]} ${formatBytes(received)} ${label}`);
  }

  #stopSpinner(): void {
    if (this.#spinner !== undefined) clearInterval(this.#spinner);
    this.#spinner = undefined;
  }

  /** Erase the in-place line (before printing anything else). */
  clear(): void {
    this.#stopSpinner();
    if (this.#tty && this.#line !== "") this.#out.write("\r\x1b[2K");
    this.#line = "";
  }

  /** Print a whole line (after clearing the in-place one). */
  line(text: string): void {
    if (!this.#enabled) return;
    this.clear();
    this.#out.write(`${text}\n`);
  }
}
