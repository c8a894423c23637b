// Tests for Algorithm 1: golden cases worked by hand, and fast-check properties of fit and apply.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../features/catalogue.js";
import { applyNodeCutoffs, applySeries, binValue, binValueLinear } from "./apply.js";
import { BinningError, fitCutoffs, fitNodeCutoffs } from "./fit.js";
import { MAX_CUTOFFS } from "./types.js";

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const bin = (cutoffs: Float64Array, x: number) => binValue(cutoffs, 0, cutoffs.length, x);
const populations = (cutoffs: Float64Array, xs: number[]) => {
  const p = new Array<number>(10).fill(0);
  for (const x of xs) p[bin(cutoffs, x)]!++;
  return p;
};

describe("fitCutoffs: golden cases worked by hand", () => {
  it("distinct values: T = 20, 2 zeros, 1..18 → δ = round(18/9) = 2, c_i = x_(2+2i)", () => {
    const xs = [0, 0, ...range(1, 18)];
    expect([...fitCutoffs(xs)]).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(populations(fitCutoffs(xs), xs)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it("a block of ties: [0,0, ten 1s, 2..9] → refinement at every step gives 1..9", () => {
    // c' = x_(4),x_(6),…,x_(20) = 1,1,1,1,1,3,5,7,9. c1 = 1; c'_2 = 1 repeats → m = 13 (x = 2), c2 = 2,
    // δ' = round(8/8) = 1, c'_{2+i} = x_(12+i) = 2,3,…; each next tentative repeats and moves up by one.
    const xs = [0, 0, ...new Array(10).fill(1), ...range(2, 9)];
    expect([...fitCutoffs(xs)]).toEqual(range(1, 9));
    expect(populations(fitCutoffs(xs), xs)).toEqual([2, 10, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("ties then a recomputed step of 2: [0, six 1s, 2..13] → 1,2,3,5,7,9,11,13", () => {
    // T = 19, k = 2, δ = 2: c' = x_(3),x_(5),…,x_(19) = 1,1,1,3,5,7,9,11,13. c1 = 1; c'_2 = 1 repeats →
    // m = 8 (x = 2), c2 = 2, δ' = round(12/8) = 2, c'_{2+i} = x_(7+2i) = 3,5,7,9,11,13,13 (clamped);
    // c'_9 = 13 repeats c8 and nothing is larger: the list ends with 8 cutoffs.
    const xs = [0, ...new Array(6).fill(1), ...range(2, 13)];
    expect([...fitCutoffs(xs)]).toEqual([1, 2, 3, 5, 7, 9, 11, 13]);
    expect(populations(fitCutoffs(xs), xs)).toEqual([1, 6, 1, 1, 2, 2, 2, 2, 2, 0]);
  });

  it("fewer distinct values than bins: [0,5,5,5,7] → 5,7", () => {
    expect([...fitCutoffs([0, 5, 5, 5, 7])]).toEqual([5, 7]);
    expect([...fitCutoffs([7, 5, 0, 5, 5])]).toEqual([5, 7]); // order does not matter
  });

  it("degenerate inputs", () => {
    expect([...fitCutoffs([])]).toEqual([]);
    expect([...fitCutoffs([0, 0, 0])]).toEqual([]);
    expect([...fitCutoffs([0, 0, 3])]).toEqual([3]);
    expect([...fitCutoffs([2.5])]).toEqual([2.5]);
  });

  it("rejects negative, NaN and infinite values", () => {
    expect(() => fitCutoffs([1, -1])).toThrow(BinningError);
    expect(() => fitCutoffs([1, Number.NaN])).toThrow(BinningError);
    expect(() => fitCutoffs([Number.POSITIVE_INFINITY])).toThrow(BinningError);
  });
});

describe("apply by hand", () => {
  const c = Float64Array.from([2, 4, 6]);
  it("puts 0 in bin 0, (c_{i−1}, c_i] in bin i, and anything above the last cutoff in bin 9", () => {
    expect([0, 0.5, 2, 2.0001, 4, 5, 6, 6.5, 1e12].map((x) => bin(c, x))).toEqual([0, 1, 1, 2, 2, 3, 3, 9, 9]);
    expect(bin(new Float64Array(0), 3)).toBe(9);
  });
});

// Values with many zeros and heavy ties, like per-minute counters of a quiet node.
const countsArb = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
    { weight: 1, arbitrary: fc.double({ min: 1e-6, max: 1e9, noNaN: true }) },
  ),
  { maxLength: 600 },
);

describe("fit and apply: properties", () => {
  it("bin 0 holds exactly the zeros", () => {
    fc.assert(fc.property(countsArb, (xs) => {
      const c = fitCutoffs(xs);
      for (const x of xs) expect(bin(c, x) === 0).toBe(x === 0);
    }));
  });

  it("cutoffs strictly increase, are training values, at most 9, and leave no bin empty", () => {
    fc.assert(fc.property(countsArb, (xs) => {
      const c = fitCutoffs(xs);
      expect(c.length).toBeLessThanOrEqual(MAX_CUTOFFS);
      const present = new Set(xs);
      for (let i = 0; i < c.length; i++) {
        expect(c[i]).toBeGreaterThan(i === 0 ? 0 : c[i - 1]!);
        expect(present.has(c[i]!)).toBe(true);
      }
      const pop = populations(c, xs);
      for (let i = 1; i <= c.length; i++) expect(pop[i]).toBeGreaterThan(0);
    }));
  });

  it("distinct non-zero values get equal populations δ, up to the last bin", () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1e7 }), { minLength: 1, maxLength: 500 }), fc.nat(50), (nonZero, zeros) => {
      const xs = [...new Array<number>(zeros).fill(0), ...nonZero];
      const c = fitCutoffs(xs);
      const delta = Math.max(1, Math.round(nonZero.length / 9));
      const pop = populations(c, xs);
      expect(pop[0]).toBe(zeros);
      const top = pop[9]! > 0 ? 9 : c.length;
      for (let i = 1; i < Math.min(top, c.length + 1); i++) if (i !== top) expect(pop[i]).toBe(delta);
      expect(pop[top]).toBeGreaterThanOrEqual(1);
      expect(pop[top]).toBeLessThanOrEqual(delta + 4); // round() leaves at most 4 (= (N−1)/2) over
    }));
  });

  it("is deterministic: the same multiset in any order gives the same cutoffs", () => {
    fc.assert(fc.property(countsArb, fc.integer(), (xs, seed) => {
      const shuffled = [...xs].sort((a, b) => ((a * 2654435761 + seed) % 97) - ((b * 2654435761 + seed) % 97));
      expect([...fitCutoffs(shuffled)]).toEqual([...fitCutoffs(xs)]);
    }));
  });

  it("the unrolled per-node apply agrees with the binary search for every feature", () => {
    fc.assert(fc.property(fc.array(countsArb, { minLength: FEATURE_COUNT, maxLength: FEATURE_COUNT }), fc.array(fc.double({ min: 0, max: 2e9, noNaN: true }), { minLength: FEATURE_COUNT, maxLength: FEATURE_COUNT }), (columns, probe) => {
      const counts = new Uint8Array(FEATURE_COUNT);
      const values = new Float64Array(FEATURE_COUNT * MAX_CUTOFFS).fill(Number.NaN);
      columns.forEach((xs, f) => {
        const c = fitCutoffs(xs);
        counts[f] = c.length;
        values.set(c, f * MAX_CUTOFFS);
      });
      // probe exactly at cutoffs too, where ≤ versus < matters
      const counters = Float64Array.from(probe, (x, f) => (f % 3 === 0 && counts[f]! > 0 ? values[f * MAX_CUTOFFS]! : f % 5 === 0 ? 0 : x));
      const out = new Uint8Array(FEATURE_COUNT);
      applyNodeCutoffs(out, 0, { counts, values }, counters);
      for (let f = 0; f < FEATURE_COUNT; f++) expect(out[f]).toBe(binValue(values, f * MAX_CUTOFFS, counts[f]!, counters[f]!));
    }), { numRuns: 50 });
  });

  it("apply is monotone and the binary search equals the linear reference", () => {
    fc.assert(fc.property(countsArb, fc.array(fc.double({ min: 0, max: 2e9, noNaN: true }), { maxLength: 50 }), (xs, probes) => {
      const c = fitCutoffs(xs);
      const sorted = [...probes, ...xs].sort((a, b) => a - b);
      let previous = 0;
      for (const x of sorted) {
        const b = bin(c, x);
        expect(b).toBe(binValueLinear(c, x));
        expect(b).toBeGreaterThanOrEqual(previous);
        previous = b;
      }
    }));
  });
});

describe("per-node fit over 86 features", () => {
  it("fits each feature column and applies row by row", () => {
    const T = 50;
    const series = new Float64Array(T * FEATURE_COUNT);
    for (let t = 0; t < T; t++) for (let f = 0; f < FEATURE_COUNT; f++) series[t * FEATURE_COUNT + f] = f === 3 ? 0 : (t * (f + 1)) % 17;
    const cutoffs = fitNodeCutoffs(series, T);
    expect(cutoffs.counts[3]).toBe(0);
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const column = Array.from({ length: T }, (_, t) => series[t * FEATURE_COUNT + f]!);
      const expected = fitCutoffs(column);
      expect(cutoffs.counts[f]).toBe(expected.length);
      expect([...cutoffs.values.subarray(f * MAX_CUTOFFS, f * MAX_CUTOFFS + expected.length)]).toEqual([...expected]);
    }
    const bins = applySeries(cutoffs, series, T);
    const row = new Uint8Array(FEATURE_COUNT);
    applyNodeCutoffs(row, 0, cutoffs, series, 7 * FEATURE_COUNT);
    expect([...bins.subarray(7 * FEATURE_COUNT, 8 * FEATURE_COUNT)]).toEqual([...row]);
    expect(() => applySeries(cutoffs, series.map((v, i) => (i === 5 ? Number.NaN : v)), T)).toThrow(/not ≥ 0/);
    expect(() => fitNodeCutoffs(series, T + 1)).toThrow(BinningError);
  });
});
