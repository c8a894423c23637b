/** @module Tuning the static thresholds on validation windows under the overhead bound: per-rate grids from quantiles of the non-attack minutes, a uniform sweep, then coordinate ascent; the same metrics as the survival head. */
import { type DetectionMetrics, outcome, type PreparedExample, summarizeByType } from "../metrics.js";
import { OVERHEAD_BOUND_DEFAULTS, type OverheadBound, selectOperatingPoint } from "../operating-point.js";
import { DISABLED, ThresholdDetector, type Thresholds } from "./detector.js";
import { RATES } from "./rates.js";

/**
 * Grid of rate r: the quantiles QUANTILES of r over every minute of the validation NON-attack
 * windows (static, global thresholds, as FastNetMon's, set above normal peaks), the maximum times
 * MAX_MULTIPLES (attacks far above anything normal), and DISABLED. Nearest-rank quantiles; grid
 * values are deduplicated and ascending, DISABLED last.
 *
 * Search (deterministic): (1) the uniform sweep, every rate at the same grid position g (the
 * quantile level shared, or all disabled), best feasible by the operating-point rule; (2) coordinate
 * ascent from there: for each rate in RATES order, every value of its grid with the others fixed,
 * least eager first (disabled, then descending), so that on a tie the least eager value wins and a
 * threshold that no validation window needs is raised or disabled; rounds until nothing changes or
 * maxRounds. The objective never decreases and ties only raise thresholds, so it cannot cycle.
 */
export const QUANTILES = [0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1] as const;
export const MAX_MULTIPLES = [1.5, 2, 4, 8, 16, 64] as const;

export interface TuneOptions {
  readonly bound: OverheadBound;
  readonly maxRounds: number;
}
export const TUNE_DEFAULTS: TuneOptions = { bound: OVERHEAD_BOUND_DEFAULTS, maxRounds: 4 };

export interface TunedThresholds {
  /** RATES order, in each rate's unit; DISABLED (+∞) = not used */
  readonly thresholds: number[];
  /** name → threshold, only the enabled ones */
  readonly named: Record<string, number>;
  readonly validation: DetectionMetrics;
  readonly bound: OverheadBound;
  /** candidate evaluations spent */
  readonly evaluations: number;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length - 1e-9) - 1)]!;
}

/** Per-rate grids from the non-attack windows' minutes. rates: per window (T, R). */
export function thresholdGrids(rates: readonly Float64Array[], labels: readonly (0 | 1)[], T: number): number[][] {
  const R = RATES.length;
  const normal = rates.filter((_, m) => labels[m] === 0);
  return RATES.map((_, r) => {
    const vals = new Float64Array(normal.length * T);
    normal.forEach((x, m) => {
      for (let t = 0; t < T; t++) vals[m * T + t] = x[t * R + r]!;
    });
    vals.sort();
    const grid = new Set<number>();
    if (vals.length > 0) {
      for (const q of QUANTILES) grid.add(quantile(vals, q));
      const max = vals[vals.length - 1]!;
      for (const k of MAX_MULTIPLES) if (max > 0) grid.add(max * k);
    }
    return [...[...grid].sort((a, b) => a - b), DISABLED];
  });
}

/** Tunes the thresholds on validation windows: rates (T, R) per window, with their prepared examples. */
export function tuneThresholds(rates: readonly Float64Array[], examples: readonly PreparedExample[], options: Partial<TuneOptions> = {}): TunedThresholds {
  const o = { ...TUNE_DEFAULTS, ...options };
  if (rates.length !== examples.length) throw new RangeError(`${rates.length} windows for ${examples.length} examples`);
  const T = examples[0]?.T ?? 0;
  const det = new ThresholdDetector(rates, T);
  const grids = thresholdGrids(rates, examples.map((e) => e.label), T);
  const R = RATES.length;
  let evaluations = 0;
  const detect = (th: Thresholds) => (evaluations++, det.detect(th));
  // (1) uniform sweep over grid positions (each grid ends with DISABLED; shorter grids are clamped to their last finite value)
  const positions = Math.max(...grids.map((g) => g.length));
  const uniform: number[][] = [Array(R).fill(DISABLED)];
  for (let g = positions - 2; g >= 0; g--) uniform.push(grids.map((grid) => grid[Math.min(g, grid.length - 2)] ?? DISABLED));
  let best = selectOperatingPoint(examples, uniform, detect, o.bound);
  let current = [...best.candidate];
  // (2) coordinate ascent; each rate's values least eager first (disabled, then descending), so a tie
  // takes the least eager value: a threshold no validation window needs is raised or disabled
  for (let round = 0; round < o.maxRounds; round++) {
    let changed = false;
    for (let r = 0; r < R; r++) {
      const values = [...grids[r]!].reverse();
      const p = selectOperatingPoint(examples, values.map((v) => current.map((x, i) => (i === r ? v : x))), detect, o.bound);
      if (p.candidate[r] !== current[r]) {
        best = p;
        current = [...p.candidate];
        changed = true;
      }
    }
    if (!changed) break;
  }
  const named: Record<string, number> = {};
  current.forEach((v, r) => {
    if (v !== DISABLED) named[RATES[r]!.name] = v;
  });
  return { thresholds: current, named, validation: best.metrics, bound: o.bound, evaluations };
}

/** The tuned thresholds' metrics, overall and per type, on other windows (test). */
export function evaluateThresholds(tuned: Pick<TunedThresholds, "thresholds" | "bound">, rates: readonly Float64Array[], examples: readonly PreparedExample[]): { overall: DetectionMetrics; byType: Record<string, DetectionMetrics> } {
  const T = examples[0]?.T ?? 0;
  const d = new ThresholdDetector(rates, T).detect(tuned.thresholds);
  return summarizeByType(examples, examples.map((e, i) => outcome(e, d[i] ?? null)), tuned.bound.p);
}
