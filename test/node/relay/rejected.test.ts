// Batches the edge calls bad (400/413/415) go to rejected/, are logged with the edge's reason, and are never resent; later batches flow on.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeDatagramBatch } from "../../../shared/ingest/datagram-batch.js";
import { startRelay } from "../../../cloud/relay/relay.js";
import { acceptedTexts, captureLogger, dedupingEdge, FAST, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("relay: batches the edge rejects", () => {
  it.each([400, 413, 415])("%i moves the batch to rejected/ and does not retry it", async (status) => {
    const edge = await startFakeEdge((req, n, seen) => (n === 0 ? { status, body: '{"error":"bad_batch","message":"datagram 3: truncated"}' } : dedupingEdge(req, n, seen)));
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const logger = captureLogger();
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger, ...FAST, batchMs: 60_000 });
    cleanups.push(() => relay.stop());

    const bad = payloads("bad", 5);
    await sendUdp("127.0.0.1", relay.address.port, bad);
    await waitFor("received", () => relay.stats().received === 5);
    await relay.flush();
    await waitFor("rejected", () => relay.stats().rejectedBatches === 1);

    const files = readdirSync(join(tmp.dir, "rejected"));
    expect(files).toHaveLength(1);
    const kept = decodeDatagramBatch(new Uint8Array(readFileSync(join(tmp.dir, "rejected", files[0]!))));
    expect(kept.map((d) => text(d.payload))).toEqual(bad.map(text));
    const log = logger.entries.find((e) => e.event === "batch.rejected")!;
    expect(log.level).toBe("error");
    expect(log.fields).toMatchObject({ status, datagrams: 5 });
    expect(String(log.fields.reason)).toContain("truncated");

    const good = payloads("good", 5);
    await sendUdp("127.0.0.1", relay.address.port, good);
    await waitFor("received", () => relay.stats().received === 10);
    await relay.flush();
    await waitFor("good accepted", () => acceptedTexts(edge).length === 5);
    await new Promise((r) => setTimeout(r, 200)); // time in which a retry would have shown up
    expect(acceptedTexts(edge)).toEqual(good.map(text));
    const badId = String(edge.requests[0]!.headers["idempotency-key"]);
    expect(edge.requests.filter((r) => r.headers["idempotency-key"] === badId)).toHaveLength(1);
    expect(files[0]).toContain(badId);
    expect(relay.stats()).toMatchObject({ rejectedDatagrams: 5, sentDatagrams: 5, retries: 0, bufferedBatches: 0 });
  });
});
