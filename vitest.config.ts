import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the TypeScript sources of sibling workspaces, so a class (e.g. ProcessError) has one
    // identity inside a test run instead of one from src and one from dist.
    alias: {
      "@roost/core": src("core"),
      "@roost/client": src("client"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
