/** @module Reference layernorm forward/backward (llm.c layernorm_forward/backward), float64 statistics. */
import { LAYERNORM_EPS } from "../kernels.js";
import { at, type Arr } from "./types.js";

/** out (BT, C) = (inp − mean)·rstd·weight + bias; saves mean (BT), rstd (BT). */
export function layernormForward(out: Arr, mean: Arr, rstd: Arr, inp: Arr, weight: Arr, bias: Arr, BT: number, C: number): void {
  for (let bt = 0; bt < BT; bt++) {
    const b = bt * C;
    let m = 0;
    for (let i = 0; i < C; i++) m += at(inp, b + i);
    m /= C;
    let v = 0;
    for (let i = 0; i < C; i++) {
      const x = at(inp, b + i) - m;
      v += x * x;
    }
    v /= C;
    const s = 1 / Math.sqrt(v + LAYERNORM_EPS);
    for (let i = 0; i < C; i++) out[b + i] = (at(inp, b + i) - m) * s * at(weight, i) + at(bias, i);
    mean[bt] = m;
    rstd[bt] = s;
  }
}

/** dinp (BT, C) +=, dweight (C) +=, dbias (C) += from dout (BT, C) and the saved mean, rstd. */
export function layernormBackward(dinp: Arr, dweight: Arr, dbias: Arr, dout: Arr, inp: Arr, weight: Arr, mean: Arr, rstd: Arr, BT: number, C: number): void {
  for (let bt = 0; bt < BT; bt++) {
    const b = bt * C;
    const m = at(mean, bt);
    const s = at(rstd, bt);
    // two reductions: mean of dnorm and mean of dnorm·norm
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let i = 0; i < C; i++) {
      const norm = (at(inp, b + i) - m) * s;
      const dnorm = at(weight, i) * at(dout, b + i);
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let i = 0; i < C; i++) {
      const norm = (at(inp, b + i) - m) * s;
      const d = at(dout, b + i);
      dbias[i] = at(dbias, i) + d;
      dweight[i] = at(dweight, i) + norm * d;
      const dnorm = at(weight, i) * d;
      dinp[b + i] = at(dinp, b + i) + (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}
