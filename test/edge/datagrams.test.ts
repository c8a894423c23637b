/** @module Raw datagram ingest inside workerd: templates kept per exporter across requests and restarts, data before its template buffered, retries exact. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "../../shared/features/aggregate.js";
import { featureIndex } from "../../shared/features/catalogue.js";
import type { FlowRecord } from "../../shared/flow/record.js";
import { DATAGRAM_BATCH_CONTENT_TYPE, encodeDatagramBatch } from "../../shared/ingest/datagram-batch.js";
import { ExporterSession } from "../../edge/src/exporters/exporter-session.js";
import { exporterStub } from "../../edge/src/ingest/stubs.js";
import { encodeNetflowV9 } from "../../edge/src/parsers/netflow-v9/encode.js";
import { call, flush, minutesOf, newTenant } from "./ingest-helpers.js";

const M = 28_600_000;
const T0 = M * MINUTE_MS;
const flows: FlowRecord[] = Array.from({ length: 20 }, (_, i) => ({
  startMs: T0 + 1000 * i,
  endMs: T0 + 1000 * i + 500,
  src: "198.51.100.7",
  dst: "203.0.113.10",
  srcPort: 53,
  dstPort: 40000 + i,
  protocol: 17,
  tcpFlags: 0,
  packets: 3,
  bytes: 4500,
  samplingRate: 1,
  exporterId: "",
}));
const PREFIXES = [{ prefix: "203.0.113.0/24", customer: "acme" }];

async function postDatagrams(auth: Record<string, string>, exporter: string, datagrams: Uint8Array[], batchId: string) {
  const body = encodeDatagramBatch(datagrams.map((payload) => ({ exporter, receivedAtMs: Date.now(), payload })));
  const res = await call("POST", "/v1/flows", { headers: { ...auth, "Content-Type": DATAGRAM_BATCH_CONTENT_TYPE, "Idempotency-Key": batchId }, body });
  expect(res.status).toBe(200);
  return res.json<{ accepted: number; rejected: number; buffered: number; released: number; duplicate: boolean }>();
}

describe("raw NetFlow v9 datagrams through POST /v1/flows", () => {
  const [template, ...data] = encodeNetflowV9(flows, { sourceId: 7 });

  it("keeps templates per exporter across requests, and buffers data that comes first", async () => {
    const { auth } = await newTenant("t-v9", PREFIXES);
    // data first: buffered, not lost
    expect(await postDatagrams(auth, "192.0.2.1", data, "b1")).toMatchObject({ accepted: 0, buffered: data.length });
    // the template arrives in a later request: the waiting data is decoded
    expect(await postDatagrams(auth, "192.0.2.1", [template!], "b2")).toMatchObject({ accepted: 20, released: 20 });
    // more data, alone: the template is remembered
    const later = encodeNetflowV9(flows.map((f) => ({ ...f, startMs: f.startMs + MINUTE_MS, endMs: f.endMs + MINUTE_MS })), { sourceId: 7, templates: false });
    expect(await postDatagrams(auth, "192.0.2.1", later, "b3")).toMatchObject({ accepted: 20, buffered: 0 });
    // another exporter does not share the templates
    expect(await postDatagrams(auth, "192.0.2.99", later, "b4")).toMatchObject({ accepted: 0, buffered: later.length });
    // a retried batch is answered, not counted again
    expect(await postDatagrams(auth, "192.0.2.1", later, "b3")).toMatchObject({ accepted: 20, duplicate: true });
    await flush("t-v9");
    const { minutes } = await minutesOf(auth, "203.0.113.10", M - 1, M + 3);
    expect(minutes.map((m) => [m.minute - M, m.values[featureIndex("volume_in_pkt")], m.values[featureIndex("port_registered_in_flow")]])).toEqual([
      [0, 60, 20],
      [1, 60, 20],
    ]);
  });

  it("templates survive the exporter object's restart", async () => {
    const { auth } = await newTenant("t-v9-restart", PREFIXES);
    await postDatagrams(auth, "192.0.2.2", [template!], "t1");
    const stub = exporterStub(env, "t-v9-restart", "192.0.2.2");
    const decoded = await runInDurableObject(stub, async (_instance: ExporterSession, state) => {
      const fresh = new ExporterSession(state, env); // what the runtime builds after an eviction
      return fresh.parse({ batchId: "after-restart", exporter: "192.0.2.2", datagrams: data.map((payload) => ({ receivedAtMs: Date.now(), payload })) });
    });
    expect(decoded.report).toMatchObject({ accepted: 20, buffered: 0, rejected: 0 });
  });
});
