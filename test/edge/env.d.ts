/** @module Test-only bindings added by test/vitest.edge.config.ts, merged into the generated `Cloudflare.Env`. */
import type { D1Migration } from "@cloudflare/vitest-pool-workers";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
