/**
 * Accepting an asynchronous job: the row is inserted within the request's write budget (one store call: a hung
 * database answers the client within 2 s), the answer is the job as committed, and the attempt is handed to its
 * backend. An insert that failed outright left nothing to clean but the job's directory; an insert still pending when
 * the budget ran out may commit later, so the job is marked rejected and purged once it has settled
 * (`rejected.ts`) — nothing is ever half-accepted.
 */
import { rm } from "node:fs/promises";
import type {
  JobRecord,
  JobRequestInfo,
  JobSpec,
  JobStore,
  MonitoredBackend,
  ProcessDefinition,
  WorkerPool,
} from "@roost/core/internal";
import type { JobLog } from "../storage/job-log.js";
import { WRITE_BUDGET_MS, within } from "./deadline.js";
import type { LocalRuns } from "./local-runs.js";
import type { RejectedJobs } from "./rejected.js";

/** Collaborators of {@link acceptAsync}. */
export interface AcceptContext {
  readonly store: JobStore;
  readonly pool: WorkerPool;
  readonly remotes: ReadonlyMap<string, MonitoredBackend>;
  readonly runs: LocalRuns;
  readonly jobLog: JobLog;
  readonly rejected: RejectedJobs;
  /** This server instance (the job's owner). */
  readonly owner: string;
}

/** One prepared async job. */
export interface AcceptRequest {
  readonly jobId: string;
  readonly jobDir: string;
  readonly process: ProcessDefinition;
  readonly backend: string;
  readonly request: JobRequestInfo;
  readonly spec: JobSpec;
}

/** How `p` has settled by the next turn of the event loop. */
function outcomeNow(p: Promise<unknown>): Promise<"resolved" | "rejected" | "pending"> {
  return Promise.race([
    p.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    new Promise<"pending">((res) => setImmediate(() => res("pending"))),
  ]);
}

/** Record the job and hand it over; resolves with the job as committed (status `accepted`). */
export async function acceptAsync(c: AcceptContext, a: AcceptRequest): Promise<JobRecord> {
  const { jobId, jobDir, process: p, backend, request, spec } = a;
  const now = Date.now();
  const insert = c.store.insert({
    id: jobId,
    processId: p.identifier,
    status: "accepted",
    mode: "async",
    backend,
    createdAt: now,
    message: "Process accepted",
    request,
    owner: c.owner,
  });
  try {
    await within(insert, WRITE_BUDGET_MS);
  } catch (e) {
    if ((await outcomeNow(insert)) === "rejected") {
      // The insert itself failed (connection refused, disk full): nothing was written.
      await rm(jobDir, { recursive: true, force: true }).catch(() => {});
    } else {
      // The client hears "not accepted", but the hung insert may still commit: purge it once it has settled (no
      // second store call on this request's budget).
      c.rejected.add(jobId, insert);
    }
    throw e;
  }
  c.jobLog.write(jobId, "accepted", { process: p.identifier, backend });
  const submit = {
    jobId,
    attempt: 1,
    processId: p.identifier,
    jobDir,
    timeLimitSec: spec.timeLimitSec,
    priority: "async",
    spec,
  } as const;
  if (backend === "local") {
    c.runs.set(jobId, { attempt: 1, ref: c.pool.refOf(jobId, 1), mode: "async", dismiss: false });
    await c.pool.submit(submit);
  } else {
    // Remote backends may take a while (retries while the controller is down): the monitor hands the job over in
    // the background (the job stays accepted meanwhile), records the reference and follows the job.
    c.remotes.get(backend)!.submit(submit);
  }
  // The answer is the job as committed (ProcessAccepted), not as it may be a moment later when a free worker has
  // started it; built from the inserted values (a read-back cost up to 1 ms of the answer).
  return {
    id: jobId,
    processId: p.identifier,
    status: "accepted",
    mode: "async",
    backend,
    progress: null,
    message: "Process accepted",
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    attempt: 0,
    schedulerRef: null,
    dismissRequested: false,
    request,
    outputs: null,
    error: null,
    owner: c.owner,
    node: null,
  };
}
