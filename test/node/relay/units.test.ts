// The relay's small parts on their own: backoff, status classes, addresses, the batcher, file names, option checks, log lines and the CLI's flag mapping.
import { describe, expect, it, vi } from "vitest";
import { exporterAddress, parseListenAddress } from "../../../cloud/relay/address.js";
import { backoffDelayMs, parseRetryAfterMs } from "../../../cloud/relay/backoff.js";
import { Batcher, framedBytes } from "../../../cloud/relay/batcher.js";
import { formatLogLine, keyHint, urlForLog } from "../../../cloud/relay/log.js";
import { RelayOptionError, resolveRelayOptions } from "../../../cloud/relay/options.js";
import { classifyStatus, ingestUrl } from "../../../cloud/relay/post.js";
import { batchFileName, parseBatchFileName } from "../../../cloud/relay/spool.js";
import { encodeDatagramBatch, type FramedDatagram } from "../../../shared/ingest/datagram-batch.js";
import { relayOptionsFromArgs } from "../../../cloud/cli/relay.js";
import { main } from "../../../cloud/cli/main.js";
import type { CliIo } from "../../../cloud/cli/command.js";
import { silentLogger } from "../../../cloud/relay/log.js";
import { parseUdpDrops } from "../../../cloud/relay/kernel-drops.js";

describe("backoff", () => {
  it("doubles from the base to the cap, with jitter in [d/2, d]", () => {
    expect(backoffDelayMs(1, 500, 60_000, () => 0)).toBe(250);
    expect(backoffDelayMs(1, 500, 60_000, () => 1)).toBe(500);
    expect(backoffDelayMs(4, 500, 60_000, () => 1)).toBe(4000);
    expect(backoffDelayMs(30, 500, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelayMs(10_000, 500, 60_000, () => 0.5)).toBe(45_000);
  });
  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfterMs("3")).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfterMs("soon")).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});

describe("edge answers", () => {
  it("maps statuses to what happens to the batch", () => {
    expect([200, 201, 202, 204, 409].map(classifyStatus)).toEqual(Array(5).fill("delivered"));
    expect([400, 413, 415].map(classifyStatus)).toEqual(Array(3).fill("rejected"));
    expect([401, 403].map(classifyStatus)).toEqual(["auth", "auth"]);
    expect([301, 404, 408, 429, 500, 502, 503, 504].map(classifyStatus)).toEqual(Array(8).fill("retry"));
  });
  it("joins the ingest path onto the edge URL", () => {
    expect(ingestUrl("https://e.example/")).toBe("https://e.example/v1/flows");
    expect(ingestUrl("https://e.example/tenant-a")).toBe("https://e.example/tenant-a/v1/flows");
  });
});

describe("addresses", () => {
  it("parses listen addresses", () => {
    expect(parseListenAddress("127.0.0.1:2055")).toEqual({ host: "127.0.0.1", port: 2055, family: 4 });
    expect(parseListenAddress("[::]:2055")).toEqual({ host: "::", port: 2055, family: 6 });
    expect(parseListenAddress("[0:0::1]:0")).toEqual({ host: "::1", port: 0, family: 6 });
    for (const bad of ["2055", "localhost:2055", "::1:2055", "1.2.3.4:70000", "[1.2.3.4]:1"]) {
      expect(() => parseListenAddress(bad)).toThrow(RelayOptionError);
    }
  });
  it("stamps exporters canonically, unmapping IPv4-mapped IPv6 and dropping zones", () => {
    expect(exporterAddress("10.0.0.1")).toBe("10.0.0.1");
    expect(exporterAddress("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(exporterAddress("2001:DB8:0:0::1")).toBe("2001:db8::1");
    expect(exporterAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(exporterAddress("not-an-ip")).toBeNull();
  });
});

describe("batcher", () => {
  const d = (n: number, size = 10, exporter = "10.0.0.1"): FramedDatagram => ({ exporter, receivedAtMs: n, payload: new Uint8Array(size) });

  it("frames sizes like encodeDatagramBatch", () => {
    const ds = [d(1, 7), d(2, 100, "2001:db8::1")];
    expect(12 + ds.reduce((n, x) => n + framedBytes(x), 0)).toBe(encodeDatagramBatch(ds).length);
  });
  it("seals at batchMax, before batchMaxBytes, and batchMs after the first datagram", () => {
    vi.useFakeTimers();
    try {
      const sealed: number[][] = [];
      const b = new Batcher({ batchMs: 1000, batchMax: 3, batchMaxBytes: 70_000 }, (ds) => sealed.push(ds.map((x) => x.receivedAtMs)));
      for (let i = 1; i <= 4; i++) b.add(d(i));
      expect(sealed).toEqual([[1, 2, 3]]);
      vi.advanceTimersByTime(999);
      expect(sealed).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sealed).toEqual([[1, 2, 3], [4]]);
      b.add(d(5, 40_000));
      b.add(d(6, 40_000)); // would pass 70 000 bytes: 5 goes alone
      expect(sealed.at(-1)).toEqual([5]);
      b.flush();
      expect(sealed.at(-1)).toEqual([6]);
      b.add(d(7));
      b.discard();
      vi.advanceTimersByTime(5000);
      expect(sealed.at(-1)).toEqual([6]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("buffer file names", () => {
  it("round-trip and sort by sequence", () => {
    const name = batchFileName(42, "0b1e0c43-5f1a-4c53-9a55-2b0cb1c5a001", 2000);
    expect(name).toBe("0000000000000042_0b1e0c43-5f1a-4c53-9a55-2b0cb1c5a001_2000.nfgd");
    expect(parseBatchFileName(name)).toEqual({ seq: 42, id: "0b1e0c43-5f1a-4c53-9a55-2b0cb1c5a001", datagrams: 2000, name });
    expect(parseBatchFileName(".tmp-" + name)).toBeNull();
    expect(batchFileName(9, "a", 1) < batchFileName(10, "a", 1)).toBe(true);
  });
});

describe("options and logs", () => {
  const base = { listen: "127.0.0.1:0", edge: "http://127.0.0.1:1", key: "k", bufferDir: "/tmp/x", logger: silentLogger };
  it("fills defaults and refuses bad values by name", () => {
    expect(resolveRelayOptions(base)).toMatchObject({ batchMs: 1000, batchMax: 2000, maxBufferBytes: 256 * 1024 * 1024, retryBaseMs: 500, retryMaxMs: 60_000 });
    expect(() => resolveRelayOptions({ ...base, edge: "ftp://x" })).toThrow(/^edge:/);
    expect(() => resolveRelayOptions({ ...base, key: "" })).toThrow(/^key:/);
    expect(() => resolveRelayOptions({ ...base, edge: "https://u:p@e.example" })).toThrow(/^edge: .*credentials/);
    expect(() => resolveRelayOptions({ ...base, batchMax: 0 })).toThrow(/^batchMax:/);
  });
  it("writes one line per event and never more than 4 characters of a key", () => {
    expect(formatLogLine(0, "warn", "x.y", { a: 1, b: "two words", c: undefined, d: "line\nbreak" })).toBe(
      '1970-01-01T00:00:00.000Z level=warn event=x.y a=1 b="two words" d="line\\nbreak"',
    );
    expect(keyHint("nfg_live_abcdefghijkl")).toBe("nfg_…");
    expect(keyHint("short")).toBe("…");
    expect(urlForLog("https://user:pw@edge.example/v1/flows?token=x")).toBe("https://edge.example/v1/flows");
  });
});

describe("netflowgen CLI", () => {
  const env = { HOME: "/home/u" };
  it("maps relay flags to options", () => {
    const o = relayOptionsFromArgs(["--listen", "[::]:9995", "--edge", "https://e.example", "--key", "k1", "--max-buffer-mb", "0.5", "--batch-ms", "250", "--batch-max", "100"], env);
    expect(o).toMatchObject({ listen: "[::]:9995", edge: "https://e.example", key: "k1", maxBufferBytes: 524_288, batchMs: 250, batchMax: 100, bufferDir: "/home/u/.local/state/netflowgen/relay-9995" });
    const d = relayOptionsFromArgs(["--edge", "http://e", "--buffer-dir", "/var/spool/r"], { NETFLOWGEN_KEY: "from-env" });
    expect(d).toMatchObject({ key: "from-env", bufferDir: "/var/spool/r", listen: "127.0.0.1:2055", maxBufferBytes: undefined });
    expect(relayOptionsFromArgs(["--edge", "http://e", "--key", "k"], { XDG_STATE_HOME: "/s" })).toMatchObject({ bufferDir: "/s/netflowgen/relay-127.0.0.1-2055" });
    expect(relayOptionsFromArgs(["-h"], env)).toBe("help");
  });

  it("answers --help, and usage errors with exit code 2", async () => {
    const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = "";
      let err = "";
      const io: CliIo = { out: (t) => (out += t + "\n"), err: (t) => (err += t + "\n"), env };
      return { code: await main(argv, io), out, err };
    };
    expect(await run("--help")).toMatchObject({ code: 0, out: expect.stringMatching(/relay +forward UDP/) });
    expect(await run("help", "relay")).toMatchObject({ code: 0, out: expect.stringContaining("--max-buffer-mb") });
    expect(await run("relay", "--help")).toMatchObject({ code: 0, out: expect.stringContaining("Usage: netflowgen relay") });
    expect(await run()).toMatchObject({ code: 2 });
    expect(await run("nope")).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "nope"') });
    expect(await run("relay", "--edge", "http://e")).toMatchObject({ code: 2, err: expect.stringContaining("--key") });
    expect(await run("relay", "--bogus")).toMatchObject({ code: 2, err: expect.stringContaining("--bogus") });
    expect(await run("relay", "--edge", "http://e", "--key", "k", "--batch-ms", "-1")).toMatchObject({ code: 2, err: expect.stringContaining("--batch-ms") });
    expect(await run("relay", "--edge", "nope", "--key", "k", "--buffer-dir", "/tmp/unused")).toMatchObject({ code: 2, err: expect.stringContaining("edge:") });
  });
});

describe("kernel drops", () => {
  it("reads the drops column of the socket's row in /proc/net/udp", () => {
    const table = [
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
      "  101: 0100007F:0807 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 81234 2 0000000000000000 17",
      "  102: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 81235 2 0000000000000000 5",
    ].join("\n");
    expect(parseUdpDrops(table, 2055)).toBe(17);
    expect(parseUdpDrops(table, 53)).toBe(5);
    expect(parseUdpDrops(table, 9995)).toBeUndefined();
  });
});
