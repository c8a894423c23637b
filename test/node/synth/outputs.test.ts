/** @module Simulator outputs: pcap (v9, IPFIX) decodes back to the same flows, CSV keeps one header, UDP goes to loopback only and arrives. */
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { ipfix } from "../../../edge/src/parsers/ipfix/parse.js";
import { netflowV9 } from "../../../edge/src/parsers/netflow-v9/parse.js";
import { main } from "../../../cloud/cli/main.js";
import { synthArgs } from "../../../cloud/cli/synth.js";
import { UsageError, type CliIo } from "../../../cloud/cli/command.js";
import { generateFlows } from "../../../cloud/data/synth/generate.js";
import { parseLoopbackTarget } from "../../../cloud/data/synth/loopback.js";
import { runSynth, uptimeBase } from "../../../cloud/data/synth/run.js";
import { MemorySink } from "../../../cloud/data/synth/sink.js";
import { UdpFlowWriter } from "../../../cloud/data/synth/udp.js";
import { createFileWriter } from "../../../cloud/data/synth/writers.js";
import { decodeDatagrams } from "../parsers/netflow-v5-v9.support.js";
import { readPcapUdp } from "../support/pcap.js";
import { exampleScenario, world } from "./support.js";

const key = (f: FlowRecord) => [f.startMs, f.endMs, f.src, f.dst, f.srcPort, f.dstPort, f.protocol, f.tcpFlags, f.packets, f.bytes, f.samplingRate].join(",");
const keys = (flows: readonly FlowRecord[]) => flows.map(key).sort();

function io(): CliIo & { errText: () => string } {
  const err: string[] = [];
  return { out: () => {}, err: (t) => err.push(t), env: {}, errText: () => err.join("\n") };
}

describe("synth outputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "synth-"));
  const w = world(exampleScenario("demo"), { minutes: 8 });
  const expected = keys([...generateFlows(w)].flatMap((b) => b.flows));

  for (const [format, parser, port] of [["v9-pcap", netflowV9, 2055], ["ipfix-pcap", ipfix, 4739]] as const) {
    it(`${format} reads back with test/node/support/pcap.ts and decodes to the same flows`, async () => {
      const path = join(dir, `${format}.pcap`);
      const sink = new MemorySink();
      await runSynth(w, createFileWriter(format, sink, { exporterIp: "192.0.2.1", uptimeBaseMs: uptimeBase(w) }));
      writeFileSync(path, sink.bytes());
      const datagrams = readPcapUdp(path);
      expect(expected.length).toBeGreaterThan(300);
      expect(datagrams.length).toBeGreaterThan(10);
      expect(datagrams.every((d) => d.dstPort === port && d.srcIp === "192.0.2.1")).toBe(true);
      const decoded = decodeDatagrams(datagrams, parser);
      expect(decoded.report.rejected).toBe(0);
      expect(keys(decoded.flows)).toEqual(expected);
    });
  }

  it("csv has one header and a row per flow; ndjson has a line per flow", async () => {
    const csv = new MemorySink();
    await runSynth(w, createFileWriter("csv", csv, { exporterIp: "192.0.2.1", uptimeBaseMs: 0 }));
    const lines = csv.text().trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("ts,")).length).toBe(1);
    expect(lines.length).toBe(expected.length + 1);
    const nd = new MemorySink();
    await runSynth(w, createFileWriter("ndjson", nd, { exporterIp: "192.0.2.1", uptimeBaseMs: 0 }));
    expect(keys(nd.text().trimEnd().split("\n").map((l) => JSON.parse(l) as FlowRecord))).toEqual(expected);
  });

  it("UDP output refuses every non-loopback address", () => {
    for (const bad of ["10.0.0.1:2055", "192.0.2.7:2055", "0.0.0.0:2055", "[2001:db8::1]:2055", "[::]:2055", "example.com:2055", "128.0.0.1:2055"]) {
      expect(() => parseLoopbackTarget(bad), bad).toThrow(/refusing|expected HOST:PORT/);
      expect(() => new UdpFlowWriter({ protocol: "v9", to: bad, uptimeBaseMs: 0 }), bad).toThrow();
    }
    expect(parseLoopbackTarget("127.0.0.1:2055")).toEqual({ host: "127.0.0.1", port: 2055, family: 4 });
    expect(parseLoopbackTarget("127.8.9.1:9")).toMatchObject({ family: 4 });
    expect(parseLoopbackTarget("[::1]:4739")).toEqual({ host: "::1", port: 4739, family: 6 });
    expect(parseLoopbackTarget("localhost:2055")).toMatchObject({ host: "127.0.0.1" });
    expect(() => synthArgs(["s.json", "--format", "v9-udp", "--to", "8.8.8.8:2055"])).toThrow(UsageError);
    expect(() => synthArgs(["s.json", "--format", "v9-udp"])).toThrow(/needs --to/);
  });

  it("the CLI exits 2 with a clear message for a non-loopback --to", async () => {
    const cli = io();
    expect(await main(["data", "synth", "x.json", "--format", "ipfix-udp", "--to", "203.0.113.9:4739"], cli)).toBe(2);
    expect(cli.errText()).toMatch(/refusing to send to a non-loopback address/);
  });

  it("the CLI reports a bad scenario with its field path and exits 1", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ seed: 1, start: "2026-03-02T00:00:00Z", duration: { minutes: 5 }, tenant: { name: "t", customers: [] } }));
    const cli = io();
    expect(await main(["data", "synth", path, "--out", join(dir, "x.ndjson")], cli)).toBe(1);
    expect(cli.errText()).toMatch(/tenant\.customers: /);
  });

  it("the CLI writes NDJSON and a labels file", async () => {
    const out = join(dir, "demo.ndjson");
    const cli = io();
    const scenario = new URL("../../../cloud/data/scenarios/demo.json", import.meta.url).pathname;
    expect(await main(["data", "synth", scenario, "--minutes", "5", "--out", out], cli)).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n").length).toBeGreaterThan(100);
    const labels = JSON.parse(readFileSync(`${out}.labels.json`, "utf8")) as { end: string; attacks: { type: string; victim: string }[] };
    // the demo's attacks start at 14:00 and 19:30, outside a 5-minute run: labels cover only the window
    expect(labels).toMatchObject({ end: "2026-03-02T00:05:00.000Z", attacks: [] });
    const labelsPath = join(dir, "all.labels.json");
    expect(await main(["data", "synth", scenario, "--minutes", "841", "--flow-scale", "0.05", "--out", join(dir, "b.csv"), "--format", "csv", "--labels", labelsPath, "--quiet"], cli)).toBe(0);
    const all = JSON.parse(readFileSync(labelsPath, "utf8")) as { attacks: { type: string; victim: string }[] };
    expect(all.attacks).toMatchObject([{ type: "dns-amplification", victim: "203.0.113.2" }]);
  });

  it("v9-udp delivers the datagrams to a loopback collector, paced", async () => {
    const collector = createSocket("udp4");
    collector.bind(0, "127.0.0.1");
    await once(collector, "listening");
    const got: { payload: Uint8Array; srcIp: string; srcPort: number; dstIp: string; dstPort: number; timeMs: number }[] = [];
    collector.on("message", (msg, rinfo) => got.push({ payload: new Uint8Array(msg), srcIp: rinfo.address, srcPort: rinfo.port, dstIp: "127.0.0.1", dstPort: 0, timeMs: Date.now() }));
    const small = world(exampleScenario("demo"), { minutes: 2 });
    const writer = new UdpFlowWriter({ protocol: "v9", to: `127.0.0.1:${collector.address().port}`, pace: 2000, uptimeBaseMs: uptimeBase(small) });
    await runSynth(small, writer);
    for (let i = 0; i < 50 && got.length < writer.sent.datagrams; i++) await new Promise((r) => setTimeout(r, 20));
    collector.close();
    expect(got.length).toBe(writer.sent.datagrams);
    const decoded = decodeDatagrams(got, netflowV9);
    expect(keys(decoded.flows)).toEqual(keys([...generateFlows(small)].flatMap((b) => b.flows)));
  });
});
