// Relay through edge outages (503, a closed port, timeouts, a refused key): nothing lost, each datagram accepted exactly once, retries reuse the batch's Idempotency-Key.
import { afterEach, describe, expect, it } from "vitest";
import { decodeDatagramBatch } from "../../../shared/ingest/datagram-batch.js";
import { startRelay } from "../../../cloud/relay/relay.js";
import { acceptedTexts, captureLogger, closedPort, conflictEdge, dedupingEdge, FAST, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor, type FakeEdge } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every request with a given Idempotency-Key carried the same bytes: a retry is the same batch. */
function expectRetriesAreSameBatch(edge: FakeEdge): void {
  const byKey = new Map<string, string>();
  for (const req of edge.requests) {
    const key = String(req.headers["idempotency-key"]);
    const hex = Buffer.from(req.body).toString("hex");
    if (byKey.has(key)) expect(byKey.get(key)).toBe(hex);
    else byKey.set(key, hex);
  }
}

describe("relay during edge outages", () => {
  it("holds batches through 503s and delivers each datagram exactly once after recovery", async () => {
    let down = true;
    const edge = await startFakeEdge((req, n, seen) => (down ? { status: 503, body: "overloaded", headers: { "retry-after": "0" } } : dedupingEdge(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const logger = captureLogger();
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMax: 20 });
    cleanups.push(() => relay.stop());

    const wave1 = payloads("w1", 100);
    await sendUdp("127.0.0.1", relay.address.port, wave1);
    await waitFor("wave 1 on disk", () => relay.stats().bufferedDatagrams === 100);
    await waitFor("some 503s", () => edge.requests.filter((r) => r.status === 503).length >= 3);
    expect(edge.accepted.size).toBe(0);
    const wave2 = payloads("w2", 50);
    await sendUdp("127.0.0.1", relay.address.port, wave2);
    await waitFor("wave 2 on disk", () => relay.stats().bufferedDatagrams === 150);

    down = false;
    await waitFor("all accepted", () => acceptedTexts(edge).length >= 150);
    expect(acceptedTexts(edge)).toEqual([...wave1, ...wave2].map(text));
    expectRetriesAreSameBatch(edge);
    const first503 = edge.requests.find((r) => r.status === 503)!;
    expect(edge.accepted.has(String(first503.headers["idempotency-key"]))).toBe(true); // the refused batch, delivered later under its own id
    await waitFor("buffer empty", () => relay.stats().bufferedBatches === 0);
    expect(relay.stats()).toMatchObject({ sentDatagrams: 150, droppedDatagrams: 0 });
    expect(relay.stats().retries).toBeGreaterThanOrEqual(3);
    expect(logger.entries.some((e) => e.event === "edge.unavailable" && e.fields.status === 503)).toBe(true);
    expect(logger.entries.some((e) => e.event === "edge.recovered")).toBe(true);
  });

  it("holds batches while the edge's port is closed, then delivers them when it comes up", async () => {
    const port = await closedPort();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const logger = captureLogger();
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: `http://127.0.0.1:${port}/`, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMax: 20 });
    cleanups.push(() => relay.stop());
    const sent = payloads("down", 80);
    await sendUdp("127.0.0.1", relay.address.port, sent);
    await waitFor("on disk", () => relay.stats().bufferedDatagrams === 80);
    await waitFor("connection errors", () => relay.stats().retries >= 3);
    expect(logger.entries.find((e) => e.event === "edge.unavailable")?.fields.reason).toMatch(/ECONNREFUSED/);

    const edge = await startFakeEdge(dedupingEdge, port);
    cleanups.push(() => edge.close());
    await waitFor("all accepted", () => acceptedTexts(edge).length >= 80);
    expect(acceptedTexts(edge)).toEqual(sent.map(text));
    expectRetriesAreSameBatch(edge);
  });

  it.for([
    ["200 duplicate", dedupingEdge, 200],
    ["409", conflictEdge, 409],
  ] as const)("resends a batch whose answer timed out under the same id, and takes the edge's %s answer as delivered", async ([, responder, dupStatus]) => {
    // the first request reaches the edge (which keeps it) but its answer comes too late
    const edge = await startFakeEdge((req, n, seen) => (n === 0 ? { status: 200, delayMs: 2000 } : responder(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST, requestTimeoutMs: 500, batchMax: 10 });
    cleanups.push(() => relay.stop());
    const sent = payloads("t", 30);
    await sendUdp("127.0.0.1", relay.address.port, sent);
    await waitFor("all accepted and buffer empty", () => acceptedTexts(edge).length >= 30 && relay.stats().bufferedBatches === 0);
    expect(acceptedTexts(edge)).toEqual(sent.map(text));
    const first = String(edge.requests[0]!.headers["idempotency-key"]);
    const again = edge.requests.filter((r) => String(r.headers["idempotency-key"]) === first);
    expect(again.map((r) => r.status)).toEqual([200, dupStatus]);
    expectRetriesAreSameBatch(edge);
    expect(relay.stats()).toMatchObject({ sentDatagrams: 30, duplicates: 1 });
    expect(relay.stats().retries).toBeGreaterThanOrEqual(1);
  });

  it("keeps batches on 401, logs it loudly without the key, and delivers once the key is accepted", async () => {
    let refused = 0;
    const edge = await startFakeEdge((req, n, seen) => (refused++ < 3 ? { status: 401, body: '{"error":"invalid key"}' } : dedupingEdge(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const logger = captureLogger();
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST });
    cleanups.push(() => relay.stop());
    const sent = payloads("auth", 10);
    await sendUdp("127.0.0.1", relay.address.port, sent);
    await waitFor("accepted", () => acceptedTexts(edge).length >= 10);
    expect(acceptedTexts(edge)).toEqual(sent.map(text));
    const auth = logger.entries.filter((e) => e.event === "edge.auth_failed");
    expect(auth.length).toBe(3);
    expect(auth[0]!.level).toBe("error");
    expect(auth[0]!.fields.key).toBe("nfg_…");
    expect(logger.lines().some((l) => l.includes("SECRET"))).toBe(false);
    expect(edge.requests.every((r) => decodeDatagramBatch(r.body).length > 0)).toBe(true);
  });
});
