// Root vitest config: every test project of the repository (edge in workerd, shared/cloud in Node).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["test/vitest.node.config.ts", "test/vitest.edge.config.ts"],
  },
});
