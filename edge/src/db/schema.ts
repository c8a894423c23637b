/** @module The whole D1 schema (drizzle, sqlite): the one source that drizzle-kit turns into migrations/. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** An ISP using the service. Times are Unix milliseconds. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  /** IANA time zone used for the tenant's calendar features (hour of day, day of week). */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** Aggregator shards: node IPs are spread over this many Durable Objects (fixed once data flows). */
  shards: integer("shards").notNull().default(4),
  /** Bumped on every prefix change, so cached node sets know to reload. */
  prefixesVersion: integer("prefixes_version").notNull().default(0),
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

/** Customer prefixes of a tenant (CIDR, canonical text): every IP inside one is a node. */
export const prefixes = sqliteTable(
  "prefixes",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** canonical CIDR text, e.g. 203.0.113.0/24 or 2001:db8::/32 */
    prefix: text("prefix").notNull(),
    /** the ISP's customer owning the prefix (for the customer embedding) */
    customer: text("customer").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("prefixes_tenant_prefix_idx").on(t.tenantId, t.prefix)],
);

/** Ingest batches already applied, by the client's Idempotency-Key: a retry is answered from here. */
export const ingestBatches = sqliteTable(
  "ingest_batches",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    batchId: text("batch_id").notNull(),
    createdAt: integer("created_at").notNull(),
    /** the JSON response body of the first, successful request */
    response: text("response").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.batchId] }), index("ingest_batches_created_idx").on(t.createdAt)],
);

export type Tenant = typeof tenants.$inferSelect;
export type Prefix = typeof prefixes.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
