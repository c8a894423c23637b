/** @module Shapes of fitted cutoffs (paper Algorithm 1), shared by fit, apply and the cutoff-table wire format. */
import { BIN_COUNT, FEATURE_COUNT } from "../features/catalogue.js";

/** Maximum number of cutoffs per feature: c_1..c_{N-1} (c_0 = 0 is implicit). */
export const MAX_CUTOFFS = BIN_COUNT - 1;

/**
 * Cutoffs of one node for all 86 features.
 *
 * `values` is (FEATURE_COUNT, MAX_CUTOFFS) row-major; row f holds c_1..c_{counts[f]} strictly
 * increasing and > 0, and the unused tail of the row is NaN. `counts[f]` is 0 when the node had
 * no non-zero value of feature f in training.
 */
export interface NodeCutoffs {
  /** (FEATURE_COUNT,) number of cutoffs per feature, 0..MAX_CUTOFFS */
  readonly counts: Uint8Array;
  /** (FEATURE_COUNT, MAX_CUTOFFS) cutoff values, NaN-padded */
  readonly values: Float64Array;
}

/** Cutoffs for a set of nodes, in a fixed node order (node = canonical IP text). */
export interface CutoffTable {
  readonly schemaHash: number;
  readonly nodes: readonly string[];
  /** One entry per node, same order as `nodes`. */
  readonly cutoffs: readonly NodeCutoffs[];
}

export function emptyNodeCutoffs(): NodeCutoffs {
  return { counts: new Uint8Array(FEATURE_COUNT), values: new Float64Array(FEATURE_COUNT * MAX_CUTOFFS).fill(Number.NaN) };
}
