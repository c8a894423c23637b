/** @module Unit tests of API-key generation, hashing, issuing and lookup, against the migrated test D1. */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, DISPLAY_PREFIX_LENGTH, findTenantByKey, hashApiKey, issueApiKey, newApiKey } from "./keys.js";
import { apiKeys, tenants } from "./schema.js";

describe("hashApiKey", () => {
  it("is SHA-256 hex of the UTF-8 key", async () => {
    // Known vector: SHA-256("abc").
    expect(await hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("newApiKey", () => {
  it("is nfg_ + 43 base64url characters (32 random bytes), and never repeats", () => {
    const keys = new Set(Array.from({ length: 100 }, () => newApiKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
  });
});

describe("issueApiKey / findTenantByKey", () => {
  it("finds the tenant of an active key, and nothing for unknown or revoked keys", async () => {
    const db = drizzle(env.DB);
    await db.insert(tenants).values({ id: "t-keys", name: "Keys ISP", createdAt: 1 });
    const active = await issueApiKey(db, "t-keys", 2);
    const revoked = await issueApiKey(db, "t-keys", 2);
    await db.update(apiKeys).set({ revokedAt: 3 }).where(eq(apiKeys.id, revoked.id));

    expect(await findTenantByKey(db, active.key)).toEqual({ id: "t-keys", name: "Keys ISP", createdAt: 1, timeZone: "UTC", shards: 4, prefixesVersion: 0 });
    expect(await findTenantByKey(db, revoked.key)).toBeNull();
    expect(await findTenantByKey(db, newApiKey())).toBeNull();
  });

  it("stores the SHA-256 hash and the display prefix, never the key text", async () => {
    const db = drizzle(env.DB);
    await db.insert(tenants).values({ id: "t-hash", name: "Hash ISP", createdAt: 1 });
    const { id, key, prefix } = await issueApiKey(db, "t-hash");

    expect(prefix).toBe(key.slice(0, DISPLAY_PREFIX_LENGTH));
    // Every column of every row of every table, as text: the secret part of the key appears nowhere.
    const secret = key.slice(DISPLAY_PREFIX_LENGTH);
    for (const table of ["api_keys", "tenants"]) {
      const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(results)).not.toContain(secret);
    }
    const row = await env.DB.prepare("SELECT key_hash, prefix FROM api_keys WHERE id = ?").bind(id).first();
    expect(row).toEqual({ key_hash: await hashApiKey(key), prefix });
  });
});
