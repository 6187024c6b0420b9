/**
 * What the live job page says about where a job runs and why it waits (issue 10 §4: "queue or Slurm state (pending
 * reason, node)"), from the job record alone — the same for the first render and every live event.
 */
import type { JobRecord } from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { liveJob } from "../../src/http/ui/job-info.js";

const base: JobRecord = {
  id: "0b6b2b1e-7f0e-4b8a-9d51-2f0c3c2d8e11",
  processId: "sleep",
  status: "accepted",
  mode: "async",
  backend: "slurm",
  progress: null,
  message: "Process accepted; queued in Slurm (Resources)",
  createdAt: 1_700_000_000_000,
  startedAt: null,
  finishedAt: null,
  updatedAt: 1_700_000_000_000,
  attempt: 1,
  schedulerRef: "42",
  dismissRequested: false,
  request: { protocol: "ogcapi", response: "document", outputs: [], language: "en-US" },
  outputs: null,
  error: null,
  owner: null,
  node: null,
};

describe("liveJob", () => {
  it("a job pending in Slurm: its Slurm id and Slurm's reason", () => {
    const j = liveJob(base);
    expect(j.where).toBe("Slurm job 42");
    expect(j.queue).toBe("pending (Resources)");
  });

  it("a running Slurm job: the node it runs on; live progress wins over the stored one", () => {
    const j = liveJob(
      {
        ...base,
        status: "running",
        node: "node2",
        progress: 10,
        message: "step 1",
        startedAt: base.createdAt + 5,
      },
      { percent: 60, message: "step 6" },
    );
    expect(j.where).toBe("Slurm job 42 on node2");
    expect(j.queue).toBeUndefined();
    expect(j.progress).toBe(60);
    expect(j.message).toBe("step 6");
  });

  it("a job not yet handed to Slurm, and a local one", () => {
    expect(liveJob({ ...base, schedulerRef: null, message: "Process accepted" }).where).toBe(
      "Slurm (not submitted yet)",
    );
    expect(liveJob({ ...base, backend: "local", schedulerRef: null }).where).toBe("local workers");
  });
});
