/** @module EarlyDetect rules on constructed series: window placement at split starts, skips with reasons, the label fallback, the matching feature and the anomalous-bytes baseline. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import type { ArchiveRow } from "../../../shared/wire/archive.js";
import { buildEarlyDetect, matchingFeature, parseLabels, type AttackLabelInput } from "../../../cloud/data/dataset/early.js";
import { gatherSeries } from "../../../cloud/data/dataset/series.js";
import { splitRanges } from "../../../cloud/data/dataset/split.js";

const M0 = 28_000_000;
const UDP = featureIndex("proto_udp_in_byt");
const TCP = featureIndex("proto_tcp_in_byt");
const ALL = featureIndex("volume_in_byt");

/** One node, 1000 minutes: TCP ~1e5 B/min always, UDP ~1e4 B/min, and UDP +1e8 from `attackAt` for 20 minutes. */
function data(attackAt: number | null) {
  const rows: ArchiveRow[] = [];
  for (let t = 0; t < 1000; t++) {
    const c = new Float64Array(FEATURE_COUNT);
    c[TCP] = 1e5 + ((t * 37) % 11) * 1e3;
    c[UDP] = 1e4 + ((t * 13) % 7) * 1e3 + (attackAt !== null && t >= attackAt && t < attackAt + 20 ? 1e8 : 0);
    c[ALL] = c[TCP]! + c[UDP]!;
    rows.push({ node: "10.1.0.1", customer: "c", minute: M0 + t, counters: c });
  }
  return gatherSeries(rows);
}

const ms = (minute: number) => (M0 + minute) * 60_000;
function label(index: number, onset: number, alertDelay: number, extra: Partial<AttackLabelInput> = {}): AttackLabelInput {
  return { index, type: "dns-amplification", victim: "10.1.0.1", onsetMs: ms(onset), endMs: ms(onset + 20), alertMs: ms(onset + alertDelay) + 30_000, ...extra };
}

describe("EarlyDetect rules", () => {
  const ranges = splitRanges(M0, M0 + 1000); // train [0, 700), val [700, 850), test [850, 1000)

  it("finds the onset by CUSUM, and splits bytes into anomalous above the pre-onset median and normal", () => {
    const r = buildEarlyDetect(data(500), ranges, [label(0, 500, 5)], { window: 128, seed: 0 });
    const a = r.examples.find((e) => e.label === 1)!;
    expect(a).toMatchObject({ split: "train", onsetSource: "cusum", onsetMinute: M0 + 500, alertMinute: M0 + 505, startMinute: M0 + 505 - 127 });
    const at = 500 - (505 - 127);
    expect(a.anomalousBytes[at - 1]).toBe(0);
    // the pre-onset median of UDP is one of 1e4 + k·1e3; the attack minute keeps ~1e8 above it
    expect(a.anomalousBytes[at]! - 1e8).toBeGreaterThanOrEqual(0);
    expect(a.anomalousBytes[at]! - 1e8).toBeLessThan(7e3);
    expect(a.normalBytes[at]! + a.anomalousBytes[at]!).toBeCloseTo(1e8 + 1e4 + ((500 * 13) % 7) * 1e3 + 1e5 + ((500 * 37) % 11) * 1e3, 0);
    const q = r.examples.find((e) => e.label === 0)!;
    expect(q.split).toBe("train");
    expect(q.startMinute + 128 <= M0 + 470 || q.startMinute >= M0 + 550).toBe(true);
  });

  it("moves a window to the split start rather than across the boundary, and skips when the split is too short", () => {
    // alert at 720 (val): 128 minutes ending there would start at 593, in train
    const r = buildEarlyDetect(data(715), ranges, [label(0, 715, 5)], { window: 128, seed: 0 });
    const a = r.examples.find((e) => e.label === 1)!;
    expect(a).toMatchObject({ split: "val", startMinute: M0 + 700, onsetMinute: M0 + 715 });
    const tooLong = buildEarlyDetect(data(715), ranges, [label(0, 715, 5)], { window: 200, seed: 0 });
    expect(tooLong.examples).toEqual([]);
    expect(tooLong.skipped[0]!.reason).toMatch(/too short/);
  });

  it("falls back to the labelled onset when CUSUM sees nothing, and skips what it cannot use", () => {
    const quiet = buildEarlyDetect(data(null), ranges, [label(0, 300, 5)], { window: 128, seed: 0 });
    expect(quiet.examples[0]).toMatchObject({ onsetSource: "label", onsetMinute: M0 + 300 });
    const r = buildEarlyDetect(data(500), ranges, [label(1, 500, 5, { victim: "10.9.9.9" }), label(2, 500, 5, { victim: "10.2.0.0/24", type: "carpet-bombing" }), label(3, 200, 300)], { window: 64, seed: 0 });
    expect(r.examples).toEqual([]);
    expect(r.skipped.map((s) => [s.attackIndex, s.reason])).toEqual([
      [3, "labelled onset before the window"],
      [1, "victim is not a node of the data"],
      [2, "no node of the data inside the victim prefix"],
    ]);
  });

  it("maps attack types to their matching traffic and validates labels", () => {
    expect(["dns-amplification", "ntp-amplification", "udp-flood", "syn-flood", "tcp-reflection", "other"].map(matchingFeature)).toEqual([
      "proto_udp_in_byt",
      "proto_udp_in_byt",
      "proto_udp_in_byt",
      "proto_tcp_in_byt",
      "proto_tcp_in_byt",
      "volume_in_byt",
    ]);
    expect(() => parseLabels({ attacks: [{ index: 0 }] })).toThrow(/labels/);
    expect(parseLabels({ scenario: null, attacks: [label(0, 1, 1)] })).toHaveLength(1);
  });
});
