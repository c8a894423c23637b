/** @module Detection from survival curves: d = the first minute with S(t) < τ, the candidate thresholds of a curve set, and τ chosen on validation under the overhead bound. */
import { type DetectionMetrics, outcome, type PreparedExample, summarizeByType } from "./metrics.js";
import { OVERHEAD_BOUND_DEFAULTS, type OverheadBound, selectOperatingPoint } from "./operating-point.js";

/** Legend: M examples, T minutes; survival (M, T) example-major. */

/** The first t with S(t) < τ, or null (a NaN S never triggers). */
export function detectionTime(survival: ArrayLike<number>, tau: number, offset = 0, T = survival.length - offset): number | null {
  for (let t = 0; t < T; t++) if (survival[offset + t]! < tau) return t;
  return null;
}

/**
 * Survival curves prepared for many thresholds: runMin (M, T) = min_{k≤t} S(k) is non-increasing, and
 * "first t with S(t) < τ" = "first t with runMin(t) < τ", found by binary search.
 */
export class SurvivalCurves {
  readonly runMin: Float64Array;
  constructor(
    survival: ArrayLike<number>,
    readonly M: number,
    readonly T: number,
  ) {
    if (survival.length !== M * T) throw new RangeError(`${survival.length} survival values for M=${M}, T=${T}`);
    this.runMin = new Float64Array(M * T);
    for (let m = 0; m < M; m++) {
      let low = Number.POSITIVE_INFINITY;
      for (let t = 0; t < T; t++) {
        const s = survival[m * T + t]!;
        if (s < low) low = s; // NaN never lowers it
        this.runMin[m * T + t] = low;
      }
    }
  }

  /** Detection minute of every example at τ. */
  detect(tau: number): (number | null)[] {
    const out: (number | null)[] = [];
    for (let m = 0; m < this.M; m++) {
      const base = m * this.T;
      let lo = 0;
      let hi = this.T; // first index with runMin < tau in [lo, hi]
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.runMin[base + mid]! < tau) hi = mid;
        else lo = mid + 1;
      }
      out.push(lo === this.T ? null : lo);
    }
    return out;
  }

  /**
   * Candidate thresholds, ascending (least eager first): 0 (never detects), the midpoints between
   * consecutive distinct values of runMin, and one just above the largest (detects every example at
   * its first finite minute). More than `max` midpoints are thinned to evenly spaced ranks.
   */
  candidates(max = 4096): number[] {
    const vals = [...new Set(Array.from(this.runMin).filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
    const out = [0];
    const mids = vals.length - 1;
    const take = Math.min(mids, Math.max(0, max));
    for (let j = 0; j < take; j++) {
      const r = take === mids ? j : Math.round((j * (mids - 1)) / Math.max(1, take - 1));
      const [lo, hi] = [vals[r]!, vals[r + 1]!];
      const mid = lo + (hi - lo) / 2;
      const tau = mid > lo && mid < hi ? mid : hi; // adjacent doubles have no midpoint; S < hi ⇔ S ≤ lo
      if (tau > out[out.length - 1]!) out.push(tau);
    }
    const top = vals[vals.length - 1];
    if (top !== undefined) {
      const above = top + Math.max(1e-12, Math.abs(top) * 1e-9);
      if (above > out[out.length - 1]!) out.push(above);
    }
    return out;
  }
}

export interface SurvivalEvaluation {
  readonly tau: number;
  readonly bound: OverheadBound;
  /** the chosen point on the validation examples */
  readonly validation: DetectionMetrics;
  /** the number of τ candidates that met the bound */
  readonly feasible: number;
  /** at that τ on the evaluated (test) examples */
  readonly test: { readonly overall: DetectionMetrics; readonly byType: Record<string, DetectionMetrics> } | null;
}

/** Chooses τ on validation curves and reports the metrics of that τ on test curves (optional). */
export function evaluateSurvival(
  val: { survival: ArrayLike<number>; examples: readonly PreparedExample[] },
  test: { survival: ArrayLike<number>; examples: readonly PreparedExample[] } | null,
  bound: OverheadBound = OVERHEAD_BOUND_DEFAULTS,
  maxCandidates = 4096,
): SurvivalEvaluation {
  const T = val.examples[0]?.T ?? 0;
  const curves = new SurvivalCurves(val.survival, val.examples.length, T);
  const point = selectOperatingPoint(val.examples, curves.candidates(maxCandidates), (tau) => curves.detect(tau), bound);
  let testMetrics: SurvivalEvaluation["test"] = null;
  if (test !== null) {
    const Tt = test.examples[0]?.T ?? 0;
    const tc = new SurvivalCurves(test.survival, test.examples.length, Tt);
    const d = tc.detect(point.candidate);
    testMetrics = summarizeByType(test.examples, test.examples.map((e, i) => outcome(e, d[i] ?? null)), bound.p);
  }
  return { tau: point.candidate, bound, validation: point.metrics, feasible: point.feasible, test: testMetrics };
}
