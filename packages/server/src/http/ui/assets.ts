/**
 * The UI's static assets: the files `npm run build` wrote to `@roost/ui`'s `dist/` (hashed names, listed in
 * `manifest.json`), read once at start-up and served from memory with a precomputed gzip copy. They are a few hundred
 * KB in all, so memory beats a static-file plugin and a disk read per request; hashed names make them immutable.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { gzipSync } from "node:zlib";

/** One asset in memory. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
  /** Gzip copy, when smaller by a worthwhile margin. */
  readonly gzip?: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** Logical names of the assets pages refer to. */
export type AssetName = "main.js" | "app.css" | "map.css" | "basemap.json";

/** The built assets: hashed file names by logical name, and the files. */
export class UiAssets {
  readonly #files = new Map<string, Asset>();
  readonly #manifest: Readonly<Record<string, string>>;

  /** Load every file of `dir` (the build output) into memory. */
  constructor(dir: string) {
    let manifest: Record<string, string>;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, string>;
    } catch {
      throw new Error(`the web UI is not built (no ${join(dir, "manifest.json")}): run npm run build`);
    }
    this.#manifest = manifest;
    for (const name of readdirSync(dir)) {
      if (name === "manifest.json" || name.endsWith(".map")) continue;
      const body = readFileSync(join(dir, name));
      const type = TYPES[extname(name)] ?? "application/octet-stream";
      const gz = /^(text|application\/json)/.test(type) ? gzipSync(body, { level: 9 }) : undefined;
      this.#files.set(name, {
        type,
        body,
        ...(gz !== undefined && gz.length < body.length * 0.9 ? { gzip: gz } : {}),
      });
    }
  }

  /** The file name of a logical asset (throws when the build did not produce it). */
  file(name: AssetName): string {
    const f = this.#manifest[name];
    if (f === undefined) throw new Error(`the web UI build has no ${name}: run npm run build`);
    return f;
  }

  /** An asset by file name. */
  get(file: string): Asset | undefined {
    return this.#files.get(file);
  }

  /** Every asset's file name. */
  names(): string[] {
    return [...this.#files.keys()];
  }
}

/** The build output directory of the `@roost/ui` workspace. */
export function defaultAssetsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@roost/ui/package.json")), "dist");
}
