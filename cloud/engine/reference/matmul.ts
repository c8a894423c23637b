/** @module Reference matmul: out = inp · weightᵀ + bias, and its backward (naive triple loops, float64 accumulation). */
import { at, type Arr } from "./types.js";

/** out (BT, OC) = inp (BT, C) · weight (OC, C)ᵀ + bias (OC) | null. */
export function matmulForward(out: Arr, inp: Arr, weight: Arr, bias: Arr | null, BT: number, C: number, OC: number): void {
  for (let bt = 0; bt < BT; bt++) {
    const ib = bt * C;
    for (let o = 0; o < OC; o++) {
      const wb = o * C;
      let val = bias === null ? 0 : at(bias, o);
      for (let i = 0; i < C; i++) val += at(inp, ib + i) * at(weight, wb + i);
      out[bt * OC + o] = val;
    }
  }
}

/** dinp (BT, C) += dout · weight; dweight (OC, C) += doutᵀ · inp; dbias (OC) += Σ_bt dout. */
export function matmulBackward(dinp: Arr, dweight: Arr, dbias: Arr | null, dout: Arr, inp: Arr, weight: Arr, BT: number, C: number, OC: number): void {
  for (let bt = 0; bt < BT; bt++) {
    for (let i = 0; i < C; i++) {
      let acc = 0;
      for (let o = 0; o < OC; o++) acc += at(dout, bt * OC + o) * at(weight, o * C + i);
      dinp[bt * C + i] = at(dinp, bt * C + i) + acc;
    }
  }
  for (let o = 0; o < OC; o++) {
    for (let i = 0; i < C; i++) {
      let acc = 0;
      for (let bt = 0; bt < BT; bt++) acc += at(dout, bt * OC + o) * at(inp, bt * C + i);
      dweight[o * C + i] = at(dweight, o * C + i) + acc;
    }
    if (dbias !== null) {
      let acc = 0;
      for (let bt = 0; bt < BT; bt++) acc += at(dout, bt * OC + o);
      dbias[o] = at(dbias, o) + acc;
    }
  }
}
