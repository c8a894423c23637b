/** @module Shared helpers of the engine's case suites: seeded float32-exact random inputs and the central-difference vector-Jacobian product used as the gradient oracle. */
import { mulberry32 } from "./rng.js";

export type Num = ArrayLike<number>;
/** Reads a[i]; the index is in range by the caller's loop bounds (noUncheckedIndexedAccess). */
export const get = (a: Num, i: number): number => a[i] as number;

/** Seeded uniform values in [lo, hi), rounded to float32 (so the oracle sees exactly what the backend sees). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const r = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(lo + (hi - lo) * r());
  return out;
}

/** Seeded integers in [0, max). */
export function randInts(n: number, seed: number, max: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.floor(r() * max));
}

/** Central-difference vector-Jacobian product: Σ_j dout[j] ∂f_j/∂x_i, in float64 (x is restored). */
export function vjp(f: (x: Float64Array) => Float64Array, x: Float64Array, dout: Num, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = get(x, i);
    x[i] = x0 + h;
    const fp = f(x);
    x[i] = x0 - h;
    const fm = f(x);
    x[i] = x0;
    let s = 0;
    for (let j = 0; j < fp.length; j++) s += get(dout, j) * (get(fp, j) - get(fm, j));
    g[i] = s / (2 * h);
  }
  return g;
}
