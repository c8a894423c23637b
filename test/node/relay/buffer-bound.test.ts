// The relay's buffer bound: with the edge down and a tiny --max-buffer-mb, the oldest batches are dropped, counted and logged, and the rest still arrive.
import { afterEach, describe, expect, it } from "vitest";
import { startRelay } from "../../../cloud/relay/relay.js";
import { acceptedTexts, captureLogger, closedPort, dedupingEdge, FAST, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("relay buffer bound", () => {
  it("drops the oldest batches past max buffer bytes, reports how many, and delivers the rest", async () => {
    const port = await closedPort();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const logger = captureLogger();
    // batches of 10 × 1000-byte datagrams ≈ 10.2 kB; the bound holds 3 of them
    const maxBufferBytes = 32_000;
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: `http://127.0.0.1:${port}`, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMs: 60_000, batchMax: 10, maxBufferBytes, statsIntervalMs: 50 });
    cleanups.push(() => relay.stop());

    const sent = payloads("b", 100, 1000);
    for (let i = 0; i < 100; i += 10) {
      await sendUdp("127.0.0.1", relay.address.port, sent.slice(i, i + 10));
      await waitFor(`batch ${i / 10} sealed`, () => relay.stats().received === i + 10 && relay.stats().inMemoryDatagrams === 0);
    }
    const s = relay.stats();
    expect(s.received).toBe(100);
    expect(s.droppedBatches).toBeGreaterThanOrEqual(6);
    expect(s.bufferedDatagrams + s.droppedDatagrams).toBe(100); // every datagram is buffered or counted as dropped
    expect(s.bufferedBytes).toBeLessThanOrEqual(maxBufferBytes + 10_300); // the bound, plus at most a batch the sender held
    const drops = logger.entries.filter((e) => e.event === "batch.dropped");
    expect(drops.reduce((n, e) => n + Number(e.fields.datagrams), 0)).toBe(s.droppedDatagrams);
    expect(drops.every((e) => e.level === "warn" && String(e.fields.why).includes("oldest"))).toBe(true);
    await waitFor("a stats line with the drops", () => logger.entries.some((e) => e.event === "relay.stats" && e.fields.dropped === s.droppedDatagrams));

    const edge = await startFakeEdge(dedupingEdge, port);
    cleanups.push(() => edge.close());
    await waitFor("buffer delivered", () => relay.stats().bufferedBatches === 0);
    const got = acceptedTexts(edge);
    expect(got.length).toBe(100 - s.droppedDatagrams);
    // the newest batches survived (the third-newest may have made room for an old batch the sender held)
    expect(got.slice(-20)).toEqual(sent.slice(-20).map(text));
    expect(new Set(got).size).toBe(got.length);
  });
});
