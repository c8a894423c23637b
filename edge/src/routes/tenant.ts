/** @module Tenant routes (API-key authenticated): who am I. */
import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireApiKey } from "../http/auth.js";

export const tenantRoutes = new Hono<AppEnv>().get("/v1/tenant", requireApiKey, (c) => {
  const { id, name, timeZone } = c.var.tenant;
  return c.json({ id, name, timeZone });
});
