/** @module Input standardization of the heads: per-channel mean and standard deviation of the training examples' hidden states, applied while training and folded into the first layer afterwards. */
import type { HiddenStates } from "./hidden.js";
import type { MlpConfig } from "./mlp.js";
import { mlpViews } from "./mlp.js";

/**
 * Why: the frozen backbone's hidden states (after its final LayerNorm) have channels with means up
 * to ±2 and very different spreads. On raw states the survival head sat on its initial plateau
 * (SAFE loss ≈ 0.67 after 60 epochs, in our engine and in an independent PyTorch run); on
 * standardized states the same head left it within ≈ 20 epochs (docs/detection.md, "Input
 * standardization"). The statistics come from the training examples only, and are folded into
 * w1 and b1 after training, so the trained head reads raw hidden states: the exported head, the
 * manifest and the edge are unchanged.
 */
export interface InputStats {
  /** (C) per-channel mean over every minute of the training examples */
  readonly mean: Float64Array;
  /** (C) per-channel standard deviation (population); channels below MIN_STD use 1 (left unscaled) */
  readonly std: Float64Array;
}

/** A channel that (almost) never moves is centred but not scaled, so no weight is blown up. */
export const MIN_STD = 1e-4;

/** Mean and standard deviation per channel over all minutes of `examples` (default all), in float64. */
export function inputStats(h: HiddenStates, examples?: readonly number[]): InputStats {
  const { T, C } = h;
  const list = examples ?? Array.from({ length: h.N }, (_, i) => i);
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  for (const n of list) {
    const base = n * T * C;
    for (let t = 0; t < T; t++) {
      const row = base + t * C;
      for (let c = 0; c < C; c++) sum[c]! += h.data[row + c]!;
    }
  }
  const count = Math.max(1, list.length * T);
  const mean = sum.map((s) => s / count);
  // second pass around the mean: no cancellation for channels with a large offset
  for (const n of list) {
    const base = n * T * C;
    for (let t = 0; t < T; t++) {
      const row = base + t * C;
      for (let c = 0; c < C; c++) {
        const d = h.data[row + c]! - mean[c]!;
        sq[c]! += d * d;
      }
    }
  }
  const std = sq.map((s) => {
    const sd = Math.sqrt(s / count);
    return sd >= MIN_STD ? sd : 1;
  });
  return { mean, std };
}

/** (x − mean) / std of every minute of every example: a new (N, T, C) array. */
export function standardizeHidden(h: HiddenStates, s: InputStats): HiddenStates {
  const { C } = h;
  const out = new Float32Array(h.data.length);
  const inv = s.std.map((sd) => 1 / sd);
  for (let i = 0; i < h.data.length; i += C) {
    for (let c = 0; c < C; c++) out[i + c] = (h.data[i + c]! - s.mean[c]!) * inv[c]!;
  }
  return { data: out, N: h.N, T: h.T, C };
}

/**
 * Parameters of an MLP trained on standardized inputs, rewritten to read raw inputs:
 * w1'[j, c] = w1[j, c] / std[c], b1'[j] = b1[j] − Σ_c w1[j, c]·mean[c] / std[c] (float64 sums).
 * The other views are copied unchanged.
 */
export function foldInputStats(params: Float32Array, cfg: MlpConfig, s: InputStats): Float32Array {
  if (s.mean.length !== cfg.C) throw new RangeError(`input statistics for C=${s.mean.length}, MLP has C=${cfg.C}`);
  const out = params.slice();
  const p = mlpViews(params, cfg);
  const q = mlpViews(out, cfg);
  for (let j = 0; j < cfg.H; j++) {
    let shift = 0;
    for (let c = 0; c < cfg.C; c++) {
      const w = p.w1[j * cfg.C + c]! / s.std[c]!;
      q.w1[j * cfg.C + c] = w;
      shift += w * s.mean[c]!;
    }
    q.b1[j] = p.b1[j]! - shift;
  }
  return out;
}

/** What a training loop reads when standardization is on: standardized copies and the statistics to fold back. */
export interface PreparedInputs<V extends { readonly hidden: HiddenStates }> {
  readonly hidden: HiddenStates;
  readonly validation: V | undefined;
  /** null when standardization is off */
  readonly stats: InputStats | null;
}

/**
 * Statistics from the training examples (`examples`, default all), and standardized copies of the
 * training and validation hidden states (one copy when they are the same states).
 */
export function prepareInputs<V extends { readonly hidden: HiddenStates }>(hidden: HiddenStates, examples: readonly number[] | undefined, validation: V | undefined, on: boolean): PreparedInputs<V> {
  if (!on) return { hidden, validation, stats: null };
  const stats = inputStats(hidden, examples);
  const train = standardizeHidden(hidden, stats);
  const val = validation === undefined ? undefined : { ...validation, hidden: validation.hidden === hidden ? train : standardizeHidden(validation.hidden, stats) };
  return { hidden: train, validation: val, stats };
}
