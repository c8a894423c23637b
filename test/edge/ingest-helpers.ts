/** @module Test helpers for the ingest tests: an operator-created tenant with prefixes, and JSON posting. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const BASE = "https://edge.test";
export const ADMIN = { Authorization: "Bearer test-admin-token" };

export async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit | object } = {}) {
  const isJson = init.body !== undefined && !(typeof init.body === "string" || init.body instanceof Uint8Array || init.body instanceof ArrayBuffer);
  return exports.default.fetch(`${BASE}${path}`, {
    method,
    headers: { ...(isJson ? { "Content-Type": "application/json" } : {}), ...init.headers },
    body: isJson ? JSON.stringify(init.body) : (init.body as BodyInit | undefined),
  });
}

/** Creates a tenant through the admin API, registers its prefixes, and returns its API key. */
export async function newTenant(id: string, prefixes: { prefix: string; customer?: string }[], shards = 2): Promise<{ key: string; auth: Record<string, string> }> {
  const res = await call("POST", "/v1/admin/tenants", { headers: ADMIN, body: { id, name: `Tenant ${id}`, shards } });
  expect(res.status).toBe(201);
  const { apiKey } = await res.json<{ apiKey: { key: string } }>();
  const auth = { Authorization: `Bearer ${apiKey.key}` };
  for (const p of prefixes) expect((await call("POST", "/v1/prefixes", { headers: auth, body: p })).status).toBe(201);
  return { key: apiKey.key, auth };
}

export async function flush(tenantId: string): Promise<number> {
  const res = await call("POST", `/v1/admin/tenants/${tenantId}/flush`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json<{ closedNodeMinutes: number }>()).closedNodeMinutes;
}

export interface MinutesBody {
  node: string;
  features: string[];
  minutes: { minute: number; customer: string; values: number[] }[];
}

export async function minutesOf(auth: Record<string, string>, ip: string, from: number, to: number): Promise<MinutesBody> {
  const res = await call("GET", `/v1/nodes/${ip}/minutes?from=${from}&to=${to}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json<MinutesBody>();
}
