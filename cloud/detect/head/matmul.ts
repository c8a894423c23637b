/** @module Host matmul for the heads: the engine's reference matmul contract (out = inp·weightᵀ + bias) with row-contiguous inner loops, and a backward that can skip dinp (the backbone is frozen). Checked against cloud/engine/reference/matmul.ts. */
import type { Arr } from "../../engine/reference/types.js";

/** out (BT, OC) = inp (BT, C) · weight (OC, C)ᵀ + bias (OC) | null; float64 accumulation, 4-way unrolled. */
export function matmulForward(out: Arr, inp: Arr, weight: Arr, bias: Arr | null, BT: number, C: number, OC: number): void {
  const C4 = C - (C % 4);
  for (let bt = 0; bt < BT; bt++) {
    const ib = bt * C;
    for (let o = 0; o < OC; o++) {
      const wb = o * C;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let i = 0;
      for (; i < C4; i += 4) {
        a0 += inp[ib + i]! * weight[wb + i]!;
        a1 += inp[ib + i + 1]! * weight[wb + i + 1]!;
        a2 += inp[ib + i + 2]! * weight[wb + i + 2]!;
        a3 += inp[ib + i + 3]! * weight[wb + i + 3]!;
      }
      for (; i < C; i++) a0 += inp[ib + i]! * weight[wb + i]!;
      out[bt * OC + o] = (bias === null ? 0 : bias[o]!) + (a0 + a1 + a2 + a3);
    }
  }
}

/**
 * dinp (BT, C) += dout·weight (skipped when dinp is null); dweight (OC, C) += doutᵀ·inp;
 * dbias (OC) += Σ_bt dout. Rows of inp are taken four at a time so each dweight row is read and
 * written once per four rows; the inner loops are contiguous.
 */
export function matmulBackward(dinp: Arr | null, dweight: Arr, dbias: Arr | null, dout: Arr, inp: Arr, weight: Arr, BT: number, C: number, OC: number): void {
  let bt = 0;
  for (; bt + 4 <= BT; bt += 4) {
    const [i0, i1, i2, i3] = [bt * C, (bt + 1) * C, (bt + 2) * C, (bt + 3) * C];
    for (let o = 0; o < OC; o++) {
      const d0 = dout[bt * OC + o]!;
      const d1 = dout[(bt + 1) * OC + o]!;
      const d2 = dout[(bt + 2) * OC + o]!;
      const d3 = dout[(bt + 3) * OC + o]!;
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const wb = o * C;
      if (dbias !== null) dbias[o] = dbias[o]! + (d0 + d1 + d2 + d3);
      for (let i = 0; i < C; i++) dweight[wb + i] = dweight[wb + i]! + (d0 * inp[i0 + i]! + d1 * inp[i1 + i]! + d2 * inp[i2 + i]! + d3 * inp[i3 + i]!);
    }
  }
  for (; bt < BT; bt++) {
    const ib = bt * C;
    for (let o = 0; o < OC; o++) {
      const d = dout[bt * OC + o]!;
      if (d === 0) continue;
      const wb = o * C;
      if (dbias !== null) dbias[o] = dbias[o]! + d;
      for (let i = 0; i < C; i++) dweight[wb + i] = dweight[wb + i]! + d * inp[ib + i]!;
    }
  }
  if (dinp === null) return;
  for (let r = 0; r < BT; r++) {
    const ib = r * C;
    for (let o = 0; o < OC; o++) {
      const d = dout[r * OC + o]!;
      if (d === 0) continue;
      const wb = o * C;
      for (let i = 0; i < C; i++) dinp[ib + i] = dinp[ib + i]! + d * weight[wb + i]!;
    }
  }
}
