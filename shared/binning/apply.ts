/** @module Applying fitted cutoffs: raw counters → bin indices 0..N−1, by binary search. */
import { BIN_COUNT, FEATURE_COUNT } from "../features/catalogue.js";
import { MAX_CUTOFFS, type NodeCutoffs } from "./types.js";

/**
 * Bin of value x given `count` ascending cutoffs at values[offset..offset+count):
 * x ≤ 0 → 0; c_{i−1} < x ≤ c_i → i; above the last cutoff → N − 1 (the top bin, which also
 * receives anything larger than the node ever sent in training). x must be a finite counter ≥ 0;
 * this hot path does not check (applySeries does).
 */
export function binValue(values: Float64Array, offset: number, count: number, x: number, bins: number = BIN_COUNT): number {
  if (x <= 0) return 0;
  let lo = 0;
  let hi = count;
  // first cutoff ≥ x
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[offset + mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < count ? lo + 1 : bins - 1;
}

/** Reference form of binValue: a linear scan, kept as the oracle for the binary search. */
export function binValueLinear(cutoffs: ArrayLike<number>, x: number, bins: number = BIN_COUNT): number {
  if (x <= 0) return 0;
  for (let i = 0; i < cutoffs.length; i++) if (x <= cutoffs[i]!) return i + 1;
  return bins - 1;
}

/**
 * Bins one node-minute.
 * @param out (FEATURE_COUNT,) written at `outOffset`
 * @param counters (FEATURE_COUNT,) raw counters read at `inOffset`
 */
export function applyNodeCutoffs(out: Uint8Array, outOffset: number, cutoffs: NodeCutoffs, counters: Float64Array, inOffset = 0): void {
  const { counts, values } = cutoffs;
  const top = BIN_COUNT - 1;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const x = counters[inOffset + f]!;
    if (x <= 0) {
      out[outOffset + f] = 0;
      continue;
    }
    // binValue inlined: first cutoff ≥ x by binary search
    const base = f * MAX_CUTOFFS;
    const count = counts[f]!;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[base + mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    out[outOffset + f] = lo < count ? lo + 1 : top;
  }
}

/**
 * Bins a whole series of one node.
 * @param series (T, FEATURE_COUNT) raw counters; NaN or negative values throw RangeError
 * @returns (T, FEATURE_COUNT) bin indices
 */
export function applySeries(cutoffs: NodeCutoffs, series: Float64Array, T: number): Uint8Array {
  if (series.length !== T * FEATURE_COUNT) throw new RangeError(`series has ${series.length} values, expected ${T * FEATURE_COUNT}`);
  for (let i = 0; i < series.length; i++) {
    if (!(series[i]! >= 0)) throw new RangeError(`counter ${series[i]} at minute ${Math.floor(i / FEATURE_COUNT)}, feature ${i % FEATURE_COUNT} is not ≥ 0`);
  }
  const out = new Uint8Array(T * FEATURE_COUNT);
  for (let t = 0; t < T; t++) applyNodeCutoffs(out, t * FEATURE_COUNT, cutoffs, series, t * FEATURE_COUNT);
  return out;
}
