/**
 * Entry point of the bundled compute-node worker (`dist/worker.mjs`, built by `scripts/bundle-worker.mjs`):
 * `node worker.mjs worker run <job-dir> --attempt <n>`, the same arguments as `roost worker run`. One bundled file
 * instead of ~45 ES modules halves the worker's start-up on the test VM (≈200 ms → ≈100 ms wall per Slurm job,
 * `node -e 0` being ≈75 ms), which is most of Roost's latency on top of a raw Slurm job.
 */
import { resolve } from "node:path";
import { runWorker } from "./cli.js";

const argv = process.argv.slice(2);
if (
  argv.length !== 5 ||
  argv[0] !== "worker" ||
  argv[1] !== "run" ||
  argv[3] !== "--attempt" ||
  !/^\d+$/.test(argv[4]!)
) {
  process.stderr.write("usage: worker.mjs worker run <job-dir> --attempt <n>\n");
  process.exit(2);
}
process.exit(await runWorker(resolve(argv[2]!), Number(argv[4])));
