/** @module API keys: generation, SHA-256 hashing (WebCrypto) and tenant lookup by key; key text is never stored. */
import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { apiKeys, tenants, type Tenant } from "./schema.js";

/** Every key starts with this, so leaked keys are easy to recognise (and to scan for). */
export const API_KEY_PREFIX = "nfg_";
/** Characters of a key kept in clear as `api_keys.prefix`, for display. */
export const DISPLAY_PREFIX_LENGTH = 8;

/** SHA-256 of the UTF-8 bytes of `key`, as 64 lowercase hex digits. */
export async function hashApiKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** A new random key: "nfg_" + base64url (no padding) of 32 random bytes. */
export function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return API_KEY_PREFIX + btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The part of a key that may be shown and stored in clear. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/**
 * Creates a key for `tenantId` and stores only its hash and display prefix. The returned `key` is the
 * only copy of the key text: show it to the caller once.
 */
export async function issueApiKey(
  db: DrizzleD1Database,
  tenantId: string,
  now: number = Date.now(),
): Promise<{ id: string; key: string; prefix: string }> {
  const key = newApiKey();
  const row = { id: crypto.randomUUID(), tenantId, keyHash: await hashApiKey(key), prefix: displayPrefix(key), createdAt: now };
  await db.insert(apiKeys).values(row);
  return { id: row.id, key, prefix: row.prefix };
}

/** The tenant owning `key`, or null when the key is unknown or revoked. */
export async function findTenantByKey(db: DrizzleD1Database, key: string): Promise<Tenant | null> {
  const keyHash = await hashApiKey(key);
  const rows = await db
    .select({ tenant: tenants })
    .from(apiKeys)
    .innerJoin(tenants, eq(apiKeys.tenantId, tenants.id))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0]?.tenant ?? null;
}
