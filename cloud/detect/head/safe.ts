/** @module The SAFE survival loss (Zheng et al., AAAI 2019) on the window's total cumulative hazard, forward/backward in a stable form. */
import { at, type Arr } from "../../engine/reference/types.js";

/**
 * With Λ = Λ(T−1) (the cumulative hazard at the window's last minute) and c ∈ {0, 1} (1 = attack):
 *
 *   L = −[c·log(1 − S) + (1 − c)·log S],  S = e^(−Λ)
 *     = Λ − c·log(e^Λ − 1)
 *     = (1 − c)·Λ − c·log1mexp(Λ),  log1mexp(a) = log(1 − e^(−a)) computed as log(−expm1(−a)) for
 *       a ≤ ln 2 and log1p(−e^(−a)) above (Mächler 2012): no e^Λ, full relative precision for tiny
 *       Λ (≈ log Λ) and for huge Λ (≈ −e^(−Λ), where log(−expm1(−Λ)) would round to 0)
 *   dL/dΛ = 1 − c/(1 − e^(−Λ)) = (1 − c) − c/expm1(Λ)
 *
 * L ≥ 0 (both log terms are logs of probabilities). For c = 1 and Λ → 0 the loss is +∞ (S = 1: "surely
 * no attack" on an attack); Λ is floored at SAFE_MIN_LAMBDA in the c-term (L ≈ 69, dL/dΛ ≈ −1e30, finite in float32)
 * so that one such example cannot turn the gradients into Inf/NaN. Above the floor the form is exact.
 */
export const SAFE_MIN_LAMBDA = 1e-30;

/** log(1 − e^(−a)) for a > 0, accurate over the whole range. */
export function log1mexp(a: number): number {
  return a <= Math.LN2 ? Math.log(-Math.expm1(-a)) : Math.log1p(-Math.exp(-a));
}

/** The loss of one example (float64). */
export function safeLoss(lambda: number, c: number): number {
  return (1 - c) * lambda - (c === 0 ? 0 : c * log1mexp(Math.max(lambda, SAFE_MIN_LAMBDA)));
}

/** dL/dΛ of one example (float64). */
export function safeGrad(lambda: number, c: number): number {
  return 1 - c - (c === 0 ? 0 : c / Math.expm1(Math.max(lambda, SAFE_MIN_LAMBDA)));
}

/** losses (N) = SAFE(Λ = cum[n, T−1], c[n]) from cum (N, T), labels c (N). The mean loss is the mean of losses. */
export function safeForward(losses: Arr, cum: Arr, c: ArrayLike<number>, N: number, T: number): void {
  for (let n = 0; n < N; n++) losses[n] = safeLoss(at(cum, n * T + T - 1), at(c, n));
}

/** dcum (N, T) += dloss·dL/dΛ at each example's last minute (dloss = 1/N for the mean). */
export function safeBackward(dcum: Arr, cum: Arr, c: ArrayLike<number>, dloss: number, N: number, T: number): void {
  for (let n = 0; n < N; n++) {
    const i = n * T + T - 1;
    dcum[i] = at(dcum, i) + dloss * safeGrad(at(cum, i), at(c, n));
  }
}
