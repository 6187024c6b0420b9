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

/** Version 2 added protocols (one entry per protocol); entries written before it are fetched again. */
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

  /** File holding the entry for a service URL, language and protocol. */
  fileFor(url: string, language?: string, protocol: Protocol = "wps1"): string {
    const key = createHash("sha256")
      .update(`${url}\n${language ?? ""}\n${protocol}`)
      .digest("hex")
      .slice(0, 32);
    return join(this.dir, `service-${key}.json`);
  }

  /** File remembering which protocol a URL was found to speak. */
  #protocolFile(url: string): string {
    const key = createHash("sha256").update(`protocol\n${url}`).digest("hex").slice(0, 32);
    return join(this.dir, `protocol-${key}.json`);
  }

  async #read<T>(file: string): Promise<T | undefined> {
    try {
      const doc = JSON.parse(await readFile(file, "utf8")) as { v?: number; entry?: T };
      return doc.v === FORMAT_VERSION && doc.entry ? doc.entry : undefined;
    } catch {
      return undefined;
    }
  }

  async #write(file: string, entry: unknown): Promise<void> {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, JSON.stringify({ v: FORMAT_VERSION, entry }), { mode: 0o600 });
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /**
   * The entry for `url` in `protocol` — or, without a protocol, in the one the URL was last found to speak — if
   * there is one (fresh or not: callers decide with {@link isFresh}).
   */
  async load(url: string, language?: string, protocol?: Protocol): Promise<CachedService | undefined> {
    const p = protocol ?? (await this.detectedProtocol(url))?.protocol;
    if (p === undefined) return undefined;
    const e = await this.#read<CachedService>(this.fileFor(url, language, p));
    return e && e.url === url && e.protocol === p ? e : undefined;
  }

  /** True while an entry is younger than the TTL (and not from the future: clocks move). */
  isFresh(e: { readonly fetchedAt: number }, now = Date.now()): boolean {
    return e.fetchedAt <= now + 1000 && now - e.fetchedAt < this.ttlMs;
  }

  /** Store an entry (atomically: readers never see half a file). */
  async save(e: CachedService): Promise<void> {
    await this.#write(this.fileFor(e.url, e.language, e.protocol), e);
  }

  /**
   * Remember the protocol `url` was detected to speak, so the next `connect()` within the TTL skips detection (a
   * client pinned to a protocol writes its descriptions, never this).
   */
  async rememberProtocol(url: string, protocol: Protocol): Promise<void> {
    await this.#write(this.#protocolFile(url), { url, protocol, fetchedAt: Date.now() });
  }

  /** The protocol `url` was last detected to speak, and when (fresh or not). */
  async detectedProtocol(
    url: string,
  ): Promise<{ readonly protocol: Protocol; readonly fetchedAt: number } | undefined> {
    const e = await this.#read<{ url?: unknown; protocol?: Protocol; fetchedAt?: unknown }>(
      this.#protocolFile(url),
    );
    return e && e.url === url && e.protocol !== undefined && typeof e.fetchedAt === "number"
      ? { protocol: e.protocol, fetchedAt: e.fetchedAt }
      : undefined;
  }

  /** Forget the entries of a service (every protocol) and its detected protocol. */
  async clear(url: string, language?: string): Promise<void> {
    await Promise.all(
      [
        ...(["wps1", "wps2", "ogcapi"] as const).map((p) => this.fileFor(url, language, p)),
        this.#protocolFile(url),
      ].map((f) => rm(f, { force: true }).catch(() => undefined)),
    );
  }
}
