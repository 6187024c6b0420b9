/**
 * Request budgets for store calls. The store's own limits (5 s connect and statement timeouts) protect background
 * work; a client request must not wait that long on a hung database (reliability promise P8): its store call is
 * raced against the request's budget and the client gets ServiceUnavailable (503, `Retry-After`) when it runs out.
 * The call itself goes on and is cleaned up by the store's limits. Budgets: Execute 1.8 s (its answer within 2 s),
 * reads 0.9 s (within 1 s).
 */
import { RoostError } from "@roost/core/internal";

/** Budget of the store write on the Execute path, ms. */
export const WRITE_BUDGET_MS = 1800;
/** Budget of a read on a client's request, ms. */
export const READ_BUDGET_MS = 900;
/** What a client is told to wait before retrying, s. */
export const RETRY_AFTER_S = 5;

/** The message of a budget that ran out (the same as the store's own "unavailable"). */
const MESSAGE = "The job database is unavailable; try again shortly";

/** `p`, or ServiceUnavailable once `ms` have passed. */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new RoostError("ServiceUnavailable", MESSAGE, { retryAfter: RETRY_AFTER_S })),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
