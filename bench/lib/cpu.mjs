/**
 * CPU time consumed by a server and all its processes (the process group the bench started it in: Roost's main
 * process and pool workers; gunicorn's master and workers), read from /proc. On a machine other people are using,
 * req/s of both servers swing with the background load and PyWPS's fsync'd request log waits on everyone's disk
 * traffic, but the CPU a request costs stays nearly constant: the CPU-per-request ratio is the steadier
 * comparison. Linux only; elsewhere the figures are null.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/**
 * User and system CPU seconds of every live process whose process group is `pgid`, or null without /proc.
 * @param {number} pgid
 * @returns {{ user: number, sys: number } | null}
 */
export function groupCpu(pgid) {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let user = 0;
  let sys = 0;
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${e}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // The command name may contain spaces and parentheses: fields start after the last ") ".
    const f = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    if (Number(f[2]) !== pgid) continue;
    user += Number(f[11]) / TICKS;
    sys += Number(f[12]) / TICKS;
  }
  return { user, sys };
}

/** CPU µs per request between two {@link groupCpu} readings, or null. */
export function cpuPerRequest(before, after, requests) {
  if (!before || !after || requests === 0) return null;
  return {
    userUs: Math.round(((after.user - before.user) * 1e6) / requests),
    sysUs: Math.round(((after.sys - before.sys) * 1e6) / requests),
    totalUs: Math.round(((after.user + after.sys - before.user - before.sys) * 1e6) / requests),
  };
}
