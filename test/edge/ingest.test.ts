/** @module End-to-end ingest inside workerd: tenants, prefixes, POST /v1/flows (JSON/NDJSON), aggregation, closing, reading back. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { aggregateMinutes, MINUTE_MS } from "../../shared/features/aggregate.js";
import { featureIndex } from "../../shared/features/catalogue.js";
import { NodeSet } from "../../shared/features/nodes.js";
import type { FlowRecord } from "../../shared/flow/record.js";
import { decodeMinuteArchive, archiveRows } from "../../shared/wire/archive.js";
import { MinuteAggregator } from "../../edge/src/aggregator/aggregator.js";
import { aggregatorStub } from "../../edge/src/ingest/stubs.js";
import { ADMIN, call, flush, minutesOf, newTenant } from "./ingest-helpers.js";

const M = 28_500_000; // an epoch minute in 2024
const T0 = M * MINUTE_MS;

function flow(p: Partial<FlowRecord>): FlowRecord {
  return { startMs: T0 + 1000, endMs: T0 + 2000, src: "198.51.100.7", dst: "203.0.113.10", srcPort: 53, dstPort: 50000, protocol: 17, tcpFlags: 0, packets: 10, bytes: 15000, samplingRate: 1, exporterId: "", ...p };
}

const FLOWS: FlowRecord[] = [
  flow({}),
  flow({ startMs: T0 + 30_000, endMs: T0 + 150_000, packets: 40, bytes: 4000 }),
  flow({ src: "203.0.113.10", dst: "8.8.8.8", srcPort: 44321, dstPort: 443, protocol: 6, tcpFlags: 2, packets: 1, bytes: 60 }),
  flow({ dst: "203.0.113.77", startMs: T0 + 61_000, endMs: T0 + 61_000 }),
  flow({ src: "192.0.2.1", dst: "192.0.2.2" }), // transit
  flow({ dst: "2001:db8::5", src: "2001:db9::1" }),
];
const PREFIXES = [{ prefix: "203.0.113.0/24", customer: "acme" }, { prefix: "2001:db8::/32", customer: "v6co" }];

async function post(auth: Record<string, string>, body: string, contentType = "application/json", batchId?: string) {
  return call("POST", "/v1/flows", { headers: { ...auth, "Content-Type": contentType, ...(batchId ? { "Idempotency-Key": batchId } : {}) }, body });
}

describe("POST /v1/flows → aggregators → GET /v1/nodes/:ip/minutes", () => {
  it("aggregates JSON flows into exactly the minutes shared/ computes, and reads them back after closing", async () => {
    const { auth } = await newTenant("t-json", PREFIXES);
    const res = await post(auth, JSON.stringify(FLOWS));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: false, accepted: 6, rejected: 0, unmatched: 1, late: 0, overCapacity: 0 });
    expect(await flush("t-json")).toBe(5); // .10 × 3 minutes, .77 × 1, 2001:db8::5 × 1

    const expected = aggregateMinutes(FLOWS, new NodeSet(PREFIXES));
    for (const node of ["203.0.113.10", "203.0.113.77", "2001:db8::5"]) {
      const body = await minutesOf(auth, node, M - 5, M + 5);
      const mine = expected.filter((r) => r.node === node);
      expect(body.minutes.map((m) => m.minute)).toEqual(mine.map((r) => r.minute));
      body.minutes.forEach((m, i) => {
        expect(m.customer).toBe(mine[i]!.customer);
        expect(m.values).toEqual([...mine[i]!.counters]);
      });
    }
  });

  it("counts a retried batch once (Idempotency-Key)", async () => {
    const { auth } = await newTenant("t-idem", PREFIXES);
    const body = JSON.stringify([flow({})]);
    const first = await (await post(auth, body, "application/json", "batch-1")).json<{ duplicate: boolean }>();
    const again = await (await post(auth, body, "application/json", "batch-1")).json<{ duplicate: boolean; accepted: number }>();
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, accepted: 1 });
    await flush("t-idem");
    const { minutes } = await minutesOf(auth, "203.0.113.10", M - 1, M + 1);
    expect(minutes[0]!.values[featureIndex("volume_in_pkt")]).toBe(10);
  });

  it("counts flows for closed minutes as late instead of merging them", async () => {
    const { auth } = await newTenant("t-late", PREFIXES);
    await post(auth, JSON.stringify([flow({})]));
    await flush("t-late");
    const res = await (await post(auth, JSON.stringify([flow({ packets: 99 })]))).json<{ late: number; accepted: number }>();
    expect(res).toMatchObject({ accepted: 1, late: 1 });
    const { minutes } = await minutesOf(auth, "203.0.113.10", M - 1, M + 1);
    expect(minutes[0]!.values[featureIndex("volume_in_pkt")]).toBe(10);
  });

  it("accepts NDJSON and reports bad lines without losing good ones", async () => {
    const { auth } = await newTenant("t-ndjson", PREFIXES);
    const body = [JSON.stringify(flow({})), "{not json", JSON.stringify(flow({ dst: "203.0.113.11" })), JSON.stringify({ ...flow({}), dst: "999.1.1.1" })].join("\n");
    const res = await (await post(auth, body, "application/x-ndjson")).json<{ accepted: number; rejected: number; issues: { code: string }[] }>();
    expect(res.accepted).toBe(2);
    expect(res.rejected).toBe(2);
    expect(res.issues).toHaveLength(2);
  });

  it("writes closed minutes to R2 as minute-archive chunks", async () => {
    const { auth } = await newTenant("t-r2", PREFIXES);
    await post(auth, JSON.stringify(FLOWS));
    await flush("t-r2");
    const listed = await env.ARCHIVES.list({ prefix: "archives/t-r2/" });
    expect(listed.objects.length).toBeGreaterThan(0);
    let rows = 0;
    for (const o of listed.objects) {
      const chunk = decodeMinuteArchive(new Uint8Array(await (await env.ARCHIVES.get(o.key))!.arrayBuffer()));
      expect(chunk.tenant).toBe("t-r2");
      rows += archiveRows(chunk).length;
    }
    expect(rows).toBe(5);
  });

  it("loses nothing when the aggregator object restarts mid-minute (WAL replay)", async () => {
    const { auth } = await newTenant("t-restart", PREFIXES, 1);
    await post(auth, JSON.stringify(FLOWS));
    const stub = aggregatorStub(env, "t-restart", 0);
    const before = await stub.status();
    expect(before.openNodeMinutes).toBe(5);
    // A fresh instance over the same storage is what the runtime builds after an eviction.
    const replayed = await runInDurableObject(stub, async (_instance: MinuteAggregator, state) => {
      const fresh = new MinuteAggregator(state, env);
      const status = await fresh.status(); // awaits its own restore
      await fresh.flush(); // the rebuilt object, not the original, closes the minutes
      return status;
    });
    expect(replayed.openNodeMinutes).toBe(before.openNodeMinutes);
    expect(replayed.walRows).toBe(before.walRows);
    const expected = aggregateMinutes(FLOWS, new NodeSet(PREFIXES)).filter((r) => r.node === "203.0.113.10");
    const { minutes } = await minutesOf(auth, "203.0.113.10", M - 5, M + 5);
    expect(minutes.map((m) => m.values)).toEqual(expected.map((r) => [...r.counters]));
  });
});

describe("ingest errors", () => {
  it("answers 415, 413, 400 and 401 with JSON bodies", async () => {
    const { auth } = await newTenant("t-errors", PREFIXES);
    const r415 = await post(auth, "x", "text/plain");
    expect(r415.status).toBe(415);
    expect(await r415.json()).toMatchObject({ error: "unsupported_media_type" });
    const r413 = await post(auth, "x".repeat(Number(env.MAX_BODY_BYTES) + 1), "text/csv");
    expect(r413.status).toBe(413);
    expect(await r413.json()).toMatchObject({ error: "payload_too_large" });
    const r400 = await post(auth, "[]", "application/json", "bad id with spaces");
    expect(r400.status).toBe(400);
    const bad = await post(auth, "garbage", "application/vnd.netflowgen.datagrams");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "datagram_batch_truncated" });
    const r401 = await post({ Authorization: "Bearer nfg_wrong" }, "[]");
    expect(r401.status).toBe(401);
  });
});

describe("tenant isolation", () => {
  it("a tenant never sees another tenant's minutes, even for the same prefix", async () => {
    const a = await newTenant("t-iso-a", PREFIXES);
    const b = await newTenant("t-iso-b", PREFIXES);
    await post(a.auth, JSON.stringify([flow({})]));
    await flush("t-iso-a");
    await flush("t-iso-b");
    expect((await minutesOf(a.auth, "203.0.113.10", M - 1, M + 1)).minutes).toHaveLength(1);
    expect((await minutesOf(b.auth, "203.0.113.10", M - 1, M + 1)).minutes).toHaveLength(0);
    const c = await newTenant("t-iso-c", [{ prefix: "10.0.0.0/8" }]);
    const res = await call("GET", `/v1/nodes/203.0.113.10/minutes?from=${M - 1}&to=${M + 1}`, { headers: c.auth });
    expect(res.status).toBe(404);
    const prefixesOfB = await (await call("GET", "/v1/prefixes", { headers: b.auth })).json<{ prefixes: unknown[] }>();
    expect(prefixesOfB.prefixes).toHaveLength(2);
    const otherPrefix = (await (await call("GET", "/v1/prefixes", { headers: a.auth })).json<{ prefixes: { id: string }[] }>()).prefixes[0]!.id;
    expect((await call("DELETE", `/v1/prefixes/${otherPrefix}`, { headers: b.auth })).status).toBe(404);
  });
});

describe("admin API", () => {
  it("requires the operator token", async () => {
    expect((await call("POST", "/v1/admin/tenants", { body: { name: "x" } })).status).toBe(401);
    expect((await call("POST", "/v1/admin/tenants", { headers: { Authorization: "Bearer nope" }, body: { name: "x" } })).status).toBe(401);
  });

  it("rotates keys: the new key works, revoked ones stop working", async () => {
    const { auth } = await newTenant("t-rotate", []);
    const res = await call("POST", "/v1/admin/tenants/t-rotate/keys", { headers: ADMIN, body: { revokeOthers: true } });
    expect(res.status).toBe(201);
    const { apiKey, revoked } = await res.json<{ apiKey: { key: string }; revoked: number }>();
    expect(revoked).toBe(1);
    expect((await call("GET", "/v1/tenant", { headers: auth })).status).toBe(401);
    expect((await call("GET", "/v1/tenant", { headers: { Authorization: `Bearer ${apiKey.key}` } })).status).toBe(200);
  });

  it("validates prefixes and tenants with clear errors", async () => {
    const { auth } = await newTenant("t-validate", []);
    const bad = await call("POST", "/v1/prefixes", { headers: auth, body: { prefix: "10.0.0.1/8" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_prefix", message: expect.stringContaining("host bits") });
    expect((await call("POST", "/v1/prefixes", { headers: auth, body: { prefix: "10.0.0.0/8" } })).status).toBe(201);
    expect((await call("POST", "/v1/prefixes", { headers: auth, body: { prefix: "10.0.0.0/8" } })).status).toBe(409);
    expect((await call("POST", "/v1/admin/tenants", { headers: ADMIN, body: { id: "t-validate", name: "again" } })).status).toBe(409);
    const tz = await call("POST", "/v1/admin/tenants", { headers: ADMIN, body: { name: "tz", timeZone: "Mars/Base" } });
    expect(tz.status).toBe(400);
  });
});
