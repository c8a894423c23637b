/** @module Reference inverted dropout with its mask from the shared counter-based hash. */
import { dropoutHash, dropoutThreshold } from "../kernels.js";
import { at, type Arr } from "./types.js";

/** mask (N): 1 where dropoutHash(seed, i) ≥ dropoutThreshold(p); out (N) = inp·mask/(1−p). p must be in [0, 1). */
export function dropoutForward(out: Arr, mask: Uint8Array, inp: Arr, N: number, p: number, seed: number): void {
  const threshold = dropoutThreshold(p);
  const scale = 1 / (1 - p);
  for (let i = 0; i < N; i++) {
    const keep = dropoutHash(seed, i) >= threshold ? 1 : 0;
    mask[i] = keep;
    out[i] = keep === 1 ? at(inp, i) * scale : 0;
  }
}

/** dinp (N) += dout·mask/(1−p). */
export function dropoutBackward(dinp: Arr, dout: Arr, mask: Uint8Array, N: number, p: number): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < N; i++) if (at(mask, i) === 1) dinp[i] = at(dinp, i) + at(dout, i) * scale;
}
