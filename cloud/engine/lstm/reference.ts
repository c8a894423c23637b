/** @module Reference LSTM kernels: plain TypeScript over host arrays (float64 accumulation); the reference backend's LSTM kernels and the oracle beside the cpu (cpu/lstm.ts) and webgpu ones. */
import { at, type Arr } from "../reference/types.js";
import { bucketOf, type LstmKernels } from "./kernels.js";

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** h, c (B,T,H), gates (B,T,4H) activated [i|f|g|o] from inp (B,T,I), wIh (4H,I), wHh (4H,H), bias (4H); h0 = c0 = 0. */
export function lstmForward(h: Arr, c: Arr, gates: Arr, inp: Arr, wIh: Arr, wHh: Arr, bias: Arr, B: number, T: number, I: number, H: number): void {
  const G = 4 * H;
  const a = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = b * T + t;
      const prev = t === 0 ? -1 : bt - 1;
      for (let r = 0; r < G; r++) {
        let s = at(bias, r);
        for (let i = 0; i < I; i++) s += at(wIh, r * I + i) * at(inp, bt * I + i);
        if (prev >= 0) for (let j = 0; j < H; j++) s += at(wHh, r * H + j) * at(h, prev * H + j);
        a[r] = s;
      }
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(at(a, j));
        const fg = sigmoid(at(a, H + j));
        const gg = Math.tanh(at(a, 2 * H + j));
        const og = sigmoid(at(a, 3 * H + j));
        const cPrev = prev >= 0 ? at(c, prev * H + j) : 0;
        const cv = fg * cPrev + ig * gg;
        c[bt * H + j] = cv;
        h[bt * H + j] = og * Math.tanh(cv);
        gates[bt * G + j] = ig;
        gates[bt * G + H + j] = fg;
        gates[bt * G + 2 * H + j] = gg;
        gates[bt * G + 3 * H + j] = og;
      }
    }
  }
}

/** BPTT: dinp, dwIh, dwHh, dbias +=; dgates (B,T,4H) overwritten with the pre-activation gradients. */
export function lstmBackward(dinp: Arr, dwIh: Arr, dwHh: Arr, dbias: Arr, dgates: Arr, dh: Arr, h: Arr, c: Arr, gates: Arr, inp: Arr, wIh: Arr, wHh: Arr, B: number, T: number, I: number, H: number): void {
  const G = 4 * H;
  const dhNext = new Float64Array(H);
  const dcNext = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    dhNext.fill(0);
    dcNext.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const bt = b * T + t;
      const prev = t === 0 ? -1 : bt - 1;
      for (let j = 0; j < H; j++) {
        const ig = at(gates, bt * G + j);
        const fg = at(gates, bt * G + H + j);
        const gg = at(gates, bt * G + 2 * H + j);
        const og = at(gates, bt * G + 3 * H + j);
        const tc = Math.tanh(at(c, bt * H + j));
        const dht = at(dh, bt * H + j) + at(dhNext, j);
        const dct = at(dcNext, j) + dht * og * (1 - tc * tc);
        const cPrev = prev >= 0 ? at(c, prev * H + j) : 0;
        dgates[bt * G + j] = dct * gg * ig * (1 - ig);
        dgates[bt * G + H + j] = dct * cPrev * fg * (1 - fg);
        dgates[bt * G + 2 * H + j] = dct * ig * (1 - gg * gg);
        dgates[bt * G + 3 * H + j] = dht * tc * og * (1 - og);
        dcNext[j] = dct * fg;
      }
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let r = 0; r < G; r++) s += at(wHh, r * H + j) * at(dgates, bt * G + r);
        dhNext[j] = s;
      }
      for (let r = 0; r < G; r++) {
        const d = at(dgates, bt * G + r);
        dbias[r] = at(dbias, r) + d;
        for (let i = 0; i < I; i++) dwIh[r * I + i] = at(dwIh, r * I + i) + d * at(inp, bt * I + i);
        if (prev >= 0) for (let j = 0; j < H; j++) dwHh[r * H + j] = at(dwHh, r * H + j) + d * at(h, prev * H + j);
      }
      for (let i = 0; i < I; i++) {
        let s = 0;
        for (let r = 0; r < G; r++) s += at(wIh, r * I + i) * at(dgates, bt * G + r);
        dinp[bt * I + i] = at(dinp, bt * I + i) + s;
      }
    }
  }
}

/** out (B,Tk,C) = bucket means of inp (B,T,C). */
export function avgPoolForward(out: Arr, inp: Arr, B: number, T: number, C: number, k: number): void {
  const Tk = Math.floor(T / k);
  for (let b = 0; b < B; b++)
    for (let q = 0; q < Tk; q++)
      for (let ch = 0; ch < C; ch++) {
        let s = 0;
        for (let t = q * k; t < (q + 1) * k; t++) s += at(inp, (b * T + t) * C + ch);
        out[(b * Tk + q) * C + ch] = s / k;
      }
}

/** dinp (B,T,C) += dout (B,Tk,C) / k per bucket. */
export function avgPoolBackward(dinp: Arr, dout: Arr, B: number, T: number, C: number, k: number): void {
  const Tk = Math.floor(T / k);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < Tk * k; t++) {
      const q = Math.floor(t / k);
      for (let ch = 0; ch < C; ch++) dinp[(b * T + t) * C + ch] = at(dinp, (b * T + t) * C + ch) + at(dout, (b * Tk + q) * C + ch) / k;
    }
}

/** out (B,T,OC)[·,·,off..off+H) = h of the latest completed bucket, or 0. */
export function lastStateForward(out: Arr, h: Arr, B: number, T: number, Tk: number, H: number, k: number, OC: number, off: number): void {
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const q = Math.min(bucketOf(t, k), Tk - 1);
      for (let j = 0; j < H; j++) out[(b * T + t) * OC + off + j] = q < 0 ? 0 : at(h, (b * Tk + q) * H + j);
    }
}

/** dh (B,Tk,H) += the dout columns of the minutes that read each bucket. */
export function lastStateBackward(dh: Arr, dout: Arr, B: number, T: number, Tk: number, H: number, k: number, OC: number, off: number): void {
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const q = Math.min(bucketOf(t, k), Tk - 1);
      if (q < 0) continue;
      for (let j = 0; j < H; j++) dh[(b * Tk + q) * H + j] = at(dh, (b * Tk + q) * H + j) + at(dout, (b * T + t) * OC + off + j);
    }
}

/** Every LSTM kernel, listed explicitly (host arrays: the reference backend; they also run on cpu arena arrays). */
export const referenceLstmKernels: LstmKernels = { lstmForward, lstmBackward, avgPoolForward, avgPoolBackward, lastStateForward, lastStateBackward };
