/** @module Tests of the CUSUM onset finder: known onsets in step, ramp and heavy-tailed series, bounded false alarms on stationary noise, zero-variance baselines. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cusum, cusumWith, logBytes, median, robustBaseline } from "./cusum.js";

/** mulberry32: a small seeded PRNG for the constructed series. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe("robust baseline", () => {
  it("median and MAD-based sigma", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const b = robustBaseline([...Array.from({ length: 19 }, (_, i) => i + 1), 1000]);
    expect(b.mu).toBe(10.5);
    expect(b.sigma).toBeCloseTo(5 * 1.4826, 4); // MAD = 5; the outlier moves neither term
  });

  it("keeps sigma honest for a zero-inflated baseline (MAD 0, occasional traffic)", () => {
    const x = [...new Array<number>(80).fill(0), ...new Array<number>(20).fill(10)];
    const b = robustBaseline(x);
    expect(b.mu).toBe(0);
    expect(b.sigma).toBeCloseTo(10 / 1.2816, 3);
    // three minutes of that ordinary traffic do not alarm; an attack 10x its size does
    const series = [...x, 10, 10, 10, 0, 0, ...new Array<number>(10).fill(22)];
    const r = cusum(series, 100);
    expect(r.onset).toBe(105);
  });

  it("floors sigma on a zero-variance baseline", () => {
    const b = robustBaseline(new Float64Array(50));
    expect(b).toEqual({ mu: 0, sigma: 0.5 });
  });
});

describe("CUSUM onsets", () => {
  it("finds a step up exactly", () => {
    const rand = prng(1);
    const x = Array.from({ length: 300 }, (_, t) => 10 + gaussian(rand) + (t >= 200 ? 5 : 0));
    const r = cusum(x, 120);
    expect(r.alarm).toBeGreaterThanOrEqual(200);
    expect(Math.abs(r.onset - 200)).toBeLessThanOrEqual(1);
  });

  it("finds the start of a ramp (bytes on the log scale)", () => {
    const rand = prng(2);
    // baseline ~1 MB/min lognormal noise; an attack ramping to +50 MB over 3 minutes from t = 250
    const bytes = Array.from({ length: 400 }, (_, t) => 1e6 * Math.exp(0.3 * gaussian(rand)) + (t >= 250 ? 5e7 * Math.min(1, (t - 249) / 3) : 0));
    const r = cusum(logBytes(bytes), 200);
    expect(Math.abs(r.onset - 250)).toBeLessThanOrEqual(1);
  });

  it("finds the onset in heavy-tailed noise with bursts in the baseline", () => {
    // noise just above μ + k before the onset starts Page's run early (runStart); the refined onset is
    // within 1 minute in at least 19 of 20 series, within 3 in all
    let close = 0;
    for (let seed = 0; seed < 20; seed++) {
      const rand = prng(100 + seed);
      const bytes = Array.from({ length: 512 }, (_, t) => {
        const pareto = rand() < 0.03 ? 1 / Math.max(rand(), 1e-3) ** (1 / 1.2) : 1; // occasional bursts up to ~300x
        const base = 2e5 * Math.exp(0.5 * gaussian(rand)) * pareto;
        return base + (t >= 400 ? 2e7 : 0);
      });
      const r = cusum(logBytes(bytes), 300);
      expect(Math.abs(r.onset - 400), `seed ${seed}`).toBeLessThanOrEqual(3);
      if (Math.abs(r.onset - 400) <= 1) close++;
    }
    expect(close).toBeGreaterThanOrEqual(19);
  });

  it("handles a zero-variance baseline: an idle node hit by an attack", () => {
    const x = Array.from({ length: 100 }, (_, t) => (t >= 70 ? 3e6 : 0));
    const r = cusum(logBytes(x), 50);
    expect(r.sigma).toBe(0.5);
    expect(r.onset).toBe(70);
    expect(r.alarm).toBe(72); // clipped at μ + 4σ: three points of 3.5σ to pass h = 8σ
    // and stays silent when nothing happens
    expect(cusum(new Float64Array(100), 50).alarm).toBe(-1);
  });

  it("reports indices of the full series and S = 0 over the baseline", () => {
    const x = [0, 0, 0, 0, 10, 10, 10];
    const r = cusum(x, 4, { minSigma: 1, clipSigma: Number.POSITIVE_INFINITY });
    expect(r.onset).toBe(4);
    expect(Array.from(r.s.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(cusumWith([1, 2], { mu: 0, sigma: 1 }).s.length).toBe(2);
  });

  it("one huge single-minute burst does not alarm (clipping); three in a row do", () => {
    const x = new Float64Array(200).fill(5);
    x[150] = 1e9;
    expect(cusum(x, 100, { minSigma: 1 }).alarm).toBe(-1);
    expect(cusum(x, 100, { minSigma: 1, clipSigma: Number.POSITIVE_INFINITY }).alarm).toBe(150);
    x[151] = 1e9;
    x[152] = 1e9;
    const r = cusum(x, 100, { minSigma: 1 });
    expect([r.onset, r.alarm]).toEqual([150, 152]);
  });

  it("rejects bad input", () => {
    expect(() => cusum([1, 2], 0)).toThrow(RangeError);
    expect(() => cusumWith([Number.NaN], { mu: 0, sigma: 1 })).toThrow(RangeError);
    expect(() => cusumWith([1], { mu: 0, sigma: 0 })).toThrow(RangeError);
  });
});

describe("CUSUM false alarms on stationary noise", () => {
  // With k = 0.5σ, h = 8σ the in-control run length for Gaussian noise is ~19,000 points, so over
  // 400 monitored points P(alarm) ≈ 2 %, a bit more with σ estimated from 200 points. Bound: 10 %.
  const seeds = fc.sample(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { numRuns: 300, seed: 7 });

  function alarmRate(noise: (rand: () => number) => number, hSigma?: number): number {
    let alarms = 0;
    for (const seed of seeds) {
      const rand = prng(seed);
      const x = Array.from({ length: 600 }, () => noise(rand));
      if (cusum(x, 200, hSigma === undefined ? {} : { hSigma }).alarm >= 0) alarms++;
    }
    return alarms / seeds.length;
  }

  it("Gaussian: rate bounded for h = 8σ, and larger for h = 5σ", () => {
    const at8 = alarmRate((r) => 5 + gaussian(r));
    const at5 = alarmRate((r) => 5 + gaussian(r), 5);
    expect(at8).toBeLessThanOrEqual(0.1);
    expect(at5).toBeGreaterThanOrEqual(at8);
  });

  it("lognormal bytes on the log scale: rate bounded", () => {
    expect(alarmRate((r) => Math.log1p(1e6 * Math.exp(0.4 * gaussian(r))))).toBeLessThanOrEqual(0.1);
  });

  it("property: a constant series never alarms", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.integer({ min: 1, max: 50 }), (v, b) => {
        const x = new Float64Array(b + 100).fill(v);
        return cusum(x, b).alarm === -1;
      }),
    );
  });
});
