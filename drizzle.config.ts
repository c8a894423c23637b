// drizzle-kit config: edge/src/db/schema.ts → numbered SQL migrations in migrations/ (applied by wrangler d1 migrations).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./edge/src/db/schema.ts",
  out: "./migrations",
});
