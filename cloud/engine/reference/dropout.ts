/** @module Reference inverted dropout with a mask from a seeded mulberry32 RNG. */
import { at, type Arr } from "./types.js";

/** mulberry32: uniform floats in [0, 1) from a 32-bit seed; the RNG every backend's dropout shares. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = a;
    r = Math.imul(r ^ (r >>> 15), r | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** mask (N): 1 where the uniform draw ≥ p; out (N) = inp·mask/(1−p). p must be in [0, 1). */
export function dropoutForward(out: Arr, mask: Uint8Array, inp: Arr, N: number, p: number, seed: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout p must be in [0, 1), got ${p}`);
  const rand = mulberry32(seed);
  const scale = 1 / (1 - p);
  for (let i = 0; i < N; i++) {
    const keep = rand() >= p ? 1 : 0;
    mask[i] = keep;
    out[i] = keep === 1 ? at(inp, i) * scale : 0;
  }
}

/** dinp (N) += dout·mask/(1−p). */
export function dropoutBackward(dinp: Arr, dout: Arr, mask: Uint8Array, N: number, p: number): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < N; i++) if (at(mask, i) === 1) dinp[i] = at(dinp, i) + at(dout, i) * scale;
}
