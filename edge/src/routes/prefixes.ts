/** @module Tenant routes for customer prefixes (CIDR, IPv4 and IPv6): the prefixes define which IPs are nodes. */
import { zValidator } from "@hono/zod-validator";
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import * as z from "zod";
import { formatPrefix, parsePrefix } from "../../../shared/flow/ip.js";
import { prefixes, tenants } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { requireApiKey } from "../http/auth.js";
import { jsonError } from "../http/errors.js";
import { validationHook } from "../http/validation.js";

/** Prefixes per tenant; each costs a table entry in every node-set cache. */
export const MAX_PREFIXES = 10_000;

const prefixBody = z.object({
  prefix: z.string().min(2).max(64),
  customer: z.string().trim().min(1).max(128).default("default"),
});

export const prefixRoutes = new Hono<AppEnv>()
  .use("/v1/prefixes", requireApiKey)
  .use("/v1/prefixes/*", requireApiKey)
  .get("/v1/prefixes", async (c) => {
    const rows = await drizzle(c.env.DB)
      .select({ id: prefixes.id, prefix: prefixes.prefix, customer: prefixes.customer, createdAt: prefixes.createdAt })
      .from(prefixes)
      .where(eq(prefixes.tenantId, c.var.tenant.id));
    return c.json({ prefixes: rows });
  })
  .post("/v1/prefixes", zValidator("json", prefixBody, validationHook), async (c) => {
    const body = c.req.valid("json");
    const parsed = parsePrefix(body.prefix);
    if ("error" in parsed) return jsonError(c, 400, "invalid_prefix", parsed.error);
    const db = drizzle(c.env.DB);
    const tenantId = c.var.tenant.id;
    const count = await db.select({ n: sql<number>`count(*)` }).from(prefixes).where(eq(prefixes.tenantId, tenantId)).get();
    if ((count?.n ?? 0) >= MAX_PREFIXES) return jsonError(c, 409, "too_many_prefixes", `a tenant may have at most ${MAX_PREFIXES} prefixes`);
    const row = { id: crypto.randomUUID(), tenantId, prefix: formatPrefix(parsed.prefix), customer: body.customer, createdAt: Date.now() };
    const inserted = await db.insert(prefixes).values(row).onConflictDoNothing().returning();
    if (inserted.length === 0) return jsonError(c, 409, "prefix_exists", `${row.prefix} is already registered`);
    await db.update(tenants).set({ prefixesVersion: sql`${tenants.prefixesVersion} + 1` }).where(eq(tenants.id, tenantId));
    const { tenantId: _t, ...visible } = inserted[0]!;
    return c.json({ prefix: visible }, 201);
  })
  .delete("/v1/prefixes/:id", async (c) => {
    const db = drizzle(c.env.DB);
    const tenantId = c.var.tenant.id;
    const rows = await db
      .delete(prefixes)
      .where(and(eq(prefixes.id, c.req.param("id")), eq(prefixes.tenantId, tenantId)))
      .returning({ id: prefixes.id });
    if (rows.length === 0) return jsonError(c, 404, "unknown_prefix", "no such prefix for this tenant");
    await db.update(tenants).set({ prefixesVersion: sql`${tenants.prefixesVersion} + 1` }).where(eq(tenants.id, tenantId));
    return c.json({ deleted: rows[0]!.id });
  });
