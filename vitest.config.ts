import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string, entry = "index") =>
  fileURLToPath(new URL(`./packages/${p}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the TypeScript sources of sibling workspaces, so a class (e.g. ProcessError) has one
    // identity inside a test run instead of one from src and one from dist.
    // Exact matches: a plain "@roost/core" key would also rewrite "@roost/core/internal" as a path below index.ts.
    alias: [
      { find: /^@roost\/core$/, replacement: src("core") },
      { find: /^@roost\/core\/internal$/, replacement: src("core", "internal") },
      { find: /^@roost\/client$/, replacement: src("client") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
