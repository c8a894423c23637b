/** @module The edge HTTP app: mounts every route group and the JSON not-found / error handlers. */
import { Hono } from "hono";
import type { AppEnv } from "./env.js";
import { notFound, onError } from "./http/errors.js";
import { metaRoutes } from "./routes/meta.js";
import { tenantRoutes } from "./routes/tenant.js";
import { adminRoutes } from "./routes/admin.js";
import { ingestRoutes } from "./routes/ingest.js";
import { nodeRoutes } from "./routes/nodes.js";
import { prefixRoutes } from "./routes/prefixes.js";

/** A fresh app (tests may add routes to their own copy). */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", metaRoutes);
  app.route("/", tenantRoutes);
  app.route("/", adminRoutes);
  app.route("/", prefixRoutes);
  app.route("/", ingestRoutes);
  app.route("/", nodeRoutes);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

export const app = createApp();
