// Real exporter bytes through the relay: softflowd's NetFlow v9 and IPFIX export datagrams (../shared/data/external) reach the edge byte for byte, in order.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay } from "../../../cloud/relay/relay.js";
import { readPcapUdp } from "../support/pcap.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { captureLogger, FAST, sendUdp, startFakeEdge, tempDir, TEST_KEY, waitFor } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("relay with real softflowd exports", () => {
  it.for(["loopback.softflowd.nfv9.pcap", "loopback.softflowd.ipfix-uptime.pcap"])("%s arrives unchanged", async (file, ctx) => {
    if (!HAVE_EXTERNAL_DATA) ctx.skip(NO_EXTERNAL_DATA);
    const datagrams = readPcapUdp(join(EXTERNAL_DATA, "netflow-exports", "softflowd", file)).map((d) => d.payload);
    expect(datagrams.length).toBeGreaterThan(0);
    const edge = await startFakeEdge();
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: TEST_KEY, bufferDir: tmp.dir, logger: captureLogger(), ...FAST });
    cleanups.push(() => relay.stop());
    await sendUdp("127.0.0.1", relay.address.port, datagrams);
    const got = (): Uint8Array[] => [...edge.accepted.values()].flat().map((d) => d.payload);
    await waitFor("all export datagrams accepted", () => got().length >= datagrams.length);
    expect(got().map((p) => Buffer.from(p).toString("hex"))).toEqual(datagrams.map((p) => Buffer.from(p).toString("hex")));
  });
});
