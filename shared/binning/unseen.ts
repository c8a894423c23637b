/** @module Unseen nodes (paper §7.1): a 5-statistic signature per node and nearest-neighbour (L1) mapping to a training node. */
import { FEATURE_COUNT } from "../features/catalogue.js";

/** Per-feature mean and standard deviation over all training node-minutes. */
export interface Standardizer {
  /** (FEATURE_COUNT,) */
  readonly mean: Float64Array;
  /** (FEATURE_COUNT,) never 0: a constant feature gets std 1 */
  readonly std: Float64Array;
}

export const SIGNATURE_DIMS = 5;

/**
 * Fits the standardizer on the training nodes' series (each (T_v, FEATURE_COUNT) row-major).
 * Standardizing with statistics shared by all nodes (not per node) keeps the signature sensitive to
 * a node's volume level, which is what decides its cutoffs.
 */
export function fitStandardizer(series: readonly Float64Array[]): Standardizer {
  const mean = new Float64Array(FEATURE_COUNT);
  const sq = new Float64Array(FEATURE_COUNT);
  let rows = 0;
  for (const s of series) {
    if (s.length % FEATURE_COUNT !== 0) throw new RangeError(`series length ${s.length} is not a multiple of ${FEATURE_COUNT}`);
    rows += s.length / FEATURE_COUNT;
    for (let i = 0; i < s.length; i++) mean[i % FEATURE_COUNT]! += s[i]!;
  }
  if (rows === 0) throw new RangeError("cannot fit a standardizer on no data");
  for (let f = 0; f < FEATURE_COUNT; f++) mean[f]! /= rows;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const d = s[i]! - mean[i % FEATURE_COUNT]!;
      sq[i % FEATURE_COUNT]! += d * d;
    }
  }
  const std = new Float64Array(FEATURE_COUNT);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const sd = Math.sqrt(sq[f]! / rows);
    std[f] = sd > 0 ? sd : 1;
  }
  return { mean, std };
}

/** Nearest-rank quantile q ∈ [0, 1] of an ascending array: element at ceil(q·n) − 1 (min for q = 0). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty array");
  const i = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)]!;
}

/**
 * Signature of a node: standardize each feature over time, reduce it to
 * (min, max, p25, p50, p75) over time, then average those five over the 86 features.
 * @param series (T, FEATURE_COUNT) raw counters, T ≥ 1
 * @returns (SIGNATURE_DIMS,) [min, max, p25, p50, p75]
 */
export function nodeSignature(series: Float64Array, standardizer: Standardizer): Float64Array {
  const T = series.length / FEATURE_COUNT;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`series length ${series.length} is not T·${FEATURE_COUNT} with T ≥ 1`);
  const sig = new Float64Array(SIGNATURE_DIMS);
  const column = new Float64Array(T);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const mu = standardizer.mean[f]!;
    const sd = standardizer.std[f]!;
    for (let t = 0; t < T; t++) column[t] = (series[t * FEATURE_COUNT + f]! - mu) / sd;
    column.sort();
    sig[0]! += column[0]!;
    sig[1]! += column[T - 1]!;
    sig[2]! += quantileSorted(column, 0.25);
    sig[3]! += quantileSorted(column, 0.5);
    sig[4]! += quantileSorted(column, 0.75);
  }
  for (let i = 0; i < SIGNATURE_DIMS; i++) sig[i]! /= FEATURE_COUNT;
  return sig;
}

export function l1Distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d;
}

/** Signatures of the training nodes, searched for the nearest one. */
export interface UnseenNodeIndex {
  readonly nodes: readonly string[];
  /** (nodes.length, SIGNATURE_DIMS) */
  readonly signatures: Float64Array;
  readonly standardizer: Standardizer;
}

export function buildUnseenNodeIndex(training: ReadonlyArray<{ node: string; series: Float64Array }>): UnseenNodeIndex {
  if (training.length === 0) throw new RangeError("no training nodes to map unseen nodes to");
  const standardizer = fitStandardizer(training.map((t) => t.series));
  const signatures = new Float64Array(training.length * SIGNATURE_DIMS);
  training.forEach((t, i) => signatures.set(nodeSignature(t.series, standardizer), i * SIGNATURE_DIMS));
  return { nodes: training.map((t) => t.node), signatures, standardizer };
}

/**
 * The training node closest (L1 over the 5 statistics) to an unseen node's series; ties go to the
 * earlier training node, so the mapping is deterministic.
 */
export function nearestTrainingNode(index: UnseenNodeIndex, series: Float64Array): { node: string; distance: number } {
  const sig = nodeSignature(series, index.standardizer);
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < index.nodes.length; i++) {
    const d = l1Distance(sig, index.signatures.subarray(i * SIGNATURE_DIMS, (i + 1) * SIGNATURE_DIMS));
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return { node: index.nodes[best]!, distance: bestDistance };
}
