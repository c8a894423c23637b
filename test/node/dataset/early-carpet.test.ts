/** @module EarlyDetect carpet bombing on constructed series: a prefix alert expands into per-node examples for the nodes whose matching traffic rose, capped, each paired with a quiet window of the same node and split. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import type { ArchiveRow } from "../../../shared/wire/archive.js";
import { buildEarlyDetect, ipv4InPrefix, parseIpv4Prefix, parseLabels, type AttackLabelInput } from "../../../cloud/data/dataset/early.js";
import { gatherSeries } from "../../../cloud/data/dataset/series.js";
import { simulateRows, worldFromScenarioFile } from "../../../cloud/data/dataset/simulate.js";
import { splitRanges } from "../../../cloud/data/dataset/split.js";

const M0 = 28_000_000;
const UDP = featureIndex("proto_udp_in_byt");
const TCP = featureIndex("proto_tcp_in_byt");
const ALL = featureIndex("volume_in_byt");
const ONSET = 500;

/** 20 nodes in 203.0.113.0/24 plus one outside; nodes .1–.12 get UDP + (1e6 · (i)) from ONSET for 30 minutes, the others nothing extra. */
function data() {
  const rows: ArchiveRow[] = [];
  const nodes = [...Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`), "198.51.100.7"];
  for (const [k, node] of nodes.entries()) {
    const i = k + 1;
    for (let t = 0; t < 1000; t++) {
      const c = new Float64Array(FEATURE_COUNT);
      c[TCP] = 1e5 + ((t * 37 + i) % 11) * 1e3;
      const hit = node.startsWith("203.0.113.") && i <= 12 && t >= ONSET && t < ONSET + 30;
      c[UDP] = 1e4 + ((t * 13 + i) % 7) * 1e3 + (hit ? 1e6 * i : 0);
      c[ALL] = c[TCP]! + c[UDP]!;
      rows.push({ node, customer: "homes", minute: M0 + t, counters: c });
    }
  }
  return gatherSeries(rows);
}

const ms = (minute: number) => (M0 + minute) * 60_000;
const carpet: AttackLabelInput = { index: 3, type: "carpet-bombing", vector: "dns-amplification", victim: "203.0.113.0/24", onsetMs: ms(ONSET), endMs: ms(ONSET + 30), alertMs: ms(ONSET + 6) + 30_000 };

describe("EarlyDetect carpet bombing", () => {
  const ranges = splitRanges(M0, M0 + 1000);

  it("parses prefixes and tests membership", () => {
    const p = parseIpv4Prefix("203.0.113.0/24")!;
    expect(ipv4InPrefix("203.0.113.200", p)).toBe(true);
    expect(ipv4InPrefix("203.0.114.1", p)).toBe(false);
    expect(ipv4InPrefix("2001:db8::1", p)).toBe(false);
    expect(parseIpv4Prefix("2001:db8::/32")).toBeNull();
  });

  it("expands the alert into at most 8 victims inside the prefix, most affected first, with onsets near the label's and same-node partners", () => {
    const r = buildEarlyDetect(data(), ranges, [carpet], { window: 128, seed: 1 });
    expect(r.skipped).toEqual([]);
    expect(r.unpaired).toEqual([]);
    const attacks = r.examples.filter((e) => e.label === 1);
    expect(attacks.length).toBeGreaterThanOrEqual(1);
    expect(attacks.length).toBeLessThanOrEqual(8);
    // the 8 largest rises: .12 down to .5
    expect(attacks.map((e) => e.node)).toEqual([12, 11, 10, 9, 8, 7, 6, 5].map((i) => `203.0.113.${i}`));
    const p = parseIpv4Prefix(carpet.victim)!;
    for (const a of attacks) {
      expect(ipv4InPrefix(a.node, p)).toBe(true);
      expect(a).toMatchObject({ type: "carpet-bombing", vector: "dns-amplification", attackIndex: 3, split: "train", matchingFeature: "proto_udp_in_byt", alertMinute: M0 + ONSET + 6 });
      expect(Math.abs(a.onsetMinute! - (M0 + ONSET))).toBeLessThanOrEqual(3);
      const q = r.examples.find((e) => e.label === 0 && e.node === a.node)!;
      expect(q.split).toBe(a.split);
      expect(q.attackIndex).toBe(3);
      expect(q.startMinute + 128 <= M0 + ONSET - 30 || q.startMinute >= M0 + ONSET + 60).toBe(true);
      expect(q.anomalousBytes.every((x) => x === 0)).toBe(true);
    }
    expect(r.examples.filter((e) => e.label === 0)).toHaveLength(attacks.length);
    // deterministic
    expect(buildEarlyDetect(data(), ranges, [carpet], { window: 128, seed: 1 })).toEqual(r);
  });

  it("honours the cap option and skips a prefix with no risen or no node", () => {
    const r = buildEarlyDetect(data(), ranges, [carpet], { window: 128, seed: 1, carpetMaxVictims: 2 });
    expect(r.examples.filter((e) => e.label === 1).map((e) => e.node)).toEqual(["203.0.113.12", "203.0.113.11"]);
    const quiet = buildEarlyDetect(data(), ranges, [{ ...carpet, onsetMs: ms(300), endMs: ms(330), alertMs: ms(306) }], { window: 128, seed: 1 });
    expect(quiet.examples).toEqual([]);
    expect(quiet.skipped[0]!.reason).toMatch(/no node inside the victim prefix \(with rows before the onset\) received more/);
    const none = buildEarlyDetect(data(), ranges, [{ ...carpet, victim: "192.0.2.0/24" }], { window: 128, seed: 1 });
    expect(none.skipped[0]!.reason).toMatch(/no node of the data inside/);
  });

  it("the carpet-and-slow scenario (shortened to the carpet attack): victims in the /24 with onsets near the label's and same-node partners", () => {
    const world = worldFromScenarioFile(new URL("../../../cloud/data/scenarios/carpet-and-slow.json", import.meta.url).pathname, { minutes: 1340 });
    const sim = simulateRows(world);
    const labels = parseLabels(JSON.parse(JSON.stringify(sim.labels)));
    const l = labels.find((x) => x.type === "carpet-bombing")!;
    expect(l.victim).toBe("203.0.113.0/24");
    // a longer test split than the default 15 % so the victims have quiet windows clear of the attack
    const r = buildEarlyDetect(gatherSeries(sim.rows, { startMinute: world.startMinute, endMinute: world.endMinute }), splitRanges(world.startMinute, world.endMinute, [0.5, 0.25, 0.25]), labels, { window: 128, seed: 1 });
    expect(r.skipped).toEqual([]);
    expect(r.unpaired).toEqual([]);
    const attacks = r.examples.filter((e) => e.label === 1 && e.attackIndex === l.index);
    expect(attacks.length).toBeGreaterThanOrEqual(1);
    expect(attacks.length).toBeLessThanOrEqual(8);
    const p = parseIpv4Prefix(l.victim)!;
    expect(new Set(attacks.map((e) => e.node)).size).toBe(attacks.length);
    for (const a of attacks) {
      expect(ipv4InPrefix(a.node, p)).toBe(true);
      expect(a.type).toBe("carpet-bombing");
      expect(Math.abs(a.onsetMinute! - l.onsetMs / 60_000)).toBeLessThanOrEqual(5);
      const q = r.examples.find((e) => e.label === 0 && e.attackIndex === l.index && e.node === a.node)!;
      expect(q.split).toBe(a.split);
      expect(q.startMinute + 128 <= l.onsetMs / 60_000 || q.startMinute >= l.endMs / 60_000).toBe(true);
    }
  }, 30_000);
});
