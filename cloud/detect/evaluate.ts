/** @module Evaluating multi-task survival heads: τ per head on validation, metrics on test; the "all" head over every example (Table 5), each type's head over that type's attacks and their partners (Table 6). */
import type { PreparedExample } from "./metrics.js";
import { OVERHEAD_BOUND_DEFAULTS, type OverheadBound } from "./operating-point.js";
import { evaluateSurvival, type SurvivalEvaluation } from "./survival-detect.js";

/** Legend: M examples of a split, T minutes; curves (M, T) in the split's example order. */
export interface HeadCurves {
  readonly val: ArrayLike<number>;
  readonly test: ArrayLike<number>;
}

export interface MultiTaskEvaluation {
  /** head "all" on all examples; its test.byType splits the same detector by type */
  readonly all: SurvivalEvaluation;
  /** type → that type's head, τ chosen on the validation examples of the type, scored on the test examples of the type */
  readonly perTypeHead: Record<string, SurvivalEvaluation>;
}

function rows(curves: ArrayLike<number>, T: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * T);
  idx.forEach((n, k) => {
    for (let t = 0; t < T; t++) out[k * T + t] = curves[n * T + t]!;
  });
  return out;
}

export function evaluateMultiTask(val: readonly PreparedExample[], test: readonly PreparedExample[], curves: ReadonlyMap<string, HeadCurves>, bound: OverheadBound = OVERHEAD_BOUND_DEFAULTS): MultiTaskEvaluation {
  const all = curves.get("all");
  if (all === undefined) throw new RangeError('no curves of head "all"');
  const T = val[0]?.T ?? 0;
  const perTypeHead: Record<string, SurvivalEvaluation> = {};
  for (const [name, c] of [...curves.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name === "all") continue;
    const vi = val.flatMap((e, n) => (e.type === name ? [n] : []));
    const ti = test.flatMap((e, n) => (e.type === name ? [n] : []));
    if (vi.length === 0) continue;
    perTypeHead[name] = evaluateSurvival(
      { survival: rows(c.val, T, vi), examples: vi.map((n) => val[n]!) },
      ti.length === 0 ? null : { survival: rows(c.test, T, ti), examples: ti.map((n) => test[n]!) },
      bound,
    );
  }
  return { all: evaluateSurvival({ survival: all.val, examples: val }, { survival: all.test, examples: test }, bound), perTypeHead };
}
