/** @module Reference causal multi-head attention forward/backward (llm.c attention_forward/backward), materializing the T×T matrices but visiting only t2 ≤ t. */
import { at, type Arr } from "./types.js";

/**
 * qkv (B, T, 3C) → preatt (B, NH, T, T) | null, att (B, NH, T, T), out (B, T, C).
 * Entries above the diagonal (t2 > t) of att are written 0; those of preatt are left untouched.
 */
export function attentionForward(out: Arr, preatt: Arr | null, att: Arr, qkv: Arr, B: number, T: number, C: number, NH: number): void {
  const C3 = 3 * C;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const row = new Float64Array(T); // preatt row when the caller does not keep it
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = b * T * C3 + t * C3 + h * hs;
        const a = b * NH * T * T + h * T * T + t * T;
        // pass 1: q·k and the row max
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = b * T * C3 + t2 * C3 + h * hs + C;
          let val = 0;
          for (let i = 0; i < hs; i++) val += at(qkv, q + i) * at(qkv, k + i);
          val *= scale;
          if (val > max) max = val;
          row[t2] = val;
          if (preatt !== null) preatt[a + t2] = val;
        }
        // pass 2: exp and sum (a NaN score makes max NaN-free but the sum NaN, which propagates)
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(at(row, t2) - max);
          row[t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        // pass 3: normalize, zero the masked half
        for (let t2 = 0; t2 < T; t2++) att[a + t2] = t2 <= t ? at(row, t2) * inv : 0;
        // pass 4: out = att · v
        const o = b * T * C + t * C + h * hs;
        for (let i = 0; i < hs; i++) {
          let acc = 0;
          for (let t2 = 0; t2 <= t; t2++) acc += at(att, a + t2) * at(qkv, b * T * C3 + t2 * C3 + h * hs + 2 * C + i);
          out[o + i] = acc;
        }
      }
    }
  }
}

/** dqkv (B, T, 3C) +=, dpreatt, datt (B, NH, T, T) += (scratch), from dout (B, T, C), qkv and the saved att. */
export function attentionBackward(dqkv: Arr, dpreatt: Arr, datt: Arr, dout: Arr, qkv: Arr, att: Arr, B: number, T: number, C: number, NH: number): void {
  const C3 = 3 * C;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const a = b * NH * T * T + h * T * T + t * T;
        const q = b * T * C3 + t * C3 + h * hs;
        const o = b * T * C + t * C + h * hs;
        // backward through out = att · v
        for (let t2 = 0; t2 <= t; t2++) {
          const v = b * T * C3 + t2 * C3 + h * hs + 2 * C;
          let acc = 0;
          for (let i = 0; i < hs; i++) {
            acc += at(qkv, v + i) * at(dout, o + i);
            dqkv[v + i] = at(dqkv, v + i) + at(att, a + t2) * at(dout, o + i);
          }
          datt[a + t2] = at(datt, a + t2) + acc;
        }
        // backward through softmax: dpreatt[t3] += Σ_t2 att[t2]·(δ(t2,t3) − att[t3])·datt[t2]
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += at(att, a + t2) * at(datt, a + t2);
        for (let t3 = 0; t3 <= t; t3++) dpreatt[a + t3] = at(dpreatt, a + t3) + at(att, a + t3) * (at(datt, a + t3) - dot);
        // backward through preatt = scale · q·k
        for (let t2 = 0; t2 <= t; t2++) {
          const k = b * T * C3 + t2 * C3 + h * hs + C;
          const g = at(dpreatt, a + t2) * scale;
          for (let i = 0; i < hs; i++) {
            dqkv[q + i] = at(dqkv, q + i) + at(qkv, k + i) * g;
            dqkv[k + i] = at(dqkv, k + i) + at(qkv, q + i) * g;
          }
        }
      }
    }
  }
}
