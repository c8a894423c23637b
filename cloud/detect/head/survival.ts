/** @module Cumulative hazard Λ(t) = Σ_{k≤t} λ_k and survival S(t) = exp(−Λ(t)) per example, forward/backward. */
import { at, type Arr } from "../../engine/reference/types.js";

/**
 * Legend: N examples (windows), T minutes. Every tensor (N, T) is example-major.
 * With λ ≥ 0, Λ is non-decreasing and S non-increasing in t by construction.
 */

/** cum (N, T) = running sum over t of hazard (N, T), accumulated in float64. */
export function cumulativeForward(cum: Arr, hazard: Arr, N: number, T: number): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      s += at(hazard, n * T + t);
      cum[n * T + t] = s;
    }
  }
}

/** dhazard (N, T) += reverse running sum of dcum: dhazard[t] += Σ_{k≥t} dcum[k]. */
export function cumulativeBackward(dhazard: Arr, dcum: Arr, N: number, T: number): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let t = T - 1; t >= 0; t--) {
      s += at(dcum, n * T + t);
      dhazard[n * T + t] = at(dhazard, n * T + t) + s;
    }
  }
}

/** out (N) = exp(−cum) (N = examples·minutes). */
export function survivalForward(out: Arr, cum: Arr, N: number): void {
  for (let i = 0; i < N; i++) out[i] = Math.exp(-at(cum, i));
}

/** dcum (N) += −S·dout, reading the saved survival S. */
export function survivalBackward(dcum: Arr, survival: Arr, dout: Arr, N: number): void {
  for (let i = 0; i < N; i++) dcum[i] = at(dcum, i) - at(survival, i) * at(dout, i);
}
