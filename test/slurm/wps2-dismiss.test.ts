/**
 * WPS 2.0.0 Dismiss of jobs on the real Slurm cluster (`scripts/slurm-cluster.sh up`): a running job is
 * `scancel`led (Slurm says CANCELLED), ends Dismissed in GetStatus and at `/jobs/<id>`, and the output it had
 * written on the shared filesystem is removed; a job still pending in Slurm is cancelled before it ever starts.
 * Dismiss answers at once; a StatusInfo it sends before Slurm confirms says Running, never a Dismissed that has not
 * happened yet.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  accepted,
  execute,
  expectException2,
  expectStatusInfo,
  jobRequest,
  pollStatus,
  waitFor,
} from "../wps2/helpers.js";
import {
  attemptFile,
  type InProcessServer,
  jobRow,
  requireCluster,
  scratch,
  squeueField,
  startSlurmServer,
} from "./helpers.js";

const run = requireCluster();

describe.runIf(run).concurrent("WPS 2.0.0 Dismiss on Slurm", { timeout: 90_000 }, () => {
  const tmp = scratch("roost-slurm-wps2-");
  let s: InProcessServer;

  beforeAll(async () => {
    s = await startSlurmServer(tmp.dir, {
      routes: { sl_partial: "slurm" },
      extra: '[slurm.defaults]\nextra_args = ["--exclude=n2"]\n',
    });
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  test("a running job: scancel, Dismissed, its partial output removed", async () => {
    const id = await accepted(await execute(s.base, "sl_partial", { seconds: "60" }, { mode: "async" }));
    await pollStatus(s.base, id, { until: (x) => x.kind === "running", timeoutMs: 30_000 });
    const out = join(s.dataDir, "jobs", id, "a1", "out");
    await waitFor(
      () => existsSync(join(out, "report.txt")),
      "the partial output on the shared filesystem",
      15_000,
    );
    const ref = (await jobRow(s, id)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("RUNNING");

    const t0 = Date.now();
    const answer = await expectStatusInfo(await jobRequest(s.base, "Dismiss", id));
    expect(["dismissed", "running"]).toContain(answer.kind);
    const seen = await pollStatus(s.base, id, { timeoutMs: 20_000 });
    expect(seen.at(-1)?.kind).toBe("dismissed");
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(s.dataDir, "jobs", id, "outputs"))).toBe(false);
    const resource = (await (await fetch(`${s.base}/jobs/${id}`)).json()) as { status: string };
    expect(resource.status).toBe("dismissed");
    await expectException2(await jobRequest(s.base, "GetResult", id), {
      status: 400,
      code: "NoSuchJob",
      locator: id,
    });
  });

  test("a job pending in Slurm (XML Dismiss): cancelled before it starts", async () => {
    const id = await accepted(await execute(s.base, "sl_later", {}, { mode: "async" }));
    await waitFor(async () => (await jobRow(s, id)).schedulerRef !== null, "the Slurm submission", 30_000);
    const ref = (await jobRow(s, id)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("PENDING");
    await expectStatusInfo(await jobRequest(s.base, "Dismiss", id, "xml"));
    expect((await pollStatus(s.base, id, { timeoutMs: 20_000 })).at(-1)?.kind).toBe("dismissed");
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
    expect(attemptFile(s.dataDir, id, "started.json")).toBeUndefined();
  });
});
