// `netflowgen relay` as a process: the bin launcher (tsx), flags, delivery to a fake edge, logs on stderr without the key, and a clean stop on SIGTERM.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { decodeDatagramBatch } from "../../../shared/ingest/datagram-batch.js";
import { acceptedTexts, payloads, sendUdp, startFakeEdge, tempDir, TEST_KEY, text, waitFor } from "./support.js";

const LAUNCHER = fileURLToPath(new URL("../../../cloud/cli/netflowgen.mjs", import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("netflowgen relay (process)", () => {
  it("relays datagrams and stops cleanly on SIGTERM, writing the open batch to the buffer", async () => {
    const edge = await startFakeEdge();
    cleanups.push(() => edge.close());
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const child = spawn(process.execPath, [LAUNCHER, "relay", "--listen", "127.0.0.1:0", "--edge", edge.url, "--buffer-dir", tmp.dir, "--batch-ms", "60000", "--batch-max", "20"], {
      env: { ...process.env, NETFLOWGEN_KEY: TEST_KEY },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => void child.kill("SIGKILL"));
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    await waitFor("relay listening", () => /event=relay\.listening listen=127\.0\.0\.1:\d+/.test(stderr), 8000);
    const port = Number(/event=relay\.listening listen=127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
    const sent = payloads("cli", 50);
    await sendUdp("127.0.0.1", port, sent);
    await waitFor("two full batches accepted", () => acceptedTexts(edge).length >= 40);
    expect(acceptedTexts(edge)).toEqual(sent.slice(0, 40).map(text));
    expect(edge.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    await new Promise((r) => setTimeout(r, 100)); // let the last 10 reach the open batch

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/event=relay\.signal signal=SIGTERM/);
    expect(stderr).toMatch(/event=relay\.stopped received=50 sent=40 /);
    if (process.platform === "linux") expect(stderr).toMatch(/event=relay\.stopped .* kernel_drops=0$/m);
    // the open batch (10 datagrams) is on disk for the next start, not lost
    const left = readdirSync(tmp.dir).filter((f) => f.endsWith(".nfgd"));
    expect(left).toHaveLength(1);
    expect(decodeDatagramBatch(new Uint8Array(readFileSync(join(tmp.dir, left[0]!)))).map((d) => text(d.payload))).toEqual(sent.slice(40).map(text));
    expect(stderr).not.toContain("SECRET");
    for (const line of stderr.trim().split("\n")) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z level=(info|warn|error) event=\S+/);
  });
});
