// Relay happy path: UDP datagrams in, framed batches out to a fake edge, with the exporter's address, auth, content type and a batch id.
import { afterEach, describe, expect, it } from "vitest";
import { DATAGRAM_BATCH_CONTENT_TYPE, decodeDatagramBatch } from "../../../shared/ingest/datagram-batch.js";
import { startRelay, type Relay } from "../../../cloud/relay/relay.js";
import { acceptedTexts, captureLogger, FAST, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor, type FakeEdge } from "./support.js";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(listen: string, extra: Partial<Parameters<typeof startRelay>[0]> = {}): Promise<{ edge: FakeEdge; relay: Relay; logger: ReturnType<typeof captureLogger>; dir: string }> {
  const edge = await startFakeEdge();
  cleanups.push(() => edge.close());
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const logger = captureLogger();
  const relay = await startRelay({ listen, edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMax: 25, ...extra });
  cleanups.push(() => relay.stop());
  return { edge, relay, logger, dir: tmp.dir };
}

function readBindV6Only(): string {
  try {
    return readFileSync("/proc/sys/net/ipv6/bindv6only", "utf8").trim();
  } catch {
    return "0";
  }
}

function ipv6LoopbackWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket("udp6");
    s.once("error", () => resolve(false));
    s.bind(0, "::1", () => s.close(() => resolve(true)));
  });
}

describe("relay delivery", () => {
  it("posts every datagram, framed, with the exporter address, auth, content type and a batch id", async () => {
    const { edge, relay, logger } = await setup("127.0.0.1:0");
    const before = Date.now();
    const sent = payloads("a", 120, 200);
    await sendUdp("127.0.0.1", relay.address.port, sent);
    await waitFor("all datagrams accepted", () => acceptedTexts(edge).length >= sent.length);
    const after = Date.now();

    expect(acceptedTexts(edge)).toEqual(sent.map(text)); // all, once, in order
    expect(edge.requests.length).toBeGreaterThanOrEqual(Math.ceil(sent.length / 25));
    const ids = new Set<string>();
    for (const req of edge.requests) {
      expect(req.status).toBe(200);
      expect(req.method).toBe("POST");
      expect(req.url).toBe("/v1/flows");
      expect(req.headers["content-type"]).toBe(DATAGRAM_BATCH_CONTENT_TYPE);
      expect(req.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
      const id = String(req.headers["idempotency-key"]);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id);
      const batch = decodeDatagramBatch(req.body);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(25);
      for (const d of batch) {
        expect(d.exporter).toBe("127.0.0.1");
        expect(d.receivedAtMs).toBeGreaterThanOrEqual(before);
        expect(d.receivedAtMs).toBeLessThanOrEqual(after);
        expect(d.payload.length).toBe(200);
      }
    }
    expect(ids.size).toBe(edge.requests.length); // one id per batch, no retries here

    await waitFor("buffer empty", () => relay.stats().bufferedBatches === 0);
    const s = relay.stats();
    expect(s).toMatchObject({ received: 120, sentDatagrams: 120, droppedDatagrams: 0, rejectedDatagrams: 0, retries: 0, bufferedDatagrams: 0 });
    // the key never reaches the log: at most its first 4 characters
    expect(logger.lines().some((l) => l.includes("SECRET") || l.includes(TEST_KEY))).toBe(false);
    expect(logger.entries.find((e) => e.event === "relay.listening")?.fields.key).toBe("nfg_…");
  });

  it("seals a batch at batchMax datagrams and at about 1 MiB", async () => {
    const { edge, relay } = await setup("127.0.0.1:0", { batchMs: 60_000, batchMax: 10 });
    await sendUdp("127.0.0.1", relay.address.port, payloads("c", 30, 100));
    await waitFor("3 full batches", () => acceptedTexts(edge).length === 30);
    expect([...edge.accepted.values()].map((b) => b.length)).toEqual([10, 10, 10]);
  });

  it("listens on IPv6 and stamps the IPv6 exporter address", async (ctx) => {
    if (!(await ipv6LoopbackWorks())) ctx.skip("no IPv6 loopback (::1) on this host");
    const { edge, relay } = await setup("[::1]:0");
    expect(relay.address.family).toBe("IPv6");
    const sent = payloads("v6", 30);
    await sendUdp("::1", relay.address.port, sent, 6);
    await waitFor("all datagrams accepted", () => acceptedTexts(edge).length >= sent.length);
    expect(acceptedTexts(edge)).toEqual(sent.map(text));
    for (const batch of edge.accepted.values()) for (const d of batch) expect(d.exporter).toBe("::1");
  });

  it("on a dual-stack [::] socket, stamps IPv4 exporters as IPv4 (not ::ffff:a.b.c.d)", async (ctx) => {
    if (!(await ipv6LoopbackWorks())) ctx.skip("no IPv6 loopback (::1) on this host");
    if (readBindV6Only() === "1") ctx.skip("net.ipv6.bindv6only=1: [::] sockets are IPv6-only on this host");
    const { edge, relay } = await setup("[::]:0");
    const sent = payloads("dual", 10);
    await sendUdp("127.0.0.1", relay.address.port, sent, 4);
    await waitFor("all datagrams accepted", () => acceptedTexts(edge).length >= sent.length);
    for (const batch of edge.accepted.values()) for (const d of batch) expect(d.exporter).toBe("127.0.0.1");
  });
});
