/** @module The other attack vectors in the features: NTP amplification (not in inbound port 123), TCP reflection (inbound SYN-ACKs, outbound resets), carpet-bombing (many victims, each lightly), low-and-slow (a gradual ramp). */
import { describe, expect, it } from "vitest";
import { aggregateMinutes } from "../../../shared/features/aggregate.js";
import { featureIndex } from "../../../shared/features/catalogue.js";
import { attackLabels } from "../../../cloud/data/synth/labels.js";
import { allFlows, meanOf, nodeSeries, smallScenario, world } from "./support.js";

const NTP = "198.51.100.123";
const WEB = "198.51.100.80";
const onset = 60;

describe("synth attack vectors", () => {
  const w = world(
    smallScenario(
      [{ role: "ntp", address: NTP }, { role: "web", address: WEB }, ...Array.from({ length: 5 }, (_, i) => ({ role: "end-user", address: `198.51.100.${200 + i}` }))],
      [
        { type: "ntp-amplification", victim: NTP, onset, rampUpMinutes: 1, durationMinutes: 10, intensityPps: 10000 },
        { type: "tcp-reflection", victim: WEB, onset, rampUpMinutes: 1, durationMinutes: 10, intensityPps: 10000 },
        { type: "carpet-bombing", victim: "198.51.100.0/24", vector: "udp-flood", onset: onset + 20, rampUpMinutes: 1, durationMinutes: 10, intensityPps: 50000 },
        { type: "udp-flood", victim: "198.51.100.250", onset: 0, durationMinutes: 40, intensityPps: 1000, lowAndSlow: true },
      ],
      { duration: { minutes: 100 } },
    ),
  );
  const flows = allFlows(w);
  const during = [onset + 1, onset + 10] as const;
  const before = [0, onset] as const;

  it("NTP amplification lands in the victim's inbound UDP and ephemeral ports, not in inbound port 123", () => {
    const s = nodeSeries(w, flows, NTP);
    const ratio = (f: string) => meanOf(s, f, ...during) / meanOf(s, f, ...before);
    expect(ratio("proto_udp_in_byt")).toBeGreaterThan(50);
    expect(ratio("port_p123_in_byt")).toBeLessThan(1.8);
    expect(ratio("port_p123_in_byt")).toBeGreaterThan(0.5);
  });

  it("TCP reflection: inbound TCP packets jump and the victim answers with resets", () => {
    const s = nodeSeries(w, flows, WEB);
    expect(meanOf(s, "proto_tcp_in_pkt", ...during) / meanOf(s, "proto_tcp_in_pkt", ...before)).toBeGreaterThan(20);
    expect(meanOf(s, "tcpflags_4_out_flow", ...during)).toBeGreaterThan(10 * Math.max(1, meanOf(s, "tcpflags_4_out_flow", ...before)));
  });

  it("carpet-bombing hits most of the prefix, each address lightly", () => {
    const k = featureIndex("proto_udp_in_pkt");
    const perVictim = new Map<string, number>();
    for (const r of aggregateMinutes(flows, w.nodeSet)) {
      if (r.minute >= w.startMinute + onset + 21 && r.minute < w.startMinute + onset + 30) perVictim.set(r.node, (perVictim.get(r.node) ?? 0) + r.counters[k]!);
    }
    const hit = [...perVictim.values()].filter((v) => v > 1000);
    expect(hit.length).toBeGreaterThan(200);
    const total = hit.reduce((a, b) => a + b, 0);
    expect(Math.max(...hit) / total).toBeLessThan(0.02);
    expect(attackLabels(w).attacks[2]).toMatchObject({ type: "carpet-bombing", vector: "udp-flood", victimCount: 254 });
  });

  it("low and slow ramps over its whole duration", () => {
    const s = nodeSeries(w, flows, "198.51.100.250");
    const early = meanOf(s, "volume_in_pkt", 0, 10);
    const late = meanOf(s, "volume_in_pkt", 30, 40);
    expect(late / early).toBeGreaterThan(3);
    expect(meanOf(s, "volume_in_pkt", 41, 60)).toBe(0);
  });
});
