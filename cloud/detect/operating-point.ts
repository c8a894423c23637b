/** @module Choosing a detector's operating point on validation data: maximize mean effectiveness (the paper's rule) or F1 subject to the overhead bound (at least a fraction p of the examples at or under the overhead level). */
import { type DetectionMetrics, outcome, type Outcome, type PreparedExample, summarize } from "./metrics.js";

/**
 * The overhead bound (docs/detection.md): a candidate is feasible when O_p ≤ level, i.e. at least
 * ⌈p·n⌉ of the n validation examples (attack and non-attack windows; one node each) have overhead
 * ≤ level. Among feasible candidates the highest mean effectiveness wins; ties (within 1e-12) go to
 * the lower O_p, then the lower FPR, then the higher TPR, then the earlier candidate (callers list
 * candidates from the least to the most eager, so the least eager of equals wins). A candidate that
 * never detects has overhead 0 everywhere and is always feasible, so one always exists when the
 * candidates include it. p = 0.8 is the paper's; level = 0.05 (5% of a window's bytes) is ours.
 *
 * objective "f1" (ours, not the paper's): among the same feasible candidates the highest F1 wins;
 * ties go to the higher mean effectiveness, then as above. Why it exists: with p = 0.8 and half of
 * the examples non-attacks, the bound lets up to ~40% of the non-attack windows exceed the level, and
 * mean effectiveness still grows (by fractions of a point, as detections move a minute earlier) when
 * τ is made more eager, so the paper's rule drifts to FPR ≈ 20% (docs/detection.md, "Choosing τ").
 */
export type TauObjective = "effectiveness" | "f1";
export const TAU_OBJECTIVES: readonly TauObjective[] = ["effectiveness", "f1"];

export interface OverheadBound {
  readonly p: number;
  readonly level: number;
  /** what is maximized under the bound (default "effectiveness", the paper's rule) */
  readonly objective?: TauObjective;
}

export const OVERHEAD_BOUND_DEFAULTS: OverheadBound = { p: 0.8, level: 0.05, objective: "effectiveness" };

export interface OperatingPoint<C> {
  readonly index: number;
  readonly candidate: C;
  readonly metrics: DetectionMetrics;
  readonly outcomes: Outcome[];
  /** how many candidates met the bound */
  readonly feasible: number;
}

const TIE = 1e-12;
const num = (x: number) => (Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x);

/** Is a better than b (both feasible)? */
export function betterPoint(a: DetectionMetrics, b: DetectionMetrics, objective: TauObjective = "effectiveness"): boolean {
  if (objective === "f1") {
    const [fa, fb] = [num(a.f1), num(b.f1)];
    if (fa !== fb && !(Math.abs(fa - fb) <= TIE)) return fa > fb;
  }
  const [ea, eb] = [num(a.effectiveness), num(b.effectiveness)];
  if (ea !== eb && !(Math.abs(ea - eb) <= TIE)) return ea > eb;
  if (a.overhead.atP !== b.overhead.atP) return a.overhead.atP < b.overhead.atP;
  if (num(-a.fpr) !== num(-b.fpr)) return num(-a.fpr) > num(-b.fpr);
  if (num(a.tpr) !== num(b.tpr)) return num(a.tpr) > num(b.tpr);
  return false;
}

/** Evaluates every candidate (detect(c)[i] = detection minute of example i or null) and picks the best feasible one. */
export function selectOperatingPoint<C>(examples: readonly PreparedExample[], candidates: readonly C[], detect: (c: C) => ArrayLike<number | null>, bound: OverheadBound = OVERHEAD_BOUND_DEFAULTS): OperatingPoint<C> {
  if (!(bound.level >= 0)) throw new RangeError(`overhead level must be ≥ 0, got ${bound.level}`);
  if (bound.objective !== undefined && !TAU_OBJECTIVES.includes(bound.objective)) throw new RangeError(`objective must be one of ${TAU_OBJECTIVES.join(", ")}, got ${String(bound.objective)}`);
  let best: OperatingPoint<C> | null = null;
  let feasible = 0;
  candidates.forEach((c, index) => {
    const d = detect(c);
    if (d.length !== examples.length) throw new RangeError(`candidate ${index}: ${d.length} detections for ${examples.length} examples`);
    const outcomes = examples.map((e, i) => outcome(e, d[i] ?? null));
    const metrics = summarize(examples, outcomes, bound.p);
    if (!(metrics.overhead.atP <= bound.level)) return;
    feasible++;
    if (best === null || betterPoint(metrics, best.metrics, bound.objective)) best = { index, candidate: c, metrics, outcomes, feasible: 0 };
  });
  if (best === null) throw new RangeError(`no candidate meets the overhead bound (p = ${bound.p}, level = ${bound.level}); include one that never detects`);
  return { ...(best as OperatingPoint<C>), feasible };
}
