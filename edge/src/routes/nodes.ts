/** @module Tenant route for a node's closed per-minute feature vectors. */
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { FEATURE_NAMES } from "../../../shared/features/catalogue.js";
import { MINUTE_MS } from "../../../shared/features/aggregate.js";
import { parseIp, formatIp } from "../../../shared/flow/ip.js";
import type { AppEnv } from "../env.js";
import { requireApiKey } from "../http/auth.js";
import { jsonError } from "../http/errors.js";
import { shardOf } from "../ingest/sharding.js";
import { aggregatorStub } from "../ingest/stubs.js";
import { tenantNodeSet } from "../tenancy/node-sets.js";

/** Longest range one request may ask for. */
const MAX_RANGE_MINUTES = 24 * 60;

/** `from`/`to` as epoch minutes, ISO-8601 times or epoch milliseconds (> 1e11). */
function parseMinute(text: string | undefined): number | null {
  if (text === undefined || text === "") return null;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n > 1e11 ? Math.floor(n / MINUTE_MS) : n;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : Math.floor(ms / MINUTE_MS);
}

export const nodeRoutes = new Hono<AppEnv>().get("/v1/nodes/:ip/minutes", requireApiKey, async (c) => {
  const addr = parseIp(c.req.param("ip"));
  if (!addr) return jsonError(c, 400, "invalid_ip", `${JSON.stringify(c.req.param("ip").slice(0, 64))} is not an IP address`);
  const tenant = c.var.tenant;
  const nodes = await tenantNodeSet(drizzle(c.env.DB), tenant.id, tenant.prefixesVersion);
  const isNode = addr.family === 4 ? nodes.matchV4(addr.words[0]) : nodes.matchV6(...addr.words);
  const node = formatIp(addr);
  if (isNode < 0) return jsonError(c, 404, "unknown_node", `${node} is not inside any of this tenant's prefixes`);
  const nowMinute = Math.floor(Date.now() / MINUTE_MS);
  const to = parseMinute(c.req.query("to")) ?? nowMinute + 1;
  const from = parseMinute(c.req.query("from")) ?? to - 60;
  if (!(from < to)) return jsonError(c, 400, "invalid_range", "`from` must be before `to`");
  if (to - from > MAX_RANGE_MINUTES) return jsonError(c, 400, "invalid_range", `at most ${MAX_RANGE_MINUTES} minutes per request`);
  const shard = shardOf(addr.family, ...addr.words, tenant.shards);
  const minutes = await aggregatorStub(c.env, tenant.id, shard).minutes(node, from, to);
  return c.json({
    node,
    from,
    to,
    features: FEATURE_NAMES,
    minutes: minutes.map((m) => ({ minute: m.minute, time: new Date(m.minute * MINUTE_MS).toISOString(), customer: m.customer, values: m.counters })),
  });
});
