/** @module Replayed attacks without external data: the capture reader on simulator-written pcaps and bad files, replay planning (re-addressing, re-timing, loops, one minute per flow), and the replay schema's errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureError, decodeExportPcap, readExportPcap } from "../../../cloud/data/capture/flows.js";
import { generateFlows } from "../../../cloud/data/synth/generate.js";
import { makeFlow } from "../../../cloud/data/synth/flow.js";
import { attackLabels } from "../../../cloud/data/synth/labels.js";
import { planReplay, replayMinuteFlows, TEST_RANGE_FIRST, TEST_RANGE_SIZE } from "../../../cloud/data/synth/replay-source.js";
import { ScenarioError } from "../../../cloud/data/synth/scenario.js";
import { MemorySink } from "../../../cloud/data/synth/sink.js";
import { pcapGlobalHeader } from "../../../cloud/data/synth/pcap.js";
import { createFileWriter } from "../../../cloud/data/synth/writers.js";
import { MINUTE_MS } from "../../../cloud/data/synth/world.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { parseIPv4 } from "../../../shared/flow/ip.js";
import { smallScenario, world } from "./support.js";

const VICTIM = "198.51.100.1";
const T0 = Date.UTC(2021, 8, 21, 15, 45, 24, 430);

/** A fake capture: 40 flows to 10.10.10.10 over 30 s (two sources inside the tenant's 198.51.100.0/24), plus noise to others. */
function fakeCapture(): FlowRecord[] {
  const flows: FlowRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const src = i % 10 === 0 ? "198.51.100.77" : i % 10 === 1 ? VICTIM : `9.9.${i}.1`;
    const frag = i % 4 === 3;
    flows.push(makeFlow(T0 + i * 750, T0 + i * 750 + 200, src, "10.10.10.10", frag ? 0 : 53, frag ? 0 : 40000 + i, 17, 0, 3 + i, (3 + i) * 1400, "127.0.0.1/0"));
  }
  flows.push(makeFlow(T0 + 100, T0 + 200, "10.10.10.10", "9.9.9.9", 40000, 53, 17, 0, 1, 80, "127.0.0.1/0"));
  flows.push(makeFlow(T0 + 300, T0 + 400, "9.9.9.9", "10.10.10.10", 4444, 22, 6, 24, 5, 500, "127.0.0.1/0"));
  return flows.reverse(); // any order in
}

function replayWorld(replay: Record<string, unknown>, durationMinutes = 5, onset = 10) {
  return world(
    smallScenario([{ role: "web", address: VICTIM }, { role: "idle", address: "198.51.100.2" }], [{ type: "dns-amplification", victim: VICTIM, onset, durationMinutes, replay: { capture: "fake.pcap", captureVictim: "10.10.10.10", ...replay } }], { duration: { minutes: 60 } }),
  );
}

/** Every flow a plan emits over the attack, minute by minute (and which minute emitted it). */
function emitted(w: ReturnType<typeof replayWorld>, plan: ReturnType<typeof planReplay>): { minute: number; flow: FlowRecord }[] {
  const a = w.attacks[0]!;
  const out: { minute: number; flow: FlowRecord }[] = [];
  for (let m = a.onsetMinute - 2; m < a.endMinute + 2; m++) {
    const flows: FlowRecord[] = [];
    replayMinuteFlows(plan, a, m, flows);
    for (const flow of flows) out.push({ minute: m, flow });
  }
  return out;
}

describe("capture reader (cloud/data/capture)", () => {
  it("decodes simulator-written v9 and IPFIX pcaps back to the same flows, sorted by start", async () => {
    const w = world(smallScenario([{ role: "web", address: VICTIM }], [], { duration: { minutes: 3 } }));
    const flows = [...generateFlows(w)].flatMap((b) => b.flows);
    expect(flows.length).toBeGreaterThan(10);
    for (const format of ["v9-pcap", "ipfix-pcap"] as const) {
      const sink = new MemorySink();
      const writer = createFileWriter(format, sink, { exporterIp: "192.0.2.7", uptimeBaseMs: w.startMinute * MINUTE_MS - MINUTE_MS });
      await writer.write(flows);
      await writer.close();
      const got = decodeExportPcap(sink.bytes(), format);
      expect(got.flows).toHaveLength(flows.length);
      expect(got.report).toMatchObject({ rejected: 0, buffered: 0 });
      expect(got.flows.every((f) => f.exporterId === "192.0.2.7/0")).toBe(true);
      expect(got.flows.every((f, i) => i === 0 || got.flows[i - 1]!.startMs <= f.startMs)).toBe(true);
      const sum = (fs: FlowRecord[], k: "packets" | "bytes") => fs.reduce((s, f) => s + f[k], 0);
      expect([sum(got.flows, "packets"), sum(got.flows, "bytes")]).toEqual([sum(flows, "packets"), sum(flows, "bytes")]);
    }
  });

  it("says clearly when a file is missing, not a pcap, or holds no flows", () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-"));
    expect(() => readExportPcap(join(dir, "nope.pcap"))).toThrow(/nope\.pcap: no such capture file/);
    expect(() => readExportPcap(dir)).toThrow(CaptureError);
    writeFileSync(join(dir, "text.pcap"), "this is not a capture, just some text");
    expect(() => readExportPcap(join(dir, "text.pcap"))).toThrow(/text\.pcap: not a pcap file \(magic/);
    writeFileSync(join(dir, "empty.pcap"), pcapGlobalHeader());
    expect(() => readExportPcap(join(dir, "empty.pcap"))).toThrow(/empty\.pcap: no flows in the capture: no UDP datagrams/);
  });
});

describe("replay planning (cloud/data/synth/replay-source.ts)", () => {
  it("selects the flows inbound to the capture's victim (fragments included), re-addressed to the scenario's victim, first start at the onset", () => {
    const w = replayWorld({});
    const a = w.attacks[0]!;
    const plan = planReplay(w, a, fakeCapture());
    expect(plan.selected).toBe(41); // 40 attack flows + the inbound TCP; not the outbound one
    const out = emitted(w, plan);
    expect(out).toHaveLength(41);
    expect(out.every(({ flow }) => flow.dst === VICTIM && flow.exporterId === w.exporterId)).toBe(true);
    expect(out[0]!.flow.startMs).toBe(a.onsetMinute * MINUTE_MS);
    expect(out.filter(({ flow }) => flow.srcPort === 0 && flow.dstPort === 0)).toHaveLength(10);
  });

  it("filters by protocol and source port, keeping port-0 rows", () => {
    const w = replayWorld({ protocols: [17], srcPorts: [53] });
    const plan = planReplay(w, w.attacks[0]!, fakeCapture());
    expect(plan.selected).toBe(40);
  });

  it("keeps outside sources, remaps those inside the tenant (or equal to the victim) into 198.18.0.0/15 deterministically", () => {
    const w = replayWorld({});
    const srcs = new Set(emitted(w, planReplay(w, w.attacks[0]!, fakeCapture())).map(({ flow }) => flow.src));
    expect(srcs.has("9.9.2.1")).toBe(true);
    expect(srcs.has("198.51.100.77")).toBe(false);
    expect(srcs.has(VICTIM)).toBe(false);
    const inRange = [...srcs].filter((s) => ((parseIPv4(s)! - TEST_RANGE_FIRST) >>> 0) < TEST_RANGE_SIZE);
    expect(inRange).toHaveLength(2);
    const again = new Set(emitted(w, planReplay(w, w.attacks[0]!, fakeCapture())).map(({ flow }) => flow.src));
    expect([...again]).toEqual([...srcs]);
    // test-range: every source mapped, distinct sources stay distinct
    const t = replayWorld({ sourceAddresses: "test-range" });
    const mapped = new Set(emitted(t, planReplay(t, t.attacks[0]!, fakeCapture())).map(({ flow }) => flow.src));
    expect(mapped.size).toBe(new Set(fakeCapture().filter((f) => f.dst === "10.10.10.10").map((f) => f.src)).size);
    expect([...mapped].every((s) => ((parseIPv4(s)! - TEST_RANGE_FIRST) >>> 0) < TEST_RANGE_SIZE)).toBe(true);
  });

  it("stretches time, scales intensity, and loops over the duration; every flow lands in exactly the minute of its start", () => {
    const w = replayWorld({ timeScale: 2, intensityScale: 3, loop: true }, 4);
    const a = w.attacks[0]!;
    const plan = planReplay(w, a, fakeCapture());
    const out = emitted(w, plan);
    // span: last start 39·750 = 29,250 ms, last end +200 → ×2 = 58,900 ms → period 59 s; 4 minutes hold 5 copies (starts < 240 s)
    expect(plan.period).toBe(59_000);
    const starts = out.map(({ flow }) => flow.startMs - a.onsetMinute * MINUTE_MS);
    expect(starts.filter((s) => s % 59_000 === 0)).toHaveLength(5);
    expect(starts.every((s) => s >= 0 && s < 4 * MINUTE_MS)).toBe(true);
    expect(out.every(({ minute, flow }) => Math.floor(flow.startMs / MINUTE_MS) === minute)).toBe(true);
    expect(new Set(out.map(({ flow }) => `${flow.startMs}|${flow.src}|${flow.srcPort}`)).size).toBe(out.length);
    const copy0 = out.filter(({ flow }) => flow.startMs - a.onsetMinute * MINUTE_MS < 59_000).map(({ flow }) => flow);
    expect(copy0).toHaveLength(41);
    const first = copy0.find((f) => f.srcPort === 53 && f.dstPort === 40002)!; // capture flow i = 2: start 1,500 ms, 5 packets
    expect(first.startMs - a.onsetMinute * MINUTE_MS).toBe(3000);
    expect(first.endMs - first.startMs).toBe(400);
    expect([first.packets, first.bytes]).toEqual([15, 5 * 1400 * 3]);
    // without loop: one copy only, and nothing after the attack's end
    const once = replayWorld({ timeScale: 2 }, 4);
    expect(emitted(once, planReplay(once, once.attacks[0]!, fakeCapture()))).toHaveLength(41);
    const short = replayWorld({ timeScale: 10 }, 1); // the stretched capture outlasts a 1-minute attack
    const shortOut = emitted(short, planReplay(short, short.attacks[0]!, fakeCapture()));
    expect(shortOut.length).toBeLessThan(41);
    expect(shortOut.every(({ minute }) => minute === short.attacks[0]!.onsetMinute)).toBe(true);
  });

  it("says so when the capture's victim has no flows, naming the field", () => {
    const w = replayWorld({ captureVictim: "10.9.9.9" });
    expect(() => planReplay(w, w.attacks[0]!, fakeCapture(), "fake.pcap")).toThrow(ScenarioError);
    expect(() => planReplay(w, w.attacks[0]!, fakeCapture(), "fake.pcap")).toThrow(/attacks\[0\]\.replay\.captureVictim: no flows to 10\.9\.9\.9 in fake\.pcap \(its busiest destinations: 10\.10\.10\.10/);
    const f = replayWorld({ protocols: [1] });
    expect(() => planReplay(f, f.attacks[0]!, fakeCapture())).toThrow(/attacks\[0\]\.replay\.captureVictim: none of the 41 flows to 10\.10\.10\.10 .* pass the protocols\/srcPorts filter/);
  });

  it("labels a replayed attack with its capture", () => {
    const labels = attackLabels(replayWorld({}));
    expect(labels.attacks[0]).toMatchObject({ type: "dns-amplification", victim: VICTIM, replay: { capture: "fake.pcap", captureVictim: "10.10.10.10" } });
  });
});

describe("replay schema", () => {
  const attack = (extra: Record<string, unknown>) => () => smallScenario([{ role: "web", address: VICTIM }], [{ type: "udp-flood", victim: VICTIM, onset: 0, durationMinutes: 5, ...extra }]);
  it("needs intensityPps only without replay", () => {
    expect(attack({})).toThrow(/attacks\[0\]\.intensityPps: required \(unless the attack has replay\)/);
    expect(attack({ replay: { capture: "x.pcap", captureVictim: "10.10.10.10" } })).not.toThrow();
  });
  it("names the bad replay field", () => {
    expect(attack({ replay: { capture: "x.pcap", captureVictim: "10.10.10" } })).toThrow(/attacks\[0\]\.replay\.captureVictim: must be a dotted IPv4 address/);
    expect(attack({ replay: { capture: "", captureVictim: "10.10.10.10" } })).toThrow(/attacks\[0\]\.replay\.capture:/);
    expect(attack({ replay: { capture: "x.pcap", captureVictim: "10.10.10.10", timeScale: 0 } })).toThrow(/attacks\[0\]\.replay\.timeScale:/);
    expect(attack({ replay: { capture: "x.pcap", captureVictim: "10.10.10.10", speed: 2 } })).toThrow(/attacks\[0\]\.replay: Unrecognized key: "speed"/);
    expect(attack({ type: "carpet-bombing", victim: "198.51.100.0/24", replay: { capture: "x.pcap", captureVictim: "10.10.10.10" } })).toThrow(/attacks\[0\]\.replay: replay needs one victim address/);
  });
  it("the default attack source reads the capture up front and names a missing file", () => {
    const w = world(attack({ replay: { capture: "x.pcap", captureVictim: "10.10.10.10" } })());
    expect(() => [...generateFlows(w, { attackSource: undefined })]).toThrow(/attacks\[0\]\.replay\.capture: .*x\.pcap: no such capture file/);
  });
});
