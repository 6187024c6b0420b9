#!/usr/bin/env node
/**
 * `roost` with the server at hand: the same program as `@roost/client`'s `roost` (client and server commands), run
 * from the server's build. Slurm batch scripts (`slurm.worker_command`), the test suites and `npm start` run this
 * file directly; installed, `roost` is the client's `bin`, which finds the server commands through `@roost/server/cli`.
 */
import { resolve as resolvePath } from "node:path";

// `roost worker run <job-dir> --attempt <n>` starts once per Slurm job: it skips commander (~20 ms of CPU to load
// on the 2-vCPU test machine, a tenth of the worker's whole start-up) and every other module it does not use.
// Anything else (`--help`, other spellings) goes through commander below.
const workerArgv = process.argv.slice(2);
if (
  workerArgv.length === 5 &&
  workerArgv[0] === "worker" &&
  workerArgv[1] === "run" &&
  workerArgv[3] === "--attempt" &&
  /^\d+$/.test(workerArgv[4]!)
) {
  const { runWorker } = await import("../worker/cli.js");
  process.exit(await runWorker(resolvePath(workerArgv[2]!), Number(workerArgv[4])));
}

// The server's modules (fastify, kysely, the store drivers) are imported only by the commands that need them:
// loading them costs ~0.6 s, which every client command (`roost run hello …`) would otherwise pay.
const [{ main }, server] = await Promise.all([import("@roost/client/cli"), import("../cli/index.js")]);
await main(process.argv, server);
