/** @module Route tests of the edge Worker through its real entry point (workerd, migrated D1). */
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it, vi } from "vitest";
import { FEATURE_COUNT, FEATURE_SCHEMA_HASH_HEX, FEATURES } from "../../shared/features/catalogue.js";
import { createApp } from "../../edge/src/app.js";
import { issueApiKey } from "../../edge/src/db/keys.js";
import { apiKeys, tenants } from "../../edge/src/db/schema.js";

const BASE = "https://edge.test";
const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`${BASE}${path}`, { headers });

describe("GET /healthz", () => {
  it("answers ok", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, service: "netflowgen-edge" });
  });
});

describe("GET /v1/schema", () => {
  it("serves the shared feature catalogue and its hash", async () => {
    const res = await get("/v1/schema");
    expect(res.status).toBe(200);
    const body = await res.json<{ schemaHash: string; featureCount: number; binCount: number; features: { index: number; name: string }[] }>();
    expect(body.schemaHash).toBe(FEATURE_SCHEMA_HASH_HEX);
    expect(body.schemaHash).toMatch(/^[0-9a-f]{8}$/);
    expect(body.featureCount).toBe(86);
    expect(body.features).toHaveLength(FEATURE_COUNT);
    expect(body.binCount).toBe(10);
    expect(body.features.map((f) => f.name)).toEqual(FEATURES.map((f) => f.name));
    expect(body.features.map((f) => f.index)).toEqual([...Array(86).keys()]);
    expect(body.features[0]).toEqual({ index: 0, name: "volume_in_pkt", group: "volume", value: null, direction: "in", type: "pkt" });
    expect(body.features[37]).toEqual({ index: 37, name: "port_p53_in_byt", group: "port", value: "p53", direction: "in", type: "byt" });
  });
});

describe("errors", () => {
  it("answers unknown routes with a JSON 404", async () => {
    const res = await get("/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: "not_found", message: "no route for GET /nope" });
  });

  it("answers thrown errors with a fixed JSON 500 that leaks nothing", async () => {
    const app = createApp();
    app.get("/boom", () => {
      throw new Error(`database exploded, token=${env.ADMIN_TOKEN}`);
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.request("/boom", {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: "internal", message: "internal error" });
    expect(text).not.toContain(env.ADMIN_TOKEN);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });

  it("keeps the status and message of client errors raised as HTTPException", async () => {
    const app = createApp();
    app.get("/too-big", () => {
      throw new HTTPException(413, { message: "batch over 1 MiB" });
    });
    const res = await app.request("/too-big", {}, env);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "payload_too_large", message: "batch over 1 MiB" });
  });
});

describe("GET /v1/tenant", () => {
  async function seedTenant(id: string): Promise<string> {
    const db = drizzle(env.DB);
    await db.insert(tenants).values({ id, name: `ISP ${id}`, createdAt: Date.now(), timeZone: "Europe/Berlin" });
    return (await issueApiKey(db, id)).key;
  }

  it("returns the tenant of a valid API key", async () => {
    const key = await seedTenant("t-good");
    const res = await get("/v1/tenant", { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "t-good", name: "ISP t-good", timeZone: "Europe/Berlin" });
  });

  it.each([
    ["no header", {}],
    ["empty header", { Authorization: "" }],
    ["wrong scheme", { Authorization: "Basic dXNlcjpwYXNz" }],
    ["no token", { Authorization: "Bearer " }],
  ])("answers 401 missing_api_key for %s", async (_, headers: Record<string, string>) => {
    const res = await get("/v1/tenant", headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ error: "missing_api_key", message: expect.any(String) });
  });

  it("answers 401 invalid_api_key for an unknown key", async () => {
    await seedTenant("t-wrong");
    const res = await get("/v1/tenant", { Authorization: "Bearer nfg_not-a-real-key" });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_api_key", message: expect.any(String) });
  });

  it("answers 401 invalid_api_key for a revoked key", async () => {
    const key = await seedTenant("t-revoked");
    expect((await get("/v1/tenant", { Authorization: `Bearer ${key}` })).status).toBe(200);
    await drizzle(env.DB).update(apiKeys).set({ revokedAt: Date.now() }).where(eq(apiKeys.tenantId, "t-revoked"));
    const res = await get("/v1/tenant", { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_api_key" });
  });
});
