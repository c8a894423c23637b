/** @module Fitting cutoffs with paper Algorithm 1: bin 0 holds exactly the zeros, bins 1..N−1 equal-population. */
import { BIN_COUNT, FEATURE_COUNT } from "../features/catalogue.js";
import { emptyNodeCutoffs, MAX_CUTOFFS, type NodeCutoffs } from "./types.js";

/** Input that cannot be binned: a negative, NaN or infinite value, or a malformed series. */
export class BinningError extends RangeError {
  override readonly name = "BinningError";
}

/**
 * Cutoffs c_1..c_L (L ≤ N−1) of one feature of one node, from its training values, following
 * Algorithm 1 with x_(1) ≤ … ≤ x_(T) the sorted values (1-based, as in the paper):
 *
 *  1. k = first index with x_(k) > 0; none → no cutoffs (every value is 0).
 *  2. δ = round((T − (k − 1)) / (N − 1)); tentative c'_i = x_(k − 1 + i·δ), i = 1..N−1.
 *  3. c_1 = c'_1. For j = 2..N−1: if c'_j > c_{j−1} then c_j = c'_j. Otherwise (a repeat, from ties)
 *     m = first index with x_(m) > c_{j−1}; if there is none, stop: the list ends at c_{j−1}.
 *     Else c_j = x_(m), δ' = round((T − (m − 1)) / (N − j)), and the later tentatives are recomputed
 *     from m: c'_{j+i} = x_(m − 1 + i·δ'), i = 1..N−1−j.
 *
 * Choices where the paper's text is silent or ambiguous (documented in docs/features.md):
 *  - round() is half-up (Math.round); a step that rounds to 0 becomes 1, so tiny samples still
 *    give strictly positive cutoffs;
 *  - an index past T is clamped to T (its cutoff then repeats and step 3 ends the list);
 *  - "repeat" means c'_j ≤ c_{j−1}, which also covers a recomputed tentative that falls back.
 * The result is strictly increasing and every cutoff is a training value (so no bin is empty).
 */
export function fitCutoffs(values: ArrayLike<number>, bins: number = BIN_COUNT): Float64Array {
  if (!Number.isInteger(bins) || bins < 2) throw new BinningError(`bins must be an integer ≥ 2, got ${bins}`);
  const T = values.length;
  const x = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const v = values[i]!;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) throw new BinningError(`value ${v} at ${i} is not a finite non-negative number`);
    x[i] = v;
  }
  x.sort();
  return fitSortedCutoffs(x, bins);
}

/** Algorithm 1 on values already sorted ascending (non-negative, finite). */
export function fitSortedCutoffs(x: Float64Array, bins: number = BIN_COUNT): Float64Array {
  const T = x.length;
  const N = bins;
  /** x_(i), 1-based, index clamped to T */
  const at = (i: number): number => x[Math.min(T, i) - 1]!;
  const k = upperBound(x, 0) + 1; // first 1-based index with x > 0
  if (k > T) return new Float64Array(0);
  const tentative = new Float64Array(N); // tentative[i] = c'_i, i = 1..N−1
  const delta = Math.max(1, Math.round((T - (k - 1)) / (N - 1)));
  for (let i = 1; i <= N - 1; i++) tentative[i] = at(k - 1 + i * delta);
  const cutoffs: number[] = [tentative[1]!];
  for (let j = 2; j <= N - 1; j++) {
    const previous = cutoffs[j - 2]!;
    if (tentative[j]! > previous) {
      cutoffs.push(tentative[j]!);
      continue;
    }
    const m = upperBound(x, previous) + 1;
    if (m > T) break;
    cutoffs.push(at(m));
    const step = Math.max(1, Math.round((T - (m - 1)) / (N - j)));
    for (let i = 1; j + i <= N - 1; i++) tentative[j + i] = at(m - 1 + i * step);
  }
  return Float64Array.from(cutoffs);
}

/** Number of elements ≤ v in an ascending array (= 0-based index of the first element > v). */
function upperBound(x: Float64Array, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fits all 86 features of one node from its training minutes.
 * @param series (T, FEATURE_COUNT) row-major raw counters of T training minutes
 */
export function fitNodeCutoffs(series: Float64Array, T: number, bins: number = BIN_COUNT): NodeCutoffs {
  if (bins - 1 > MAX_CUTOFFS) throw new BinningError(`at most ${MAX_CUTOFFS + 1} bins fit the cutoff layout`);
  if (series.length !== T * FEATURE_COUNT) {
    throw new BinningError(`series has ${series.length} values, expected T·${FEATURE_COUNT} = ${T * FEATURE_COUNT}`);
  }
  const out = emptyNodeCutoffs();
  const column = new Float64Array(T);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    for (let t = 0; t < T; t++) column[t] = series[t * FEATURE_COUNT + f]!;
    const cutoffs = fitCutoffs(column, bins);
    out.counts[f] = cutoffs.length;
    out.values.set(cutoffs, f * MAX_CUTOFFS);
  }
  return out;
}
