/** @module Reference reductions, residual add and row softmax (float64 accumulation). */
import { at, type Arr } from "./types.js";

/** Σ inp[0..N), float64 accumulation; NaN propagates. */
export function total(inp: Arr, N: number): number {
  let s = 0;
  for (let i = 0; i < N; i++) s += at(inp, i);
  return s;
}

/** out[0] = Σ inp[0..N). */
export function sum(out: Arr, inp: Arr, N: number): void {
  out[0] = total(inp, N);
}

/** out[0] = Σ inp[0..N) / N. */
export function mean(out: Arr, inp: Arr, N: number): void {
  out[0] = total(inp, N) / N;
}

/** out (N) = inp1 + inp2. */
export function residualForward(out: Arr, inp1: Arr, inp2: Arr, N: number): void {
  for (let i = 0; i < N; i++) out[i] = at(inp1, i) + at(inp2, i);
}

/** dinp1 += dout, dinp2 += dout. */
export function residualBackward(dinp1: Arr, dinp2: Arr, dout: Arr, N: number): void {
  for (let i = 0; i < N; i++) {
    const d = at(dout, i);
    dinp1[i] = at(dinp1, i) + d;
    dinp2[i] = at(dinp2, i) + d;
  }
}

/** out (N, V) = max-subtracted softmax of each row of inp (N, V); NaN in a row gives a NaN row. */
export function softmaxForward(out: Arr, inp: Arr, N: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const b = n * V;
    let max = -Infinity;
    let nan = false;
    for (let i = 0; i < V; i++) {
      const x = at(inp, b + i);
      if (Number.isNaN(x)) nan = true;
      if (x > max) max = x;
    }
    let s = 0;
    for (let i = 0; i < V; i++) s += Math.exp(at(inp, b + i) - max);
    for (let i = 0; i < V; i++) out[b + i] = nan ? NaN : Math.exp(at(inp, b + i) - max) / s;
  }
}
