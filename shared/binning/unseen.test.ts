// Tests for the unseen-node mapping of paper §7.1: signatures and nearest training node by L1.
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../features/catalogue.js";
import { buildUnseenNodeIndex, fitStandardizer, l1Distance, nearestTrainingNode, nodeSignature, quantileSorted } from "./unseen.js";

/** A node's series: a diurnal-ish wave at a given volume level, with one feature group silent. */
function series(level: number, T = 240, phase = 0): Float64Array {
  const s = new Float64Array(T * FEATURE_COUNT);
  for (let t = 0; t < T; t++) {
    for (let f = 0; f < FEATURE_COUNT; f++) {
      s[t * FEATURE_COUNT + f] = f >= 78 ? 0 : level * (1 + Math.sin((t + phase + f) / 20)) * (1 + (f % 3));
    }
  }
  return s;
}

describe("unseen-node mapping", () => {
  const training = [
    { node: "10.0.0.1", series: series(1) },
    { node: "10.0.0.2", series: series(100) },
    { node: "10.0.0.3", series: series(10_000) },
  ];
  const index = buildUnseenNodeIndex(training);

  it("maps an unseen node to the training node of the nearest traffic level", () => {
    expect(nearestTrainingNode(index, series(130, 300, 7)).node).toBe("10.0.0.2");
    expect(nearestTrainingNode(index, series(0.5, 100, 3)).node).toBe("10.0.0.1");
    expect(nearestTrainingNode(index, series(7_000, 100)).node).toBe("10.0.0.3");
  });

  it("maps a training node to itself at distance 0", () => {
    const hit = nearestTrainingNode(index, training[2]!.series);
    expect(hit).toEqual({ node: "10.0.0.3", distance: 0 });
  });

  it("signature is (min, max, p25, p50, p75) of standardized features, averaged over features", () => {
    const s = series(100);
    const std = fitStandardizer([s]);
    const sig = nodeSignature(s, std);
    expect(sig[0]).toBeLessThan(sig[2]!);
    expect(sig[2]).toBeLessThanOrEqual(sig[3]!);
    expect(sig[3]).toBeLessThanOrEqual(sig[4]!);
    expect(sig[4]).toBeLessThan(sig[1]!);
    // standardized over its own data: each feature has mean 0, so the averaged median is near 0
    expect(Math.abs(sig[3]!)).toBeLessThan(0.5);
  });

  it("quantiles are nearest-rank", () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect([0, 0.25, 0.5, 0.75, 1].map((q) => quantileSorted(sorted, q))).toEqual([1, 1, 2, 3, 4]);
    expect(l1Distance([1, 2], [3, -1])).toBe(5);
  });

  it("rejects malformed input", () => {
    expect(() => buildUnseenNodeIndex([])).toThrow(RangeError);
    expect(() => nodeSignature(new Float64Array(FEATURE_COUNT + 1), index.standardizer)).toThrow(RangeError);
  });
});
