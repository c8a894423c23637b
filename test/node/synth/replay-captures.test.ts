/** @module Replayed real attacks (../shared/data/external): the capture reader against nfdump's ground truth, replayed flows on the scenario's victim at the onset with the capture's own features, determinism and chunking, and bad replay settings. */
import { describe, expect, it } from "vitest";
import { readExportPcap } from "../../../cloud/data/capture/flows.js";
import { generateFlows, minuteFlows } from "../../../cloud/data/synth/generate.js";
import { attackSourceFor } from "../../../cloud/data/synth/replay-source.js";
import { runSynth } from "../../../cloud/data/synth/run.js";
import { ScenarioError } from "../../../cloud/data/synth/scenario.js";
import { MemorySink } from "../../../cloud/data/synth/sink.js";
import { createFileWriter } from "../../../cloud/data/synth/writers.js";
import { MINUTE_MS, type World } from "../../../cloud/data/synth/world.js";
import { aggregateMinutes } from "../../../shared/features/aggregate.js";
import { featureIndex } from "../../../shared/features/catalogue.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA, readTruth } from "../support/nfdump-truth.js";
import { exampleScenario, smallScenario, world } from "./support.js";

const RRSIG = "netflow-exports/softflowd/stopddos.amp.dns.RRSIG.fragmented.ipfix.pcap";
const SYN = "netflow-exports/softflowd/cic2019.CIC-DDoS-2019-SynFlood.ipfix.pcap";
const DNS_VICTIM = "198.51.100.10";
const WEB_VICTIM = "198.51.100.20";
const skipNote = HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`;

const sum = (flows: readonly { packets: number; bytes: number }[]) => flows.reduce((s, f) => ({ packets: s.packets + f.packets, bytes: s.bytes + f.bytes }), { packets: 0, bytes: 0 });

it("the example scenario real-attacks.json validates (two replayed attacks)", () => {
  const s = exampleScenario("real-attacks");
  expect(s.attacks.map((a) => [a.type, a.replay?.captureVictim])).toEqual([
    ["dns-amplification", "10.10.10.10"],
    ["syn-flood", "192.168.50.4"],
  ]);
});

/** Victims are near-silent idle nodes (no scanning), so their features are the replay's alone. */
function replayScenario(attacks: unknown[], extra: Record<string, unknown> = {}) {
  const s = smallScenario(
    [
      { role: "web", address: "198.51.100.1" },
      { role: "end-user", address: "198.51.100.2" },
      { role: "idle", address: DNS_VICTIM },
      { role: "idle", address: WEB_VICTIM },
    ],
    attacks,
    { duration: { minutes: 30 }, ...extra },
  );
  s.tenant.scanPerMinute = 0;
  for (const n of s.tenant.customers[0]!.nodes) if (n.role === "idle") n.scale = 1e-9;
  return s;
}

const ATTACKS = [
  { type: "dns-amplification", victim: DNS_VICTIM, onset: 5, durationMinutes: 3, replay: { capture: RRSIG, captureVictim: "10.10.10.10", protocols: [17], srcPorts: [53], intensityScale: 2 } },
  { type: "syn-flood", victim: WEB_VICTIM, onset: "2026-03-02T00:12:00Z", durationMinutes: 2, replay: { capture: SYN, captureVictim: "192.168.50.4" } },
];

/** The capture's flows to its victim, re-timed and re-addressed by hand (timeScale 1). */
function expectedReplay(flows: readonly FlowRecord[], captureVictim: string, keep: (f: FlowRecord) => boolean, victim: string, onsetMs: number, scale: number): FlowRecord[] {
  const selected = flows.filter((f) => f.dst === captureVictim && keep(f));
  const first = Math.min(...selected.map((f) => f.startMs));
  return selected.map((f) => ({ ...f, dst: victim, startMs: onsetMs + f.startMs - first, endMs: onsetMs + f.endMs - first, packets: f.packets * scale, bytes: f.bytes * scale }));
}

function victimCounters(w: World, flows: readonly FlowRecord[], node: string): Map<number, Float64Array> {
  return new Map(aggregateMinutes(flows, w.nodeSet).filter((r) => r.node === node).map((r) => [r.minute, r.counters]));
}

describe.skipIf(!HAVE_EXTERNAL_DATA)(`replayed real attacks${skipNote}`, () => {
  it("reads the RRSIG IPFIX export to nfdump's flows: same count, packet and byte totals", () => {
    const c = readExportPcap(`${EXTERNAL_DATA}${RRSIG}`);
    const truth = readTruth("stopddos.amp.dns.RRSIG.fragmented.ipfix.ms.csv");
    expect(c.flows).toHaveLength(truth.length);
    expect(sum(c.flows)).toEqual(sum(truth));
    expect(c.report).toMatchObject({ rejected: 0, buffered: 0 });
    expect(c.flows.every((f, i) => i === 0 || c.flows[i - 1]!.startMs <= f.startMs)).toBe(true);
  });

  it("lands each replayed attack on the scenario's victim from the onset, inside the attack", () => {
    const w = world(replayScenario(ATTACKS));
    const flows = [...generateFlows(w)].flatMap((b) => b.flows);
    for (const [a, victim] of [[w.attacks[0]!, DNS_VICTIM], [w.attacks[1]!, WEB_VICTIM]] as const) {
      const toVictim = flows.filter((f) => f.dst === victim);
      expect(toVictim.length).toBeGreaterThan(50);
      expect(Math.min(...toVictim.map((f) => f.startMs))).toBe(a.onsetMinute * MINUTE_MS);
      expect(toVictim.every((f) => f.startMs < a.endMinute * MINUTE_MS)).toBe(true);
    }
    // nothing to the capture's own victims, and the syn flood's private source is kept (outside the tenant)
    expect(flows.some((f) => f.dst === "10.10.10.10" || f.dst === "192.168.50.4")).toBe(false);
    expect(flows.filter((f) => f.dst === WEB_VICTIM).every((f) => f.src === "172.16.0.5")).toBe(true);
  });

  it("gives the victim the capture's own features, re-timed (packets and bytes × intensityScale)", () => {
    const w = world(replayScenario(ATTACKS));
    const flows = [...generateFlows(w)].flatMap((b) => b.flows);
    const quiet = world(replayScenario([]));
    const background = [...generateFlows(quiet)].flatMap((b) => b.flows);
    expect(background.some((f) => f.src === DNS_VICTIM || f.dst === DNS_VICTIM || f.src === WEB_VICTIM || f.dst === WEB_VICTIM)).toBe(false);

    const rrsig = readExportPcap(`${EXTERNAL_DATA}${RRSIG}`).flows;
    const syn = readExportPcap(`${EXTERNAL_DATA}${SYN}`).flows;
    const dnsKeep = (f: FlowRecord) => f.protocol === 17 && (f.srcPort === 53 || f.srcPort === 0);
    const cases = [
      { node: DNS_VICTIM, expected: expectedReplay(rrsig, "10.10.10.10", dnsKeep, DNS_VICTIM, w.attacks[0]!.onsetMinute * MINUTE_MS, 2), capture: rrsig.filter((f) => f.dst === "10.10.10.10" && dnsKeep(f)), scale: 2 },
      { node: WEB_VICTIM, expected: expectedReplay(syn, "192.168.50.4", () => true, WEB_VICTIM, w.attacks[1]!.onsetMinute * MINUTE_MS, 1), capture: syn.filter((f) => f.dst === "192.168.50.4"), scale: 1 },
    ];
    for (const { node, expected, capture, scale } of cases) {
      const got = victimCounters(w, flows, node);
      const want = victimCounters(w, expected, node);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [minute, counters] of want) expect(Array.from(got.get(minute)!)).toEqual(Array.from(counters));
      // inbound totals over the attack = the capture's inbound to its victim × intensityScale
      const total = (k: string) => [...got.values()].reduce((s, c) => s + c[featureIndex(k)]!, 0);
      const c = sum(capture);
      expect(total("volume_in_pkt")).toBeCloseTo(c.packets * scale, 6);
      expect(total("volume_in_byt")).toBeCloseTo(c.bytes * scale, 6);
    }
  });

  it("stays deterministic and chunking-independent with replayed attacks (the example scenario)", async () => {
    const w = world(exampleScenario("real-attacks"));
    const from = w.startMinute + 28; // spans the replayed DNS amplification (minutes 30–40)
    const whole = [...generateFlows(w, { fromMinute: from, toMinute: from + 14 })].flatMap((b) => b.flows);
    const parts = [
      ...generateFlows(w, { fromMinute: from, toMinute: from + 5 }),
      ...generateFlows(w, { fromMinute: from + 5, toMinute: from + 6 }),
      ...generateFlows(w, { fromMinute: from + 6, toMinute: from + 14 }),
    ].flatMap((b) => b.flows);
    expect(parts).toEqual(whole);
    expect(whole.filter((f) => f.dst === "203.0.113.2").length).toBeGreaterThan(1000);
    // a fresh world (captures read again) gives the same minute
    expect(minuteFlows(world(exampleScenario("real-attacks")), from + 9)).toEqual(minuteFlows(w, from + 9));
    const ndjson = async () => {
      const sink = new MemorySink();
      await runSynth(world(exampleScenario("real-attacks"), { minutes: 80 }), createFileWriter("ndjson", sink, { exporterIp: "192.0.2.1", uptimeBaseMs: 0 }));
      return sink.text();
    };
    const [a, b] = [await ndjson(), await ndjson()];
    expect(a.length).toBeGreaterThan(100_000);
    expect(a === b).toBe(true);
  });

  it("resolves captures against capturesDir (--captures)", () => {
    const s = replayScenario([{ ...ATTACKS[1]!, replay: { capture: "cic2019.CIC-DDoS-2019-SynFlood.ipfix.pcap", captureVictim: "192.168.50.4" } }]);
    const w = world(s, { capturesDir: `${EXTERNAL_DATA}netflow-exports/softflowd` });
    expect(minuteFlows(w, w.attacks[0]!.onsetMinute).filter((f) => f.dst === WEB_VICTIM).length).toBeGreaterThan(100);
  });

  it("bad replay settings fail up front with the field's path", () => {
    const bad = (replay: Record<string, unknown>) => () => attackSourceFor(world(replayScenario([{ ...ATTACKS[0]!, replay: { ...ATTACKS[0]!.replay, ...replay } }])));
    expect(bad({ capture: "netflow-exports/softflowd/nope.pcap" })).toThrow(ScenarioError);
    expect(bad({ capture: "netflow-exports/softflowd/nope.pcap" })).toThrow(/attacks\[0\]\.replay\.capture: .*nope\.pcap: no such capture file/);
    expect(bad({ capture: "README.md" })).toThrow(/attacks\[0\]\.replay\.capture: .*README\.md: not a pcap file/);
    expect(bad({ captureVictim: "10.9.9.9" })).toThrow(/attacks\[0\]\.replay\.captureVictim: no flows to 10\.9\.9\.9 in netflow-exports\/softflowd\/stopddos\.amp\.dns\.RRSIG\.fragmented\.ipfix\.pcap \(its busiest destinations: 10\.10\.10\.10/);
  });
});
