/**
 * OGC API dismissal of a Slurm job (class dismiss, digest §9): `DELETE /jobs/{id}` on a running Slurm job scancels
 * it — Slurm says CANCELLED — answers 200 with a statusInfo (dismissed, or still running with
 * "Dismissal requested; the job is stopping" when Slurm takes longer than the wait), and once the job has ended
 * dismissed its files are removed (only `job.log` stays) and its results are gone (410).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectValidOgc } from "../helpers/ogc-schemas.js";
import {
  attemptFile,
  type InProcessServer,
  jobRow,
  requireCluster,
  scratch,
  sleep,
  squeueField,
  startSlurmServer,
} from "./helpers.js";

const run = requireCluster();

async function json(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.runIf(run)("OGC API dismissal on Slurm", { timeout: 90_000 }, () => {
  const tmp = scratch("roost-slurm-ogc-");
  let s: InProcessServer;

  beforeAll(async () => {
    s = await startSlurmServer(tmp.dir);
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  test("DELETE scancels a running Slurm job; its files and results go", async () => {
    const created = await json(`${s.base}/processes/sl_steps/execution`, {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify({ inputs: { steps: 60, ms: 1000 } }),
    });
    expect(created.status).toBe(201);
    const id = String(created.body.jobID);
    await waitFor(
      async () => (await json(`${s.base}/jobs/${id}`)).body.status === "running",
      "the job to run on a node",
      45_000,
    );
    const ref = (await jobRow(s, id)).schedulerRef!;
    expect(squeueField(ref, "%T")).toBe("RUNNING");

    const t0 = Date.now();
    const d = await json(`${s.base}/jobs/${id}`, { method: "DELETE" });
    expect(d.status).toBe(200);
    expectValidOgc("statusInfo", d.body);
    if (d.body.status !== "dismissed")
      expect(d.body).toMatchObject({
        status: "running",
        message: "Dismissal requested; the job is stopping",
      });

    await waitFor(
      async () => (await json(`${s.base}/jobs/${id}`)).body.status === "dismissed",
      "the job to be dismissed",
      30_000,
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(squeueField(ref, "%T")).toBe("CANCELLED");
    // Files go once the job has ended dismissed.
    await waitFor(
      () => readdirSync(join(s.dataDir, "jobs", id)).join() === "job.log",
      "the files to go",
      15_000,
    );
    expect(attemptFile(s.dataDir, id, "result.json")).toBeUndefined();
    const results = await json(`${s.base}/jobs/${id}/results`);
    expect(results.status).toBe(410);
    expectValidOgc("exception", results.body);
    // A second DELETE answers the same.
    const again = await json(`${s.base}/jobs/${id}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("dismissed");
  });
});
