// Relay restarts: batches buffered by a relay that was killed (or stopped) mid-outage are delivered first, under their own ids, by the next relay on the same buffer directory.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay } from "../../../cloud/relay/relay.js";
import { acceptedTexts, captureLogger, dedupingEdge, FAST, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("relay restart", () => {
  it("a new relay on the same buffer dir delivers a killed relay's batches first, under their original ids", async () => {
    let down = true;
    const edge = await startFakeEdge((req, n, seen) => (down ? { status: 503 } : dedupingEdge(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);

    const a = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST, batchMax: 20 });
    const old = payloads("old", 90);
    await sendUdp("127.0.0.1", a.address.port, old);
    await waitFor("old batches on disk", () => a.stats().bufferedDatagrams === 90);
    await waitFor("relay A retrying", () => edge.requests.length >= 2);
    const triedIds = new Set(edge.requests.map((r) => String(r.headers["idempotency-key"])));
    const batchesOnDisk = a.stats().bufferedBatches; // 5 unless a slow sender split a batch on time
    await a.kill();
    // a crash in the middle of a write leaves a temp file behind; it must not be sent
    writeFileSync(join(tmp.dir, ".tmp-0000000000000099_deadbeef_1.nfgd"), "partial");

    down = false;
    const logger = captureLogger();
    const b = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMax: 20 });
    cleanups.push(() => b.stop());
    expect(logger.entries.find((e) => e.event === "buffer.opened")?.fields).toMatchObject({ pending_batches: batchesOnDisk, pending_datagrams: 90, removed_incomplete: 1 });
    const fresh = payloads("new", 30);
    await sendUdp("127.0.0.1", b.address.port, fresh);
    await waitFor("everything accepted", () => acceptedTexts(edge).length >= 120);
    expect(acceptedTexts(edge)).toEqual([...old, ...fresh].map(text)); // old first, each once
    for (const id of triedIds) expect(edge.accepted.has(id)).toBe(true); // retried under the same Idempotency-Key
    await waitFor("buffer empty", () => b.stats().bufferedBatches === 0);
    expect(readdirSync(tmp.dir).filter((f) => f !== "rejected" && f !== ".lock")).toEqual([]);
  });

  it("a graceful stop writes the open batch to disk, and the next relay sends it", async () => {
    let down = true;
    const edge = await startFakeEdge((req, n, seen) => (down ? { status: 503 } : dedupingEdge(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const a = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST, batchMs: 60_000, batchMax: 1000 });
    const sent = payloads("open", 40);
    await sendUdp("127.0.0.1", a.address.port, sent);
    await waitFor("received", () => a.stats().received === 40);
    expect(a.stats().inMemoryDatagrams).toBe(40); // still in the open batch
    await a.stop();
    down = false;
    const b = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST });
    cleanups.push(() => b.stop());
    await waitFor("accepted", () => acceptedTexts(edge).length >= 40);
    expect(acceptedTexts(edge)).toEqual(sent.map(text));
  });

  it("refuses a buffer directory that another live relay holds", async () => {
    const edge = await startFakeEdge();
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const a = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST });
    cleanups.push(() => a.stop());
    await expect(startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST })).rejects.toThrow(/already used/);
  });
});
