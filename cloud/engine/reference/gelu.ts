/** @module Reference GELU (tanh approximation) forward/backward, as llm.c gelu_forward/backward. */
import { at, type Arr } from "./types.js";

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** out (N) = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function geluForward(out: Arr, inp: Arr, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = at(inp, i);
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

/** dinp (N) += GELU'(inp)·dout. */
export function geluBackward(dinp: Arr, inp: Arr, dout: Arr, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = at(inp, i);
    const u = GELU_SCALE * (x + 0.044715 * x * x * x);
    const th = Math.tanh(u);
    const sech2 = 1 - th * th; // = 1/cosh², finite for large |u|
    const grad = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
    dinp[i] = at(dinp, i) + grad * at(dout, i);
  }
}
