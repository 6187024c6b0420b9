/**
 * Admission control: which mode an Execute runs in, and whether there is room for it. Both are decided before
 * anything is written, so a refused request leaves nothing behind. Capacity = free workers + `jobs.max_queued` for
 * async jobs of the local pool, `jobs.max_sync_waiting` for sync requests waiting for a worker.
 */
import {
  type ExecuteRequest,
  type OutputRequest,
  type ProcessDefinition,
  RoostError,
  type WorkerPool,
} from "@roost/core/internal";

/** Limits of the local pool's queues. */
export interface AdmissionLimits {
  readonly maxQueued: number;
  readonly maxSyncWaiting: number;
}

/**
 * The mode an Execute runs in: `auto` picks sync when the process allows it; an explicit mode the process does not
 * support is refused, naming the protocol's own parameter (`locator`): asynchronous execution of a process that
 * cannot store its response is StorageNotSupported (WPS 1.0.0's code; WPS 2.0.0 NoSuchMode), synchronous execution
 * of an async-only process NoSuchMode (WPS 1.0.0 InvalidParameterValue, as before the code existed). An output by
 * reference from a process that stores nothing is ReferenceNotSupported (WPS 1.0.0 StorageNotSupported).
 */
export function chooseMode(
  p: ProcessDefinition,
  req: Pick<ExecuteRequest, "mode">,
  outputs: readonly OutputRequest[],
  locator: string,
): "sync" | "async" {
  const mode = req.mode === "auto" ? (p.jobControl.sync ? "sync" : "async") : req.mode;
  if (mode === "async" && !p.jobControl.async) {
    throw new RoostError(
      "StorageNotSupported",
      `Process '${p.identifier}' does not support the storing of the execute response (asynchronous execution)`,
      { locator },
    );
  }
  if (mode === "sync" && !p.jobControl.sync) {
    throw new RoostError("NoSuchMode", `Process '${p.identifier}' only supports asynchronous execution`, {
      locator,
    });
  }
  if (!p.jobControl.async) {
    const byRef = outputs.find((o) => o.asReference === true);
    if (byRef)
      throw new RoostError(
        "ReferenceNotSupported",
        `Process '${p.identifier}' cannot return outputs by reference`,
        {
          locator: byRef.id,
        },
      );
  }
  return mode;
}

/** See the module comment. */
export class Admission {
  readonly #pool: WorkerPool;
  readonly #limits: AdmissionLimits;
  /** Async local Executes past the capacity check but not yet handed to the pool (each holds a queue slot). */
  #admitting = 0;

  constructor(pool: WorkerPool, limits: AdmissionLimits) {
    this.#pool = pool;
    this.#limits = limits;
  }

  /** Refuse a sync request when too many are already waiting for a worker. */
  checkSync(): void {
    if (this.#pool.queued().sync >= this.#limits.maxSyncWaiting) {
      throw new RoostError("ServerBusy", "Too many synchronous requests are waiting; try again later", {
        retryAfter: 2,
      });
    }
  }

  /**
   * Take a queue slot for an async local job, or refuse with ServerBusy. Requests between this check and the
   * hand-over to the pool (several awaits later) hold their slot, so a burst cannot all pass the check before any of
   * them is queued. Returns the release function (idempotent).
   */
  acquireAsync(): () => void {
    const q = this.#pool.queued();
    if (this.#pool.busy() + q.async + this.#admitting >= this.#pool.size + this.#limits.maxQueued) {
      throw new RoostError(
        "ServerBusy",
        `The job queue is full (${this.#limits.maxQueued} jobs waiting); try again later`,
        { retryAfter: 10 },
      );
    }
    this.#admitting++;
    let held = true;
    return () => {
      if (held) this.#admitting--;
      held = false;
    };
  }
}
