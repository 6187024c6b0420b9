/**
 * Small helpers shared by the demo processes.
 */
import { type ProcessContext, ProcessError } from "@roost/core";

// setTimeout cannot wait longer than 2^31 - 1 ms: Node turns larger delays into 1 ms, which would make a
// very long `sleep` return at once. Longer waits are therefore split into chunks of at most this size.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Convert a delay given in seconds (a float input) to milliseconds. Emu lets Python's `time.sleep` reject
 * negative values with an unexplained failure; here the user gets the reason.
 */
export function delayToMs(seconds: number, input = "delay"): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ProcessError(`${input} must be a non-negative number of seconds, got ${seconds}`);
  }
  return seconds * 1000;
}

/**
 * Wait `ms` milliseconds through `ctx.sleep`, so the wait ends (rejecting) as soon as the job is dismissed or
 * times out. Waits beyond the timer limit are chained.
 */
export async function wait(ctx: ProcessContext, ms: number): Promise<void> {
  ctx.signal.throwIfAborted();
  let remaining = ms;
  do {
    const step = Math.min(remaining, MAX_TIMER_MS);
    await ctx.sleep(step);
    remaining -= step;
  } while (remaining > 0);
}
