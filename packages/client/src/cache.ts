/**
 * On-disk cache of what a server says about itself (its protocol, capabilities and all process descriptions), keyed
 * by service URL and language, so `roost run <process> --help` and shell completion answer without a round trip. Entries are fresh
 * for a few minutes (the default TTL is 5 min); `--refresh` ignores them. The cache is only an optimisation: a
 * cache that cannot be read or written is silently bypassed.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessDescription, Protocol, ServiceCapabilities } from "./protocol-client.js";

/** What is cached for one service and language. */
export interface CachedService {
  readonly url: string;
  readonly language?: string;
  /** The protocol the service was found to speak (a fresh entry spares `connect()` the detection). */
  readonly protocol: Protocol;
  /** When the entry was fetched (ms since the epoch). */
  readonly fetchedAt: number;
  readonly capabilities: ServiceCapabilities;
  /** All process descriptions, once fetched. */
  readonly processes?: readonly ProcessDescription[];
}

/** Default time an entry stays fresh. */
export const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;

/** Version 2 added the protocol; entries written before it (WPS 1.0.0 only) are fetched again. */
const FORMAT_VERSION = 2;

/** The cache directory and its freshness rule. */
export class DescriptionCache {
  /** Directory of the cache files (`$XDG_CACHE_HOME/roost`). */
  readonly dir: string;
  /** How long an entry stays fresh. */
  readonly ttlMs: number;

  constructor(dir: string, ttlMs: number = DEFAULT_CACHE_TTL_MS) {
    this.dir = dir;
    this.ttlMs = ttlMs;
  }

  /** File holding the entry for a service URL and language. */
  fileFor(url: string, language?: string): string {
    const key = createHash("sha256")
      .update(`${url}\n${language ?? ""}`)
      .digest("hex")
      .slice(0, 32);
    return join(this.dir, `service-${key}.json`);
  }

  /** The entry for `url`, if there is one (fresh or not: callers decide with {@link isFresh}). */
  async load(url: string, language?: string): Promise<CachedService | undefined> {
    try {
      const doc = JSON.parse(await readFile(this.fileFor(url, language), "utf8")) as {
        v?: number;
        entry?: CachedService;
      };
      if (doc.v !== FORMAT_VERSION || !doc.entry || doc.entry.url !== url) return undefined;
      return doc.entry;
    } catch {
      return undefined;
    }
  }

  /** True while an entry is younger than the TTL (and not from the future: clocks move). */
  isFresh(e: CachedService, now = Date.now()): boolean {
    return e.fetchedAt <= now + 1000 && now - e.fetchedAt < this.ttlMs;
  }

  /** Store an entry (atomically: readers never see half a file). */
  async save(e: CachedService): Promise<void> {
    const file = this.fileFor(e.url, e.language);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, JSON.stringify({ v: FORMAT_VERSION, entry: e }), { mode: 0o600 });
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Forget the entry of a service. */
  async clear(url: string, language?: string): Promise<void> {
    await rm(this.fileFor(url, language), { force: true }).catch(() => undefined);
  }
}
