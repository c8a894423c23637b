/** @module Reference AdamW: one loop over one flat parameter buffer. */
import { at, type Arr } from "./types.js";

/** AdamW step t (from 1) over params, grads, m, v (N), decoupled weight decay as llm.c (and PyTorch AdamW). */
export function adamWUpdate(params: Arr, grads: Arr, m: Arr, v: Arr, N: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, t: number): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < N; i++) {
    const g = at(grads, i);
    const mi = beta1 * at(m, i) + (1 - beta1) * g;
    const vi = beta2 * at(v, i) + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const p = at(params, i);
    params[i] = p - lr * (mi / c1 / (Math.sqrt(vi / c2) + eps) + weightDecay * p);
  }
}
