/**
 * Facts that decide whether two bench results can be compared: CPU, cores, memory, load, versions, commit. The
 * load average matters on a shared 2-core machine: a busy neighbour halves the figures of both servers.
 */
import { spawnSync } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/** First line of a command's output (wrk prints its version with exit status 1), or null when it is missing. */
function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return null;
  return `${r.stdout}${r.stderr}`.trim().split("\n")[0] || null;
}

/** @param {string} root the repository */
export function machineFacts(root) {
  const cpus = os.cpus();
  const rev = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", cwd: root });
  const commit = rev.status === 0 ? rev.stdout.trim() : null;
  const dirty = spawnSync("git", ["status", "--porcelain"], { encoding: "utf8", cwd: root }).stdout?.trim();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    wrk: firstLine("wrk", ["--version"])?.replace(/ Copyright.*/, "") ?? null,
    commit: commit ? `${commit}${dirty ? " (dirty)" : ""}` : null,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    fsyncMs: fsyncLatency(),
  };
}

/**
 * Median time of a 4 KiB write + fsync in the temp directory (where both servers keep their databases). PyWPS
 * commits its request log with an fsync several times per request, so a disk made slow by other users' I/O
 * slows PyWPS far more than Roost (WAL, no fsync per commit): this figure explains much of the run-to-run
 * variance of the ratios.
 */
export function fsyncLatency(n = 30) {
  const dir = mkdtempSync(join(os.tmpdir(), "bench-fsync-"));
  const fd = openSync(join(dir, "probe"), "w");
  const buf = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      writeSync(fd, buf, 0, buf.length, 0);
      fsyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(n / 2)] * 100) / 100;
}
