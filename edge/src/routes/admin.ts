/** @module Operator routes: create tenants, rotate and revoke their API keys, inspect and flush their aggregators. */
import { zValidator } from "@hono/zod-validator";
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import * as z from "zod";
import { issueApiKey } from "../db/keys.js";
import { apiKeys, tenants } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { requireAdmin } from "../http/admin-auth.js";
import { jsonError } from "../http/errors.js";
import { validationHook } from "../http/validation.js";
import { MAX_SHARDS } from "../ingest/sharding.js";
import { aggregatorStub } from "../ingest/stubs.js";

const tenantBody = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes, 2–63 characters").optional(),
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().max(64).default("UTC"),
  shards: z.number().int().min(1).max(MAX_SHARDS).default(4),
});

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const adminRoutes = new Hono<AppEnv>()
  .use("/v1/admin/*", requireAdmin)
  .post("/v1/admin/tenants", zValidator("json", tenantBody, validationHook), async (c) => {
    const body = c.req.valid("json");
    if (!validTimeZone(body.timeZone)) return jsonError(c, 400, "invalid_request", `unknown time zone ${JSON.stringify(body.timeZone)}`);
    const db = drizzle(c.env.DB);
    const id = body.id ?? crypto.randomUUID();
    const inserted = await db
      .insert(tenants)
      .values({ id, name: body.name, timeZone: body.timeZone, shards: body.shards, createdAt: Date.now() })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return jsonError(c, 409, "tenant_exists", `tenant ${id} already exists`);
    const key = await issueApiKey(db, id);
    return c.json({ tenant: inserted[0], apiKey: key }, 201);
  })
  .post("/v1/admin/tenants/:id/keys", zValidator("json", z.object({ revokeOthers: z.boolean().default(false) }).default({ revokeOthers: false }), validationHook), async (c) => {
    const db = drizzle(c.env.DB);
    const tenantId = c.req.param("id");
    const tenant = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).get();
    if (!tenant) return jsonError(c, 404, "unknown_tenant", `no tenant ${tenantId}`);
    const key = await issueApiKey(db, tenantId);
    let revoked = 0;
    if (c.req.valid("json").revokeOthers) {
      const rows = await db
        .update(apiKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      // the new key was just inserted unrevoked: undo it for that one
      await db.update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.id, key.id));
      revoked = rows.length - 1;
    }
    return c.json({ apiKey: key, revoked }, 201);
  })
  .get("/v1/admin/tenants/:id/keys", async (c) => {
    const rows = await drizzle(c.env.DB)
      .select({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, c.req.param("id")));
    return c.json({ keys: rows });
  })
  .delete("/v1/admin/tenants/:id/keys/:keyId", async (c) => {
    const rows = await drizzle(c.env.DB)
      .update(apiKeys)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiKeys.id, c.req.param("keyId")), eq(apiKeys.tenantId, c.req.param("id")), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (rows.length === 0) return jsonError(c, 404, "unknown_key", "no such active key for this tenant");
    return c.json({ revoked: rows[0]!.id });
  })
  .get("/v1/admin/tenants/:id/aggregators", async (c) => {
    const tenant = await drizzle(c.env.DB).select().from(tenants).where(eq(tenants.id, c.req.param("id"))).get();
    if (!tenant) return jsonError(c, 404, "unknown_tenant", `no tenant ${c.req.param("id")}`);
    const shards = await Promise.all(Array.from({ length: tenant.shards }, (_, s) => aggregatorStub(c.env, tenant.id, s).status()));
    return c.json({ tenant: tenant.id, shards });
  })
  .post("/v1/admin/tenants/:id/flush", async (c) => {
    const tenant = await drizzle(c.env.DB).select().from(tenants).where(eq(tenants.id, c.req.param("id"))).get();
    if (!tenant) return jsonError(c, 404, "unknown_tenant", `no tenant ${c.req.param("id")}`);
    const closed = await Promise.all(Array.from({ length: tenant.shards }, (_, s) => aggregatorStub(c.env, tenant.id, s).flush()));
    return c.json({ tenant: tenant.id, closedNodeMinutes: closed.reduce((a, b) => a + b, 0) });
  });
