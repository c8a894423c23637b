/** @module Detection times from survival curves: binary search against a linear scan, candidate thresholds reach every outcome, and τ chosen on validation data. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EvalExample, prepareExample } from "./metrics.js";
import { detectionTime, evaluateSurvival, SurvivalCurves } from "./survival-detect.js";

describe("survival detection", () => {
  it("first t with S(t) < τ", () => {
    const S = [1, 0.9, 0.6, 0.6, 0.2];
    expect(detectionTime(S, 0.6)).toBe(4);
    expect(detectionTime(S, 0.61)).toBe(2);
    expect(detectionTime(S, 0.1)).toBeNull();
    expect(detectionTime(S, 1.5)).toBe(0);
    expect(detectionTime([0.9, 0.8, 0.3, 0.2], 0.5, 2, 2)).toBe(0);
  });

  it("binary search on the running minimum = linear scan, and the candidates reach every outcome (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 7 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 28, maxLength: 28 }), (M, T, pool) => {
        const S = Float64Array.from({ length: M * T }, (_, i) => pool[i % pool.length]!);
        const curves = new SurvivalCurves(S, M, T);
        const taus = [...Array.from(S), ...Array.from(S, (s) => s + 1e-9), 0, 2];
        const reach = new Set(curves.candidates().map((tau) => JSON.stringify(curves.detect(tau))));
        for (const tau of taus) {
          const scan = Array.from({ length: M }, (_, m) => detectionTime(S, tau, m * T, T));
          expect(curves.detect(tau)).toEqual(scan);
          expect(reach.has(JSON.stringify(scan))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("thinned candidates stay ascending and include never and always", () => {
    const M = 50;
    const T = 40;
    const S = Float64Array.from({ length: M * T }, (_, i) => Math.exp(-((i % T) + 1) * (1 + (i % 7)) * 0.01));
    const c = new SurvivalCurves(S, M, T).candidates(16);
    expect(c.length).toBeLessThanOrEqual(18);
    for (let i = 1; i < c.length; i++) expect(c[i]!).toBeGreaterThan(c[i - 1]!);
    const curves = new SurvivalCurves(S, M, T);
    expect(curves.detect(c[0]!).every((d) => d === null)).toBe(true);
    expect(curves.detect(c[c.length - 1]!).every((d) => d === 0)).toBe(true);
  });

  it("τ chosen on validation separates curves that drop after the onset; metrics follow on test", () => {
    const T = 20;
    const make = (attack: boolean, onset: number, depth: number): { ex: EvalExample; S: number[] } => ({
      ex: {
        label: attack ? 1 : 0,
        type: "dns",
        onset: attack ? onset : null,
        anomalousBytes: Array.from({ length: T }, (_, t) => (attack && t >= onset ? 100 : 0)),
        normalBytes: Array(T).fill(10),
      },
      // attack: S falls to depth after onset + 1; non-attack: S stays ≥ 0.8
      S: Array.from({ length: T }, (_, t) => (attack ? (t > onset ? depth : 0.95) : 1 - 0.01 * t)),
    });
    const val = [make(true, 10, 0.1), make(true, 12, 0.2), make(false, 0, 0), make(false, 0, 0)];
    const test = [make(true, 8, 0.15), make(false, 0, 0), make(true, 15, 0.6)];
    const r = evaluateSurvival(
      { survival: val.flatMap((v) => v.S), examples: val.map((v) => prepareExample(v.ex)) },
      { survival: test.flatMap((v) => v.S), examples: test.map((v) => prepareExample(v.ex)) },
      { p: 0.8, level: 0.2 },
    );
    expect(r.tau).toBeGreaterThan(0.2);
    expect(r.tau).toBeLessThanOrEqual(0.8);
    expect(r.validation.tpr).toBe(1);
    expect(r.validation.fpr).toBe(0);
    expect(r.validation.mitigation.mean).toBe(1);
    const t = r.test!.overall;
    expect(t.attacks).toBe(2);
    expect(t.tp).toBe(r.tau > 0.6 ? 2 : 1);
    expect(t.fp).toBe(0);
    expect(r.test!.byType.dns!.examples).toBe(3);
  });
});
