/** @module A tenant's node set (its customer prefixes from D1), cached per isolate by the tenant's prefixes version. */
import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { NodeSet } from "../../../shared/features/nodes.js";
import { prefixes } from "../db/schema.js";

const cache = new Map<string, { version: number; nodes: NodeSet }>();

/** The node set of `tenantId` at `version` (tenants.prefixes_version); reloads from D1 when the version moved. */
export async function tenantNodeSet(db: DrizzleD1Database, tenantId: string, version: number): Promise<NodeSet> {
  const hit = cache.get(tenantId);
  if (hit && hit.version === version) return hit.nodes;
  const rows = await db.select({ prefix: prefixes.prefix, customer: prefixes.customer }).from(prefixes).where(eq(prefixes.tenantId, tenantId));
  const nodes = new NodeSet(rows);
  cache.set(tenantId, { version, nodes });
  return nodes;
}
