/** @module Hidden states of the frozen backbone as the heads read them: (N, T, C) float32, and gathering a batch of examples. */

/** Legend: N examples (windows), T minutes, C = d_model. */
export interface HiddenStates {
  /** (N, T, C), example-major */
  readonly data: Float32Array;
  readonly N: number;
  readonly T: number;
  readonly C: number;
}

export function checkHidden(h: HiddenStates): void {
  if (!(h.N >= 0 && h.T >= 1 && h.C >= 1) || h.data.length !== h.N * h.T * h.C) {
    throw new RangeError(`hidden states: ${h.data.length} floats for N=${h.N}, T=${h.T}, C=${h.C}`);
  }
}

/** out (B, T, C) = the rows of examples idx[0..B) (out must hold B·T·C floats). */
export function gatherExamples(out: Float32Array, h: HiddenStates, idx: ArrayLike<number>, B: number): void {
  const row = h.T * h.C;
  for (let b = 0; b < B; b++) {
    const n = idx[b]!;
    if (!(n >= 0 && n < h.N)) throw new RangeError(`example ${n} outside 0..${h.N - 1}`);
    out.set(h.data.subarray(n * row, (n + 1) * row), b * row);
  }
}

/** Deterministic Fisher–Yates shuffle in place with a uniform [0, 1) source. */
export function shuffle<T>(a: T[], next: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
