// Vitest project for code that runs in Node: shared/ (pure), cloud/, and cross-tier tests under test/node.
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "node",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["shared/**/*.test.ts", "cloud/**/*.test.ts", "test/node/**/*.test.ts"],
    environment: "node",
    setupFiles: ["test/fast-check-size.ts"],
    testTimeout: 60_000,
  },
});
