/** @module The whole D1 schema (drizzle, sqlite): the one source that drizzle-kit turns into migrations/. */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** An ISP using the service. Times are Unix milliseconds. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  /** IANA time zone used for the tenant's calendar features (hour of day, day of week). */
  timeZone: text("time_zone").notNull().default("UTC"),
});

/** API keys of a tenant. Only the SHA-256 hash of a key is stored; `prefix` is its first 8 characters, for display. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** SHA-256 of the UTF-8 key, 64 lowercase hex digits. */
    keyHash: text("key_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Set when the key is revoked; a revoked key never authenticates again. */
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_tenant_id_idx").on(t.tenantId)],
);

export type Tenant = typeof tenants.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
