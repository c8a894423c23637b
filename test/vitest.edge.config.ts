// Vitest project for the edge Worker: tests run inside workerd (@cloudflare/vitest-pool-workers) with the
// bindings of wrangler.toml, and the real D1 migrations applied before each test file.
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";
import { wranglerEnv } from "../scripts/wrangler-env.mjs";

// Wrangler and Miniflare read these from process.env: stay offline and keep their logs and temp files
// under .tmp/. Set before the pool package is loaded (it is imported below, not at the top, because
// static imports would run first).
Object.assign(process.env, wranglerEnv({}));

const repoPath = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineProject(async () => {
  const { cloudflareTest, readD1Migrations } = await import("@cloudflare/vitest-pool-workers");
  const migrations = await readD1Migrations(repoPath("migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: repoPath("wrangler.toml") },
        miniflare: {
          bindings: {
            // Test-only: the migrations, applied by test/edge/apply-migrations.ts.
            TEST_MIGRATIONS: migrations,
            // A fixed secret, so tests never depend on a local .dev.vars.
            ADMIN_TOKEN: "test-admin-token",
          },
        },
      }),
    ],
    test: {
      name: "edge",
      // Absolute: with an async project config a relative root ("..") resolved against the cwd, not this file.
      root: repoPath(""),
      include: ["edge/**/*.test.ts", "test/edge/**/*.test.ts"],
      setupFiles: ["test/fast-check-size.ts", "test/edge/apply-migrations.ts"],
      testTimeout: 60_000,
    },
  };
});
