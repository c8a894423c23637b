/**
 * @module WGSL kernels of the LSTM extension (cloud/engine/lstm): the recurrence (one workgroup per batch row
 * looping over t, h and c in workgroup memory, one barrier per step), the recurrent weight gradient, time
 * average-pooling and the causal last-state gather. The input projection runs through the engine's tiled matmul.
 */
import { grid1d, type KernelDef } from "../codegen.js";

/** Invocations per recurrence workgroup: each owns units j ≡ lidx (mod WG). */
const WG = 64;
/** The largest hidden size the recurrence kernels hold in workgroup memory. */
export const LSTM_MAX_H = 256;
const EW = 256;

const MATH = `
fn sigm(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}
fn tanh_sat(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}`;

/**
 * The recurrence, after gates (B,T,4H) was filled with W_ih·x_t + b by the matmul: per step, each invocation
 * adds W_hh·h_{t−1} to the 4 gate rows of its units, activates them in place, updates c and h.
 * Grid (B). FLOPs 2·B·T·4H·H (+5·B·T·H exp); bytes 4·B·T·(8H + 4H·H) (W_hh re-read per step, cached in practice).
 */
export const lstmRecForward: KernelDef = {
  key: "lstmRecForward",
  tensors: [{ name: "h", type: "f32", write: true }, { name: "c", type: "f32", write: true }, { name: "gates", type: "f32", write: true }, { name: "wHh", type: "f32" }],
  scalars: [{ name: "T", type: "u32" }, { name: "H", type: "u32" }],
  workgroupSize: [WG],
  prelude: `var<workgroup> hw: array<f32, ${2 * LSTM_MAX_H}>;
var<workgroup> cw: array<f32, ${LSTM_MAX_H}>;
${MATH}`,
  body: `  let b = wg_linear(wid, nwg);
  let H = u.H;
  let G = 4u * H;
  for (var j = lidx; j < H; j += ${WG}u) { hw[j] = 0.0; cw[j] = 0.0; }
  workgroupBarrier();
  var cur = 0u;
  for (var t = 0u; t < u.T; t++) {
    let bt = b * u.T + t;
    let nxt = 1u - cur;
    for (var j = lidx; j < H; j += ${WG}u) {
      var a = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
      for (var q = 0u; q < 4u; q++) {
        let r = q * H + j;
        var s = gates[bt * G + r];
        for (var m = 0u; m < H; m++) { s = fma(wHh[r * H + m], hw[cur * ${LSTM_MAX_H}u + m], s); }
        a[q] = s;
      }
      let ig = sigm(a[0]);
      let fg = sigm(a[1]);
      let gg = tanh_sat(a[2]);
      let og = sigm(a[3]);
      let cv = fg * cw[j] + ig * gg;
      let hv = og * tanh_sat(cv);
      cw[j] = cv;
      hw[nxt * ${LSTM_MAX_H}u + j] = hv;
      c[bt * H + j] = cv;
      h[bt * H + j] = hv;
      gates[bt * G + j] = ig;
      gates[bt * G + H + j] = fg;
      gates[bt * G + 2u * H + j] = gg;
      gates[bt * G + 3u * H + j] = og;
    }
    workgroupBarrier();
    cur = nxt;
  }`,
};

/**
 * Backpropagation through time: per batch row, t from T−1 down, dgates (B,T,4H) = ∂L/∂a_t (overwritten),
 * with ∂L/∂h_{t−1} = W_hhᵀ·∂L/∂a_t and ∂L/∂c_{t−1} carried in workgroup memory. Grid (B).
 * FLOPs 2·B·T·4H·H (+≈20·B·T·H); bytes 4·B·T·(12H + 4H·H).
 */
export const lstmRecBackward: KernelDef = {
  key: "lstmRecBackward",
  tensors: [{ name: "dgates", type: "f32", write: true }, { name: "dh", type: "f32" }, { name: "c", type: "f32" }, { name: "gates", type: "f32" }, { name: "wHh", type: "f32" }],
  scalars: [{ name: "T", type: "u32" }, { name: "H", type: "u32" }],
  workgroupSize: [WG],
  prelude: `var<workgroup> dhn: array<f32, ${LSTM_MAX_H}>;
var<workgroup> dcn: array<f32, ${LSTM_MAX_H}>;
var<workgroup> daw: array<f32, ${4 * LSTM_MAX_H}>;
${MATH}`,
  body: `  let b = wg_linear(wid, nwg);
  let H = u.H;
  let G = 4u * H;
  for (var j = lidx; j < H; j += ${WG}u) { dhn[j] = 0.0; dcn[j] = 0.0; }
  workgroupBarrier();
  for (var s = 0u; s < u.T; s++) {
    let t = u.T - 1u - s;
    let bt = b * u.T + t;
    for (var j = lidx; j < H; j += ${WG}u) {
      let ig = gates[bt * G + j];
      let fg = gates[bt * G + H + j];
      let gg = gates[bt * G + 2u * H + j];
      let og = gates[bt * G + 3u * H + j];
      let tc = tanh_sat(c[bt * H + j]);
      let dht = dh[bt * H + j] + dhn[j];
      let dct = dcn[j] + dht * og * (1.0 - tc * tc);
      var cp = 0.0;
      if (t > 0u) { cp = c[(bt - 1u) * H + j]; }
      let di = dct * gg * ig * (1.0 - ig);
      let df = dct * cp * fg * (1.0 - fg);
      let dg = dct * ig * (1.0 - gg * gg);
      let dop = dht * tc * og * (1.0 - og);
      daw[j] = di;
      daw[H + j] = df;
      daw[2u * H + j] = dg;
      daw[3u * H + j] = dop;
      dgates[bt * G + j] = di;
      dgates[bt * G + H + j] = df;
      dgates[bt * G + 2u * H + j] = dg;
      dgates[bt * G + 3u * H + j] = dop;
      dcn[j] = dct * fg;
    }
    workgroupBarrier();
    for (var j = lidx; j < H; j += ${WG}u) {
      var acc = 0.0;
      for (var r = 0u; r < G; r++) { acc = fma(wHh[r * H + j], daw[r], acc); }
      dhn[j] = acc;
    }
    workgroupBarrier();
  }`,
};

/** dwHh (4H,H)[r,m] += Σ_b Σ_{t≥1} dgates[b,t,r]·h[b,t−1,m]: one invocation per element. FLOPs 2·B·(T−1)·4H·H; bytes 4·B·T·4H·H/… (cached rows). */
export const lstmDwHh: KernelDef = {
  key: "lstmDwHh",
  tensors: [{ name: "dwHh", type: "f32", write: true }, { name: "dgates", type: "f32" }, { name: "h", type: "f32" }],
  scalars: [{ name: "N", type: "u32" }, { name: "B", type: "u32" }, { name: "T", type: "u32" }, { name: "H", type: "u32" }],
  workgroupSize: [EW],
  body: `  let i = wg_linear(wid, nwg) * ${EW}u + lidx;
  if (i >= u.N) { return; }
  let r = i / u.H;
  let m = i % u.H;
  let G = 4u * u.H;
  var acc = 0.0;
  for (var b = 0u; b < u.B; b++) {
    for (var t = 1u; t < u.T; t++) {
      let bt = b * u.T + t;
      acc = fma(dgates[bt * G + r], h[(bt - 1u) * u.H + m], acc);
    }
  }
  dwHh[i] = dwHh[i] + acc;`,
};

/** out (B,Tk,C) = bucket means; one invocation per output. FLOPs B·Tk·k·C; bytes 4·(B·Tk·k·C + B·Tk·C). */
export const avgPoolForward: KernelDef = {
  key: "avgPoolForward",
  tensors: [{ name: "out", type: "f32", write: true }, { name: "inp", type: "f32" }],
  scalars: [{ name: "N", type: "u32" }, { name: "T", type: "u32" }, { name: "Tk", type: "u32" }, { name: "C", type: "u32" }, { name: "k", type: "u32" }],
  workgroupSize: [EW],
  body: `  let i = wg_linear(wid, nwg) * ${EW}u + lidx;
  if (i >= u.N) { return; }
  let ch = i % u.C;
  let bq = i / u.C;
  let b = bq / u.Tk;
  let q = bq % u.Tk;
  var s = 0.0;
  for (var t = q * u.k; t < (q + 1u) * u.k; t++) { s += inp[(b * u.T + t) * u.C + ch]; }
  out[i] = s / f32(u.k);`,
};

/** dinp (B,T,C) += dout[b,⌊t/k⌋]/k for t < Tk·k; one invocation per dinp element. FLOPs 2·B·T·C; bytes 4·3·B·T·C. */
export const avgPoolBackward: KernelDef = {
  key: "avgPoolBackward",
  tensors: [{ name: "dinp", type: "f32", write: true }, { name: "dout", type: "f32" }],
  scalars: [{ name: "N", type: "u32" }, { name: "T", type: "u32" }, { name: "Tk", type: "u32" }, { name: "C", type: "u32" }, { name: "k", type: "u32" }],
  workgroupSize: [EW],
  body: `  let i = wg_linear(wid, nwg) * ${EW}u + lidx;
  if (i >= u.N) { return; }
  let ch = i % u.C;
  let bt = i / u.C;
  let b = bt / u.T;
  let t = bt % u.T;
  let q = t / u.k;
  if (q >= u.Tk) { return; }
  dinp[i] = dinp[i] + dout[(b * u.Tk + q) * u.C + ch] / f32(u.k);`,
};

/** out[b,t,off+j] = h[b, ⌊(t+1)/k⌋−1, j] or 0; one invocation per (b,t,j). Bytes 8·B·T·H. */
export const lastStateForward: KernelDef = {
  key: "lastStateForward",
  tensors: [{ name: "out", type: "f32", write: true }, { name: "h", type: "f32" }],
  scalars: [{ name: "N", type: "u32" }, { name: "T", type: "u32" }, { name: "Tk", type: "u32" }, { name: "H", type: "u32" }, { name: "k", type: "u32" }, { name: "OC", type: "u32" }, { name: "off", type: "u32" }],
  workgroupSize: [EW],
  body: `  let i = wg_linear(wid, nwg) * ${EW}u + lidx;
  if (i >= u.N) { return; }
  let j = i % u.H;
  let bt = i / u.H;
  let b = bt / u.T;
  let t = bt % u.T;
  let q1 = (t + 1u) / u.k; // bucket + 1; 0: none completed yet
  var v = 0.0;
  if (q1 > 0u) { v = h[(b * u.Tk + min(q1, u.Tk) - 1u) * u.H + j]; }
  out[bt * u.OC + u.off + j] = v;`,
};

/** dh[b,q,j] += Σ_{t: ⌊(t+1)/k⌋−1 = q} dout[b,t,off+j]; one invocation per dh element (no atomics). FLOPs B·T·H; bytes 4·(B·T·H + 2·B·Tk·H). */
export const lastStateBackward: KernelDef = {
  key: "lastStateBackward",
  tensors: [{ name: "dh", type: "f32", write: true }, { name: "dout", type: "f32" }],
  scalars: [{ name: "N", type: "u32" }, { name: "T", type: "u32" }, { name: "Tk", type: "u32" }, { name: "H", type: "u32" }, { name: "k", type: "u32" }, { name: "OC", type: "u32" }, { name: "off", type: "u32" }],
  workgroupSize: [EW],
  body: `  let i = wg_linear(wid, nwg) * ${EW}u + lidx;
  if (i >= u.N) { return; }
  let j = i % u.H;
  let bq = i / u.H;
  let b = bq / u.Tk;
  let q = bq % u.Tk;
  var t1 = (q + 2u) * u.k - 1u; // minutes [(q+1)k − 1, (q+2)k − 1) read bucket q (the last one: up to T)
  if (q + 1u == u.Tk) { t1 = u.T; }
  var acc = 0.0;
  for (var t = (q + 1u) * u.k - 1u; t < min(t1, u.T); t++) { acc += dout[(b * u.T + t) * u.OC + u.off + j]; }
  dh[i] = dh[i] + acc;`,
};

/** The grid of a one-invocation-per-element kernel over n elements. */
export const elementGrid = (n: number): [number, number] => grid1d(n / EW);
/** The grid of the recurrence kernels: one workgroup per batch row. */
export const rowGridLstm = (B: number): [number, number] => grid1d(B);
