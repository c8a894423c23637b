/** @module The static-threshold baseline: rates from counters, the search against a scan, counters read back from archives, grids and tuning under the overhead bound. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { encodeMinuteArchive, minuteArchiveFromNodeMinutes } from "../../../shared/wire/archive.js";
import type { GatheredSeries } from "../../data/dataset/series.js";
import { Mulberry32 } from "../../engine/rng.js";
import { prepareExample } from "../metrics.js";
import { loadWindowCounters, windowCounters } from "./counters.js";
import { DISABLED, detectScan, ThresholdDetector } from "./detector.js";
import { RATES, windowRates } from "./rates.js";
import { evaluateThresholds, thresholdGrids, tuneThresholds } from "./tune.js";

const R = RATES.length;
const F = FEATURE_COUNT;

describe("rates", () => {
  it("per-second rates of the watched inbound counters", () => {
    const c = new Float64Array(2 * F);
    c[featureIndex("volume_in_pkt")] = 600;
    c[featureIndex("volume_in_byt")] = 750;
    c[F + featureIndex("proto_udp_in_flow")] = 120;
    c[F + featureIndex("tcpflags_18_out_flow")] = 30;
    c[F + featureIndex("volume_out_pkt")] = 1e9; // outbound volume is not watched
    const r = windowRates(c, 2);
    const at = (t: number, name: string) => r[t * R + RATES.findIndex((x) => x.name === name)]!;
    expect(at(0, "pps")).toBe(10);
    expect(at(0, "bps")).toBe(100);
    expect(at(1, "udp_flows")).toBe(2);
    expect(at(1, "tcp_syn_flows")).toBe(0.5);
    expect(Math.max(...r.subarray(R))).toBe(2);
    expect(RATES.map((x) => x.name)).toEqual(["pps", "bps", "flows", "udp_pps", "udp_bps", "udp_flows", "tcp_pps", "tcp_bps", "tcp_flows", "icmp_pps", "icmp_bps", "icmp_flows", "tcp_syn_flows"]);
  });
});

describe("threshold detector", () => {
  it("binary search on running maxima = a plain scan (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer(), fc.array(fc.oneof(fc.constant(DISABLED), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: R, maxLength: R }), (M, T, seed, th) => {
        const rng = new Mulberry32(seed);
        const rates = Array.from({ length: M }, () => Float64Array.from({ length: T * R }, () => 10 * rng.next()));
        const det = new ThresholdDetector(rates, T);
        expect(det.detect(th)).toEqual(rates.map((x) => detectScan(x, T, th)));
      }),
      { numRuns: 200 },
    );
  });
  it("fires strictly above the threshold", () => {
    const x = new Float64Array(3 * R);
    x[2 * R] = 5;
    const th = Array(R).fill(DISABLED);
    th[0] = 5;
    expect(new ThresholdDetector([x], 3).detect(th)).toEqual([null]);
    th[0] = 4.99;
    expect(new ThresholdDetector([x], 3).detect(th)).toEqual([2]);
  });
});

describe("window counters from archives", () => {
  const row = (node: string, minute: number, pkts: number) => {
    const counters = new Float64Array(F);
    counters[featureIndex("volume_in_pkt")] = pkts;
    return { node, customer: "c", minute, counters };
  };

  it("slices by node and epoch minute; missing minutes and nodes are zero traffic", () => {
    const counters = new Float64Array(4 * F);
    for (let t = 0; t < 4; t++) counters[t * F] = 10 + t;
    const data: GatheredSeries = { startMinute: 100, endMinute: 104, rows: 4, nodes: [{ node: "10.0.0.1", customer: "c", counters, present: new Uint8Array(4).fill(1) }] };
    const [a, b] = windowCounters(data, [
      { node: "10.0.0.1", startMinute: 102, length: 3 },
      { node: "10.0.0.9", startMinute: 100, length: 2 },
    ]);
    expect([a![0], a![F], a![2 * F]]).toEqual([12, 13, 0]);
    expect(b!.every((x) => x === 0)).toBe(true);
  });

  it("reads .nfga chunks of a directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "detect-counters-"));
    try {
      const rows = [row("192.0.2.1", 500, 60), row("192.0.2.1", 502, 120), row("192.0.2.2", 501, 7)];
      writeFileSync(join(dir, "a.nfga"), encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, rows)));
      const [w] = loadWindowCounters(dir, [{ node: "192.0.2.1", startMinute: 500, length: 3 }]);
      const pkt = featureIndex("volume_in_pkt");
      expect([w![pkt], w![F + pkt], w![2 * F + pkt]]).toEqual([60, 0, 120]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

/** Windows of T minutes: hosts of different sizes; attacks add UDP from the onset. */
function synthetic(n: number, T: number, seed: number, bursts = false) {
  const rng = new Mulberry32(seed);
  const rates: Float64Array[] = [];
  const examples = [];
  for (let i = 0; i < n; i++) {
    const attack = i % 2 === 0;
    const size = 1 + 4 * rng.next();
    const onset = Math.floor(T / 2) + rng.int(Math.floor(T / 4));
    const c = new Float64Array(T * F);
    const anomalous: number[] = [];
    const normal: number[] = [];
    for (let t = 0; t < T; t++) {
      const base = size * 1e6 * (0.8 + 0.4 * rng.next());
      const udpBase = 0.2 * base;
      // with bursts: every 4th attack is weak, and every 4th quiet window has a legitimate UDP burst as large as it from its middle on
      const weak = bursts && i % 8 === 0;
      const burst = bursts && i % 8 === 1 && t >= Math.floor(T / 2) ? 12e6 : 0;
      const extra = attack && t >= onset ? (weak ? 12e6 : 40e6) : 0;
      c[t * F + featureIndex("volume_in_byt")] = base + extra + burst;
      c[t * F + featureIndex("proto_udp_in_byt")] = udpBase + extra + burst;
      c[t * F + featureIndex("volume_in_pkt")] = (base + extra + burst) / 1000;
      anomalous.push(extra);
      normal.push(base + burst);
    }
    rates.push(windowRates(c, T));
    examples.push(prepareExample({ label: attack ? 1 : 0, type: "udp-flood", onset: attack ? onset : null, anomalousBytes: anomalous, normalBytes: normal }));
  }
  return { rates, examples };
}

describe("tuning", () => {
  it("grids: quantiles of the non-attack minutes, multiples of their max, then disabled", () => {
    const T = 2;
    const mk = (v: number[]) => {
      const x = new Float64Array(T * R);
      v.forEach((y, t) => (x[t * R] = y));
      return x;
    };
    const g = thresholdGrids([mk([1, 2]), mk([3, 4]), mk([100, 100])], [0, 0, 1], T);
    expect(g[0]).toEqual([2, 3, 4, 6, 8, 16, 32, 64, 256, DISABLED]);
    expect(g[1]).toEqual([0, DISABLED]);
  });

  it("finds thresholds that catch the attacks, within the bound, deterministically", () => {
    const T = 30;
    const val = synthetic(40, T, 1);
    const test = synthetic(40, T, 2);
    const bound = { p: 0.8, level: 0.1 };
    const a = tuneThresholds(val.rates, val.examples, { bound });
    const b = tuneThresholds(val.rates, val.examples, { bound });
    expect(a.thresholds).toEqual(b.thresholds);
    expect(a.validation.overhead.atP).toBeLessThanOrEqual(bound.level);
    expect(a.validation.tpr).toBe(1);
    expect(a.validation.effectiveness).toBeGreaterThan(0.95);
    expect(Object.keys(a.named).length).toBeGreaterThan(0);
    const t = evaluateThresholds(a, test.rates, test.examples);
    expect(t.overall.tpr).toBeGreaterThan(0.9);
    expect(t.byType["udp-flood"]!.examples).toBe(40);
    // a level of 0 allows no overhead at all at p = 1: nothing may fire
    const none = tuneThresholds(val.rates, val.examples, { bound: { p: 1, level: 0 } });
    expect(none.validation.tp + none.validation.fp).toBe(0);
  });

  it("under the F1 objective gives up weak attacks that look like legitimate bursts; the paper's rule takes the false alarms", () => {
    const val = synthetic(64, 30, 3, true);
    const bound = { p: 0.8, level: 0.5 };
    const eff = tuneThresholds(val.rates, val.examples, { bound });
    const f1 = tuneThresholds(val.rates, val.examples, { bound: { ...bound, objective: "f1" } });
    for (const t of [eff, f1]) expect(t.validation.overhead.atP).toBeLessThanOrEqual(bound.level);
    expect(eff.validation.fpr).toBeGreaterThan(0);
    expect(f1.validation.fpr).toBeLessThan(eff.validation.fpr);
    expect(f1.validation.f1).toBeGreaterThan(eff.validation.f1);
    expect(f1.validation.effectiveness).toBeLessThan(eff.validation.effectiveness);
    expect(f1.bound.objective).toBe("f1");
  });
});
