/** @module Raw-bin inputs for the feature ablation (our Table 9 variant): a window's bins of chosen features, scaled to [0, 1], in the (N, T, C) form the survival head reads in place of backbone hidden states. */
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { FEATURE_SUBSETS } from "../data/dataset/keep-features.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";
import type { HiddenStates } from "../detect/head/hidden.js";

/** The 6 volume features (in/out × packets, bytes, flows), catalogue indices 0..5: the paper's Table 9 subset. */
export const VOLUME_FEATURES: readonly number[] = FEATURE_SUBSETS.volume!;
export const ALL_FEATURES: readonly number[] = Array.from({ length: FEATURE_COUNT }, (_, i) => i);

/** (N, T, |features|): bin / (BIN_COUNT − 1) of windows idx (default all), minute by minute. */
export function binInputs(windows: readonly WindowRecord[], T: number, features: readonly number[], idx?: readonly number[]): HiddenStates {
  const list = idx ?? windows.map((_, i) => i);
  const C = features.length;
  const data = new Float32Array(list.length * T * C);
  const scale = 1 / (BIN_COUNT - 1);
  list.forEach((n, k) => {
    const bins = windows[n]!.bins;
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) data[(k * T + t) * C + c] = bins[t * FEATURE_COUNT + features[c]!]! * scale;
  });
  return { data, N: list.length, T, C };
}
