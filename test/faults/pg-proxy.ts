/**
 * A TCP proxy the fault-injection tests put between Roost and PostgreSQL, switchable at runtime:
 *
 * - `pass`: forward both directions.
 * - `refuse`: the listener is closed, so new connections get ECONNREFUSED at once, as from a stopped server. Existing
 *   connections are untouched ({@link PgProxy.outage} also resets them: a database that went down).
 * - `freeze`: a hung server or a network dropping packets: nothing is forwarded in either direction, sockets stay
 *   open (reads paused, so the bytes wait in the kernel's buffers as they would in a stopped server's), and new
 *   connections are accepted by the kernel but get no answer. On thaw the held bytes flow on in order, and held
 *   connections are connected upstream — as a server resumed after SIGSTOP would serve what it had received.
 *
 * {@link PgProxy.reset} destroys every open connection with a TCP RST (a crashed server or a broken network).
 *
 * The port is chosen below Linux's ephemeral range (32768–60999) and kept for the proxy's life, so reopening the
 * listener after `refuse` cannot collide with an outgoing connection's local port.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** What the proxy does with traffic. */
export type ProxyMode = "pass" | "refuse" | "freeze";

/** Connection counters (for the tests' own sanity checks and their failure messages). */
export interface ProxyCounters {
  /** Connections accepted from Roost since the start. */
  accepted: number;
  /** Connections destroyed by {@link PgProxy.reset}. */
  reset: number;
  /** Connections accepted while frozen (held without an answer). */
  heldWhileFrozen: number;
  /** Connections open right now. */
  open: number;
}

/** One client connection and its upstream. */
interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Upstream connected and ready to carry bytes. */
  ready: boolean;
  /** Chunks read just before a freeze (or before the upstream was ready), delivered in order on thaw. */
  readonly toUpstream: Buffer[];
  readonly toClient: Buffer[];
}

const LOW_PORT = 20_000;
const HIGH_PORT = 32_000;

/** See the module comment. */
export class PgProxy {
  readonly #target: { readonly host: string; readonly port: number };
  readonly #links = new Set<Link>();
  #server: Server | undefined;
  #mode: ProxyMode = "pass";
  #port = 0;
  readonly counters: ProxyCounters = { accepted: 0, reset: 0, heldWhileFrozen: 0, open: 0 };

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** Start a proxy to `target` (PostgreSQL's host and port) in `pass` mode. */
  static async start(target: { host: string; port: number }): Promise<PgProxy> {
    const p = new PgProxy(target);
    for (let tries = 0; ; tries++) {
      const port = LOW_PORT + Math.floor(Math.random() * (HIGH_PORT - LOW_PORT));
      try {
        await p.#listenOnce(port);
        p.#port = port;
        return p;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || tries >= 50) throw e;
      }
    }
  }

  /** The loopback port Roost connects to. */
  get port(): number {
    return this.#port;
  }

  /** The current mode. */
  get mode(): ProxyMode {
    return this.#mode;
  }

  /** `url` (a postgres:// URL) rewritten to go through the proxy. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = "127.0.0.1";
    u.port = String(this.#port);
    return u.toString();
  }

  /** Switch mode; resolves when the switch is in effect (the listener closed or reopened). */
  async set(mode: ProxyMode): Promise<void> {
    if (mode === this.#mode) return;
    const before = this.#mode;
    this.#mode = mode;
    if (mode === "refuse") {
      await this.#closeListener();
    } else if (before === "refuse") {
      await this.#listen(this.#port);
    }
    if (mode === "freeze") {
      for (const l of this.#links) {
        l.client.pause();
        l.upstream?.pause();
      }
    } else if (before === "freeze") {
      for (const l of [...this.#links]) this.#thaw(l);
    }
  }

  /** The database goes away: every open connection is reset and new ones are refused. */
  async outage(): Promise<void> {
    await this.set("refuse");
    this.reset();
  }

  /** Destroy every open connection with a TCP RST, in both directions. */
  reset(): void {
    for (const l of [...this.#links]) {
      this.counters.reset++;
      this.#drop(l, true);
    }
  }

  /** Close the listener and every connection. */
  async close(): Promise<void> {
    this.#mode = "refuse";
    await this.#closeListener();
    for (const l of [...this.#links]) this.#drop(l, true);
  }

  async #listen(port: number): Promise<void> {
    // Reopening right after a close: the old handle may need a loop turn to release the port.
    for (let tries = 0; ; tries++) {
      try {
        await this.#listenOnce(port);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || tries >= 20 || this.#port === 0) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #listenOnce(port: number): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        this.#server = server;
        resolve();
      });
    });
  }

  /**
   * Stop listening. `server.close()` releases the port at once but calls back only when every connection has ended,
   * which for a pool's idle connections can take many seconds: wait for the handle only, not for the connections
   * (those are the business of {@link PgProxy.reset}).
   */
  #closeListener(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    if (!s) return Promise.resolve();
    s.close();
    return new Promise((resolve) => setImmediate(resolve));
  }

  #accept(client: Socket): void {
    this.counters.accepted++;
    this.counters.open++;
    if (this.#mode === "refuse") {
      // Accepted in the instant before the listener closed: behave as if it never had been.
      this.counters.open--;
      client.resetAndDestroy();
      return;
    }
    const link: Link = { client, upstream: undefined, ready: false, toUpstream: [], toClient: [] };
    this.#links.add(link);
    client.setNoDelay(true);
    client.on("error", () => this.#drop(link, true));
    client.on("close", () => this.#drop(link, false));
    client.on("data", (chunk: Buffer) => this.#forward(link, chunk, "up"));
    if (this.#mode === "freeze") {
      this.counters.heldWhileFrozen++;
      client.pause();
      return;
    }
    this.#connectUpstream(link);
  }

  #connectUpstream(link: Link): void {
    const up = connect({ host: this.#target.host, port: this.#target.port });
    link.upstream = up;
    up.setNoDelay(true);
    up.on("error", () => this.#drop(link, true));
    up.on("close", () => this.#drop(link, false));
    up.on("data", (chunk: Buffer) => this.#forward(link, chunk, "down"));
    up.once("connect", () => {
      link.ready = true;
      if (this.#mode === "freeze") {
        up.pause();
        return;
      }
      this.#flush(link);
    });
  }

  #forward(link: Link, chunk: Buffer, dir: "up" | "down"): void {
    const from = dir === "up" ? link.client : link.upstream!;
    const to = dir === "up" ? link.upstream : link.client;
    const pending = dir === "up" ? link.toUpstream : link.toClient;
    if (this.#mode === "freeze" || !link.ready || !to || pending.length > 0) {
      // Already read when the freeze began (or the upstream is not connected yet): hold it, read nothing more.
      pending.push(chunk);
      from.pause();
      return;
    }
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => {
        if (this.#mode !== "freeze") from.resume();
      });
    }
  }

  /** Deliver held chunks, then let both sides read again. */
  #flush(link: Link): void {
    if (!this.#links.has(link) || !link.upstream || !link.ready) return;
    for (const c of link.toUpstream.splice(0)) link.upstream.write(c);
    for (const c of link.toClient.splice(0)) link.client.write(c);
    link.client.resume();
    link.upstream.resume();
  }

  #thaw(link: Link): void {
    if (!link.upstream) this.#connectUpstream(link);
    else this.#flush(link);
  }

  /**
   * Forget a connection. `rst`: reset both sides. Otherwise one side closed: the other is ended gracefully, so the
   * bytes already handed to it still arrive (a statement sent just before the client gave up reaches the server,
   * as it would over a real network), and destroyed if it does not close by itself soon.
   */
  #drop(link: Link, rst: boolean): void {
    if (!this.#links.delete(link)) return;
    this.counters.open--;
    for (const s of [link.client, link.upstream]) {
      if (!s || s.destroyed) continue;
      if (rst) {
        s.resetAndDestroy();
      } else {
        s.end();
        setTimeout(() => s.destroy(), 2000).unref();
      }
    }
  }
}
