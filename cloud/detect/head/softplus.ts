/** @module Softplus forward/backward (the hazard's non-negativity), in the stable form max(x, 0) + log1p(exp(−|x|)). */
import { at, type Arr } from "../../engine/reference/types.js";

/** Legend as cloud/engine/kernels.ts; here N is an element count. */

/** out (N) = softplus(inp) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): no overflow for huge x, no 0 for moderately negative x. */
export function softplusForward(out: Arr, inp: Arr, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = at(inp, i);
    out[i] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}

/** dinp (N) += σ(inp)·dout, σ(x) = 1/(1 + e^(−x)) computed on the side of x that cannot overflow. */
export function softplusBackward(dinp: Arr, inp: Arr, dout: Arr, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = at(inp, i);
    dinp[i] = at(dinp, i) + sigmoid(x) * at(dout, i);
  }
}

/** σ(x), stable for |x| large. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus⁻¹(y) = log(eʸ − 1) = log(expm1(y)) for y > 0 (used to initialize the output bias at a chosen hazard). */
export function softplusInverse(y: number): number {
  if (!(y > 0)) throw new RangeError(`softplusInverse needs y > 0, got ${y}`);
  return y > 30 ? y + Math.log1p(-Math.exp(-y)) : Math.log(Math.expm1(y));
}
