/** @module earlydetect.json as the dataset builder writes it → the metrics' examples; and the multi-task evaluation per head and type. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../shared/features/catalogue.js";
import { buildEarlyDetect } from "../data/dataset/early.js";
import type { GatheredSeries } from "../data/dataset/series.js";
import { splitRanges } from "../data/dataset/split.js";
import { Mulberry32 } from "../engine/rng.js";
import { evalExample, parseEarlyDetect, prepareRecords, splitRecords } from "./early-json.js";
import { evaluateMultiTask } from "./evaluate.js";
import { outcome, prepareExample } from "./metrics.js";
import { runThresholdBaseline } from "./threshold/baseline.js";

/** One node, 3000 minutes of noisy inbound traffic, a UDP flood from minute 1500 alerted at 1520 (in the val split). */
function series(): GatheredSeries {
  const M = 3000;
  const start = 28_000_000;
  const rng = new Mulberry32(9);
  const counters = new Float64Array(M * FEATURE_COUNT);
  const udp = featureIndex("proto_udp_in_byt");
  const all = featureIndex("volume_in_byt");
  for (let t = 0; t < M; t++) {
    const u = 1e5 * (0.9 + 0.2 * rng.next()) + (t >= 2200 && t < 2240 ? 5e7 : 0);
    counters[t * FEATURE_COUNT + udp] = u;
    counters[t * FEATURE_COUNT + all] = u + 4e5;
  }
  return { startMinute: start, endMinute: start + M, rows: M, nodes: [{ node: "192.0.2.7", customer: "c", counters, present: new Uint8Array(M).fill(1) }] };
}

function dataset(data = series()) {
  const start = data.startMinute;
  const ranges = splitRanges(start, data.endMinute);
  const labels = [{ index: 0, type: "udp-flood", victim: "192.0.2.7", onsetMs: (start + 2200) * 60_000, endMs: (start + 2240) * 60_000, alertMs: (start + 2215) * 60_000 }];
  const early = buildEarlyDetect(data, ranges, labels, { window: 256, seed: 1 });
  return JSON.parse(JSON.stringify({ format: "netflowgen.earlydetect", version: 1, examples: early.examples })) as unknown;
}

describe("earlydetect.json", () => {
  it("reads the builder's records; onsets become window-relative", () => {
    const recs = parseEarlyDetect(dataset());
    const val = splitRecords(recs, "val");
    expect(val.map((r) => r.label)).toEqual([1, 0]);
    const atk = evalExample(val[0]!);
    expect(atk.onset).toBe(val[0]!.onsetMinute! - val[0]!.startMinute);
    // the 256 minutes ending at the alert would begin in train, so the window starts at val's start (minute
    // 2100); the flood starts at 2200, which CUSUM finds
    expect(val[0]!.startMinute).toBe(28_002_100);
    expect(Math.abs(atk.onset! - 100)).toBeLessThanOrEqual(1);
    const [a, n] = prepareRecords(val);
    // detected at the onset: everything anomalous is mitigated; missed: nothing
    expect(outcome(a!, atk.onset).effectiveness).toBe(1);
    expect(outcome(a!, null).effectiveness).toBe(0);
    expect(outcome(n!, 0).overhead).toBe(1);
  });

  it("rejects what it cannot score", () => {
    const v = dataset() as { examples: { onsetMinute: number | null; anomalousBytes: number[] }[] };
    expect(() => parseEarlyDetect({ ...v, format: "other" })).toThrow(RangeError);
    const noOnset = structuredClone(v);
    noOnset.examples[0]!.onsetMinute = null;
    expect(() => parseEarlyDetect(noOnset)).toThrow(/no onset/);
    const short = structuredClone(v);
    short.examples[0]!.anomalousBytes.pop();
    expect(() => parseEarlyDetect(short)).toThrow(/wrong length/);
  });
});

describe("threshold baseline end to end", () => {
  it("tunes on val and scores the val examples themselves when asked", () => {
    const data = series();
    const recs = parseEarlyDetect(dataset(data));
    const r = runThresholdBaseline(recs, data, { bound: { p: 0.5, level: 0.2 }, testSplit: "val" });
    // the flood is 500× the UDP baseline: some rate threshold catches it, and the quiet window stays quiet
    expect(r.tuned.validation.tp).toBe(1);
    expect(r.tuned.validation.fp).toBe(0);
    expect(r.test!.overall.tpr).toBe(1);
    expect(r.test!.byType["udp-flood"]!.examples).toBe(2);
    expect(() => runThresholdBaseline(recs, data, { tuneSplit: "train" })).toThrow(RangeError);
  });
});

describe("evaluateMultiTask", () => {
  it("τ per head on validation; the type head scores its own type's examples", () => {
    const T = 10;
    const ex = (label: 0 | 1, type: string) =>
      prepareExample({ label, type, onset: label ? 5 : null, anomalousBytes: Array.from({ length: T }, (_, t) => (label && t >= 5 ? 50 : 0)), normalBytes: Array(T).fill(5) });
    const val = [ex(1, "dns"), ex(0, "dns"), ex(1, "udp"), ex(0, "udp")];
    const test = [ex(1, "dns"), ex(0, "dns"), ex(1, "udp"), ex(0, "udp")];
    const drop = (at: number | null) => Array.from({ length: T }, (_, t) => (at !== null && t >= at ? 0.1 : 0.9));
    // head "all" drops at the onset for attacks; the dns head sees dns attacks only, and fires falsely on the udp partner
    const allCurves = [drop(5), drop(null), drop(5), drop(null)].flat();
    const dnsCurves = [drop(5), drop(null), drop(null), drop(2)].flat();
    const r = evaluateMultiTask(val, test, new Map([["all", { val: allCurves, test: allCurves }], ["dns", { val: dnsCurves, test: dnsCurves }]]), { p: 0.75, level: 0.3 });
    expect(r.all.test!.overall.tpr).toBe(1);
    expect(r.all.test!.overall.fpr).toBe(0);
    expect(Object.keys(r.perTypeHead)).toEqual(["dns"]);
    const dns = r.perTypeHead.dns!;
    expect(dns.validation.examples).toBe(2); // only dns examples: the udp ones do not count against it
    expect(dns.test!.overall.f1).toBe(1);
  });
});
