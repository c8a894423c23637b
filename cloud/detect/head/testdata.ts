/** @module Synthetic hidden states for the head tests: noise, with a channel that rises from the onset in attack examples and a type-specific channel. */
import { Mulberry32 } from "../../engine/rng.js";
import type { HiddenStates } from "./hidden.js";

export interface SyntheticSet {
  readonly hidden: HiddenStates;
  readonly labels: number[];
  readonly types: string[];
  readonly onsets: (number | null)[];
}

/**
 * N examples alternating attack / non-attack; attack types cycle through `types`. Channel 0 rises by
 * `signal` from the onset (drawn in the last third) in attacks; channel 1 + type index rises too,
 * telling the types apart. Everything else is N(0, noise²).
 */
export function syntheticHidden(N: number, T: number, C: number, seed: number, types: readonly string[] = ["dns"], signal = 2, noise = 0.5): SyntheticSet {
  if (C < 1 + 1 + types.length) throw new RangeError("C too small for the type channels");
  const rng = new Mulberry32(seed);
  const data = new Float32Array(N * T * C);
  const labels: number[] = [];
  const typeOf: string[] = [];
  const onsets: (number | null)[] = [];
  for (let n = 0; n < N; n++) {
    const attack = n % 2 === 0;
    const k = Math.floor(n / 2) % types.length;
    const onset = attack ? Math.floor((2 * T) / 3) + rng.int(Math.max(1, Math.floor(T / 3) - 1)) : null;
    labels.push(attack ? 1 : 0);
    typeOf.push(types[k]!);
    onsets.push(onset);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) data[(n * T + t) * C + c] = noise * rng.normal();
      if (onset !== null && t >= onset) {
        data[(n * T + t) * C]! += signal;
        data[(n * T + t) * C + 1 + k]! += signal;
      }
    }
  }
  return { hidden: { data, N, T, C }, labels, types: typeOf, onsets };
}
