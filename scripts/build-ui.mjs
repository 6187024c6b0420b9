#!/usr/bin/env node
// Build the web UI's browser assets into packages/ui/dist (run by `npm run build` after `tsc -b`):
//  1. type-check the browser modules (their own tsconfig: DOM types, no Node);
//  2. bundle them with esbuild — one ES module entry, code-split so Leaflet (the maps) loads only on pages that show
//     a map — plus the two stylesheets; file names carry a content hash, so the server serves them as immutable;
//  3. copy the Natural Earth basemap (world-atlas, countries at 1:110m, TopoJSON) beside them;
//  4. write manifest.json (logical name → file) for the server, and print the sizes shipped (gzip, level 9).
// `--report` prints every file's size.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const ui = join(root, "packages/ui");
const out = join(ui, "dist");
const require = createRequire(join(ui, "package.json"));

const tsc = join(require.resolve("typescript/package.json"), "../bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(ui, "tsconfig.json")], {
  stdio: "inherit",
});

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: {
    main: join(ui, "src/main.ts"),
    app: join(ui, "src/styles/app.css"),
    map: join(ui, "src/styles/map.css"),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  metafile: true,
  target: ["chrome111", "firefox115", "safari16.4"],
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  assetNames: "[name]-[hash]",
  loader: { ".png": "file" },
  legalComments: "eof",
  logLevel: "warning",
});

const manifest = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  const entry = meta.entryPoint ? basename(meta.entryPoint) : undefined;
  if (entry === "main.ts") manifest["main.js"] = basename(file);
  else if (entry === "app.css") manifest["app.css"] = basename(file);
  else if (entry === "map.css") manifest["map.css"] = basename(file);
}
const basemap = readFileSync(require.resolve("world-atlas/countries-110m.json"));
const basemapName = `basemap-${createHash("sha256").update(basemap).digest("hex").slice(0, 8)}.json`;
writeFileSync(join(out, basemapName), basemap);
manifest["basemap.json"] = basemapName;
writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const sizes = readdirSync(out)
  .filter((f) => f !== "manifest.json")
  .map((f) => {
    const body = readFileSync(join(out, f));
    return { f, raw: body.length, gz: gzipSync(body, { level: 9 }).length };
  });
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const sum = (list) => list.reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz }), { raw: 0, gz: 0 });
const mainText = readFileSync(join(out, manifest["main.js"]), "utf8");
// The JS every page loads: the entry and the chunks it imports statically (the map chunk is a dynamic import).
const everyPage = sum(
  sizes.filter((s) => s.f === manifest["main.js"] || mainText.includes(`from"./${s.f}"`)),
);
const js = sum(sizes.filter((s) => s.f.endsWith(".js")));
const css = sum(sizes.filter((s) => s.f.endsWith(".css")));
if (process.argv.includes("--report")) {
  for (const s of sizes.sort((a, b) => b.gz - a.gz))
    console.log(`${s.f.padEnd(32)} ${kb(s.raw).padStart(11)} ${kb(s.gz).padStart(11)} gzip`);
}
console.log(
  `web UI: JS ${kb(everyPage.gz)} gzip on every page, ${kb(js.gz)} with the maps; CSS ${kb(css.gz)} gzip`,
);
